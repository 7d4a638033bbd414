#include "json.h"

void sfw_json_init(struct sfw_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->has_member[0] = false;
}

static void indent(struct sfw_json *j)
{
	int i;

	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator, newline and indentation before a member, then its key. */
static void member(struct sfw_json *j, const char *key)
{
	if (j->depth > 0) {
		fputs(j->has_member[j->depth] ? ",\n" : "\n", j->f);
		j->has_member[j->depth] = true;
		indent(j);
	}
	if (key)
		fprintf(j->f, "\"%s\": ", key);
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void sfw_json_open(struct sfw_json *j, const char *key, char bracket)
{
	member(j, key);
	fputc(bracket, j->f);
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
		fputc('\n', j->f);
		indent(j);
	}
	fputc(bracket, j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

void sfw_json_str(struct sfw_json *j, const char *key, const char *val)
{
	member(j, key);
	put_string(j->f, val);
}

void sfw_json_num(struct sfw_json *j, const char *key, __u64 val)
{
	member(j, key);
	fprintf(j->f, "%llu", (unsigned long long)val);
}

void sfw_json_bool(struct sfw_json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void sfw_json_null(struct sfw_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}
