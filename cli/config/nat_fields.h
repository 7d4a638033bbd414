/* The fields the NAT shows print in text, JSON and Junos's reply, once
 * each, in Junos's order: the text writer (format_nat.c,
 * format_nat_pool.c), the JSON one (format_nat_json.c,
 * format_nat_pool.c) and the `| display xml|json` one
 * (format_nat_junos.c, format_nat_dest_junos.c,
 * format_nat_static_junos.c) walk the same list, as
 * the counters' lists in include/nat.h are walked; the JSON names are
 * Junos's XML element names. Each entry is
 * S(text label, JSON name, string value), N(text label, JSON name,
 * number value) or J(JSON name, string value) for a JSON-only field; the
 * values are expressions of the writer's row. */
#ifndef SFW_CLI_NAT_FIELDS_H
#define SFW_CLI_NAT_FIELDS_H

/* A destination rule's, after its name (row: struct sfw_nat_rule_row *);
 * a source rule's begin so. */
#define SFW_NAT_DRULE_FIELD_LIST(S, N, J)                         \
	S("Rule set", "rule-set-name", row->set->name)            \
	N("Rule Id", "rule-id", row->id)                          \
	N("Rule position", "rule-matching-position", (__u64)row->position) \
	J("rule-from-context", "zone")                            \
	S("From zone", "rule-from-context-name", row->set->from.name)

/* A source rule's, after its name. */
#define SFW_NAT_RULE_FIELD_LIST(S, N, J)                          \
	SFW_NAT_DRULE_FIELD_LIST(S, N, J)                         \
	J("rule-to-context", "zone")                              \
	S("To zone", "rule-to-context-name", row->set->to.name)

/* A static rule's, after its name (row as above; dst, host: its match
 * and its host prefix's first addresses, text, sfw_nat_static_addrs):
 * the destination rule's, then Junos's documented static lines, named as
 * a 12.1X46 device's reply names them (docs/junos-layouts.md). sfw has
 * no routing instances. */
#define SFW_NAT_SRULE_FIELD_LIST(S, N, J)                         \
	SFW_NAT_DRULE_FIELD_LIST(S, N, J)                         \
	S("Destination addresses", "rule-destination-address-prefix", dst) \
	S("Host addresses", "rule-host-address-prefix", host)     \
	N("Netmask", "rule-address-netmask", row->rule->prefix.len) \
	S("Host routing-instance", "rule-host-routing-instance", "N/A")

/* A translating rule's action, after its Action line: persistent NAT is
 * not built, so the values Junos shows with it off. */
#define SFW_NAT_PERSIST_FIELD_LIST(S, N, J)                       \
	S("Persistent NAT type", "persistent-nat-type", "N/A")    \
	S("Persistent NAT mapping type", "persistent-nat-mapping-type", "address-port-mapping") \
	N("Inactivity timeout", "persistent-nat-timeout", 0)      \
	N("Max session number", "persistent-nat-max-session", 0)  \
	S("Persistent NAT block session", "persistent-nat-block-session", "disabled")

/* A pool's, before its counters (row: struct sfw_nat_pool_row *; ports:
 * its Port text, sfw_nat_pool_ports). */
#define SFW_NAT_POOL_FIELD_LIST(S, N, J)                          \
	S("Pool name", "pool-name", row->pool->name)              \
	N("Pool id", "pool-id", row->id)                          \
	S("Routing instance", "routing-instance-name", "default") \
	S("Host address base", "host-address-base", "0.0.0.0")   \
	S("Port", "source-pool-port-translation", ports)          \
	N("Port overloading", "port-overloading-factor", 1)       \
	N("Total addresses", "total-pool-address", row->n_addrs)

/* A destination pool's, before its counters (row: struct
 * sfw_nat_dpool_row *). */
#define SFW_NAT_DPOOL_FIELD_LIST(S, N, J)                         \
	S("Pool name", "pool-name", row->pool->name)              \
	N("Pool id", "pool-id", row->id)                          \
	S("Routing instance", "routing-instance-name", "default") \
	N("Total addresses", "total-pool-address", 1)

/* The entry that prints nothing: J for text, which has no such field. */
#define SFW_NAT_FIELD_NONE(...)
/* The JSON writer's entries, with its struct sfw_json *j (json.h). */
#define SFW_NAT_JSON_S(lab, key, v) sfw_json_str(j, key, v);
#define SFW_NAT_JSON_N(lab, key, v) sfw_json_num(j, key, v);
#define SFW_NAT_JSON_J(key, v) sfw_json_str(j, key, v);
/* Junos's reply's entries, with its struct sfw_jx *x (junos_out.h). */
#define SFW_NAT_JX_S(lab, key, v) sfw_jx_leaf(x, key, v);
#define SFW_NAT_JX_N(lab, key, v) sfw_jx_leaf_u64(x, key, v);
#define SFW_NAT_JX_J(key, v) sfw_jx_leaf(x, key, v);

#endif
