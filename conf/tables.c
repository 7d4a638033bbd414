/* Prefix tables for the policy compiler (see tables.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "tables.h"

static void mask_prefix(__u8 *data, __u8 len)
{
	for (int i = 0; i < 16; i++) {
		int keep = len - i * 8;

		if (keep <= 0)
			data[i] = 0;
		else if (keep < 8)
			data[i] &= (__u8)(0xff << (8 - keep));
	}
}

/* Does prefix (a, alen) contain the address b? */
static bool covers(const __u8 *a, __u8 alen, const __u8 *b)
{
	__u8 full = alen / 8, rest = alen % 8;

	if (memcmp(a, b, full))
		return false;
	return !rest || ((a[full] ^ b[full]) & (__u8)(0xff << (8 - rest))) == 0;
}

int sfw_table_add(struct sfw_table *t, __u8 tag, const __u8 *data, __u8 len, __u32 bit)
{
	struct sfw_tbl_entry e = { .tag = tag, .len = len };

	memcpy(e.data, data, sizeof(e.data));
	mask_prefix(e.data, len);
	for (int i = 0; i < t->n; i++) {
		struct sfw_tbl_entry *x = &t->v[i];

		if (x->tag == tag && x->len == len && !memcmp(x->data, e.data, sizeof(e.data))) {
			x->own.w[bit / 64] |= 1ULL << (bit % 64);
			return 0;
		}
	}
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		void *v = realloc(t->v, cap * sizeof(*t->v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	e.own.w[bit / 64] |= 1ULL << (bit % 64);
	t->v[t->n++] = e;
	return 0;
}

/* Quadratic in the number of distinct prefixes of one list: compile time
 * only, and lists are hundreds, not millions. */
void sfw_table_close(struct sfw_table *t)
{
	for (int i = 0; i < t->n; i++) {
		struct sfw_tbl_entry *e = &t->v[i];

		memset(&e->bits, 0, sizeof(e->bits));
		for (int j = 0; j < t->n; j++) {
			const struct sfw_tbl_entry *f = &t->v[j];

			if (f->tag != e->tag || f->len > e->len || !covers(f->data, f->len, e->data))
				continue;
			for (int w = 0; w < SFW_RULE_WORDS; w++)
				e->bits.w[w] |= f->own.w[w];
		}
	}
}

void sfw_table_free(struct sfw_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

int sfw_range_prefixes(__u16 lo, __u16 hi, sfw_range_cb cb, void *ctx)
{
	__u32 cur = lo;

	while (cur <= hi) {
		__u8 len = 16;
		int err;

		/* the largest aligned block starting at cur that stays in range */
		while (len > 0) {
			__u32 size = 1u << (16 - (len - 1));

			if (cur % size || cur + size - 1 > hi)
				break;
			len--;
		}
		err = cb((__u16)cur, len, ctx);
		if (err)
			return err;
		cur += 1u << (16 - len);
	}
	return 0;
}
