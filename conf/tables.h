/* In-memory tables a policy list compiles into before it is written to the
 * LPM tries: one entry per distinct prefix, with the rules that named it
 * ("own") and, after sfw_table_close(), every rule whose prefix covers it
 * ("bits") — what an LPM lookup returning that entry must answer. */
#ifndef SFW_CONF_TABLES_H
#define SFW_CONF_TABLES_H

#include <linux/types.h>
#include "policy.h"

/* A prefix over up to 16 bytes of key data: family + address for address
 * tables, protocol + zero + port for application tables. */
struct sfw_tbl_entry {
	__u8 tag;             /* family (addresses); unused for applications */
	__u8 len;             /* prefix length in bits over data */
	__u8 data[16];
	struct sfw_rule_bits own;
	struct sfw_rule_bits bits;
};

struct sfw_table {
	struct sfw_tbl_entry *v;
	int n, cap;
};

/* Adds rule `bit` to the entry for (tag, data/len), creating it. */
int sfw_table_add(struct sfw_table *t, __u8 tag, const __u8 *data, __u8 len, __u32 bit);
/* Computes every entry's bits from the own bits of the entries covering it. */
void sfw_table_close(struct sfw_table *t);
void sfw_table_free(struct sfw_table *t);

/* Calls cb for each prefix (value/len over 16 bits) that together cover
 * exactly lo..hi. */
typedef int (*sfw_range_cb)(__u16 value, __u8 len, void *ctx);
int sfw_range_prefixes(__u16 lo, __u16 hi, sfw_range_cb cb, void *ctx);

#endif
