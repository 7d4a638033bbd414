/* What the NAT writers of Junos's reply (format_nat_junos.c,
 * format_nat_dest_junos.c, format_nat_static_junos.c) share: the reply
 * around one top element in Junos's junos-nat namespace, the address
 * ranges, the port range, a rule's counters, `rule R|all` and its
 * totals. docs/junos-layouts.md has the trees and which
 * element names real replies confirm. */
#ifndef SFW_CLI_NAT_JUNOS_H
#define SFW_CLI_NAT_JUNOS_H

#include "nat_show.h"

/* The reply, open at top (xmlns ".../junos/<release>/junos-nat"). */
void sfw_nat_jx_begin(struct sfw_jx *x, struct sfw_obuf *ob, FILE *out,
		      enum sfw_display form, const char *top);
/* Closes top and the reply; flushes. */
void sfw_nat_jx_end(struct sfw_jx *x, const char *top);
/* One element entry a prefix (`any`: IPv4's whole range), low and high. */
void sfw_nat_jx_ranges(struct sfw_jx *x, const char *entry, const char *lo_name,
		       const char *hi_name, const struct sfw_conf_prefixes *ps);
/* The rule's destination port range, when it has one. */
void sfw_nat_jx_dport(struct sfw_jx *x, const struct sfw_conf_nat_rule *r);
/* An element holding one count (totals). */
void sfw_nat_jx_count(struct sfw_jx *x, const char *outer, const char *inner, __u64 n);
/* `rule all`'s totals: names[0] holding names[1] (the count of rules),
 * names[2] holding names[3] and names[4] (prefixes by family). */
void sfw_nat_jx_totals(struct sfw_jx *x, const struct sfw_nat_rules *r,
		       const char *const names[5]);
/* A rule's counters and its live sessions, as leaves. */
void sfw_nat_jx_hits(struct sfw_jx *x, const struct sfw_nat_rule_row *row);
/* `rule R|all` of any type: the reply open at top, for all the totals
 * (named as sfw_nat_jx_totals's), each rule's entry by one. */
typedef void (*sfw_nat_jx_rule)(struct sfw_jx *x, const struct sfw_nat_rule_row *row);
void sfw_nat_jx_rules(const struct sfw_nat_rules *r, bool all, enum sfw_display form, FILE *out,
		      const char *top, const char *const totals[5], sfw_nat_jx_rule one);

#endif
