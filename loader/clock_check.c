/* The time namespace check (clock_check.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "clock_check.h"
#include "err.h"

#define WS " \t\n"

/* Linux 5.6 showed the clock by its number (CLOCK_MONOTONIC is 1), later
 * kernels by its name: both are read. */
static bool is_monotonic(const char *clock)
{
	return !strcmp(clock, "monotonic") || !strcmp(clock, "1");
}

/* A whole decimal word, in range: a cut or wrapped offset would say 0
 * for one that is not. */
static bool word_ll(const char *w, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(w, &end, 10);
	return end != w && !*end && !errno;
}

/* One line's three words; false when it has another shape. */
static bool parse_line(char *line, char **clock, long long *sec, long *nsec)
{
	char *save, *s, *n;
	long long ns;

	*clock = strtok_r(line, WS, &save);
	s = strtok_r(NULL, WS, &save);
	n = strtok_r(NULL, WS, &save);
	if (!n || strtok_r(NULL, WS, &save) || !word_ll(s, sec) || !word_ll(n, &ns))
		return false;
	*nsec = (long)ns;
	return ns >= 0 && ns < 1000000000;
}

/* A line of blanks says nothing (the kernel writes none). */
static bool blank(const char *line)
{
	return line[strspn(line, WS)] == '\0';
}

int sfw_timens_monotonic(FILE *f, long long *sec, long *nsec)
{
	char *line = NULL, *clock, quoted[SFW_QUOTE_LEN];
	size_t cap = 0;
	unsigned no = 0;
	long long s;
	long ns;
	int err = 0;

	*sec = 0;
	*nsec = 0;
	while (!err && getline(&line, &cap, f) >= 0) {
		no++;
		line[strcspn(line, "\n")] = '\0';
		if (blank(line))
			continue;
		sfw_quote(line, SFW_QUOTE_MAX, quoted, sizeof(quoted));
		if (!parse_line(line, &clock, &s, &ns))
			err = sfw_fail(EINVAL, "line %u is not `clock seconds nanoseconds`: %s",
				       no, quoted);
		/* any offset at all: a second line cannot take it back */
		else if (is_monotonic(clock) && (s || ns)) {
			*sec = s;
			*nsec = ns;
		}
	}
	free(line);
	/* cut short, what was read says nothing of the rest */
	if (!err && ferror(f))
		err = sfw_fail(EIO, "read error after line %u", no);
	return err;
}

/* The one line: the offset as the file gives it. */
static int refuse(long long sec, long nsec)
{
	char ns[32] = "";

	if (nsec)
		snprintf(ns, sizeof(ns), " %ld ns", nsec);
	return sfw_fail(EPERM, "running in a time namespace (monotonic offset %lld s%s): "
			"the datapath's clock and this process's differ; run sfw in the "
			"host's time namespace", sec, ns);
}

int sfw_clock_check_at(const char *path)
{
	FILE *f = fopen(path, "re");
	char why[SFW_ERR_MAX];
	long long sec;
	long nsec;
	int err;

	if (!f && errno == ENOENT)
		return 0;
	if (!f)
		return sfw_fail(errno, "cannot read %s: %s", path, strerror(errno));
	err = sfw_timens_monotonic(f, &sec, &nsec);
	fclose(f);
	if (err) {
		snprintf(why, sizeof(why), "%s", sfw_last_error());
		return sfw_fail(-err, "cannot read %s: %s", path, why);
	}
	return sec || nsec ? refuse(sec, nsec) : 0;
}

int sfw_clock_check(void)
{
	return sfw_clock_check_at(SFW_TIMENS_OFFSETS);
}
