/* The JSON writer: what it writes parses as JSON whatever the bytes of
 * the values (tests/fuzz/fuzz_json.c found invalid UTF-8 written raw). */
#include <criterion/criterion.h>
#include <string.h>
#include "json.h"

static char *write_str(const char *val)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct sfw_obuf ob;
	struct sfw_json j;

	cr_assert_not_null(f);
	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_open(&j, NULL, '{');
	sfw_json_str(&j, "v", val);
	sfw_json_close(&j, '}');
	fclose(f);
	return out;
}

static void expect(const char *val, const char *want)
{
	char *out = write_str(val), line[512];

	snprintf(line, sizeof(line), "{\n  \"v\": \"%s\"\n}\n", want);
	cr_assert_str_eq(out, line);
	free(out);
}

Test(json, strings_are_utf8_whatever_the_bytes)
{
	expect("plain", "plain");
	expect("q\"b\\c\x01\x1f", "q\\\"b\\\\c\\u0001\\u001f");
	expect("\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80", "\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80");
	expect("\xff", "\\ufffd");                       /* no UTF-8 byte */
	expect("\xc3", "\\ufffd");                       /* cut short by the end */
	expect("\xc3(", "\\ufffd(");                     /* cut short by ASCII */
	expect("\xc0\xaf", "\\ufffd\\ufffd");            /* overlong '/' */
	expect("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd"); /* a surrogate */
	expect("\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"); /* past U+10FFFF */
}

Test(json, utf8_sequences)
{
	cr_assert_eq(sfw_utf8_seq("a"), 1);
	cr_assert_eq(sfw_utf8_seq(""), 0);
	cr_assert_eq(sfw_utf8_seq("\xc2\x80"), 2);
	cr_assert_eq(sfw_utf8_seq("\xe0\xa0\x80"), 3);
	cr_assert_eq(sfw_utf8_seq("\xe0\x9f\xbf"), 0, "overlong");
	cr_assert_eq(sfw_utf8_seq("\xf0\x90\x80\x80"), 4);
	cr_assert_eq(sfw_utf8_seq("\xf4\x8f\xbf\xbf"), 4);
	cr_assert_eq(sfw_utf8_seq("\x80"), 0, "a continuation byte alone");
}

/* An output buffer with a guard behind it: nothing may be written past
 * the buffer's end, which no output would show. */
struct guarded {
	struct sfw_obuf ob;
	char guard[64];
};

static void guard_set(struct guarded *g)
{
	memset(g->guard, 'G', sizeof(g->guard));
}

static bool guard_intact(const struct guarded *g)
{
	for (size_t i = 0; i < sizeof(g->guard); i++)
		if (g->guard[i] != 'G')
			return false;
	return true;
}

/* The numbers at every count of digits, as printf writes them: straight
 * into the buffer (sfw_ob_u64's fast path) and with the buffer too full
 * for the longest number (its other path), where the filler must come out
 * first and unchanged, and nothing past the buffer. */
Test(json, numbers_as_printf_at_every_length)
{
	static char filler[SFW_OBUF_SIZE];
	__u64 p = 1;

	memset(filler, 'x', sizeof(filler));
	for (int d = 0; d <= 20; d++, p *= 10) {
		__u64 vals[] = { d ? p - 1 : 0, d < 20 ? p : ~0ULL };

		for (int k = 0; k < 2; k++) {
			for (size_t room = 0; room < 2; room++) {
				size_t pre = room ? sizeof(filler) - 5 : 0, len = 0;
				char *out = NULL, want[32];
				FILE *f = open_memstream(&out, &len);
				static struct guarded g;

				guard_set(&g);
				sfw_ob_init(&g.ob, f);
				sfw_ob_mem(&g.ob, filler, pre);
				sfw_ob_u64(&g.ob, vals[k]);
				cr_assert(guard_intact(&g), "written past the buffer");
				sfw_ob_flush(&g.ob);
				fclose(f);
				snprintf(want, sizeof(want), "%llu", (unsigned long long)vals[k]);
				cr_assert_eq(len, pre + strlen(want));
				cr_assert(!memcmp(out, filler, pre));
				cr_assert_str_eq(out + pre, want, "%llu (room %zu)",
						 (unsigned long long)vals[k], room);
				free(out);
			}
		}
	}
}

/* A member is written the same whether its separator, indentation and
 * key go straight into the buffer or, near its end, through the appends;
 * members at every offset from the end cross the boundary. */
Test(json, members_across_the_buffer_end)
{
	static char filler[SFW_OBUF_SIZE];
	const char *want = "{\n  \"list\": [\n    {\n      \"key\": 7\n    }\n  ]\n}\n";

	memset(filler, 'x', sizeof(filler));
	for (size_t left = 0; left < 64; left++) {
		size_t pre = sizeof(filler) - left, len = 0;
		char *out = NULL;
		FILE *f = open_memstream(&out, &len);
		static struct guarded g;
		struct sfw_json j;

		guard_set(&g);
		sfw_ob_init(&g.ob, f);
		sfw_json_init(&j, &g.ob);
		sfw_ob_mem(&g.ob, filler, pre);
		sfw_json_open(&j, NULL, '{');
		sfw_json_open(&j, "list", '[');
		sfw_json_open(&j, NULL, '{');
		sfw_json_num(&j, "key", 7);
		cr_assert(guard_intact(&g), "written past the buffer, %zu left", left);
		sfw_json_close(&j, '}');
		sfw_json_close(&j, ']');
		sfw_json_close(&j, '}');
		fclose(f);
		cr_assert_eq(len, pre + strlen(want), "%zu left", left);
		cr_assert(!memcmp(out, filler, pre));
		cr_assert_str_eq(out + pre, want, "%zu left", left);
		free(out);
	}
}
