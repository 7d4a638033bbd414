/* Internals shared by the files of conf/: the statement cursor the parsers
 * walk, error collection, and growable arrays. Not for use outside conf/. */
#ifndef SFW_CONF_INT_H
#define SFW_CONF_INT_H

#include <stdbool.h>
#include "conf.h"

struct conf_tok {
	const char *s;
	bool quoted;          /* "..." : never a bracket, may hold spaces */
};

/* One statement being parsed: its words, and where the cursor is. */
struct conf_parser {
	struct sfw_conf *conf;
	struct sfw_conf_errors *errs;
	const char *file;
	int line;
	struct conf_tok *tok;
	int n, i;
	int tok_cap;
	bool oom;             /* an allocation failed: the result is unusable */
	char ctx[256];        /* scratch for "after '...'" in messages */
};

/* Errors. conf_error() prefixes FILE:LINE of the current statement,
 * conf_error_at() a given line (the semantic checks). */
void conf_error(struct conf_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void conf_error_at(struct conf_parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int conf_errors_add(struct sfw_conf_errors *errs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The cursor. Each reader returns 0 and advances, or reports an error
 * naming the offending word and what was expected, and returns -1. */
const char *conf_context(struct conf_parser *p);
bool conf_at_end(const struct conf_parser *p);
const char *conf_peek(const struct conf_parser *p);
int conf_end(struct conf_parser *p);
/* One of words (NULL-terminated): its index, or -1. */
int conf_keyword(struct conf_parser *p, const char *const *words);
int conf_name(struct conf_parser *p, char out[SFW_CONF_NAME_MAX], const char *what);
int conf_ifname(struct conf_parser *p, char out[SFW_CONF_NAME_MAX]);
int conf_uint(struct conf_parser *p, const char *what, __u32 lo, __u32 hi, __u32 *out);
int conf_string(struct conf_parser *p, char **out, const char *what);
/* A value or `[ v1 v2 ... ]`: calls add for each word; add returns 0 or -1
 * (having reported). */
typedef int (*conf_add_fn)(struct conf_parser *p, const char *word, void *ctx);
int conf_list(struct conf_parser *p, const char *what, conf_add_fn add, void *ctx);
/* A conf_add_fn adding a valid name to the sfw_conf_refs ctx. */
int conf_add_name(struct conf_parser *p, const char *word, void *refs);
/* The same for a Linux interface name. */
int conf_add_ifname(struct conf_parser *p, const char *word, void *refs);
/* Report the word at the cursor (or its absence) where EXPECTED was due. */
int conf_expected(struct conf_parser *p, const char *expected);
/* Report a bad value: "bad WHAT 'word' after '...': expected EXPECTED". */
int conf_bad(struct conf_parser *p, const char *what, const char *word,
	     const char *expected);

/* Values. */
int conf_parse_prefix(const char *s, struct sfw_conf_prefix *out);
bool conf_prefix_equal(const struct sfw_conf_prefix *a, const struct sfw_conf_prefix *b);
int conf_parse_port_range(const char *s, struct sfw_conf_port_range *out);
int conf_parse_proto(const char *s);
int conf_parse_u8(const char *s);
bool conf_valid_name(const char *s);

/* Name -> position tables (conf/index.c). key(ctx, i, buf) is element i's
 * key, its name or a composite written into buf (CONF_KEY_MAX bytes). */
#define CONF_KEY_MAX 200
struct conf_keys {
	const char *(*key)(const void *ctx, int i, char *buf);
	const void *ctx;
};
struct conf_index {
	int *head;            /* nb chain heads: element + 1, 0 for none */
	int *next, *hash;     /* per element: next in its chain + 1, key hash */
	int nb, n, cap;       /* buckets (power of two), elements indexed, capacity */
};
/* Index the first n elements (popping any beyond n): 0 or -ENOMEM. */
int conf_index_sync(struct conf_index *x, const struct conf_keys *k, int n);
/* The newest element with this key, or -1. */
int conf_index_find(const struct conf_index *x, const struct conf_keys *k, const char *key);
void conf_index_free(struct conf_index *x);

struct conf_intset {
	int *slot;            /* value + 1; 0 empty */
	unsigned cap, n;
	bool oom;
};
/* True when v was not in the set yet (and is now). */
bool conf_intset_add(struct conf_intset *s, int v);
void conf_intset_free(struct conf_intset *s);

/* An interface named in a zone (or service set): owner, and which of its
 * interface references. */
struct conf_iface_slot {
	int owner, k;
};

struct conf_indexes {
	struct conf_index zones, addresses, address_sets, apps, app_sets;
	struct conf_index service_sets, screens;
	struct conf_index nat_src_pools, nat_dst_pools;
	struct conf_index nat_rule_sets;  /* by type and name */
	struct conf_index nat_rules;      /* by rule-set and name */
	struct conf_index policies;   /* by zone pair and name */
	struct conf_index pairs;      /* by zone pair: its newest policy first */
	/* Interfaces, built by conf_index_ifaces() once every zone is read:
	 * slots in reverse order, so a lookup finds the first owner. */
	struct conf_iface_slot *zone_ifs, *set_ifs;
	struct conf_index zone_if_index, set_if_index;
	bool ifaces_built;
};
/* Build the interface indexes (after the last statement): 0 or -ENOMEM. */
int conf_index_ifaces(struct sfw_conf *conf);

/* Growable arrays: a zeroed new element, or NULL (p->oom set). */
void *conf_grow(struct conf_parser *p, void **v, int *n, int *cap, size_t size);
#define CONF_PUSH(p, conf, field) \
	((__typeof__((conf)->field))conf_grow(p, (void **)&(conf)->field, \
		&(conf)->n_##field, &(conf)->cap_##field, sizeof(*(conf)->field)))
/* Add a reference unless the same name is already there (set semantics:
 * Junos ignores a repeated value). */
int conf_ref_add(struct conf_parser *p, struct sfw_conf_refs *refs, const char *name);
int conf_refs_find(const struct sfw_conf_refs *refs, const char *name);
void conf_refs_free(struct sfw_conf_refs *refs);

/* Array sizes before a statement: a statement with an error adds no
 * object, so one mistake is reported once, not again as an incomplete
 * object by the checks. */
struct conf_mark {
	int zones, addresses, address_sets, apps, app_sets, policies;
	int service_sets, screens;
	int nat_src_pools, nat_dst_pools, nat_rule_sets, nat_rules, nat_proxies;
};
void conf_mark(const struct sfw_conf *conf, struct conf_mark *m);
void conf_truncate(struct sfw_conf *conf, const struct conf_mark *m);

/* Objects by name, created at first mention (configuration order). */
struct sfw_conf_zone *conf_zone_get(struct conf_parser *p, const char *name);
struct sfw_conf_address *conf_address_get(struct conf_parser *p, const char *name);
struct sfw_conf_address_set *conf_address_set_get(struct conf_parser *p, const char *name);
struct sfw_conf_application *conf_app_get(struct conf_parser *p, const char *name);
struct sfw_conf_app_set *conf_app_set_get(struct conf_parser *p, const char *name);
struct sfw_conf_service_set *conf_service_set_get(struct conf_parser *p, const char *name);
struct sfw_conf_screen *conf_screen_get(struct conf_parser *p, const char *name);

/* Statement parsers: the cursor is past `set security` / `set
 * applications` / `set services`. */
int conf_parse_zones(struct conf_parser *p);
int conf_parse_address_book(struct conf_parser *p);
int conf_parse_policies(struct conf_parser *p);
int conf_parse_flow(struct conf_parser *p);
int conf_parse_forwarding_options(struct conf_parser *p);
int conf_parse_log(struct conf_parser *p);
int conf_parse_screen(struct conf_parser *p);
int conf_parse_applications(struct conf_parser *p);
int conf_parse_services(struct conf_parser *p);
int conf_parse_system(struct conf_parser *p);    /* past `set system` */
int conf_parse_nat(struct conf_parser *p);       /* past `set security nat` */

/* security nat objects by name (conf/nat_model.c). */
struct sfw_conf_nat_pool *conf_nat_pool_get(struct conf_parser *p,
					    enum sfw_conf_nat_type type, const char *name);
int conf_nat_pool_find(const struct sfw_conf *conf, enum sfw_conf_nat_type type,
		       const char *name);
struct sfw_conf_nat_rule_set *conf_nat_rule_set_get(struct conf_parser *p,
						    enum sfw_conf_nat_type type,
						    const char *name);
struct sfw_conf_nat_rule *conf_nat_rule_get(struct conf_parser *p, int set, const char *name);
void conf_nat_free_rule(struct sfw_conf_nat_rule *r);
void conf_nat_index_pop(struct sfw_conf *conf);
void conf_nat_index_free(struct conf_indexes *x);
bool conf_nat_equal(const struct sfw_conf *a, const struct sfw_conf *b);
/* Printing helpers (conf/print_words.c): a quoted string, a word quoted
 * where the lexer needs it, a prefix as ADDR/LEN. */
void conf_put_quoted(FILE *f, const char *s);
void conf_put_word(FILE *f, const char *s);
void conf_put_prefix(FILE *f, const struct sfw_conf_prefix *pfx);
void conf_print_nat(const struct sfw_conf *conf, FILE *f);
void conf_check_nat(struct conf_parser *p);
/* A prefix's first and last address (network order, IPv4 in the first
 * four bytes, the rest zero). */
void conf_prefix_ends(const struct sfw_conf_prefix *pfx, __u8 lo[16], __u8 hi[16]);
const char *conf_nat_type_word(enum sfw_conf_nat_type type);

/* Predefined applications, and ICMP type names. */
int conf_add_predefined_apps(struct sfw_conf *conf);
int conf_predefined_apps(void);
/* The predefined application-sets the configuration names, added to it. */
int conf_add_predefined_app_sets(struct conf_parser *p);       /* how many: the first apps of every model */
int conf_icmp_type(const char *s, bool v6);
/* The system-services words sfw opens on the host, as "all, ssh, ...". */
void conf_host_service_words(char *buf, size_t len);

/* Under the store's lock: does the shared candidate hold changes of its
 * own (conf/shared.c)? 1 yes, 0 no, -EBADMSG damaged or not to be
 * trusted (message set). */
int conf_shared_pending(void);

/* A whole (regular, < 16 MiB) file, malloc'd and NUL-terminated after its
 * len bytes: 0 or a negative errno. */
int conf_read_file(const char *path, char **text, size_t *len);
/* The same from an open fd (path: for the message). */
int conf_read_fd(int fd, const char *path, char **text, size_t *len);

/* The store's file primitives (conf/store_io.c): 0 or a negative errno,
 * said (sfw_fail) where the message names the file. */
#define CONF_PATH_LEN 4096
int conf_make_dir(const char *path);
int conf_write_all(int fd, const char *text, size_t len);
/* DIR/.sfw.conf.XXXXXX holding text, synced; its name in tmp
 * (CONF_PATH_LEN). */
int conf_write_temp(const char *dir, const char *text, size_t len, char *tmp);
/* text as the file at path: written beside it, synced, renamed onto it,
 * so a reader or a crash sees the old file or the new one, whole. */
int conf_write_file(const char *path, const char *text, size_t len);
/* The same, its temporary named after it (.NAME.XXXXXX), not sfw.conf's:
 * a commit removes sfw.conf's temporaries it finds, under its own lock
 * only (a file other commands write, under theirs). */
int conf_write_own_file(const char *path, const char *text, size_t len);
/* from copied onto to as conf_write_file writes (-ENOENT, not said: no
 * file to copy). For filesystems without hard links and between
 * filesystems. */
int conf_copy_file(const char *from, const char *to);
/* conf's canonical text (sfw_conf_print), malloc'd: 0 or a negative
 * errno, said. */
int conf_print_text(const struct sfw_conf *conf, char **text, size_t *len);
/* Does the file at a hold what the file at b holds (the same inode, or
 * the same bytes)? */
bool conf_same_file(const char *a, const char *b);
int conf_sync_dir(const char *dir);

/* The pending commit confirmed (conf/confirm_file.c), under the store's
 * lock. arm, before the apply: a commit confirmed writes its token (and,
 * when none was pending, keeps the active file as the target); undo puts
 * back what arm changed, after a commit that failed; done, after a commit:
 * any commit but a commit confirmed confirms. */
struct conf_confirm_undo {
	char token[256];   /* the token pending before ("" none) */
	int depth;         /* and the rollback an older sfw counted to it (0 none) */
	bool armed;
};
int conf_confirm_arm(const struct sfw_conf_commit_ops *ops, struct conf_confirm_undo *u);
void conf_confirm_undo(const struct conf_confirm_undo *u);
void conf_confirm_done(const struct sfw_conf_commit_ops *ops);

/* Split one line into p->tok (comments dropped). 0, or -1 reported. */
int conf_tokenize(struct conf_parser *p, char *line);

/* After every statement: resolve names, check what spans statements. */
void conf_check(struct conf_parser *p);
/* Every policy's index from its identity (conf/policy_ids.c): 0, -E2BIG
 * (more policies than indexes) or -ENOMEM. */
int conf_policy_ids(struct sfw_conf *conf);
void conf_check_policies(struct conf_parser *p);
/* "from-zone A to-zone B" or "global policies", for messages. */
const char *conf_pair_text(const struct sfw_conf_policy *pol, char *buf, size_t len);
/* Does the policy apply to traffic from junos-host: a zone policy from
 * it, or a global one whose match from-zone names it (resolved refs)? */
bool conf_policy_from_host(const struct sfw_conf_policy *pol);

#endif
