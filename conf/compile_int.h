/* Internal to the policy compiler (compile.c, compile_out.c,
 * app_prefixes.c). */
#ifndef SFW_CONF_COMPILE_INT_H
#define SFW_CONF_COMPILE_INT_H

#include "compile.h"
#include "tables.h"
#include "protocols.h"

/* One rule list being built; id is the list without its generation. */
struct plist {
	__u16 id;
	__u32 n_rules;
	struct sfw_table src, dst, app;
};

struct compiler {
	const struct sfw_conf *conf;
	struct sfw_compiled *out;      /* rules go straight here */
	struct plist *lists;
	int n_lists, cap_lists;
};

typedef int (*sfw_app_prefix_cb)(const __u8 *data, __u8 len, void *ctx);
/* An application as (protocol, port) prefixes: what rule lists and the
 * classification are both built from (one expansion). */
int sfw_app_prefixes(const struct sfw_conf_application *a, sfw_app_prefix_cb cb, void *ctx);

/* Port ranges arrive as 16-bit prefixes; this adapts them to app data. */
struct sfw_range_adapter {
	sfw_app_prefix_cb cb;
	void *ctx;
	__u8 proto;
};
int sfw_range_adapt(__u16 value, __u8 len, void *ctx);

/* Growable arrays of struct sfw_compiled: a zeroed new element, or NULL. */
void *cpl_grow(void **v, int *n, size_t size);
#define CPL_PUSH(out, field) \
	((__typeof__((out)->field))cpl_grow((void **)&(out)->field, &(out)->n_##field, \
					    sizeof(*(out)->field)))

/* The closed lists into addr/app entries; then the classification, zone
 * interfaces, screens, names and flow settings (compile_out.c). */
int cpl_emit_lists(struct compiler *c);
int cpl_emit_rest(const struct sfw_conf *conf, struct sfw_compiled *out);
/* security nat into out's nat_* arrays (compile_nat.c). */
int cpl_emit_nat(const struct sfw_conf *conf, struct sfw_compiled *out);

#endif
