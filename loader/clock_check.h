/* Whether this process's clock is the datapath's. User space stamps and
 * judges sessions with CLOCK_MONOTONIC(_COARSE) (reap.h's
 * sfw_coarse_now_ns, util/clock.h), the datapath with bpf_ktime_get_*,
 * which no time namespace shifts: inside one with a monotonic offset
 * (`unshare --time --monotonic N`, a container restored by CRIU) the two
 * differ by N seconds, and the reaper would end live sessions (N > 0) or
 * none (N < 0). sfw then refuses to run (cli/main.c). */
#ifndef SFW_LOADER_CLOCK_CHECK_H
#define SFW_LOADER_CLOCK_CHECK_H

#include <stdio.h>

/* Where the kernel shows the offsets of the caller's time namespace. */
#define SFW_TIMENS_OFFSETS "/proc/self/timens_offsets"

/* The monotonic offset in f, which has the shape of
 * /proc/PID/timens_offsets: one "clock seconds nanoseconds" line per
 * clock; the other clocks are skipped. 0 with *sec and *nsec set (0 0 when
 * f names no monotonic offset), or with the one line -EINVAL when a line
 * has another shape, -EIO when reading fails. */
int sfw_timens_monotonic(FILE *f, long long *sec, long *nsec);

/* 0 when the file at path says no monotonic offset, or does not exist
 * (a kernel without time namespaces); otherwise a negative errno with the
 * one line: the offset and what to do, or why the file could not be
 * read. */
int sfw_clock_check_at(const char *path);

/* sfw_clock_check_at(SFW_TIMENS_OFFSETS). */
int sfw_clock_check(void);

#endif
