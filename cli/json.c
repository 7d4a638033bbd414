#include "json.h"

void sfw_json_init(struct sfw_json *j, struct sfw_obuf *ob)
{
	j->ob = ob;
	j->depth = 0;
	j->has_member[0] = false;
}

static void indent(struct sfw_json *j)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)j->depth * 2;

	sfw_ob_mem(j->ob, spaces, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1);
}

/* Separator, newline and indentation before a member, then its key. */
static void member(struct sfw_json *j, const char *key)
{
	if (j->depth > 0) {
		sfw_ob_str(j->ob, j->has_member[j->depth] ? ",\n" : "\n");
		j->has_member[j->depth] = true;
		indent(j);
	}
	if (key) {
		sfw_ob_mem(j->ob, "\"", 1);
		sfw_ob_str(j->ob, key);
		sfw_ob_mem(j->ob, "\": ", 3);
	}
}

static void put_string(struct sfw_obuf *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	sfw_ob_mem(o, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			sfw_ob_mem(o, esc, 2);
		} else if (c < 0x20) {
			sfw_ob_mem(o, esc, 6);
		} else {
			sfw_ob_mem(o, (const char *)&c, 1);
		}
	}
	sfw_ob_mem(o, "\"", 1);
}

void sfw_json_open(struct sfw_json *j, const char *key, char bracket)
{
	member(j, key);
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

void sfw_json_str(struct sfw_json *j, const char *key, const char *val)
{
	member(j, key);
	put_string(j->ob, val);
}

void sfw_json_num(struct sfw_json *j, const char *key, __u64 val)
{
	member(j, key);
	sfw_ob_u64(j->ob, val);
}

void sfw_json_bool(struct sfw_json *j, const char *key, bool val)
{
	member(j, key);
	sfw_ob_str(j->ob, val ? "true" : "false");
}

void sfw_json_null(struct sfw_json *j, const char *key)
{
	member(j, key);
	sfw_ob_str(j->ob, "null");
}
