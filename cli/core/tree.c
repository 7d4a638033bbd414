/* The command tree. Words, help lines and value types live here and only
 * here: the parser, `?` help and the bash completion all read this. */
#include "commands.h"
#include "maps.h"
#include "ratelimit.h"

#define KIDS(...) ((const struct sfw_node *const[]){ __VA_ARGS__, NULL })

/* A filter option: `word <value>` into member m of struct sfw_filter,
 * combinable with other filters. */
#define FILTER(name, w, h, type, m, b) \
	static const struct sfw_node name = { .word = w, .help = h, .arg = type, \
		SFW_OPT(struct sfw_filter, m, b), .cls = SFW_CLS_FILTER, .excl = SFW_CLS_ALL }

/* A keyword option storing `val` in member m of T. */
#define KEYWORD(name, w, h, T, m, b, val, c, x) \
	static const struct sfw_node name = { .word = w, .help = h, SFW_OPT(T, m, b), \
		.value = val, .cls = c, .excl = x }

static const char *const family_words[] = { "inet", "inet6", NULL };
static const int family_values[] = { SFW_FAMILY_INET, SFW_FAMILY_INET6 };
static const char *const mode_words[] = { "native", "generic", NULL };
static const int mode_values[] = { SFW_XDP_MODE_NATIVE, SFW_XDP_MODE_GENERIC };
static const char *const policy_words[] = { "permit-all", "deny-all", NULL };
static const int policy_values[] = { SFW_POLICY_PERMIT_ALL, SFW_POLICY_DENY_ALL };
static const char *const forwarding_words[] = { "enable", "disable", NULL };
static const int forwarding_values[] = { true, false };

FILTER(f_id, "session-identifier", "Session with this identifier", SFW_ARG_ID, id, SFW_FLT_ID);
FILTER(f_proto, "protocol", "IP protocol name or number", SFW_ARG_PROTO, proto,
       SFW_FLT_PROTO);
FILTER(f_src, "source-prefix", "Source IP prefix or address", SFW_ARG_PREFIX, src,
       SFW_FLT_SRC_PREFIX);
FILTER(f_dst, "destination-prefix", "Destination IP prefix or address",
       SFW_ARG_PREFIX, dst, SFW_FLT_DST_PREFIX);
FILTER(f_sport, "source-port", "Source port (0..65535)", SFW_ARG_PORT, sport,
       SFW_FLT_SRC_PORT);
FILTER(f_dport, "destination-port", "Destination port (0..65535)", SFW_ARG_PORT, dport,
       SFW_FLT_DST_PORT);
FILTER(f_iface, "interface", "Incoming or outgoing interface", SFW_ARG_IFACE, ifindex,
       SFW_FLT_IFACE);
FILTER(f_app, "application", "Application name", SFW_ARG_APP, app, SFW_FLT_APP);
FILTER(f_app_proto, "application-protocol", "Application protocol",
       SFW_ARG_APP, app, SFW_FLT_APP);
FILTER(f_policy, "policy", "Policy name or index", SFW_ARG_NAME, policy, SFW_FLT_POLICY);
FILTER(f_conn_tag, "conn-tag", "Session connection tag", SFW_ARG_UINT, conn_tag,
       SFW_FLT_CONN_TAG);
FILTER(f_policy_id, "policy-id", "Policy with this index", SFW_ARG_UINT, policy_id,
       SFW_FLT_POLICY_ID);
static const struct sfw_node f_nat = {
	.word = "nat", .help = "Show sessions with network address translation",
	SFW_OPT(struct sfw_filter, nat, SFW_FLT_NAT), .value = true,
	.cls = SFW_CLS_FILTER, .excl = SFW_CLS_ALL,
};
FILTER(f_sset, "service-set", "Service set name", SFW_ARG_NAME, service_set,
       SFW_FLT_SERVICE_SET);
static const struct sfw_node f_family = {
	.word = "family", .help = "Protocol family", .arg = SFW_ARG_CHOICE,
	.choices = family_words, .choice_values = family_values,
	SFW_OPT(struct sfw_filter, family, SFW_FLT_FAMILY),
	.cls = SFW_CLS_FILTER, .excl = SFW_CLS_ALL,
};

#define VIEW(name, w, h, val) KEYWORD(name, w, h, struct sfw_show_session_opts, view, \
				      SFW_SO_VIEW, val, SFW_CLS_VIEW, SFW_CLS_VIEW)
VIEW(v_brief, "brief", "Display brief output (default)", SFW_VIEW_BRIEF);
VIEW(v_extensive, "extensive", "Display detailed output", SFW_VIEW_EXTENSIVE);
VIEW(v_summary, "summary", "Display output summary", SFW_VIEW_SUMMARY);
#undef VIEW
KEYWORD(c_all, "all", "Clear all sessions", struct sfw_clear_session_opts, all, SFW_CS_ALL,
	true, SFW_CLS_ALL, SFW_CLS_FILTER | SFW_CLS_ALL);

static const struct sfw_node o_refresh = {
	.word = "refresh", .help = "Reprint every N seconds until interrupted",
	.arg = SFW_ARG_UINT, SFW_OPT(struct sfw_show_session_opts, refresh_s, SFW_SO_REFRESH),
};
static const struct sfw_node show_session = {
	.word = "session", .help = "Show session information",
	.flags = SFW_N_OPTIONS | SFW_N_DISPLAY,
	SFW_RUN_FILTER(sfw_cmd_show_session, struct sfw_show_session_opts),
	.kids = KIDS(&f_app, &v_brief, &f_conn_tag, &f_dst, &f_dport, &v_extensive, &f_family,
		     &f_iface, &f_nat, &f_policy, &f_policy_id, &f_proto, &o_refresh, &f_id,
		     &f_src, &f_sport, &v_summary),
};
static const struct sfw_node show_flow_status = {
	.word = "status", .help = "Show flow settings and session log status",
	.run = sfw_cmd_show_flow_status,
};
static const struct sfw_node show_flow_config = {
	.word = "configuration", .help = "Show flow settings in force",
	.run = sfw_cmd_show_flow_config,
};
static const struct sfw_node show_flow_stats = {
	.word = "statistics", .help = "Show flow statistics of all attached interfaces",
	.run = sfw_cmd_show_flow_statistics,
};
static const struct sfw_node show_flow = {
	.word = "flow", .help = "Show flow information",
	.kids = KIDS(&show_flow_config, &show_session, &show_flow_stats, &show_flow_status),
};
/* show security policies / zones, show configuration: the committed
 * configuration. */
#define POLICIES_NAME(name, w, h, m, b) \
	static const struct sfw_node name = { .word = w, .help = h, .arg = SFW_ARG_NAME, \
		SFW_OPT(struct sfw_show_policies_opts, m, b), .cls = SFW_CLS_FILTER, \
		.excl = SFW_CLS_ALL }
POLICIES_NAME(p_from, "from-zone", "Policies of this source zone (with to-zone)",
	      from_zone, SFW_SP_FROM_ZONE);
POLICIES_NAME(p_to, "to-zone", "Policies of this destination zone (with from-zone)",
	      to_zone, SFW_SP_TO_ZONE);
POLICIES_NAME(p_name, "policy-name", "Policy with this name", policy_name,
	      SFW_SP_POLICY_NAME);
#undef POLICIES_NAME
KEYWORD(p_global, "global", "Global policies only", struct sfw_show_policies_opts, global,
	SFW_SP_GLOBAL, true, SFW_CLS_FILTER, 0);
KEYWORD(p_detail, "detail", "Display detailed output", struct sfw_show_policies_opts, view,
	SFW_SP_VIEW, SFW_POLICIES_DETAIL, SFW_CLS_VIEW, SFW_CLS_VIEW);
KEYWORD(p_hits, "hit-count", "Display how often each policy matched",
	struct sfw_show_policies_opts, view, SFW_SP_VIEW, SFW_POLICIES_HIT_COUNT,
	SFW_CLS_VIEW, SFW_CLS_VIEW);
static const struct sfw_node show_policies = {
	.word = "policies", .help = "Show security policies", .flags = SFW_N_OPTIONS,
	SFW_RUN(sfw_cmd_show_policies, struct sfw_show_policies_opts),
	.kids = KIDS(&p_detail, &p_from, &p_global, &p_hits, &p_name, &p_to),
};
/* show security match-policies: every option once, in any order */
#define MATCH_OPT(name, w, h, type, m, b) \
	static const struct sfw_node name = { .word = w, .help = h, .arg = type, \
		SFW_OPT(struct sfw_match_policies_opts, m, b) }
MATCH_OPT(m_from, "from-zone", "Source zone", SFW_ARG_NAME, from_zone, SFW_MP_FROM_ZONE);
MATCH_OPT(m_to, "to-zone", "Destination zone", SFW_ARG_NAME, to_zone, SFW_MP_TO_ZONE);
MATCH_OPT(m_src, "source-ip", "Source IP address", SFW_ARG_ADDR, src, SFW_MP_SOURCE);
MATCH_OPT(m_dst, "destination-ip", "Destination IP address", SFW_ARG_ADDR, dst,
	  SFW_MP_DEST);
MATCH_OPT(m_sport, "source-port", "Source port (0..65535)", SFW_ARG_PORT, sport,
	  SFW_MP_SPORT);
MATCH_OPT(m_dport, "destination-port", "Destination port (0..65535)", SFW_ARG_PORT, dport,
	  SFW_MP_DPORT);
MATCH_OPT(m_proto, "protocol", "IP protocol name or number", SFW_ARG_PROTO, proto,
	  SFW_MP_PROTO);
#undef MATCH_OPT
static const struct sfw_node show_match_policies = {
	.word = "match-policies", .help = "Show the policy a packet would match",
	.flags = SFW_N_OPTIONS | SFW_N_NEED_ONE,
	SFW_RUN(sfw_cmd_show_match_policies, struct sfw_match_policies_opts),
	.kids = KIDS(&m_dst, &m_dport, &m_from, &m_proto, &m_src, &m_sport, &m_to),
};
static const struct sfw_node show_zones = {
	.word = "zones", .help = "Show security zones",
	.flags = SFW_N_POSITIONAL, .pos_name = "<zone>",
	.pos_help = "Zone name (default: all)", .run = sfw_cmd_show_zones,
};
/* show security screen statistics zone Z: the zone name is the command's
 * one argument, as in `show security zones Z`. */
static const struct sfw_node show_screen_zone = {
	.word = "zone", .help = "Screen statistics of a security zone",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE, .pos_name = "<zone>",
	.pos_help = "Security zone name", .run = sfw_cmd_show_screen_stats,
};
static const struct sfw_node show_screen_stats = {
	.word = "statistics", .help = "Show screen statistics",
	.kids = KIDS(&show_screen_zone),
};
static const struct sfw_node show_screen = {
	.word = "screen", .help = "Show screen (IDS) information",
	.kids = KIDS(&show_screen_stats),
};
/* show security nat source rule R|all | summary (docs/nat.md) */
static const struct sfw_node show_nat_rule = {
	.word = "rule", .help = "Show source NAT rules and their translation hits",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE | SFW_N_DISPLAY, .pos_name = "<rule|all>",
	.pos_help = "Source NAT rule name, or all", .run = sfw_cmd_show_nat_rule,
};
static const struct sfw_node show_nat_pool = {
	.word = "pool", .help = "Show source NAT pools, their ports in use and hits",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE | SFW_N_DISPLAY, .pos_name = "<pool|all>",
	.pos_help = "Source NAT pool name, or all", .run = sfw_cmd_show_nat_pool,
};
static const struct sfw_node show_nat_summary = {
	.word = "summary", .help = "Show source NAT pools and rules in brief",
	.flags = SFW_N_DISPLAY, .run = sfw_cmd_show_nat_summary,
};
static const struct sfw_node show_nat_source = {
	.word = "source", .help = "Show source NAT information",
	.kids = KIDS(&show_nat_pool, &show_nat_rule, &show_nat_summary),
};
/* show security nat destination rule R|all | pool P|all | summary */
static const struct sfw_node show_dnat_rule = {
	.word = "rule", .help = "Show destination NAT rules and their translation hits",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE | SFW_N_DISPLAY, .pos_name = "<rule|all>",
	.pos_help = "Destination NAT rule name, or all", .run = sfw_cmd_show_nat_drule,
};
static const struct sfw_node show_dnat_pool = {
	.word = "pool", .help = "Show destination NAT pools and their translation hits",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE | SFW_N_DISPLAY, .pos_name = "<pool|all>",
	.pos_help = "Destination NAT pool name, or all", .run = sfw_cmd_show_nat_dpool,
};
static const struct sfw_node show_dnat_summary = {
	.word = "summary", .help = "Show destination NAT pools and rules in brief",
	.flags = SFW_N_DISPLAY, .run = sfw_cmd_show_nat_dsummary,
};
static const struct sfw_node show_nat_destination = {
	.word = "destination", .help = "Show destination NAT information",
	.kids = KIDS(&show_dnat_pool, &show_dnat_rule, &show_dnat_summary),
};
/* show security nat static rule R|all */
static const struct sfw_node show_snat_rule = {
	.word = "rule", .help = "Show static NAT rules and their translation hits",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE | SFW_N_DISPLAY, .pos_name = "<rule|all>",
	.pos_help = "Static NAT rule name, or all", .run = sfw_cmd_show_nat_srule,
};
static const struct sfw_node show_nat_static = {
	.word = "static", .help = "Show static NAT information",
	.kids = KIDS(&show_snat_rule),
};
static const struct sfw_node show_nat = {
	.word = "nat", .help = "Show network address translation information",
	.kids = KIDS(&show_nat_destination, &show_nat_source, &show_nat_static),
};
static const struct sfw_node show_security = {
	.word = "security", .help = "Show security information",
	.kids = KIDS(&show_flow, &show_match_policies, &show_nat, &show_policies, &show_screen,
		     &show_zones),
};
static const struct sfw_node show_configuration = {
	.word = "configuration", .help = "Show the committed configuration",
	.flags = SFW_N_DISPLAY_SET, .run = sfw_cmd_show_configuration,
};
static const struct sfw_node show_iface_flow = {
	.word = "flow-statistics", .help = "Show flow statistics of attached interfaces",
	.flags = SFW_N_POSITIONAL, .pos_name = "<interface>",
	.pos_help = "Attached interface (default: all)", .run = sfw_cmd_show_iface_flow,
};
static const struct sfw_node show_interfaces = {
	.word = "interfaces", .help = "Show interface information",
	.kids = KIDS(&show_iface_flow),
};
static const struct sfw_node show_version = {
	.word = "version", .help = "Show the sfw release and build",
	.run = sfw_cmd_show_version,
};
/* the cluster (docs/ha.md) */
static const struct sfw_node show_cluster_status = {
	.word = "status", .help = "Show this node's role, the peer and the virtual addresses",
	.run = sfw_cmd_show_cluster_status,
};
static const struct sfw_node show_cluster_stats = {
	.word = "statistics", .help = "Show the session mirror's and conntrackd's statistics",
	.run = sfw_cmd_show_cluster_statistics,
};
static const struct sfw_node show_cluster_conf = {
	.word = "configuration", .help = "Print the conntrackd or keepalived configuration",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE, .pos_name = "<conntrackd|keepalived>",
	.pos_help = "Which daemon's configuration", .run = sfw_cmd_show_cluster_configuration,
};
static const struct sfw_node show_cluster = {
	.word = "cluster", .help = "Show chassis cluster information",
	.kids = KIDS(&show_cluster_conf, &show_cluster_stats, &show_cluster_status),
};
static const struct sfw_node show_chassis = {
	.word = "chassis", .help = "Show chassis information", .kids = KIDS(&show_cluster),
};
static const struct sfw_node show_system_commit = {
	.word = "commit", .help = "Show the commit history and a pending commit confirmed",
	.run = sfw_cmd_show_system_commit,
};
static const struct sfw_node show_system = {
	.word = "system", .help = "Show system information", .kids = KIDS(&show_system_commit),
};
static const struct sfw_node show = {
	.word = "show", .help = "Show information about the system",
	.kids = KIDS(&show_chassis, &show_configuration, &show_interfaces, &show_security,
		     &show_system, &show_version),
};

static const struct sfw_node clear_session = {
	.word = "session", .help = "Clear sessions (filters, session-identifier or all)",
	.flags = SFW_N_OPTIONS | SFW_N_NEED_ONE,
	SFW_RUN_FILTER(sfw_cmd_clear_session, struct sfw_clear_session_opts),
	.kids = KIDS(&c_all, &f_app, &f_dst, &f_dport, &f_family, &f_iface,
		     &f_policy, &f_proto, &f_id, &f_src, &f_sport),
};
static const struct sfw_node clear_flow = {
	.word = "flow", .help = "Clear flow information", .kids = KIDS(&clear_session),
};
static const struct sfw_node clear_hit_count = {
	.word = "hit-count", .help = "Clear policy hit counts",
	.run = sfw_cmd_clear_hit_count,
};
static const struct sfw_node clear_policies = {
	.word = "policies", .help = "Clear security policy information",
	.kids = KIDS(&clear_hit_count),
};
static const struct sfw_node clear_nat_rule = {
	.word = "rule", .help = "Clear source NAT rules' translation hits",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE, .pos_name = "<rule|all>",
	.pos_help = "Source NAT rule name, or all", .run = sfw_cmd_clear_nat_rule,
};
static const struct sfw_node clear_nat_pool = {
	.word = "pool", .help = "Clear source NAT pools' translation hits",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE, .pos_name = "<pool|all>",
	.pos_help = "Source NAT pool name, or all", .run = sfw_cmd_clear_nat_pool,
};
static const struct sfw_node clear_nat_source = {
	.word = "source", .help = "Clear source NAT information",
	.kids = KIDS(&clear_nat_pool, &clear_nat_rule),
};
static const struct sfw_node clear_dnat_rule = {
	.word = "rule", .help = "Clear destination NAT rules' translation hits",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE, .pos_name = "<rule|all>",
	.pos_help = "Destination NAT rule name, or all", .run = sfw_cmd_clear_nat_drule,
};
static const struct sfw_node clear_dnat_pool = {
	.word = "pool", .help = "Clear destination NAT pools' translation hits",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE, .pos_name = "<pool|all>",
	.pos_help = "Destination NAT pool name, or all", .run = sfw_cmd_clear_nat_dpool,
};
static const struct sfw_node clear_nat_destination = {
	.word = "destination", .help = "Clear destination NAT information",
	.kids = KIDS(&clear_dnat_pool, &clear_dnat_rule),
};
static const struct sfw_node clear_snat_rule = {
	.word = "rule", .help = "Clear static NAT rules' translation hits",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE, .pos_name = "<rule|all>",
	.pos_help = "Static NAT rule name, or all", .run = sfw_cmd_clear_nat_srule,
};
static const struct sfw_node clear_nat_static = {
	.word = "static", .help = "Clear static NAT information",
	.kids = KIDS(&clear_snat_rule),
};
static const struct sfw_node clear_nat_statistics = {
	.word = "statistics",
	.help = "Clear every NAT rule's and pool's translation hits, of every type",
	.run = sfw_cmd_clear_nat_statistics,
};
static const struct sfw_node clear_nat = {
	.word = "nat", .help = "Clear network address translation information",
	.kids = KIDS(&clear_nat_destination, &clear_nat_source, &clear_nat_static,
		     &clear_nat_statistics),
};
static const struct sfw_node clear_security = {
	.word = "security", .help = "Clear security information",
	.kids = KIDS(&clear_flow, &clear_nat, &clear_policies),
};
static const struct sfw_node clear_flows = {
	.word = "flows", .help = "Clear stateful firewall flows", .flags = SFW_N_OPTIONS,
	SFW_RUN(sfw_cmd_clear_services, struct sfw_filter),
	.kids = KIDS(&f_app_proto, &f_dport, &f_dst, &f_iface, &f_proto, &f_sset,
		     &f_sport, &f_src),
};
static const struct sfw_node clear_sfw = {
	.word = "stateful-firewall", .help = "Clear stateful firewall information",
	.kids = KIDS(&clear_flows),
};
static const struct sfw_node clear_services = {
	.word = "services", .help = "Clear services information",
	.kids = KIDS(&clear_sfw),
};
KEYWORD(c_iface_all, "all", "Clear the statistics of every attached interface",
	struct sfw_all_opts, all, SFW_ALL, true, SFW_CLS_ALL, SFW_CLS_POS);
static const struct sfw_node clear_iface_stats = {
	.word = "statistics", .help = "Clear interface flow statistics",
	.flags = SFW_N_OPTIONS | SFW_N_POSITIONAL | SFW_N_NEED_ONE,
	.pos_name = "<interface>", .pos_help = "Attached interface",
	SFW_RUN(sfw_cmd_clear_iface_stats, struct sfw_all_opts), .kids = KIDS(&c_iface_all),
};
static const struct sfw_node clear_interfaces = {
	.word = "interfaces", .help = "Clear interface information",
	.kids = KIDS(&clear_iface_stats),
};
static const struct sfw_node clear = {
	.word = "clear", .help = "Clear information in the system",
	.kids = KIDS(&clear_interfaces, &clear_security, &clear_services),
};

/* set security flow: every timeout of config.h's list, and SYN checking. */
#define SFW_X(name, secs, w) \
	static const struct sfw_node set_to_##name = { .word = w, \
		.help = "Idle timeout in seconds (default " #secs ")", .arg = SFW_ARG_UINT, \
		SFW_OPT(struct sfw_set_flow_opts, timeout_s[SFW_TO_##name], \
			SFW_SF_TIMEOUT(SFW_TO_##name)) };
SFW_TIMEOUT_LIST(SFW_X)
#undef SFW_X
#define SET_FLOW(name, w, h, m, b, val, c) KEYWORD(name, w, h, struct sfw_set_flow_opts, m, b, \
						   val, c, c)
SET_FLOW(set_nosyn, "no-syn-check", "Allow TCP sessions opened without SYN",
	 syn_check, SFW_SF_SYN_CHECK, false, SFW_CLS_SYN);
SET_FLOW(set_syn, "syn-check", "Refuse TCP sessions opened without SYN (default)",
	 syn_check, SFW_SF_SYN_CHECK, true, SFW_CLS_SYN);
/* sfw's own: Junos logs sessions per policy (`then log ...`) only */
SET_FLOW(set_log, "log-sessions", "Log every session's create, close and deny",
	 log_sessions, SFW_SF_LOG_SESSIONS, true, SFW_CLS_LOG);
SET_FLOW(set_nolog, "no-log-sessions", "Log sessions only where policies say (default)",
	 log_sessions, SFW_SF_LOG_SESSIONS, false, SFW_CLS_LOG);
#undef SET_FLOW
/* sfw's own too (include/ratelimit.h): Junos's `security log event-rate`
 * would limit creates and closes as well */
static const struct sfw_node set_deny_rate = {
	.word = "deny-log-rate", .help = "Denies logged per second and CPU (default "
	SFW_STR(SFW_DENY_LOG_RATE_DEFAULT) ")",
	.arg = SFW_ARG_UINT,
	SFW_OPT(struct sfw_set_flow_opts, deny_log_rate, SFW_SF_DENY_LOG_RATE),
};
static const struct sfw_node set_reply_rate = {
	.word = "reply-rate", .help = "Rejects and SYN-cookie answers per second and CPU (default "
	SFW_STR(SFW_REPLY_RATE_DEFAULT) ")",
	.arg = SFW_ARG_UINT, SFW_OPT(struct sfw_set_flow_opts, reply_rate, SFW_SF_REPLY_RATE),
};
static const struct sfw_node set_fwd = {
	.word = "forwarding", .help = "Forward transit packets in XDP (default disable)",
	.arg = SFW_ARG_CHOICE, .choices = forwarding_words, .choice_values = forwarding_values,
	SFW_OPT(struct sfw_set_flow_opts, forwarding, SFW_SF_FORWARDING),
};

#define SFW_X(name, secs, w) &set_to_##name,
static const struct sfw_node set_flow = {
	.word = "flow", .help = "Flow settings (timeouts, SYN check, forwarding, rate limits)",
	.flags = SFW_N_OPTIONS | SFW_N_NEED_ONE,
	SFW_RUN(sfw_cmd_set_flow, struct sfw_set_flow_opts),
	.kids = KIDS(SFW_TIMEOUT_LIST(SFW_X) &set_log, &set_nolog, &set_nosyn, &set_syn, &set_fwd,
		     &set_deny_rate, &set_reply_rate),
};
#undef SFW_X
static const struct sfw_node set_default_policy = {
	.word = "default-policy", .help = "Action for traffic no policy matches",
	.arg = SFW_ARG_CHOICE, .choices = policy_words, .choice_values = policy_values,
	SFW_OPT(struct sfw_default_policy_opts, policy, SFW_DP_POLICY),
	SFW_RUN(sfw_cmd_set_default_policy, struct sfw_default_policy_opts),
};
static const struct sfw_node set_policies = {
	.word = "policies", .help = "Security policy settings",
	.kids = KIDS(&set_default_policy),
};
static const struct sfw_node set_security = {
	.word = "security", .help = "Security settings",
	.kids = KIDS(&set_flow, &set_policies),
};
static const struct sfw_node set = {
	.word = "set", .help = "Change a run-time setting",
	.kids = KIDS(&set_security),
};

static const struct sfw_node attach_mode = {
	.word = "mode", .help = "XDP mode (default native)", .arg = SFW_ARG_CHOICE,
	.choices = mode_words, .choice_values = mode_values,
	SFW_OPT(struct sfw_attach_cmd_opts, mode, SFW_AT_MODE),
};
static const struct sfw_node attach_fwd = {
	.word = "forward", .help = "Forward transit packets in XDP (every interface)",
	SFW_OPT(struct sfw_attach_cmd_opts, forward, SFW_AT_FORWARD), .value = true,
};
static const struct sfw_node attach_max = {
	.word = "max-sessions", .help = "Session table capacity (first attach)",
	.arg = SFW_ARG_UINT, SFW_OPT(struct sfw_attach_cmd_opts, max_sessions, SFW_AT_MAX_SESSIONS),
};
static const struct sfw_attach_cmd_opts attach_defaults = { .mode = SFW_XDP_MODE_NATIVE };
static const struct sfw_node attach = {
	.word = "attach", .help = "Attach sfw to interfaces",
	.flags = SFW_N_OPTIONS | SFW_N_POSITIONAL | SFW_N_NEED_ONE,
	.pos_name = "<interface>", .pos_help = "Interface to attach to",
	SFW_RUN(sfw_cmd_attach, struct sfw_attach_cmd_opts), .defaults = &attach_defaults,
	.kids = KIDS(&attach_fwd, &attach_max, &attach_mode),
};
static const struct sfw_node restore_wait = {
	.word = "wait", .help = "Seconds to wait for interfaces not there yet (default 10)",
	.arg = SFW_ARG_UINT, SFW_OPT(struct sfw_restore_cmd_opts, wait_s, SFW_RESTORE_WAIT),
};
static const struct sfw_node restore_watch = {
	.word = "watch", .help = "Stay, attaching a recorded interface whenever it comes back",
	SFW_OPT(struct sfw_restore_cmd_opts, watch, SFW_RESTORE_WATCH), .value = true,
};
static const struct sfw_restore_cmd_opts restore_defaults = { .wait_s = 10 };
static const struct sfw_node restore = {
	.word = "restore", .help = "Attach again the interfaces attached before a reboot",
	.flags = SFW_N_OPTIONS,
	SFW_RUN(sfw_cmd_restore, struct sfw_restore_cmd_opts), .defaults = &restore_defaults,
	.kids = KIDS(&restore_wait, &restore_watch),
};
KEYWORD(detach_all, "all", "Detach from every interface", struct sfw_all_opts, all, SFW_ALL,
	true, SFW_CLS_ALL, SFW_CLS_POS);
static const struct sfw_node detach = {
	.word = "detach", .help = "Detach sfw from interfaces",
	.flags = SFW_N_OPTIONS | SFW_N_POSITIONAL | SFW_N_NEED_ONE,
	.pos_name = "<interface>", .pos_help = "Interface to detach from",
	SFW_RUN(sfw_cmd_detach, struct sfw_all_opts), .kids = KIDS(&detach_all),
};
static const struct sfw_node status = {
	.word = "status", .help = "Show attached interfaces and the session table",
	.run = sfw_cmd_status,
};
static const struct sfw_node reload = {
	.word = "reload", .help = "Swap in freshly loaded programs, keeping sessions",
	.run = sfw_cmd_reload,
};
static const struct sfw_node help = {
	.word = "help", .help = "List the words that may follow",
	.flags = SFW_N_POSITIONAL, .pos_name = "<command>",
	.pos_help = "Command words to get help on", .run = sfw_cmd_help,
};
static const struct sfw_node completion_bash = {
	.word = "bash", .help = "Bash completion script", .run = sfw_cmd_completion,
};
static const struct sfw_node completion = {
	.word = "completion", .help = "Print a shell completion script",
	.kids = KIDS(&completion_bash),
};

/* commit [check] [FILE] [reevaluate], rollback [N]: the configuration file. */
KEYWORD(commit_check, "check", "Check the configuration, change nothing",
	struct sfw_commit_opts, mode, SFW_CO_MODE, SFW_COMMIT_CHECK, SFW_CLS_VIEW, SFW_CLS_VIEW);
KEYWORD(commit_reeval, "reevaluate", "Clear sessions the new policies no longer permit",
	struct sfw_commit_opts, mode, SFW_CO_MODE, SFW_COMMIT_REEVALUATE, SFW_CLS_VIEW,
	SFW_CLS_VIEW);
static const struct sfw_node commit = {
	.word = "commit", .help = "Check and apply a configuration file",
	.flags = SFW_N_OPTIONS | SFW_N_POSITIONAL, .pos_name = "<file>",
	.pos_help = "Configuration file (default: the active one)",
	SFW_RUN(sfw_cmd_commit, struct sfw_commit_opts),
	.kids = KIDS(&commit_check, &commit_reeval),
};
static const struct sfw_node rollback = {
	.word = "rollback", .help = "Return to a previous committed configuration",
	.flags = SFW_N_POSITIONAL, .pos_name = "<number>",
	.pos_help = "Rollback number 0..49 (default 1)", .run = sfw_cmd_rollback,
};

/* sfw daemon: session logs and ageing; sfw monitor: live session events. */
static const struct sfw_node d_syslog = {
	.word = "syslog", .help = "Log to the local syslog (RFC 5424 over /dev/log)",
	SFW_OPT(struct sfw_daemon_opts, syslog, SFW_DA_SYSLOG), .value = true,
};
static const struct sfw_node d_stdout = {
	.word = "stdout", .help = "Log lines to standard output (default without sinks)",
	SFW_OPT(struct sfw_daemon_opts, stdout_text, SFW_DA_STDOUT), .value = true,
};
static const struct sfw_node d_file = {
	.word = "file", .help = "Append log lines to this file", .arg = SFW_ARG_NAME,
	SFW_OPT(struct sfw_daemon_opts, file, SFW_DA_FILE),
};
static const struct sfw_node d_json = {
	.word = "json-file", .help = "Append JSON lines to this file (- for stdout)",
	.arg = SFW_ARG_NAME, SFW_OPT(struct sfw_daemon_opts, json_file, SFW_DA_JSON_FILE),
};
static const struct sfw_node d_interval = {
	.word = "sweep-interval", .help = "Milliseconds between sweeps (default 1000)",
	.arg = SFW_ARG_UINT,
	SFW_OPT(struct sfw_daemon_opts, sweep_interval_ms, SFW_DA_INTERVAL),
};
static const struct sfw_node daemon = {
	.word = "daemon", .help = "Log session events and remove expired sessions (foreground)",
	.flags = SFW_N_OPTIONS, SFW_RUN(sfw_cmd_daemon, struct sfw_daemon_opts),
	.kids = KIDS(&d_file, &d_json, &d_stdout, &d_interval, &d_syslog),
};
static const struct sfw_node monitor_session = {
	.word = "session", .help = "Stream session creates and closes until interrupted",
	.flags = SFW_N_OPTIONS, SFW_RUN(sfw_cmd_monitor_session, struct sfw_filter),
	.kids = KIDS(&f_app, &f_dst, &f_dport, &f_family, &f_iface, &f_policy, &f_proto,
		     &f_id, &f_src, &f_sport),
};
static const struct sfw_node monitor_flow = {
	.word = "flow", .help = "Monitor flow information", .kids = KIDS(&monitor_session),
};
static const struct sfw_node monitor_security = {
	.word = "security", .help = "Monitor security information", .kids = KIDS(&monitor_flow),
};
static const struct sfw_node monitor = {
	.word = "monitor", .help = "Watch events as they happen",
	.kids = KIDS(&monitor_security),
};

static const struct sfw_node request_cluster_role = {
	.word = "role", .help = "Take a cluster role (keepalived's notify hook runs this)",
	.flags = SFW_N_POSITIONAL | SFW_N_NEED_ONE, .pos_name = "<primary|secondary|disabled>",
	.pos_help = "The role this node takes", .run = sfw_cmd_request_cluster_role,
};
static const struct sfw_node request_cluster = {
	.word = "cluster", .help = "Chassis cluster operations", .kids = KIDS(&request_cluster_role),
};
static const struct sfw_node request_chassis = {
	.word = "chassis", .help = "Chassis operations", .kids = KIDS(&request_cluster),
};
static const struct sfw_node request = {
	.word = "request", .help = "Make system-level requests", .kids = KIDS(&request_chassis),
};

const struct sfw_node sfw_root = {
	.word = "sfw", .help = "sfw stateful firewall",
	.kids = KIDS(&attach, &clear, &commit, &completion, &daemon, &detach, &help,
		     &monitor, &reload, &request, &restore, &rollback, &set, &show, &status),
};
