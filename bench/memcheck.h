/* Whether this machine has the memory for a benchmark at N sessions,
 * asked before anything is allocated: a table of 10,000,000 sessions
 * (issue 15, item 7) takes gigabytes in sfw's map and as many again in
 * nf_conntrack, and the machine is shared. The estimate is generous; a
 * reserve stays free for the other work on the machine. One line on
 * stderr when it does not fit, never an out-of-memory kill. */
#ifndef SFW_BENCH_MEMCHECK_H
#define SFW_BENCH_MEMCHECK_H

#include <stdio.h>

#define MC_RESERVE_KB (4L << 20)   /* 4 GiB left to everything else */

/* MemAvailable in kB (SFW_BENCH_MEM_AVAILABLE_KB overrides it, so that the
 * refusal can be seen on any machine), or -1. */
static inline long mc_available_kb(void)
{
	const char *force = getenv("SFW_BENCH_MEM_AVAILABLE_KB");
	char line[256];
	long kb = -1;
	FILE *f;

	if (force && *force)
		return strtol(force, NULL, 10);
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* True when `sessions` at about `bytes_each` bytes apiece fit next to the
 * reserve; otherwise says so in one line. */
static inline bool mc_fits(const char *bench, long sessions, long bytes_each)
{
	long need_kb = sessions / 1024 * bytes_each + MC_RESERVE_KB;
	long avail_kb = mc_available_kb();

	if (avail_kb >= need_kb)
		return true;
	fprintf(stderr, "%s: %ld sessions need about %.1f GiB free (with %.0f GiB kept for other "
		"work), MemAvailable is %.1f GiB: not run\n", bench, sessions,
		need_kb / 1048576.0, MC_RESERVE_KB / 1048576.0, avail_kb / 1048576.0);
	return false;
}

#endif
