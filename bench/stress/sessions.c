/* The stress scripts' view of the pinned session table ($SFW_PIN_ROOT),
 * read straight from the map in batches (independent of sfw's CLI, and
 * fast at a million sessions, where a bpftool JSON dump takes minutes):
 *
 *   sessions snap PORT FILE [PROTO]  sessions of PROTO (default TCP) with
 *                               PORT on either side, as JSON {id: {key,
 *                               pkts, bytes, tcp_state, state}}
 *                               (bench/stress/stress.py compare reads it)
 *   sessions count [PORT]       how many (TCP with PORT on either side)
 *   sessions policies PROTO     "policy-id count" per policy, PROTO only
 *   sessions check              every session well-formed (stress.h):
 *                               "N wrong" and the first one's reason */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include "stress.h"
#include "maps.h"

struct query {
	int port, proto;
	long n, wrong;
	char why[160];
	FILE *out;
	const char *sep;
	__u64 per_policy[SFW_MAX_POLICY_INDEX];   /* every policy index (include/policy.h) */
};

/* A port filter goes with a protocol, TCP unless said: the generator's
 * UDP tuples run through every port, the connections' too. */
static bool has_port(const struct sfw_session_key *k, int port, int proto)
{
	return port < 0 || (k->proto == (proto < 0 ? 6 : proto) &&
			    (ntohs(k->port_lo) == port || ntohs(k->port_hi) == port));
}

static void hex(FILE *f, const union sfw_addr *a)
{
	for (int i = 0; i < 16; i++)
		fprintf(f, "%02x", a->bytes[i]);
}

static int snap_one(const struct sfw_session_key *k, const struct sfw_session *v, void *arg)
{
	struct query *q = arg;

	if (!has_port(k, q->port, q->proto))
		return 0;
	fprintf(q->out, "%s\"%llu\": {\"key\": [\"", q->sep, (unsigned long long)v->id);
	hex(q->out, &k->addr_lo);
	fprintf(q->out, "\", %u, \"", ntohs(k->port_lo));
	hex(q->out, &k->addr_hi);
	fprintf(q->out, "\", %u, %u], \"pkts\": [%llu, %llu], \"bytes\": [%llu, %llu], "
		"\"tcp_state\": %u, \"state\": %u}", ntohs(k->port_hi), k->proto,
		(unsigned long long)v->wing[0].packets, (unsigned long long)v->wing[1].packets,
		(unsigned long long)v->wing[0].bytes, (unsigned long long)v->wing[1].bytes,
		v->tcp_state, v->state);
	q->sep = ", ";
	q->n++;
	return 0;
}

static int count_one(const struct sfw_session_key *k, const struct sfw_session *v, void *arg)
{
	struct query *q = arg;
	const char *why = st_session_wrong(k, v);

	if (why && !q->wrong++)
		snprintf(q->why, sizeof(q->why), "session %llu: %s", (unsigned long long)v->id, why);
	if ((q->port < 0 || has_port(k, q->port, -1)) && (q->proto < 0 || k->proto == q->proto)) {
		q->n++;
		q->per_policy[v->policy_id < SFW_MAX_POLICY_INDEX ? v->policy_id : 0]++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct query q = { .port = -1, .proto = -1, .sep = "" };
	const char *cmd = argc > 1 ? argv[1] : "";
	long n;
	int fd;

	sfw_log_init();
	fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));
	if (fd < 0)
		return fprintf(stderr, "sessions: %s\n", sfw_last_error()), 1;
	if (!strcmp(cmd, "snap") && (argc == 4 || argc == 5)) {
		q.port = atoi(argv[2]);
		q.proto = argc == 5 ? atoi(argv[4]) : -1;
		q.out = fopen(argv[3], "w");
		if (!q.out)
			return perror(argv[3]), 1;
		fprintf(q.out, "{");
		n = st_walk(fd, snap_one, &q);
		fprintf(q.out, "}\n");
		if (fclose(q.out) || n < 0)
			return 1;
		printf("%ld\n", q.n);
		return 0;
	}
	if (!strcmp(cmd, "count") || !strcmp(cmd, "policies") || !strcmp(cmd, "check")) {
		if (!strcmp(cmd, "count") && argc > 2)
			q.port = atoi(argv[2]);
		if (!strcmp(cmd, "policies"))
			q.proto = argc > 2 ? atoi(argv[2]) : -1;
		if (st_walk(fd, count_one, &q) < 0)
			return 1;
		if (!strcmp(cmd, "count"))
			printf("%ld\n", q.n);
		else if (!strcmp(cmd, "check"))
			printf("%ld wrong%s%s\n", q.wrong, q.wrong ? " " : "", q.why);
		else
			for (int i = 0; i < SFW_MAX_POLICY_INDEX; i++)
				if (q.per_policy[i])
					printf("%d %llu\n", i, (unsigned long long)q.per_policy[i]);
		return 0;
	}
	fprintf(stderr, "usage: sessions snap PORT FILE [PROTO] | count [PORT] | policies PROTO | "
		"check\n");
	return 2;
}
