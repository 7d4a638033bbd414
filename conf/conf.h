/* The configuration model: a file of Junos `set` statements, parsed and
 * checked into plain arrays that a compile step turns into map contents,
 * and printed back as canonical `set` lines.
 *
 * Every array keeps configuration order (the order in which each object was
 * first named), because Junos numbers policies in that order and `show
 * configuration` prints in it. Names are resolved by sfw_conf_parse_*():
 * after a successful parse every sfw_conf_ref has its kind and index set.
 *
 * Functions return 0 or a negative errno and never print. Parse errors are
 * collected, all of them, as "FILE:LINE: message" in sfw_conf_errors. */
#ifndef SFW_CONF_H
#define SFW_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "config.h"
#include "policy.h"
#include "session.h"

/* Junos names: up to 63 characters, stored whole in the names map too */
#define SFW_CONF_NAME_MAX SFW_NAME_LEN
#define SFW_CONF_DEFAULT_DIR "/etc/sfw"
#define SFW_CONF_FILE "sfw.conf"
#define SFW_CONF_ROLLBACK_MAX 49      /* rollback 1..49, as Junos keeps */

/* Policy indexes: Junos numbers user policies from 4. */
#define SFW_CONF_POLICY_INDEX_FIRST 4
/* Application ids: predefined ones are fixed (see conf/values.c), user
 * applications count up from here in configuration order. */
#define SFW_CONF_APP_ID_USER 1024
/* inactivity-timeout never */
#define SFW_CONF_TIMEOUT_NEVER 0xffffffffu

/* Junos's syn-flood screen defaults, used where the screen leaves a
 * threshold unset (0 in the model). */
#define SFW_CONF_SYN_ATTACK_DEFAULT      200
#define SFW_CONF_SYN_SOURCE_DEFAULT     4000
#define SFW_CONF_SYN_DESTINATION_DEFAULT 4000
/* limit-session: Junos's range on SRX */
#define SFW_CONF_LIMIT_SESSION_MAX  8000000

enum sfw_conf_ref_kind {
	SFW_CONF_REF_UNRESOLVED = 0,
	SFW_CONF_REF_ANY,             /* source/destination-address any */
	SFW_CONF_REF_ANY_IPV4,
	SFW_CONF_REF_ANY_IPV6,
	SFW_CONF_REF_ADDRESS,         /* idx into conf->addresses */
	SFW_CONF_REF_ADDRESS_SET,     /* idx into conf->address_sets */
	SFW_CONF_REF_APPLICATION,     /* idx into conf->apps (`any` included) */
	SFW_CONF_REF_APPLICATION_SET, /* idx into conf->app_sets */
	SFW_CONF_REF_ZONE,            /* idx into conf->zones */
	SFW_CONF_REF_SCREEN,          /* idx into conf->screens */
	SFW_CONF_REF_ZONE_HOST,       /* the built-in junos-host zone; idx -1 */
	SFW_CONF_REF_NAT_POOL,        /* idx into nat_src_pools or nat_dst_pools */
};

/* The built-in zone of traffic to and from the firewall itself: usable in
 * policies without being configured, and not configurable as a zone. */
#define SFW_CONF_ZONE_HOST_NAME "junos-host"

/* Name lookups (conf/index.c): internal, kept beside the arrays. */
struct conf_index;
struct conf_indexes;

/* A name written in the configuration, where it was written, and (after a
 * successful parse) what it names. */
struct sfw_conf_ref {
	char name[SFW_CONF_NAME_MAX];
	int line;
	enum sfw_conf_ref_kind kind;
	int idx;
};

struct sfw_conf_refs {
	struct sfw_conf_ref *v;
	int n, cap;
	struct conf_index *index;     /* long lists only: repeated names dropped in O(1) */
};

struct sfw_conf_prefix {
	__u8 family;                  /* SFW_FAMILY_INET, _INET6; 0: any family */
	__u8 len;
	union sfw_addr addr;          /* as written: host bits may be set */
};

struct sfw_conf_zone {
	char name[SFW_CONF_NAME_MAX];
	int line;
	char *description;
	struct sfw_conf_refs interfaces;
	struct sfw_conf_ref screen;   /* name[0] == 0: none */
	struct sfw_conf_refs services; /* host-inbound-traffic system-services */
};

struct sfw_conf_address {
	char name[SFW_CONF_NAME_MAX];
	int line;
	char *description;
	bool has_prefix;
	struct sfw_conf_prefix prefix;
};

struct sfw_conf_address_set {
	char name[SFW_CONF_NAME_MAX];
	int line;
	char *description;
	struct sfw_conf_refs addresses;
	struct sfw_conf_refs sets;    /* nested address-sets */
};

struct sfw_conf_port_range {
	bool set;
	__u16 lo, hi;
};

struct sfw_conf_application {
	char name[SFW_CONF_NAME_MAX];
	int line;                     /* 0 for a predefined application */
	char *description;
	__u16 id;                     /* shown as name/id in sessions */
	bool predefined;
	int proto;                    /* 0..255; -1: any protocol (`any`) */
	struct sfw_conf_port_range dport, sport;
	int icmp_type;                /* -1: any */
	int icmp_code;                /* -1: any */
	bool icmp6_words;             /* written as icmp6-type/icmp6-code */
	__u32 inactivity_timeout;     /* 0: protocol default; or _NEVER */
	bool timeout_overridden;      /* predefined: set by the configuration */
};

struct sfw_conf_app_set {
	char name[SFW_CONF_NAME_MAX];
	int line;                     /* 0 for a predefined application-set */
	bool predefined;              /* junos-*: never printed */
	char *description;
	struct sfw_conf_refs apps;
	struct sfw_conf_refs sets;
};

enum sfw_conf_action {
	SFW_CONF_ACTION_NONE = 0,
	SFW_CONF_ACTION_PERMIT,
	SFW_CONF_ACTION_DENY,
	SFW_CONF_ACTION_REJECT,       /* TCP RST / ICMP unreachable */
};

struct sfw_conf_policy {
	char name[SFW_CONF_NAME_MAX];
	int line;
	char *description;
	bool global;
	struct sfw_conf_ref from_zone, to_zone;  /* unused when global */
	struct sfw_conf_refs src, dst, apps;
	struct sfw_conf_refs match_from, match_to; /* global only; empty: any */
	enum sfw_conf_action action;
	int action_line;
	bool log_init, log_close, count;
	__u32 index;                  /* Junos's policy index, 4..8191: by its identity
				       * (conf/policy_ids.c), kept through commits */
};

struct sfw_conf_service_set {
	char name[SFW_CONF_NAME_MAX];
	int line;
	struct sfw_conf_refs interfaces;
};

struct sfw_conf_screen {
	char name[SFW_CONF_NAME_MAX];
	int line;
	bool syn_flood;               /* tcp syn-flood configured */
	__u32 syn_attack_threshold;   /* 0: Junos default (see above) */
	__u32 syn_source_threshold;
	__u32 syn_destination_threshold;
	bool ip_spoofing;
	__u32 limit_src;              /* limit-session source-ip-based; 0: none */
	int limit_src_line;           /* where limit_src was set (warnings) */
	__u32 limit_dst;              /* limit-session destination-ip-based; 0: none */
};

enum sfw_conf_syn_flood_mode {
	SFW_CONF_SYN_FLOOD_UNSET = 0,
	SFW_CONF_SYN_FLOOD_COOKIE,
};

struct sfw_conf_flow {
	__u32 timeout_s[SFW_TO_COUNT]; /* 0: not configured (default applies) */
	bool no_syn_check;
	bool no_sequence_check;
	__u32 max_sessions;            /* 0: not configured */
	enum sfw_conf_syn_flood_mode syn_flood_mode;
	__u32 deny_log_rate;           /* sfw's own words (include/ratelimit.h); 0: default */
	__u32 reply_rate;
};

/* set system services prometheus (cli/metrics/metrics.h, docs/metrics.md). */
#define SFW_CONF_PROMETHEUS_PORT 9660
struct sfw_conf_prometheus {
	bool set;                      /* configured: the daemon serves metrics */
	int line;
	bool has_address;              /* else 127.0.0.1 */
	struct sfw_conf_prefix address;
	__u16 port;                    /* 0: SFW_CONF_PROMETHEUS_PORT */
};

/* security nat (docs/nat.md). Checked, printed and compiled (conf/
 * compile_nat.c into include/nat.h's entries); a commit refuses what the
 * datapath does not translate yet (sfw_conf_nat_refuse). */
enum sfw_conf_nat_type {
	SFW_CONF_NAT_SOURCE,
	SFW_CONF_NAT_DESTINATION,
	SFW_CONF_NAT_STATIC,
};

/* Junos's range for a source pool's ports (port range LOW to HIGH). */
#define SFW_CONF_NAT_PORT_MIN 1024
#define SFW_CONF_NAT_PORT_MAX 65535

/* A source or destination pool; the two kinds have names of their own. */
struct sfw_conf_nat_pool {
	char name[SFW_CONF_NAME_MAX];
	int line;
	bool has_address, has_to;
	int address_line;
	struct sfw_conf_prefix address, to;  /* address A [to B] */
	struct sfw_conf_port_range ports;    /* source: port range LOW to HIGH */
	int ports_line;
	bool no_translation;                 /* source: port no-translation */
	__u16 port;                          /* destination: address A port N; 0 keeps it */
};

struct sfw_conf_prefixes {
	struct sfw_conf_prefix *v;
	int n, cap;
};

enum sfw_conf_nat_then {
	SFW_CONF_NAT_THEN_NONE = 0,
	SFW_CONF_NAT_THEN_OFF,               /* source-nat off, destination-nat off */
	SFW_CONF_NAT_THEN_INTERFACE,         /* source-nat interface */
	SFW_CONF_NAT_THEN_POOL,              /* source-nat pool P, destination-nat pool D */
	SFW_CONF_NAT_THEN_PREFIX,            /* static-nat prefix B */
};

struct sfw_conf_nat_rule {
	char name[SFW_CONF_NAME_MAX];
	int line;
	int set;                             /* its rule-set: index into nat_rule_sets */
	struct sfw_conf_prefixes src, dst;   /* empty: any */
	struct sfw_conf_port_range dport;    /* destination-port N [to M] */
	__u64 protos[4];                     /* protocol bits; none: any */
	enum sfw_conf_nat_then then;
	int then_line;
	struct sfw_conf_ref pool;            /* then ... pool P */
	struct sfw_conf_prefix prefix;       /* then static-nat prefix B */
};

struct sfw_conf_nat_rule_set {
	char name[SFW_CONF_NAME_MAX];
	int line;
	enum sfw_conf_nat_type type;
	struct sfw_conf_ref from, to;        /* from zone Z; to zone Z2 (source only) */
};

/* proxy-arp (IPv4) and proxy-ndp (IPv6): addresses the host answers for. */
struct sfw_conf_nat_proxy {
	char ifname[SFW_CONF_NAME_MAX];
	int line;
	bool ndp;
	bool has_to;
	struct sfw_conf_prefix address, to;
};

#define SFW_CONF_ARRAY(type, field) type *field; int n_##field, cap_##field

struct sfw_conf {
	char *path;                   /* the name errors use */
	char *source;                 /* the text parsed: what commit stores */
	size_t source_len;
	SFW_CONF_ARRAY(struct sfw_conf_zone, zones);
	SFW_CONF_ARRAY(struct sfw_conf_address, addresses);
	SFW_CONF_ARRAY(struct sfw_conf_address_set, address_sets);
	SFW_CONF_ARRAY(struct sfw_conf_application, apps); /* predefined first */
	SFW_CONF_ARRAY(struct sfw_conf_app_set, app_sets);
	SFW_CONF_ARRAY(struct sfw_conf_policy, policies);  /* all, in order */
	SFW_CONF_ARRAY(struct sfw_conf_service_set, service_sets);
	SFW_CONF_ARRAY(struct sfw_conf_screen, screens);
	SFW_CONF_ARRAY(struct sfw_conf_nat_pool, nat_src_pools);
	SFW_CONF_ARRAY(struct sfw_conf_nat_pool, nat_dst_pools);
	SFW_CONF_ARRAY(struct sfw_conf_nat_rule_set, nat_rule_sets); /* every type, in order */
	SFW_CONF_ARRAY(struct sfw_conf_nat_rule, nat_rules);         /* every set's, in order */
	SFW_CONF_ARRAY(struct sfw_conf_nat_proxy, nat_proxies);
	struct sfw_conf_flow flow;
	struct sfw_conf_prometheus prometheus;
	/* set security log format sd-syslog|syslog (docs/events.md): the
	 * session logs' form; NONE: not configured (sd-syslog) */
	enum { SFW_CONF_LOG_NONE, SFW_CONF_LOG_SD_SYSLOG, SFW_CONF_LOG_SYSLOG } log_format;
	/* set security forwarding-options family mpls mode packet-based */
	bool mpls_packet_mode;
	int mpls_packet_line;         /* where it was set (warnings) */
	/* set security forwarding-options family inet6 mode flow-based: what
	 * sfw does anyway, kept to be printed back */
	bool inet6_flow_mode;
	bool default_policy_set;
	enum sfw_default_policy default_policy; /* permit-all unless set */
	struct conf_indexes *index;   /* lookups by name; from sfw_conf_init() */
};

/* In line order. A file of garbage would give one error per line: past
 * SFW_CONF_ERRORS_MAX only the count grows ("... and N more"). */
struct sfw_conf_errors {
	char **msg;                   /* "FILE:LINE: message" */
	int n, cap;
	int dropped;                  /* beyond SFW_CONF_ERRORS_MAX */
};
#define SFW_CONF_ERRORS_MAX 1000

/* An empty configuration: the predefined applications, nothing else, and
 * Junos's default policy, deny-all: a configuration that does not say
 * `default-policy permit-all` permits only what its policies permit. */
int sfw_conf_init(struct sfw_conf *conf);
/* The built-in configuration, in force while no configuration is stored
 * at all: as sfw_conf_init(), but permit-all, so that attaching sfw
 * without configuring it tracks traffic without refusing any. */
int sfw_conf_init_builtin(struct sfw_conf *conf);
void sfw_conf_free(struct sfw_conf *conf);
void sfw_conf_errors_free(struct sfw_conf_errors *errs);

/* Parse and check a file (NULL: the active one, sfw_conf_active_path()).
 * conf must come from sfw_conf_init(). Returns 0 when the configuration is
 * valid; -EINVAL with every error in errs; or another negative errno when
 * there is nothing to parse (no such file, not a regular file, larger than
 * a configuration may be): errs is then untouched and sfw_last_error() has
 * the one line. A FIFO or device is refused without blocking on it. A
 * UTF-8 byte-order mark at the start of the text is skipped. */
int sfw_conf_parse_file(struct sfw_conf *conf, const char *path,
			struct sfw_conf_errors *errs);
/* The same from memory; name is what error messages call the text. A
 * statement with an error adds no object, so one mistake is reported once
 * rather than again as an incomplete object. */
int sfw_conf_parse_buffer(struct sfw_conf *conf, const char *name,
			  const char *text, size_t len,
			  struct sfw_conf_errors *errs);

/* Only the statements, without the checks that span them (names
 * resolved, objects complete): what configuration mode takes one `set` at
 * a time, leaving the rest to `commit check`, as Junos does. */
int sfw_conf_parse_statements(struct sfw_conf *conf, const char *name,
			      const char *text, size_t len,
			      struct sfw_conf_errors *errs);

/* Canonical `set` lines, one value per line as Junos `| display set`
 * prints them, objects in configuration order. */
int sfw_conf_print(const struct sfw_conf *conf, FILE *f);

/* Settings that are valid but weaker than they look, one line each on f,
 * "FILE:LINE: warning: ...", after which a commit still succeeds. Today:
 * a zone whose screen limits sessions per source address without the ip
 * spoofing screen (docs/security.md "Limits that remain"); `security
 * nat`, which commit check accepts but commit refuses (docs/nat.md); an
 * ICMP error type as an application; and `then log` or `count` on a
 * permit from junos-host, whose self traffic no policy is asked about. 
 * Returns how many lines it printed. */
int sfw_conf_print_warnings(const struct sfw_conf *conf, FILE *f);

/* Does the configuration say anything under `security nat`? */
bool sfw_conf_has_nat(const struct sfw_conf *conf);
/* The datapath translates `source-nat interface` (and `off`) over IPv4
 * only (docs/nat.md "Not built yet"): the first statement of what it does
 * not, described in buf, and its line; 0 when everything is built. A
 * commit (and an attach applying a stored file) refuses such a
 * configuration before anything is stored or applied; commit check
 * accepts it with a warning. */
int sfw_conf_nat_unbuilt(const struct sfw_conf *conf, char *buf, size_t n);
#define SFW_CONF_NAT_REFUSED "remove it to commit (docs/nat.md)"
/* -EOPNOTSUPP with "FILE:LINE: what: " SFW_CONF_NAT_REFUSED in
 * sfw_last_error() when sfw_conf_nat_unbuilt() finds something, else 0. */
int sfw_conf_nat_refuse(const struct sfw_conf *conf);

/* Same configuration, ignoring line numbers, paths and source text. */
bool sfw_conf_equal(const struct sfw_conf *a, const struct sfw_conf *b);

/* Lookups by name: index, or -1. */
int sfw_conf_find_zone(const struct sfw_conf *conf, const char *name);
int sfw_conf_find_address(const struct sfw_conf *conf, const char *name);
int sfw_conf_find_address_set(const struct sfw_conf *conf, const char *name);
int sfw_conf_find_app(const struct sfw_conf *conf, const char *name);
int sfw_conf_find_app_set(const struct sfw_conf *conf, const char *name);
int sfw_conf_find_screen(const struct sfw_conf *conf, const char *name);
int sfw_conf_find_service_set(const struct sfw_conf *conf, const char *name);
/* The datapath's zone id of a resolved zone reference: zone i of
 * conf->zones is i + 1 (configuration order), junos-host SFW_ZONE_HOST;
 * SFW_ZONE_NONE for anything else (`any` in a global policy). */
int sfw_conf_zone_id(const struct sfw_conf_ref *ref);
/* Does a global policy's `match from-zone` or `match to-zone` list take
 * zone id `zone`? An empty list and one that holds `any` take every zone:
 * the one meaning the compiler and the CLI's matcher share (review rv30,
 * F1: the compiler once read `any` as no zone at all). */
bool sfw_conf_zone_listed(const struct sfw_conf_refs *zones, int zone);
/* Does that list take every zone? */
bool sfw_conf_zones_all(const struct sfw_conf_refs *zones);
/* The zone (index) an interface belongs to, or -1. */
int sfw_conf_iface_zone(const struct sfw_conf *conf, const char *ifname);
/* The service set (index) an interface belongs to, or -1. */
int sfw_conf_iface_service_set(const struct sfw_conf *conf, const char *ifname);

/* Flatten resolved address references (a policy's src or dst) to
 * prefixes: `any` gives one prefix of family 0 length 0, any-ipv4
 * 0.0.0.0/0, any-ipv6 ::/0; sets are expanded, each address visited once.
 * addr is NULL for the any forms. A non-zero return from cb stops the walk
 * and is returned. */
typedef int (*sfw_conf_prefix_cb)(const struct sfw_conf_prefix *prefix,
				  const struct sfw_conf_address *addr, void *ctx);
int sfw_conf_walk_addresses(const struct sfw_conf *conf,
			    const struct sfw_conf_refs *refs,
			    sfw_conf_prefix_cb cb, void *ctx);
/* Flatten resolved application references to applications, each once. */
typedef int (*sfw_conf_app_cb)(const struct sfw_conf_application *app, void *ctx);
int sfw_conf_walk_apps(const struct sfw_conf *conf,
		       const struct sfw_conf_refs *refs,
		       sfw_conf_app_cb cb, void *ctx);

/* Commit storage. The directory is $SFW_CONF_DIR or /etc/sfw; the active
 * file is DIR/sfw.conf, previous ones DIR/rollback/sfw.conf.1 (newest) to
 * .49. */
const char *sfw_conf_dir(void);
/* n = 0: the active file; 1..SFW_CONF_ROLLBACK_MAX: a previous one. */
int sfw_conf_rollback_path(int n, char *buf, size_t len);
int sfw_conf_active_path(char *buf, size_t len);
/* Is a configuration stored? Only an active file that is absent (or whose
 * directory is) says no; one that cannot even be looked at, or a directory
 * that is a symbolic link to nothing, says yes, so that it fails closed
 * rather than count as none (docs/security.md). */
bool sfw_conf_stored(void);

/* The datapath step of a commit. apply puts conf in force (NULL: sfw is
 * not loaded, store only); restore, after a failure once apply was called,
 * puts back what was in force before, or fails closed. */
typedef int (*sfw_conf_apply_fn)(const struct sfw_conf *conf, void *ctx);
struct sfw_conf_commit_ops {
	sfw_conf_apply_fn apply;
	int (*restore)(void *ctx);
	void *ctx;
	/* `commit confirmed`: the commit leaves this token in the store's
	 * confirmation file (any other commit removes it: that confirms). */
	const char *arm;
	/* The rollback a confirmed commit's timer makes: only while the file
	 * still holds this token (checked under the store's lock), else
	 * -ECANCELED, nothing changed. */
	const char *if_armed;
};
/* Make conf (a configuration that parsed without error) the active file
 * and, with ops, the datapath's: its text (conf->source, or its printed
 * form, which then becomes conf->source) is written beside the active file
 * and synced, then applied, then renamed over it; the previous active file
 * becomes rollback 1, 1 becomes 2, and so on. A reader sees one file or the
 * other, never a mixture; concurrent commits are serialised; SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT wait from the apply to the rename. Nothing is
 * applied unless the text is on disk, nothing renamed unless apply
 * returned 0; a failure after apply began calls restore. A configuration
 * with `security nat` is refused before anything (sfw_conf_nat_refuse). */
int sfw_conf_commit(struct sfw_conf *conf, const struct sfw_conf_commit_ops *ops);
/* The token of the confirmed commit waiting for its confirmation, in buf
 * ("" when none). 0 or -errno. */
int sfw_conf_confirm_pending(char *buf, size_t len);
/* What the pending commit confirmed's timer gives back: the configuration
 * before the first of the confirmed commits in a row (Junos: a commit
 * confirmed while one is pending delays the rollback, whose target
 * stays), kept as a file of its own whatever the history does. */
int sfw_conf_load_confirm_target(struct sfw_conf *conf, struct sfw_conf_errors *errs);
/* A commit killed (SIGKILL, a crash) before its history moved whole is
 * finished, under the store's lock, before the history is read: by the
 * next commit, and by sfw_conf_load_rollback. 0 or -errno (said). */
int sfw_conf_recover(void);
/* `configure exclusive`: take the lock (who: "user (pid N)", shown to
 * others): its fd, to keep until sfw_conf_exclusive_release; -EBUSY with
 * the holder in holder; or another -errno. While it is held, commits from
 * other processes fail with -EBUSY. sfw_conf_exclusive_own(true): this
 * process commits through it (the holder's children; the commit
 * confirmed timer). */
int sfw_conf_exclusive_take(const char *who, char *holder, size_t len);
void sfw_conf_exclusive_release(int fd);
void sfw_conf_exclusive_own(bool own);
/* 0, or -EBUSY (said: who holds it) while another session holds
 * `configure exclusive`. */
int sfw_conf_exclusive_free(void);
/* on: this process's commits are `configure private`'s, refused (-EBUSY)
 * while the shared candidate has changes nobody committed. */
void sfw_conf_private_commit(bool on);
/* The next commits are of the shell's shared candidate: they go ahead
 * while it has changes, and reset it once stored. */
void sfw_conf_shared_commit(bool on);
/* fn(arg), called under the store's lock before anything is applied,
 * refuses the commit with its -errno (message set); NULL: none. */
void sfw_conf_commit_check(int (*fn)(void *arg), void *arg);
/* The same, storage only. */
int sfw_conf_store(const struct sfw_conf *conf);
/* `sfw commit [FILE]` in one call: parse and check path (NULL: the active
 * file), then sfw_conf_commit. apply's error is returned as is. On success
 * *out (if given) receives the model, which the caller frees; otherwise it
 * is freed here. */
int sfw_conf_commit_file(const char *path, const struct sfw_conf_commit_ops *ops,
			 struct sfw_conf *out, struct sfw_conf_errors *errs);

/* SHA-256 of a configuration text: what sfw_config.conf_digest holds of
 * the text in force (loader/conf_digest.c). */
int sfw_conf_digest(const char *text, size_t len, __u8 out[SFW_CONF_DIGEST_LEN]);
/* The stored file's digest; all zero and *stored false when none is
 * stored. A stored file that cannot be read: -errno, message set. */
int sfw_conf_stored_digest(__u8 out[SFW_CONF_DIGEST_LEN], bool *stored);
/* Does the datapath (cfg) run the stored file? SFW_CONF_IN_SYNC (also when
 * none is stored: no file makes no claim), SFW_CONF_DIFFERS, or -errno for
 * a file that cannot be read. */
enum { SFW_CONF_IN_SYNC, SFW_CONF_DIFFERS };
int sfw_conf_sync(const struct sfw_config *cfg);
/* Parse rollback n (0: active). Its text is in conf->source, ready to be
 * applied and then stored as the new active configuration. */
int sfw_conf_load_rollback(struct sfw_conf *conf, int n,
			   struct sfw_conf_errors *errs);

/* The predefined applications a host-inbound-traffic system service lets
 * a zone reach on the host (junos-host): fills apps, returns how many (0
 * for a service that opens nothing here). */
int sfw_conf_host_service_apps(const char *service, const char *apps[3]);
/* A zone's host-inbound-traffic system-services as Junos lists them in
 * `Allowed host-inbound traffic :` (published device output, sorted, each
 * once), `all` and `any-service` as every service word sfw takes. Fills
 * out (at most max, pointing into the zone or sfw's table); returns how
 * many. */
int sfw_conf_host_services_list(const struct sfw_conf_zone *z, const char **out, int max);

/* Names for printing and for the CLI. */
const char *sfw_conf_action_name(enum sfw_conf_action action);
const char *sfw_conf_proto_name(int proto, char *buf, size_t len);

#endif
