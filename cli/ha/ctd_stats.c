/* conntrackd's statistics, read from its own report (`conntrackd -s`, and
 * `-s runtime` for the resynchronisations): what the cluster statistics
 * show as sent, received, lost and resynced. conntrackd has no other
 * interface for them; its layout has been stable across releases. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cluster_cmd.h"

enum section { S_NONE, S_INTERNAL, S_INJECT, S_UDP, S_TRACKING, S_NETLINK };

static enum section section_of(const char *line)
{
	if (!strncmp(line, "cache internal:", 15))
		return S_INTERNAL;
	if (!strncmp(line, "external inject:", 16))
		return S_INJECT;
	if (!strncmp(line, "UDP traffic", 11) || !strncmp(line, "Multicast traffic", 17))
		return S_UDP;
	if (!strncmp(line, "message tracking:", 17))
		return S_TRACKING;
	if (!strncmp(line, "netlink stats:", 14))
		return S_NETLINK;
	return S_NONE;
}

/* "connections created:   N   failed:   M" */
static void connections(const char *line, __u64 *created, __u64 *updated, __u64 *destroyed,
			__u64 *failed)
{
	unsigned long long n = 0, f = 0;
	__u64 *into = strstr(line, "created:") ? created : strstr(line, "updated:") ? updated
		      : strstr(line, "destroyed:") ? destroyed : NULL;
	const char *colon = strchr(line, ':');

	if (!into || !colon || sscanf(colon + 1, "%llu failed: %llu", &n, &f) < 1)
		return;
	*into = n;
	if (failed)
		*failed += f;
}

static void udp(const char *line, struct sfw_ctd_stats *st)
{
	unsigned long long a, b;

	if (sscanf(line, " %llu Bytes sent %llu Bytes recv", &a, &b) == 2) {
		st->bytes_sent = a;
		st->bytes_recv = b;
	} else if (sscanf(line, " %llu Pckts sent %llu Pckts recv", &a, &b) == 2) {
		st->pkts_sent = a;
		st->pkts_recv = b;
	} else if (sscanf(line, " %llu Error send %llu Error recv", &a, &b) == 2) {
		st->send_errors = a;
		st->recv_errors = b;
	}
}

int sfw_ctd_stats_parse(const char *text, struct sfw_ctd_stats *st)
{
	enum section sec = S_NONE;
	char line[256];
	const char *p = text;
	bool seen = false;

	memset(st, 0, sizeof(*st));
	while (*p) {
		size_t n = strcspn(p, "\n");
		unsigned long long a, b;

		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), p);
		p += n + (p[n] == '\n');
		/* headers sit at the margin, and so do some figures */
		if (section_of(line) != S_NONE) {
			sec = section_of(line);
			seen = true;
			continue;
		}
		if (line[0] && line[0] != ' ' && line[0] != '\t' && !strstr(line, "connections"))
			sec = S_NONE;   /* a section of no interest */
		if (sec == S_INTERNAL)
			connections(line, &st->int_created, &st->int_updated, &st->int_destroyed, NULL);
		else if (sec == S_INJECT)
			connections(line, &st->ext_created, &st->ext_updated, &st->ext_destroyed,
				    &st->ext_failed);
		else if (sec == S_UDP)
			udp(line, st);
		else if (sec == S_TRACKING &&
			 sscanf(line, " %llu Malformed msgs %llu Lost msgs", &a, &b) == 2) {
			st->malformed = a;
			st->msgs_lost = b;
		} else if (sec == S_NETLINK && sscanf(line, " resync with kernel table: %llu", &a) == 1) {
			st->resyncs = a;
		}
	}
	st->ok = seen;
	return seen ? 0 : -EINVAL;
}
