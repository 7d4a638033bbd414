/* Memory per session: sfw's session map against nf_conntrack, both
 * holding the same 1,000,000 connections in this run.
 *
 * sfw: the map's own accounting (the kernel's memlock / map_mem_usage, as
 * `bpftool map show` prints it), empty and full. The LRU map preallocates
 * every slot, so full minus empty is zero: the honest figure is the whole
 * map charged to its live sessions.
 * conntrack: the slab caches that grew by at least half an object per
 * entry while the entries were created (nf_conntrack itself and the
 * kmalloc cache of the extensions), objects times object size, plus the
 * hash buckets, which the sandbox sized to one per entry. Picking the
 * caches that grew by ~N objects keeps other processes' allocations out
 * of the figure on a busy machine; the growth of all unreclaimable slab
 * and the MemFree drop are printed beside it as cross-checks. */
#define _GNU_SOURCE
#include "sandbox.h"
#include "runcmd.h"
#include "sfw_fill.h"
#include "ct_fill.h"
#include <sys/utsname.h>

#define N_SESSIONS 1000000
#define TARGET 0.5           /* sfw at most half of conntrack's bytes */
#define CT_BUCKET_BYTES 8    /* struct hlist_nulls_head: one pointer */
#define CT_BUCKETS_PATH "/proc/sys/net/netfilter/nf_conntrack_buckets"

struct meminfo {
	long free_kb, sunreclaim_kb;
};

struct ct_slab {
	long active, objsize, bytes;   /* bytes: whole slabs, page granular */
};

#define MAX_CACHES 512

struct slab_cache {
	char name[64];
	long active, objsize;
};

struct slab_snap {
	struct slab_cache c[MAX_CACHES];
	int n;
};

struct figures {
	__u32 key_size, value_size, capacity;
	long memlock_empty, memlock_full;
	struct ct_slab slab0, slab1;
	struct slab_snap *snap0, *snap1;
	double grown_bytes;         /* per entry, caches that grew with it */
	char grown_names[256];
	struct meminfo mem0, mem1;
	long buckets;
};

static void read_meminfo(struct meminfo *m)
{
	char line[256];
	FILE *f = fopen("/proc/meminfo", "r");

	memset(m, 0, sizeof(*m));
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "MemFree: %ld kB", &m->free_kb);
		sscanf(line, "SUnreclaim: %ld kB", &m->sunreclaim_kb);
	}
	if (f)
		fclose(f);
}

static int read_ct_slab(struct ct_slab *s)
{
	long num, per_slab, pages, slabs;
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "r");
	int found = 0;

	memset(s, 0, sizeof(*s));
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "nf_conntrack %ld %ld %ld %ld %ld : tunables %*d %*d %*d "
			       ": slabdata %*d %ld", &s->active, &num, &s->objsize, &per_slab,
			       &pages, &slabs) == 6;
	if (f)
		fclose(f);
	if (found)
		s->bytes = slabs * pages * sysconf(_SC_PAGESIZE);
	return found ? 0 : -1;
}

static void snap_slabs(struct slab_snap *s)
{
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "r");

	s->n = 0;
	while (f && s->n < MAX_CACHES && fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%63s %ld %*d %ld", s->c[s->n].name,
					     &s->c[s->n].active, &s->c[s->n].objsize) == 3)
			s->n++;
	if (f)
		fclose(f);
}

/* Bytes per entry in the caches that grew by at least N/2 objects. */
static void slab_growth(struct figures *fg)
{
	size_t len = 0;

	fg->grown_bytes = 0;
	fg->grown_names[0] = '\0';
	for (int i = 0; i < fg->snap1->n; i++) {
		const struct slab_cache *a = &fg->snap1->c[i];
		long before = 0, grew;

		for (int j = 0; j < fg->snap0->n; j++)
			if (!strcmp(fg->snap0->c[j].name, a->name))
				before = fg->snap0->c[j].active;
		grew = a->active - before;
		if (grew < N_SESSIONS / 2)
			continue;
		fg->grown_bytes += (double)grew * (double)a->objsize / N_SESSIONS;
		if (len < sizeof(fg->grown_names))
			len += (size_t)snprintf(fg->grown_names + len, sizeof(fg->grown_names) - len,
						"%s%s %.2f x %ld", len ? " + " : "", a->name,
						(double)grew / N_SESSIONS, a->objsize);
	}
}

/* The map's memlock line in our fdinfo: the kernel's own accounting. */
static long map_memlock(int fd)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* Entries of a namespace torn down by an earlier benchmark are freed in
 * the background; wait for them so they don't shrink our delta. */
static void wait_ct_quiet(void)
{
	struct ct_slab s;

	for (int i = 0; i < 300 && !read_ct_slab(&s) && s.active > 10000; i++)
		usleep(100000);
}

static int measure_sfw(struct figures *fg)
{
	struct sf_env e = { 0 };	/* capacity 0: the default table */
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (sf_load(&e) || bpf_obj_get_info_by_fd(e.sessions_fd, &info, &len))
		return -1;
	fg->key_size = info.key_size;
	fg->value_size = info.value_size;
	fg->capacity = info.max_entries;
	fg->memlock_empty = map_memlock(e.sessions_fd);
	if (sf_fill(&e, N_SESSIONS, 0) || sf_count(&e) != N_SESSIONS)
		return fprintf(stderr, "session_memory: cannot fill the session map\n"), -1;
	fg->memlock_full = map_memlock(e.sessions_fd);
	return fg->memlock_full > 0 ? 0 : -1;
}

static int measure_ct(struct figures *fg)
{
	static struct ct_sock c;

	wait_ct_quiet();
	if (ct_open(&c) || read_ct_slab(&fg->slab0))
		return fprintf(stderr, "session_memory: no nf_conntrack slab\n"), -1;
	fg->snap0 = calloc(1, sizeof(*fg->snap0));
	fg->snap1 = calloc(1, sizeof(*fg->snap1));
	if (!fg->snap0 || !fg->snap1)
		return -1;
	snap_slabs(fg->snap0);
	read_meminfo(&fg->mem0);
	if (ct_fill(&c, N_SESSIONS, 0) || c.failed || sb_read_long(CT_COUNT_PATH) != N_SESSIONS)
		return fprintf(stderr, "session_memory: conntrack fill failed\n"), -1;
	read_meminfo(&fg->mem1);
	read_ct_slab(&fg->slab1);
	snap_slabs(fg->snap1);
	slab_growth(fg);
	fg->buckets = sb_read_long(CT_BUCKETS_PATH);
	return 0;
}

static void report(const struct figures *fg, FILE *json)
{
	double n = N_SESSIONS;
	double sfw = (double)fg->memlock_full / n, slot = (double)fg->memlock_full / fg->capacity;
	double bucket = (double)fg->buckets * CT_BUCKET_BYTES / n;
	double unrecl = (double)(fg->mem1.sunreclaim_kb - fg->mem0.sunreclaim_kb) * 1024 / n;
	double slab = (double)(fg->slab1.bytes - fg->slab0.bytes) / n;
	double memfree = (double)(fg->mem0.free_kb - fg->mem1.free_kb) * 1024 / n;
	double ct = fg->grown_bytes + bucket, ratio = sfw / ct;
	struct utsname u;

	uname(&u);
	printf("memory per session at %d sessions (bytes), Linux %s\n", N_SESSIONS, u.release);
	printf("  sfw map (key %u + value %u, %u slots): memlock %ld empty, %ld full\n",
	       fg->key_size, fg->value_size, fg->capacity, fg->memlock_empty, fg->memlock_full);
	printf("  %-44s %8.1f  (%.1f per slot; full - empty = %ld)\n",
	       "sfw, whole map / live sessions", sfw, slot, fg->memlock_full - fg->memlock_empty);
	printf("  %-44s %8.1f  (slab %.1f + buckets %.1f)\n", "nf_conntrack, per entry", ct,
	       fg->grown_bytes, bucket);
	printf("    slab objects per entry: %s\n", fg->grown_names);
	printf("  %-44s %8.1f  (object %ld)\n", "  the nf_conntrack cache's pages", slab,
	       fg->slab1.objsize);
	printf("  %-44s %8.1f\n", "  cross-check: unreclaimable slab growth", unrecl);
	printf("  %-44s %8.1f\n", "  cross-check: MemFree drop", memfree);
	printf("  sfw / conntrack: %.2f (target <= %.2f: %s)\n", ratio, TARGET,
	       ratio <= TARGET ? "met" : "MISSED");
	fprintf(json, "{\"benchmark\": \"session_memory\", \"sessions\": %d, \"kernel\": \"%s\",\n"
		" \"sfw\": {\"key_size\": %u, \"value_size\": %u, \"max_entries\": %u, "
		"\"memlock_empty\": %ld, \"memlock_full\": %ld, \"bytes_per_session\": %.1f, "
		"\"bytes_per_slot\": %.1f},\n"
		" \"conntrack\": {\"object_size\": %ld, \"slab_bytes_per_entry\": %.1f, "
		"\"slab_objects_per_entry\": %.1f, \"slab_caches\": \"%s\", "
		"\"unreclaimable_slab_per_entry\": %.1f, \"bucket_bytes_per_entry\": %.1f, "
		"\"memfree_drop_per_entry\": %.1f, \"bytes_per_entry\": %.1f},\n"
		" \"ratio\": %.3f, \"target\": %.2f, \"met\": %s}\n",
		N_SESSIONS, u.release, fg->key_size, fg->value_size, fg->capacity,
		fg->memlock_empty, fg->memlock_full, sfw, slot, fg->slab1.objsize, slab, fg->grown_bytes,
		fg->grown_names, unrecl, bucket, memfree, ct, ratio, TARGET, ratio <= TARGET ? "true" : "false");
}

static int bench(void *arg)
{
	struct figures fg = { 0 };
	FILE *json;

	if (measure_ct(&fg) || measure_sfw(&fg))
		return 1;
	json = fopen(arg, "w");
	if (!json)
		return perror(arg), 1;
	report(&fg, json);
	return fclose(json) ? 1 : 0;
}

int main(int argc, char **argv)
{
	char *out = argc > 1 ? argv[1] : "build/bench/session_memory.json";

	return sb_run(N_SESSIONS, bench, out);
}
