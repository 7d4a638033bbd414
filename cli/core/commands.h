/* Every command sfw runs: its handler and the option struct its words fill
 * (cli/core/tree.c joins the two: SFW_RUN names a node's handler and struct,
 * SFW_OPT the member each option's value lands in). A handler reads its
 * options with SFW_OPTS(cl, struct ...). Each struct starts with a __u32
 * given-mask, the bits of the options given (a struct sfw_filter starts
 * with its mask): a member holds its value only when its bit is set. */
#ifndef SFW_CLI_COMMANDS_H
#define SFW_CLI_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "config.h"
#include "grammar.h"
#include "iface.h"
#include "values.h"

/* The session filters of show, clear and monitor: each given field must
 * match (AND). */
enum sfw_filter_field {
	SFW_FLT_ID          = 1u << 0,
	SFW_FLT_PROTO       = 1u << 1,
	SFW_FLT_SRC_PREFIX  = 1u << 2,
	SFW_FLT_DST_PREFIX  = 1u << 3,
	SFW_FLT_SRC_PORT    = 1u << 4,
	SFW_FLT_DST_PORT    = 1u << 5,
	SFW_FLT_IFACE       = 1u << 6,
	SFW_FLT_APP         = 1u << 7,
	SFW_FLT_POLICY      = 1u << 8,
	SFW_FLT_FAMILY      = 1u << 9,
	SFW_FLT_SERVICE_SET = 1u << 10,
	SFW_FLT_CONN_TAG    = 1u << 11,
	SFW_FLT_NAT         = 1u << 12,
	SFW_FLT_POLICY_ID   = 1u << 13,
};
/* The filter's bits of a mask; a command's own bits lie above (a filter
 * passed on keeps these only). */
#define SFW_FLT_FIELDS 0xffffu

struct sfw_filter {
	__u32 mask;                 /* SFW_FLT_* given */
	__u64 id;
	__u8 proto;
	__u8 family;                /* SFW_FAMILY_* */
	__u16 sport, dport;
	struct sfw_prefix src, dst;
	__u32 ifindex;
	const char *app;            /* application word (see sfw_app_matches) */
	const char *policy;         /* policy name or index */
	const char *service_set;
	__u32 conn_tag;
	bool nat;                   /* only translated sessions */
	__u32 policy_id;
};

/* show security flow session [filters] [brief|extensive|summary]
 * [refresh N]; its command bits lie above the SFW_FLT_* bits. */
enum sfw_view_kind {
	SFW_VIEW_BRIEF,
	SFW_VIEW_EXTENSIVE,
	SFW_VIEW_SUMMARY,
};
#define SFW_SO_VIEW    (1u << 16)
#define SFW_SO_REFRESH (1u << 17)
struct sfw_show_session_opts {
	struct sfw_filter f;
	enum sfw_view_kind view;
	__u32 refresh_s;
};
int sfw_cmd_show_session(const struct sfw_cmdline *cl);

/* clear security flow session: filters, or all. clear services
 * stateful-firewall flows and monitor security flow session take filters
 * only: their options are a struct sfw_filter. */
#define SFW_CS_ALL (1u << 16)
struct sfw_clear_session_opts {
	struct sfw_filter f;
	bool all;
};
int sfw_cmd_clear_session(const struct sfw_cmdline *cl);
int sfw_cmd_clear_services(const struct sfw_cmdline *cl);
int sfw_cmd_monitor_session(const struct sfw_cmdline *cl);

/* show security policies [from-zone Z to-zone Z | global] [policy-name P]
 * [detail | hit-count] */
enum sfw_policies_view {
	SFW_POLICIES_DETAIL = 1,
	SFW_POLICIES_HIT_COUNT = 2,
};
#define SFW_SP_FROM_ZONE   (1u << 0)
#define SFW_SP_TO_ZONE     (1u << 1)
#define SFW_SP_POLICY_NAME (1u << 2)
#define SFW_SP_GLOBAL      (1u << 3)
#define SFW_SP_VIEW        (1u << 4)
struct sfw_show_policies_opts {
	__u32 given;
	const char *from_zone, *to_zone, *policy_name;
	bool global;
	enum sfw_policies_view view;
};
int sfw_cmd_show_policies(const struct sfw_cmdline *cl);

/* show security match-policies from-zone Z to-zone Z source-ip A
 * destination-ip A source-port P destination-port P protocol P: the policy
 * a first packet would hit under the committed configuration. Junos needs
 * every option; so does sfw (SFW_MP_ALL). */
#define SFW_MP_FROM_ZONE  (1u << 0)
#define SFW_MP_TO_ZONE    (1u << 1)
#define SFW_MP_SOURCE     (1u << 2)
#define SFW_MP_DEST       (1u << 3)
#define SFW_MP_SPORT      (1u << 4)
#define SFW_MP_DPORT      (1u << 5)
#define SFW_MP_PROTO      (1u << 6)
#define SFW_MP_ALL        0x7fu
struct sfw_match_policies_opts {
	__u32 given;
	const char *from_zone, *to_zone;
	struct sfw_prefix src, dst;     /* addresses: full length */
	__u16 sport, dport;
	__u8 proto;
};
int sfw_cmd_show_match_policies(const struct sfw_cmdline *cl);
int sfw_cmd_show_flow_statistics(const struct sfw_cmdline *cl);
int sfw_cmd_clear_hit_count(const struct sfw_cmdline *cl);
int sfw_cmd_show_zones(const struct sfw_cmdline *cl);
/* show security nat source rule R|all, show security nat source summary,
 * clear security nat source rule R|all, pool P|all, clear security nat
 * statistics, and the destination ones (drule, dpool, dsummary)
 * (cli/config/cmd_nat.c) */
int sfw_cmd_show_nat_rule(const struct sfw_cmdline *cl);
int sfw_cmd_show_nat_summary(const struct sfw_cmdline *cl);
int sfw_cmd_show_nat_pool(const struct sfw_cmdline *cl);
int sfw_cmd_clear_nat_rule(const struct sfw_cmdline *cl);
int sfw_cmd_clear_nat_pool(const struct sfw_cmdline *cl);
int sfw_cmd_clear_nat_statistics(const struct sfw_cmdline *cl);
int sfw_cmd_show_nat_drule(const struct sfw_cmdline *cl);
int sfw_cmd_show_nat_dsummary(const struct sfw_cmdline *cl);
int sfw_cmd_show_nat_dpool(const struct sfw_cmdline *cl);
int sfw_cmd_clear_nat_drule(const struct sfw_cmdline *cl);
int sfw_cmd_clear_nat_dpool(const struct sfw_cmdline *cl);
int sfw_cmd_show_nat_srule(const struct sfw_cmdline *cl);
int sfw_cmd_clear_nat_srule(const struct sfw_cmdline *cl);
int sfw_cmd_show_configuration(const struct sfw_cmdline *cl);
int sfw_cmd_show_system_commit(const struct sfw_cmdline *cl);

/* commit [check | reevaluate] [FILE]; rollback [N] */
enum sfw_commit_mode {
	SFW_COMMIT_CHECK = 1,
	SFW_COMMIT_REEVALUATE = 2,
};
#define SFW_CO_MODE (1u << 0)
struct sfw_commit_opts {
	__u32 given;
	enum sfw_commit_mode mode;
};
int sfw_cmd_commit(const struct sfw_cmdline *cl);
int sfw_cmd_rollback(const struct sfw_cmdline *cl);

/* set security flow ...: a timeout's bit is 1 << its enum
 * sfw_timeout_class, the other settings' bits follow. */
#define SFW_SF_TIMEOUT(to)   (1u << (to))
#define SFW_SF_SYN_CHECK     (1u << SFW_TO_COUNT)
#define SFW_SF_LOG_SESSIONS  (SFW_SF_SYN_CHECK << 1)
#define SFW_SF_FORWARDING    (SFW_SF_SYN_CHECK << 2)
#define SFW_SF_DENY_LOG_RATE (SFW_SF_SYN_CHECK << 3)
#define SFW_SF_REPLY_RATE    (SFW_SF_SYN_CHECK << 4)
struct sfw_set_flow_opts {
	__u32 given;
	__u32 timeout_s[SFW_TO_COUNT];
	bool syn_check, log_sessions, forwarding;
	__u32 deny_log_rate, reply_rate;
};
int sfw_cmd_set_flow(const struct sfw_cmdline *cl);

/* set security policies default-policy permit-all|deny-all */
#define SFW_DP_POLICY (1u << 0)
struct sfw_default_policy_opts {
	__u32 given;
	enum sfw_default_policy policy;
};
int sfw_cmd_set_default_policy(const struct sfw_cmdline *cl);

int sfw_cmd_show_flow_status(const struct sfw_cmdline *cl);
int sfw_cmd_show_flow_config(const struct sfw_cmdline *cl);
int sfw_cmd_show_screen_stats(const struct sfw_cmdline *cl);

/* attach IFACE... [mode native|generic] [max-sessions N] [forward] */
#define SFW_AT_MODE         (1u << 0)
#define SFW_AT_MAX_SESSIONS (1u << 1)
#define SFW_AT_FORWARD      (1u << 2)
struct sfw_attach_cmd_opts {
	__u32 given;
	enum sfw_xdp_mode mode;      /* native unless given */
	__u32 max_sessions;
	bool forward;
	/* no word of the grammar: restore's recorded capacity, tried first on
	 * a new table, the default one should the kernel refuse it */
	__u32 recorded_sessions;
	/* nor this: `restore watch`'s, which attaches an interface that
	 * came back only if the record still holds it under the lock (a
	 * `detach` may have come between its look and the lock) */
	bool only_recorded;
};
int sfw_cmd_attach(const struct sfw_cmdline *cl);
/* restore [wait SECONDS] [watch]: the recorded interfaces attached
 * again, and with watch whenever one comes back */
#define SFW_RESTORE_WAIT  (1u << 0)
#define SFW_RESTORE_WATCH (1u << 1)
struct sfw_restore_cmd_opts {
	__u32 given;
	__u32 wait_s;                /* for interfaces not there yet */
	bool watch;
};
int sfw_cmd_restore(const struct sfw_cmdline *cl);
/* Is there a session table (a pin, whether it opens or not)? */
bool sfw_sessions_pinned(void);
/* "native" or "generic": the word attach takes for an SFW_XDP_MODE_*. */
const char *sfw_mode_name(__u32 mode);

/* detach and clear interfaces statistics: interface names, or all */
#define SFW_ALL (1u << 0)
struct sfw_all_opts {
	__u32 given;
	bool all;
};
int sfw_cmd_detach(const struct sfw_cmdline *cl);
int sfw_cmd_clear_iface_stats(const struct sfw_cmdline *cl);
int sfw_cmd_show_iface_flow(const struct sfw_cmdline *cl);

int sfw_cmd_status(const struct sfw_cmdline *cl);
int sfw_cmd_reload(const struct sfw_cmdline *cl);

/* daemon [syslog] [stdout] [file F] [json-file F] [sweep-interval MS] */
#define SFW_DA_SYSLOG    (1u << 0)
#define SFW_DA_STDOUT    (1u << 1)
#define SFW_DA_FILE      (1u << 2)
#define SFW_DA_JSON_FILE (1u << 3)
#define SFW_DA_INTERVAL  (1u << 4)
struct sfw_daemon_opts {
	__u32 given;
	bool syslog, stdout_text;
	const char *file, *json_file;
	__u32 sweep_interval_ms;     /* 0: SFW_SWEEP_INTERVAL_MS */
};
int sfw_cmd_daemon(const struct sfw_cmdline *cl);

/* show chassis cluster status|statistics|configuration, request chassis
 * cluster role (docs/ha.md) */
int sfw_cmd_show_cluster_status(const struct sfw_cmdline *cl);
int sfw_cmd_show_cluster_statistics(const struct sfw_cmdline *cl);
int sfw_cmd_show_cluster_configuration(const struct sfw_cmdline *cl);
int sfw_cmd_request_cluster_role(const struct sfw_cmdline *cl);

int sfw_cmd_help(const struct sfw_cmdline *cl);
int sfw_cmd_completion(const struct sfw_cmdline *cl);
int sfw_cmd_show_version(const struct sfw_cmdline *cl);
/* `sfw --version`: one line, the release and the build. */
int sfw_print_version(FILE *f);

#endif
