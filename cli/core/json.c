#include "json.h"

void sfw_json_init(struct sfw_json *j, struct sfw_obuf *ob)
{
	j->ob = ob;
	j->depth = 0;
	j->has_member[0] = false;
}

const char sfw_json_spaces[33] = "                                ";

static size_t indent_len(const struct sfw_json *j)
{
	size_t n = (size_t)j->depth * 2;

	return n < sizeof(sfw_json_spaces) - 1 ? n : sizeof(sfw_json_spaces) - 1;
}

static void indent(struct sfw_json *j)
{
	sfw_ob_mem(j->ob, sfw_json_spaces, indent_len(j));
}

/* sfw_json_member by appends, when the buffer is nearly full. */
void sfw_json_member_slow(struct sfw_json *j, const char *key, size_t klen)
{
	if (j->depth > 0) {
		sfw_ob_str(j->ob, j->has_member[j->depth] ? ",\n" : "\n");
		j->has_member[j->depth] = true;
		indent(j);
	}
	if (key) {
		sfw_ob_mem(j->ob, "\"", 1);
		sfw_ob_mem(j->ob, key, klen);
		sfw_ob_mem(j->ob, "\": ", 3);
	}
}

int sfw_utf8_seq(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned cp;
	int n;

	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	cp = s[0] & (0x7fu >> n);
	for (int k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)   /* the NUL ends a short one here */
			return 0;
		cp = cp << 6 | (s[k] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Quotes and backslashes escaped, control characters as \u00XX, UTF-8 as
 * it is, and a byte that is not UTF-8 as U+FFFD: valid JSON whatever the
 * bytes (tests/fuzz/fuzz_json.c). */
void sfw_json_quote(struct sfw_obuf *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	/* printable ASCII but '"' (0x22) and '\\' (0x5c): copied as it is */
	static const bool plain[256] = {
		[0x20 ... 0x21] = true, [0x23 ... 0x5b] = true, [0x5d ... 0x7f] = true,
	};

	sfw_ob_mem(o, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };
		size_t run = 0;
		int n;

		/* plain ASCII, by the run: one append, not one a byte */
		while (plain[(unsigned char)s[run]])
			run++;
		if (run) {
			sfw_ob_mem(o, s, run);
			s += run - 1;
		} else if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			sfw_ob_mem(o, esc, 2);
		} else if (c < 0x20) {
			sfw_ob_mem(o, esc, 6);
		} else if ((n = sfw_utf8_seq(s))) {
			sfw_ob_mem(o, s, (size_t)n);
			s += n - 1;
		} else {
			sfw_ob_str(o, SFW_JSON_REPLACEMENT);
		}
	}
	sfw_ob_mem(o, "\"", 1);
}

void sfw_json_open_value(struct sfw_json *j, char bracket)
{
	sfw_ob_mem(j->ob, &bracket, 1);
	if (j->depth + 1 < SFW_JSON_DEPTH)
		j->depth++;
	j->has_member[j->depth] = false;
}

void sfw_json_close(struct sfw_json *j, char bracket)
{
	bool had = j->has_member[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had) {
		sfw_ob_mem(j->ob, "\n", 1);
		indent(j);
	}
	sfw_ob_mem(j->ob, &bracket, 1);
	if (j->depth == 0) {
		sfw_ob_mem(j->ob, "\n", 1);
		sfw_ob_flush(j->ob);
	}
}

void sfw_json_doc_begin(struct sfw_json *j, const char *root)
{
	sfw_json_open(j, NULL, '{');
	sfw_json_open(j, root, '{');
}

void sfw_json_doc_end(struct sfw_json *j)
{
	sfw_json_close(j, '}');
	sfw_json_close(j, '}');
}
