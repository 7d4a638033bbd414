/* The policy compiler: a checked configuration into the contents of the
 * datapath's zone and policy maps (include/policy.h), in memory. Pure: no
 * map, no fd, no system call, so unit tests assert exact map contents from
 * configuration text. The loader writes the result into the inactive
 * generation and flips (loader/policy_write.c); what only the running
 * system knows stays there: interface indexes (per network namespace),
 * tally ids (kept by zone name across commits), run-time flags and the
 * session table's limit. Every list id here is generation 0: the writer
 * ORs in the generation it writes. */
#ifndef SFW_CONF_COMPILE_H
#define SFW_CONF_COMPILE_H

#include <linux/types.h>
#include "conf.h"
#include "config.h"
#include "nat.h"
#include "policy.h"

struct sfw_cpl_addr {
	struct sfw_addr_lpm_key k;
	struct sfw_rule_bits v;        /* the rules of every prefix covering k */
};

struct sfw_cpl_app {
	struct sfw_app_lpm_key k;
	struct sfw_rule_bits v;
};

struct sfw_cpl_rule {
	struct sfw_rule_key k;
	struct sfw_rule v;
};

/* The classification of applications; keys distinct: on an identical
 * prefix the first definition wins (predefined ones come first). */
struct sfw_cpl_class {
	struct sfw_app_lpm_key k;
	struct sfw_app_class v;
};

/* An interface bound to a zone, by name: the writer resolves the index in
 * its own namespace (one that does not exist there stays unbound). */
struct sfw_cpl_zif {
	char ifname[SFW_CONF_NAME_MAX];
	__u32 zone;
};

/* A zone's screen, resolved (Junos defaults where a threshold is unset);
 * v.tally_id is 0: the writer assigns it. */
struct sfw_cpl_scr {
	__u32 zone;
	struct sfw_screen v;
};

struct sfw_cpl_name {
	struct sfw_name_key k;
	struct sfw_name v;
};

/* What the configuration says of the flow settings; 0 where it says
 * nothing (the built-in default applies). */
struct sfw_cpl_flow {
	__u32 timeout_s[SFW_TO_COUNT];
	__u32 deny_log_rate, reply_rate;
	__u32 max_sessions;            /* 0: the session table's limit */
	__u32 flags;                   /* the SFW_CFG_F_* a configuration sets */
	__u8 default_policy;           /* enum sfw_default_policy */
	/* SHA-256 of the text compiled (conf->source); all zero: built in */
	__u8 conf_digest[SFW_CONF_DIGEST_LEN];
};

/* security nat (include/nat.h): lists and their entries; pools, rules and
 * rule-sets with the names shows will print; proxy-arp/ndp by interface
 * name (the writer resolves the index). */
struct sfw_cpl_nat_list {
	struct sfw_nat_list_key k;
	struct sfw_nat_list v;
};

struct sfw_cpl_nat_entry {
	struct sfw_nat_entry_key k;
	struct sfw_nat_entry v;
};

struct sfw_cpl_nat_pool {
	struct sfw_nat_pool_key k;
	struct sfw_nat_pool v;
	char name[SFW_CONF_NAME_MAX];
};

struct sfw_cpl_nat_rule {
	__u8 type;                     /* enum sfw_conf_nat_type */
	__u16 id;                      /* sfw_nat_entry.rule_id */
	char name[SFW_CONF_NAME_MAX];
	char rule_set[SFW_CONF_NAME_MAX];
};

struct sfw_cpl_nat_proxy {
	char ifname[SFW_CONF_NAME_MAX];
	struct sfw_nat_proxy v;
};

struct sfw_compiled {
	struct sfw_cpl_addr *addr;     int n_addr;
	struct sfw_cpl_app *app;       int n_app;
	struct sfw_cpl_rule *rules;    int n_rules;
	struct sfw_cpl_class *cls;     int n_cls;
	struct sfw_cpl_zif *zifs;      int n_zifs;
	struct sfw_cpl_scr *screens;   int n_screens;
	struct sfw_cpl_name *names;    int n_names;
	struct sfw_cpl_nat_list *nat_lists;     int n_nat_lists;
	struct sfw_cpl_nat_entry *nat_entries;  int n_nat_entries;
	struct sfw_cpl_nat_pool *nat_pools;     int n_nat_pools;
	struct sfw_cpl_nat_rule *nat_rules;     int n_nat_rules;
	struct sfw_cpl_nat_proxy *nat_proxies;  int n_nat_proxies;
	struct sfw_cpl_flow flow;
};

/* 0, or a negative errno with the one line in sfw_last_error() (too many
 * zones, rules in one list or NAT entries in one list, no memory); out is
 * then empty. */
int sfw_conf_compile(const struct sfw_conf *conf, struct sfw_compiled *out);
void sfw_compiled_free(struct sfw_compiled *c);
/* What the compile refuses, asked and thrown away: `commit check` refuses
 * what `commit` would (review rtuser F3). 0, or as sfw_conf_compile. */
int sfw_conf_compile_check(const struct sfw_conf *conf);

#endif
