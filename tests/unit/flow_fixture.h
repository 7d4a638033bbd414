/* Crafted session tables for the CLI tests: a BPF hash map the test
 * creates itself (same key and value as the datapath's), sessions written
 * from readable specs, a fixed clock, and output captured in memory. */
#ifndef SFW_TESTS_UNIT_FLOW_FIXTURE_H
#define SFW_TESTS_UNIT_FLOW_FIXTURE_H

#include <stdio.h>
#include "flow.h"
#include "grammar.h"
#include "conf.h"
#include "session.h"

/* The fixed "now" of every test: 1000 s after boot. */
#define UF_NOW_NS (1000ULL * 1000000000ULL)
#define UF_SEC 1000000000ULL
/* An ifindex no machine has: prints as its number. */
#define UF_IF_GONE 9999

struct uf_spec {
	__u64 id;
	const char *src, *dst;     /* opener's source and destination */
	__u16 sport, dport;
	__u8 proto;
	__u32 if_in, if_out;
	__u64 pkts_in, bytes_in, pkts_out, bytes_out;
	__u64 created_s, last_seen_s;
	__u32 timeout_s;
	__u8 state, tcp_state;
	__u16 app_id;
	__u32 policy_id;           /* 0: the default policy (SFW_POLICY_ID_DEFAULT_PERMIT) */
	__u8 sess_flags;           /* besides OPENER_LO, which uf_add sets */
	/* TCP tracking per wing (In, Out). */
	__u32 seq_end[2], fin_seq[2];
	__u8 wing_flags[2];
};

/* A hash map of `max` sessions. */
int uf_map(__u32 max);
/* Write a session; returns 0 or a negative errno. */
int uf_add(int fd, const struct uf_spec *s);
/* The key and value a spec describes. */
void uf_build(const struct uf_spec *s, struct sfw_session_key *k,
	      struct sfw_session *v);
/* The key a spec's session is stored under. */
void uf_key(const struct uf_spec *s, struct sfw_session_key *k);
/* Does the map still hold the spec's session? */
bool uf_has(int fd, const struct uf_spec *s);
int uf_count(int fd);

/* A context on `fd` writing into memory, at UF_NOW_NS. */
struct uf_out {
	struct sfw_flow_ctx ctx;
	char *buf;
	size_t len;
};
void uf_open(struct uf_out *o, int fd, bool json);
/* Finish and return the output (owned by o, freed by uf_free). */
const char *uf_text(struct uf_out *o);
void uf_free(struct uf_out *o);

/* Names as a commit stores them: a names map pinned under a private pin
 * root (SFW_PIN_ROOT is set to it), so the CLI resolves `id` to `name`.
 * uf_names_free() unpins it. Returns 0 or a negative errno. */
int uf_name(__u32 kind, __u32 id, const char *name);
/* The longest policy name configuration accepts (63 characters). */
#define UF_LONG_POLICY "trust-to-untrust-allow-monitoring-hosts-to-web-servers-over-ssh"
_Static_assert(sizeof(UF_LONG_POLICY) == SFW_CONF_NAME_MAX, "a 63-character name");
void uf_names_free(void);

/* Parse a command line given as one string; output/errors captured. */
struct uf_parse {
	int rc;
	char *out, *err;
	size_t out_len, err_len;
};
int uf_parse_line(const char *line, struct sfw_cmdline *cl, struct uf_parse *p);
void uf_parse_free(struct uf_parse *p);

#endif
