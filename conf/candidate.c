/* The candidate of configuration mode (candidate.h). It is kept as set
 * lines, the stored file's own form, so a commit stores exactly what was
 * compared; the hierarchy Junos prints is built from those lines in
 * candidate_tree.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "candidate.h"
#include "candidate_int.h"
#include "conf_int.h"

void cand_toks_free(struct toks *t)
{
	for (int k = 0; k < t->n; k++) {
		free(t->raw[k]);
		free(t->plain[k]);
	}
	t->n = 0;
}

/* One word of a set line at *s (not a blank); *s moves past it. */
static int next_tok(const char **s, struct toks *t)
{
	const char *p = *s, *start = p;
	char *plain = malloc(strlen(p) + 1), *o = plain;

	if (!plain)
		return -ENOMEM;
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			*o++ = *p;
		}
		if (*p)
			p++;
	} else {
		while (*p && *p != ' ' && *p != '\t')
			*o++ = *p++;
	}
	*o = '\0';
	t->plain[t->n] = plain;
	t->raw[t->n] = strndup(start, (size_t)(p - start));
	if (!t->raw[t->n++])
		return -ENOMEM;
	*s = p;
	return 0;
}

int cand_split_line(const char *line, size_t len, struct toks *t)
{
	char *copy = strndup(line, len);
	const char *s = copy;
	int err = copy ? 0 : -ENOMEM;

	t->n = 0;
	while (!err && s && *s) {
		s += strspn(s, " \t");
		if (!*s)
			break;
		if (t->n == MAX_TOKS)
			err = -E2BIG;
		else
			err = next_tok(&s, t);
	}
	free(copy);
	if (err)
		cand_toks_free(t);
	return err;
}

/* Each line of text, split; cb gets the words after `set`. */
int cand_each_line(const char *text, int (*cb)(struct toks *t, void *ctx), void *ctx)
{
	const char *line = text;
	int err = 0;

	while (!err && line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		struct toks t;

		err = cand_split_line(line, len, &t);
		if (!err && t.n)
			err = cb(&t, ctx);
		cand_toks_free(&t);
		line = nl ? nl + 1 : NULL;
	}
	return err;
}


void sfw_cand_put_word(FILE *f, const char *w)
{
	if (*w && (!strpbrk(w, " \t\"\\#[]") || !strcmp(w, "[") || !strcmp(w, "]"))) {
		fputs(w, f);
		return;
	}
	fputc('"', f);
	for (; *w; w++) {
		if (*w == '"' || *w == '\\')
			fputc('\\', f);
		fputc(*w, f);
	}
	fputc('"', f);
}

static int take_print(struct sfw_cand *c, const struct sfw_conf *conf)
{
	char *text;
	size_t len;
	int err = conf_print_text(conf, &text, &len);

	if (err)
		return err;
	free(c->text);
	c->text = text;
	c->len = len;
	return 0;
}

int sfw_cand_from_conf(struct sfw_cand *c, const struct sfw_conf *conf)
{
	*c = (struct sfw_cand){ 0 };
	return take_print(c, conf);
}

/* Parse text (statements only) and make its printed form the candidate. */
static int reprint(struct sfw_cand *c, const char *text, size_t len,
		   struct sfw_conf_errors *errs)
{
	struct sfw_conf conf;
	int err = sfw_conf_init(&conf);

	if (!err)
		err = sfw_conf_parse_statements(&conf, "candidate", text, len, errs);
	if (!err)
		err = take_print(c, &conf);
	sfw_conf_free(&conf);
	return err;
}

int sfw_cand_from_text(struct sfw_cand *c, const char *text, size_t len,
		       struct sfw_conf_errors *errs)
{
	*c = (struct sfw_cand){ 0 };
	return reprint(c, text, len, errs);
}

void sfw_cand_free(struct sfw_cand *c)
{
	free(c->text);
	*c = (struct sfw_cand){ 0 };
}

/* Where a new line goes: after the last line that shares the most
 * leading words with it (its object, else its kind), since the language
 * wants one object's lines together (a policy is not reopened after
 * another), and Junos adds a new object after the last of its kind. */
static size_t insert_at(const struct sfw_cand *c, char *const *w, int n)
{
	size_t at = c->len, off = 0;
	int best = 0;

	while (c->text && off < c->len) {
		const char *line = c->text + off, *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		struct toks t;
		int same = 0;

		off += len + (nl != NULL);
		if (cand_split_line(line, len, &t))
			continue;
		if (t.n && !strcmp(t.plain[0], "set"))
			while (same < n && same + 1 < t.n && !strcmp(t.plain[same + 1], w[same]))
				same++;
		cand_toks_free(&t);
		if (same && same >= best) {
			best = same;
			at = off;
		}
	}
	return at;
}

int sfw_cand_set(struct sfw_cand *c, char *const *w, int n, struct sfw_conf_errors *errs)
{
	size_t at = insert_at(c, w, n);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int err;

	if (!f)
		return -ENOMEM;
	if (at)
		fwrite(c->text, 1, at, f);
	if (at && c->text[at - 1] != '\n')
		fputc('\n', f);
	fputs("set", f);
	for (int k = 0; k < n; k++) {
		fputc(' ', f);
		sfw_cand_put_word(f, w[k]);
	}
	fputc('\n', f);
	if (at < c->len)
		fwrite(c->text + at, 1, c->len - at, f);
	if (fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	err = reprint(c, text, len, errs);
	free(text);
	return err;
}

struct deleting {
	char *const *w;
	int n;
	FILE *keep;
	int gone;
};

static int delete_line(struct toks *t, void *ctx)
{
	struct deleting *d = ctx;
	bool under = t->n > d->n && !strcmp(t->plain[0], "set");

	for (int k = 0; under && k < d->n; k++)
		under = !strcmp(t->plain[k + 1], d->w[k]);
	if (under) {
		d->gone++;
		return 0;
	}
	for (int k = 0; k < t->n; k++)
		fprintf(d->keep, "%s%s", k ? " " : "", t->raw[k]);
	fputc('\n', d->keep);
	return 0;
}

int sfw_cand_delete(struct sfw_cand *c, char *const *w, int n)
{
	struct deleting d = { .w = w, .n = n };
	char *text = NULL;
	size_t len = 0;
	int err;

	d.keep = open_memstream(&text, &len);
	if (!d.keep)
		return -ENOMEM;
	err = c->text ? cand_each_line(c->text, delete_line, &d) : 0;
	if (fclose(d.keep) && !err)
		err = -ENOMEM;
	if (err || !d.gone) {
		free(text);
		return err ? err : 0;
	}
	free(c->text);
	c->text = text;
	c->len = len;
	return d.gone;
}

char *sfw_cand_expected(char *const *w, int n)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	char *text = NULL, *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fputs("set", f);
	for (int k = 0; k < n; k++) {
		fputc(' ', f);
		sfw_cand_put_word(f, w[k]);
	}
	fputs(" ?\n", f);
	if (!fclose(f) && !sfw_conf_init(&conf)) {
		if (sfw_conf_parse_statements(&conf, "t", text, len, &errs) == -EINVAL && errs.n) {
			const char *e = strstr(errs.msg[0], ": expected ");

			out = e ? strdup(e + strlen(": expected ")) : NULL;
		}
		sfw_conf_free(&conf);
	}
	sfw_conf_errors_free(&errs);
	free(text);
	return out;
}
