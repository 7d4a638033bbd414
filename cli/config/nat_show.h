/* show security nat source|destination rule R|all, pool P|all, summary,
 * show security nat static rule R|all:
 * the committed configuration's NAT rules and pools with the datapath's
 * counters (include/nat.h), laid out as Junos prints them, in text,
 * sfw's JSON, or Junos's own reply (`| display xml|json`, form
 * SFW_DISPLAY_XML or SFW_DISPLAY_JSON: format_nat_junos.c,
 * format_nat_dest_junos.c, format_nat_static_junos.c). The formatters
 * take rows already filled, never the maps, so tests run them on a model
 * parsed from a string. */
#ifndef SFW_CLI_NAT_SHOW_H
#define SFW_CLI_NAT_SHOW_H

#include <stdbool.h>
#include <stdio.h>
#include "conf.h"
#include "junos_out.h"
#include "nat.h"

/* One NAT rule of any type as the shows print it. */
struct sfw_nat_rule_row {
	const struct sfw_conf_nat_rule *rule;
	const struct sfw_conf_nat_rule_set *set;
	__u32 id;                        /* Rule Id: sfw_nat_entry.rule_id */
	int position;                    /* Rule position: its place among the
					  * rules of its type in evaluation order */
	struct sfw_nat_rule_stats st;    /* the datapath's counters */
	__u64 sessions;                  /* Number of sessions: live, naming it */
};

struct sfw_nat_rules {
	struct sfw_nat_rule_row *v;
	int n;
};

/* The source NAT rules of conf, all (name NULL) or the one named, in
 * evaluation order (Rule position), with ids (the compiler's numbering) and positions;
 * counters zero. 0, -ENOENT (no such rule) or -ENOMEM, with the one line. */
int sfw_nat_rules_build(const struct sfw_conf *conf, const char *name,
			struct sfw_nat_rules *out);
/* The same for destination NAT rules. */
int sfw_nat_drules_build(const struct sfw_conf *conf, const char *name,
			 struct sfw_nat_rules *out);
/* The same for static NAT rules. */
int sfw_nat_srules_build(const struct sfw_conf *conf, const char *name,
			 struct sfw_nat_rules *out);
void sfw_nat_rules_free(struct sfw_nat_rules *r);

/* One source pool as the shows print it (nat_pool_show.c). */
struct sfw_nat_pool_row {
	const struct sfw_conf_nat_pool *pool;
	__u32 id;                        /* Pool id: sfw_nat_pool_key.id (kept by name) */
	__u32 first, last;               /* its addresses, IPv4, host order */
	__u64 n_addrs;                   /* Total addresses */
	__u16 port_lo, port_hi;          /* its range; 0: port no-translation */
	struct sfw_nat_pool_stats st;    /* the datapath's counters */
	__u64 ports;                     /* Single Ports: reservations held now */
};

struct sfw_nat_pools {
	struct sfw_nat_pool_row *v;
	int n;
};

/* The source pools of conf, all (name NULL) or the one named, in
 * configuration order (Pool id); counters zero. 0, -ENOENT or -ENOMEM. */
int sfw_nat_pools_build(const struct sfw_conf *conf, const char *name,
			struct sfw_nat_pools *out);
void sfw_nat_pools_free(struct sfw_nat_pools *p);
/* Its first and last address (text, >= 46 bytes each), its Port value. */
void sfw_nat_pool_addrs(const struct sfw_nat_pool_row *row, char *lo, char *hi);
void sfw_nat_pool_ports(const struct sfw_nat_pool_row *row, char *buf, size_t n);
/* Ports a port-translation pool offers (0 without translation). */
__u64 sfw_nat_pool_capacity(const struct sfw_nat_pool_row *row);
/* `pool all` (all: Total pools first) or `pool P`. */
void sfw_show_nat_pools_text(const struct sfw_nat_pools *p, bool all, FILE *out);
void sfw_show_nat_pools_json(const struct sfw_nat_pools *p, bool all, FILE *out);
void sfw_show_nat_pools_junos(const struct sfw_nat_pools *p, bool all, enum sfw_display form,
			      FILE *out);

/* One destination pool as the shows print it (nat_dpool_show.c). */
struct sfw_nat_dpool_row {
	const struct sfw_conf_nat_pool *pool;
	__u32 id;                        /* Pool id: sfw_nat_pool_key.id (kept by name) */
	__u32 addr;                      /* its address, IPv4, host order */
	__u16 port;                      /* 0: the packet's port kept */
	struct sfw_nat_dpool_stats st;   /* the datapath's counters */
};

struct sfw_nat_dpools {
	struct sfw_nat_dpool_row *v;
	int n;
};

/* The destination pools of conf, all (name NULL) or the one named, in
 * configuration order; counters zero. 0, -ENOENT or -ENOMEM. */
int sfw_nat_dpools_build(const struct sfw_conf *conf, const char *name,
			 struct sfw_nat_dpools *out);
void sfw_nat_dpools_free(struct sfw_nat_dpools *p);
/* Its address (text, >= 46 bytes) and its Port value (`0`: kept). */
void sfw_nat_dpool_addr(const struct sfw_nat_dpool_row *row, char *addr);
/* show security nat destination pool all|P, rule all|R, summary
 * (format_nat_dest.c, format_nat_dest_json.c). */
void sfw_show_nat_dpools_text(const struct sfw_nat_dpools *p, bool all, FILE *out);
void sfw_show_nat_dpools_json(const struct sfw_nat_dpools *p, bool all, FILE *out);
void sfw_show_nat_drules_text(const struct sfw_nat_rules *r, bool all, FILE *out);
void sfw_show_nat_drules_json(const struct sfw_nat_rules *r, bool all, FILE *out);
void sfw_show_nat_dsummary_text(const struct sfw_nat_rules *r, const struct sfw_nat_dpools *p,
				FILE *out);
void sfw_show_nat_dsummary_json(const struct sfw_nat_rules *r, const struct sfw_nat_dpools *p,
				FILE *out);
void sfw_show_nat_dpools_junos(const struct sfw_nat_dpools *p, bool all, enum sfw_display form,
			       FILE *out);
void sfw_show_nat_drules_junos(const struct sfw_nat_rules *r, bool all, enum sfw_display form,
			       FILE *out);
void sfw_show_nat_dsummary_junos(const struct sfw_nat_rules *r, const struct sfw_nat_dpools *p,
				 enum sfw_display form, FILE *out);

/* show security nat static rule all|R (format_nat_static.c,
 * format_nat_json.c, format_nat_static_junos.c). */
void sfw_show_nat_srules_text(const struct sfw_nat_rules *r, bool all, FILE *out);
void sfw_show_nat_srules_json(const struct sfw_nat_rules *r, bool all, FILE *out);
void sfw_show_nat_srules_junos(const struct sfw_nat_rules *r, bool all, enum sfw_display form,
			       FILE *out);

/* `rule all` (all: the two Total lines first) or `rule R`. */
void sfw_show_nat_rules_text(const struct sfw_nat_rules *r, bool all, FILE *out);
void sfw_show_nat_rules_json(const struct sfw_nat_rules *r, bool all, FILE *out);
/* `summary`: the pool table and the rules. */
void sfw_show_nat_summary_text(const struct sfw_nat_rules *r, const struct sfw_nat_pools *p,
			       FILE *out);
void sfw_show_nat_summary_json(const struct sfw_nat_rules *r, const struct sfw_nat_pools *p,
			       FILE *out);
void sfw_show_nat_rules_junos(const struct sfw_nat_rules *r, bool all, enum sfw_display form,
			      FILE *out);
void sfw_show_nat_summary_junos(const struct sfw_nat_rules *r, const struct sfw_nat_pools *p,
				enum sfw_display form, FILE *out);

/* What the rule's Action line says: `interface`, `off` or the pool. */
const char *sfw_nat_action_word(const struct sfw_conf_nat_rule *rule);
/* A prefix's first and last address (text, >= 46 bytes each); `any`
 * (NULL) as IPv4's whole range: source NAT translates IPv4 only. */
void sfw_nat_range(const struct sfw_conf_prefix *p, char *lo, char *hi);
/* Prefixes the rules reference (their matches; a static rule's host
 * prefix too), by family: `Total referenced IPv4/IPv6 ip-prefixes`. */
void sfw_nat_prefix_totals(const struct sfw_nat_rules *r, int *v4, int *v6);
/* A static rule's match and host prefix, masked (one each, of one
 * length: conf/check_nat.c), as text (>= 46 bytes each). */
void sfw_nat_static_addrs(const struct sfw_conf_nat_rule *r, char *dst, char *host);

struct sfw_obuf;
struct sfw_json;
/* sfw's --json of a NAT show: one object holding `top`'s, buffered in ob
 * (format_nat_json.c); sfw_json_doc_end closes it and flushes. */
void sfw_nat_json_begin(struct sfw_obuf *ob, struct sfw_json *j, FILE *out, const char *top);

#endif
