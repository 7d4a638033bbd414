/* Loading and running the session reaper (bpf/reap.bpf.c). The object is
 * loaded on the maps already in use (pinned ones, or a test's), never
 * pinning anything itself: its batch lives in its own global data, so
 * every process that reaps has a private one. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"
#include "reap.h"
#include "sess_stats.h"
#include "ksweep.h"
#include "reap.skel.h"

struct sfw_reaper {
	struct reap *skel;
};

/* Maps the reaper reads or writes: without them it would act on a private
 * empty copy, silently. The others are merely declared in the object. */
static bool map_needed(const char *name)
{
	static const char *const needed[] = {
		SFW_STR(SFW_MAP_SESSIONS), SFW_STR(SFW_MAP_CONFIG), SFW_STR(SFW_MAP_EVENTS),
		SFW_STR(SFW_MAP_MON_EVENTS), SFW_STR(SFW_MAP_EV_LOST), SFW_STR(SFW_MAP_TALLY),
		SFW_STR(SFW_MAP_SESS_STATS), SFW_STR(SFW_MAP_NAT_PORTS),
	};

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (!strcmp(name, needed[i]))
			return true;
	return false;
}

static int pinned_fd(const char *name, void *arg)
{
	return sfw_open_pin(name, true);
}

/* Every declared map takes the fd in use; none is pinned by this object
 * (a cleared pin path: libbpf would otherwise pin under /sys/fs/bpf). */
static int reuse_maps(struct reap *skel, int (*map_fd)(const char *, void *), void *arg)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, skel->obj) {
		const char *name = bpf_map__name(map);
		int fd, err;

		if (bpf_map__is_internal(map))
			continue;
		bpf_map__set_pin_path(map, NULL);
		fd = map_fd(name, arg);
		if (fd == -SFW_ELAYOUT)
			return fd;   /* said which, and to detach all */
		if (fd < 0) {
			if (map_needed(name))
				return sfw_fail(ENOENT, "sfw is not loaded, or loaded by an older "
						"version (no map %s): attach or reload first", name);
			continue;
		}
		err = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (err)
			return sfw_fail(-err, "cannot reuse map %s: %s", name, strerror(-err));
	}
	return 0;
}

/* ksweep: with the kernel sweep's program, which only attach needs (its
 * verification costs every `clear` and `commit` tens of milliseconds). */
static int reaper_open(struct sfw_reaper **out, int (*map_fd)(const char *name, void *arg),
		       void *arg, bool ksweep)
{
	struct sfw_reaper *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return sfw_fail(ENOMEM, "out of memory");
	r->skel = reap__open();
	if (!r->skel) {
		err = sfw_fail(errno, "cannot open the reaper: %s", strerror(errno));
		goto fail;
	}
	err = reuse_maps(r->skel, map_fd, arg);
	if (err)
		goto fail;
	bpf_program__set_autoload(r->skel->progs.sfw_ksweep_arm, ksweep);
	err = reap__load(r->skel);
	if (err) {
		err = sfw_fail(-err, "cannot load the reaper: %s", strerror(-err));
		goto fail;
	}
	*out = r;
	return 0;
fail:
	sfw_reaper_close(r);
	return err;
}

int sfw_reaper_open_fds(struct sfw_reaper **out, int (*map_fd)(const char *name, void *arg),
			void *arg)
{
	return reaper_open(out, map_fd, arg, false);
}

int sfw_reaper_open(struct sfw_reaper **out)
{
	return reaper_open(out, pinned_fd, NULL, false);
}

int sfw_ksweep_open_fds(struct sfw_reaper **out, int (*map_fd)(const char *name, void *arg),
			void *arg)
{
	return reaper_open(out, map_fd, arg, true);
}

int sfw_ksweep_open(struct sfw_reaper **out)
{
	return reaper_open(out, pinned_fd, NULL, true);
}

void sfw_reaper_close(struct sfw_reaper *r)
{
	if (!r)
		return;
	reap__destroy(r->skel);
	free(r);
}

__u64 sfw_coarse_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

/* Runs one of the object's programs on the batch ents. */
static int run_batch(struct sfw_reaper *r, struct bpf_program *prog, struct sfw_reap_entry *ents,
		     __u32 n, enum sfw_close_reason reason, bool expired_only)
{
	struct sfw_reap_ctx ctx = { .now_ns = sfw_coarse_now_ns() };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));
	struct reap__bss *bss = r->skel->bss;
	int err;

	if (n > SFW_REAP_BATCH)
		return sfw_fail(EINVAL, "reaper batch of %u entries (at most %u)", n,
				SFW_REAP_BATCH);
	memcpy(bss->reap_batch, ents, n * sizeof(*ents));
	bss->reap_count = n;
	bss->reap_reason = reason;
	bss->reap_expired_only = expired_only;
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		return sfw_fail(-err, "running the reaper: %s", strerror(-err));
	memcpy(ents, bss->reap_batch, n * sizeof(*ents));
	return (int)bss->reap_removed;
}

int sfw_reaper_run(struct sfw_reaper *r, struct sfw_reap_entry *ents, __u32 n,
		   enum sfw_close_reason reason, bool expired_only)
{
	return run_batch(r, r->skel->progs.sfw_reap, ents, n, reason, expired_only);
}

int sfw_reaper_adopt(struct sfw_reaper *r, struct sfw_reap_entry *ents, __u32 n)
{
	return run_batch(r, r->skel->progs.sfw_adopt, ents, n, SFW_CLOSE_NONE, false);
}

/* A tc program: run on a frame of nothing, whose content it never reads
 * (a test run wants at least an Ethernet header). */
int sfw_ksweep_arm(struct sfw_reaper *r, __u64 period_ns, __u64 hold_max_ns)
{
	unsigned char frame[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame));
	int err;

	if (bpf_program__fd(r->skel->progs.sfw_ksweep_arm) < 0)
		return sfw_fail(EINVAL, "the reaper was opened without the kernel's sweep");
	r->skel->bss->ksweep_period_ns = period_ns;
	r->skel->bss->ksweep_hold_max_ns = hold_max_ns;
	err = bpf_prog_test_run_opts(bpf_program__fd(r->skel->progs.sfw_ksweep_arm), &opts);
	if (err)
		return sfw_fail(-err, "cannot arm the kernel's sweep: %s", strerror(-err));
	if (opts.retval)
		return sfw_fail(EINVAL, "cannot arm the kernel's sweep (step %u)", opts.retval);
	return 0;
}

int sfw_ksweep_start(void)
{
	struct sfw_reaper *r;
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_KSWEEP), true), err;

	/* without the pin the timer would die with this process */
	if (fd < 0)
		return fd == -ENOENT ? sfw_fail(ENOENT, "no map %s: reload sfw so that ageing "
						"needs no session daemon", SFW_STR(SFW_MAP_KSWEEP))
				     : fd;
	close(fd);
	err = sfw_ksweep_open(&r);
	if (err)
		return err;
	err = sfw_ksweep_arm(r, SFW_KSWEEP_PERIOD_MS * 1000000ull, SFW_KSWEEP_HOLD_MAX_NS);
	sfw_reaper_close(r);
	return err;
}
