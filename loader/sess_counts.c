/* Reading the session counters: one lookup of a per-CPU array, summed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"
#include "reap.h"
#include "sess_counts.h"

/* Per-CPU values sit at 8-byte strides; the struct is all 8-byte fields. */
SFW_STATIC_ASSERT(sizeof(struct sfw_sess_stats) % 8 == 0, "per-CPU stride");

static __u64 floor0(__s64 v)
{
	return v > 0 ? (__u64)v : 0;
}

static void add_cpu(__s64 *sum, const struct sfw_sess_stats *c)
{
	const __s64 *v = (const __s64 *)c;

	for (size_t i = 0; i < sizeof(*c) / sizeof(*v); i++)
		sum[i] += v[i];
}

int sfw_sess_totals_read(int stats_fd, struct sfw_sess_totals *out)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	struct sfw_sess_stats *pc, sum;
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (ncpu <= 0)
		return ncpu < 0 ? ncpu : -EINVAL;
	pc = calloc((size_t)ncpu, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	if (bpf_map_lookup_elem(stats_fd, &zero, pc)) {
		err = -errno;
		goto out;
	}
	memset(&sum, 0, sizeof(sum));
	for (int cpu = 0; cpu < ncpu; cpu++)
		add_cpu((__s64 *)&sum, &pc[cpu]);
	for (int f = 0; f < 2; f++)
		for (int p = 0; p < 256; p++) {
			out->active[f][p] = floor0(sum.active[f][p]);
			out->total += out->active[f][p];
		}
	for (int i = 0; i < SFW_SESS_TCP_SLOTS; i++)
		out->tcp[i] = floor0(sum.tcp[i]);
	for (int i = 0; i < SFW_SESS_CLOSE_SLOTS; i++)
		out->closed[i] = sum.closed[i];
	out->invalidated = floor0(sum.invalidated);
	out->multicast = floor0(sum.multicast);
	out->created = sum.created;
out:
	free(pc);
	return err;
}

bool sfw_sess_counters_pinned(void)
{
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SESS_STATS), true);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int sfw_sess_totals_live(struct sfw_sess_totals *out)
{
	struct sfw_sess_meta meta = { 0 };
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SESS_STATS), true), err;
	__u32 zero = 0;

	if (fd < 0)
		return fd;
	err = sfw_sess_totals_read(fd, out);
	close(fd);
	if (err)
		return err;
	/* without the meta map nothing says the counters are whole */
	fd = sfw_open_pin(SFW_STR(SFW_MAP_SESS_META), true);
	out->partial = fd < 0 || bpf_map_lookup_elem(fd, &zero, &meta) || meta.partial;
	if (fd >= 0)
		close(fd);
	return 0;
}

/* Upgrades. A version without counters left sessions that carry no
 * SFW_TALLY_COUNTED: they are in no counter, and their end takes nothing
 * back, so the counters stay consistent but miss them. The load that
 * creates the counters beside such a table marks them partial; once the
 * older programs are gone, sfw_sess_adopt counts what is there (the
 * reaper object's sfw_adopt) and clears the mark. */
static int meta_rw(struct sfw_sess_meta *m, bool write)
{
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SESS_META), true), err = 0;
	__u32 zero = 0;

	if (fd < 0)
		return fd;
	if (write ? bpf_map_update_elem(fd, &zero, m, BPF_ANY) : bpf_map_lookup_elem(fd, &zero, m))
		err = -errno;
	close(fd);
	return err;
}

int sfw_sess_mark_partial(void)
{
	struct sfw_sess_meta m = { .partial = 1 };
	int err = meta_rw(&m, true);

	return err ? sfw_fail(-err, "cannot mark the session counters: %s", strerror(-err)) : 0;
}

#define ADOPT_CHUNK SFW_REAP_BATCH

/* Counts, through the reaper, the sessions of one batch lookup. */
static int adopt_chunk(struct sfw_reaper *r, const struct sfw_session_key *keys, __u32 n,
		       struct sfw_reap_entry *ents)
{
	for (__u32 i = 0; i < n; i++) {
		memset(&ents[i], 0, sizeof(ents[i]));
		ents[i].key = keys[i];
	}
	return n ? sfw_reaper_adopt(r, ents, n) : 0;
}

static int adopt_walk(struct sfw_reaper *r, int fd)
{
	struct sfw_session_key *keys = calloc(ADOPT_CHUNK, sizeof(*keys));
	struct sfw_session *vals = calloc(ADOPT_CHUNK, sizeof(*vals));
	struct sfw_reap_entry *ents = calloc(ADOPT_CHUNK, sizeof(*ents));
	__u32 in = 0, out = 0, count;
	bool first = true;
	int err = keys && vals && ents ? 0 : -ENOMEM;

	while (!err) {
		count = ADOPT_CHUNK;
		err = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys, vals, &count, NULL);
		if (err && err != -ENOENT)
			break;
		first = false;
		in = out;
		int r2 = adopt_chunk(r, keys, count, ents);

		if (r2 < 0)
			err = r2;
		else if (err == -ENOENT)
			err = 1;   /* the walk is complete */
	}
	free(keys);
	free(vals);
	free(ents);
	return err == 1 ? 0 : err;
}

int sfw_sess_adopt(void)
{
	struct sfw_sess_meta m = { 0 };
	struct sfw_reaper *r = NULL;
	int fd, err = meta_rw(&m, false);

	if (err || !m.partial)
		return err == -ENOENT ? 0 : err;
	fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));
	if (fd < 0)
		return fd;
	err = sfw_reaper_open(&r);
	if (!err)
		err = adopt_walk(r, fd);
	sfw_reaper_close(r);
	close(fd);
	if (!err) {
		m.partial = 0;
		err = meta_rw(&m, true);
	}
	return err ? sfw_fail(-err, "cannot count the sessions already in the table: %s",
			      strerror(-err)) : 0;
}
