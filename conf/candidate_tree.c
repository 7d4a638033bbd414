/* The hierarchy Junos prints (`show`, `show | compare`) built from set
 * lines (candidate.h): a named object (`policy P`) or a zone pair is one
 * level, a statement that ends in a value (`protocol tcp`) one leaf, and a
 * policy's repeated match values one list. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "candidate.h"
#include "candidate_int.h"

/* Keywords followed by an object's name: `security-zone trust` is one level. */
static const char *const named[] = {
	"security-zone", "address", "address-set", "application", "application-set",
	"policy", "ids-option", "service-set", NULL
};
/* Keywords whose statement ends in a value: `protocol tcp;`. */
static const char *const valued[] = {
	"source-address", "destination-address", "application", "application-set",
	"address", "address-set", "from-zone", "to-zone", "screen", "description",
	"protocol", "inactivity-timeout", "syn-flood-protection-mode",
	"service-interface", "source-port", "destination-port", NULL
};
/* Under `match`, Junos writes repeated values as one list: `[ a b ]`. */
static const char *const listed[] = {
	"source-address", "destination-address", "application", "from-zone", "to-zone", NULL
};

static bool in(const char *const *words, const char *w)
{
	for (; *words; words++)
		if (!strcmp(*words, w))
			return true;
	return false;
}

/* A number, a prefix, an address or a quoted text: the value of the
 * keyword before it. */
static bool value_like(const char *raw)
{
	bool digit = false;

	if (*raw == '"')
		return true;
	for (const char *s = raw; *s; s++) {
		if (!strchr("0123456789abcdefABCDEF.:/-", *s))
			return false;
		digit |= *s >= '0' && *s <= '9';
	}
	return digit;
}

/* The hierarchy: containers hold statements in the order first written. */
struct node {
	char *label;          /* `policy p`; a leaf: its statement without `;` */
	char *kw, *vals;      /* a listed leaf: its keyword, its values so far */
	int nvals;
	bool leaf;
	struct node **kid;
	int n, cap;
};

static void node_free(struct node *nd)
{
	if (!nd)
		return;
	for (int k = 0; k < nd->n; k++)
		node_free(nd->kid[k]);
	free(nd->kid);
	free(nd->label);
	free(nd->kw);
	free(nd->vals);
	free(nd);
}

static struct node *node_add(struct node *parent, char *label, bool leaf)
{
	struct node *nd = calloc(1, sizeof(*nd));

	if (!nd || !label)
		goto fail;
	if (parent->n == parent->cap) {
		int cap = parent->cap ? 2 * parent->cap : 4;
		struct node **grown = realloc(parent->kid, (size_t)cap * sizeof(*grown));

		if (!grown)
			goto fail;
		parent->kid = grown;
		parent->cap = cap;
	}
	nd->label = label;
	nd->leaf = leaf;
	parent->kid[parent->n++] = nd;
	return nd;
fail:
	free(nd);
	free(label);
	return NULL;
}

static struct node *find_kid(const struct node *parent, const char *label, bool leaf)
{
	for (int k = 0; k < parent->n; k++)
		if (parent->kid[k]->leaf == leaf && !strcmp(parent->kid[k]->label, label))
			return parent->kid[k];
	return NULL;
}

static char *join(char *const *w, int from, int to)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	for (int k = from; k < to; k++)
		fprintf(f, "%s%s", k > from ? " " : "", w[k]);
	fclose(f);
	return out;
}

/* Does w[k] end in a value? A valued keyword, or `mode` under `family
 * mpls|inet6` only: elsewhere `mode` may be a name (`address mode ...`). */
static bool valued_at(char *const *w, int k)
{
	return in(valued, w[k]) ||
	       (k >= 2 && !strcmp(w[k], "mode") && !strcmp(w[k - 2], "family") &&
		(!strcmp(w[k - 1], "mpls") || !strcmp(w[k - 1], "inet6")));
}

/* Where the statement (the leaf) of set words w[0..n) starts. */
static int leaf_start(char *const *w, int n)
{
	int s = n - 1;

	if (n >= 2 && (valued_at(w, n - 2) || in(named, w[n - 2]) || value_like(w[n - 1])))
		s = n - 2;
	/* `address web 192.0.2.1/32;`: a name and its value in one statement */
	if (s == n - 2 && n >= 3 && in(named, w[n - 3]) && !valued_at(w, n - 2) &&
	    value_like(w[n - 1]))
		s = n - 3;
	return s;
}

/* The length of the level starting at w[i] (before `end`, the leaf). */
static int level_len(char *const *w, int i, int end)
{
	if (!strcmp(w[i], "from-zone") && i + 3 < end && !strcmp(w[i + 2], "to-zone"))
		return 4;
	if (in(named, w[i]) && i + 1 < end)
		return 2;
	return 1;
}

int sfw_cand_last_level(char *const *w, int n)
{
	int i = 0, len = 0;

	while (i < n) {
		len = level_len(w, i, n);
		i += len;
	}
	return len;
}

static int add_leaf(struct node *box, char *const *w, int s, int n)
{
	struct node *leaf;
	char *label;

	if (n - s == 2 && !strcmp(box->label, "match") && in(listed, w[s])) {
		for (int k = 0; k < box->n; k++) {
			struct node *l = box->kid[k];
			char *more;

			if (!l->kw || strcmp(l->kw, w[s]))
				continue;
			if (asprintf(&more, "%s %s", l->vals, w[s + 1]) < 0)
				return -ENOMEM;
			free(l->vals);
			l->vals = more;
			l->nvals++;
			return 0;
		}
		leaf = node_add(box, join(w, s, n), true);
		if (!leaf || !(leaf->kw = strdup(w[s])) || !(leaf->vals = strdup(w[s + 1])))
			return -ENOMEM;
		leaf->nvals = 1;
		return 0;
	}
	label = join(w, s, n);
	if (label && find_kid(box, label, true)) {
		free(label);
		return 0;
	}
	return node_add(box, label, true) ? 0 : -ENOMEM;
}

/* One line into the tree (the words after `set`, raw). */
static int add_line(struct node *root, char *const *w, int n)
{
	int s = leaf_start(w, n), i = 0;
	struct node *box = root;

	while (i < s) {
		int len = level_len(w, i, s);
		char *label = join(w, i, i + len);
		struct node *kid = label ? find_kid(box, label, false) : NULL;

		if (!label)
			return -ENOMEM;
		if (kid)
			free(label);
		else if (!(kid = node_add(box, label, false)))
			return -ENOMEM;
		box = kid;
		i += len;
	}
	return add_leaf(box, w, s, n);
}

/* Listed leaves get their final form: `application [ a b ]`. */
static int settle(struct node *nd)
{
	if (nd->kw && nd->nvals > 1) {
		free(nd->label);
		if (asprintf(&nd->label, "%s [ %s ]", nd->kw, nd->vals) < 0) {
			nd->label = NULL;
			return -ENOMEM;
		}
	}
	for (int k = 0; k < nd->n; k++)
		if (settle(nd->kid[k]))
			return -ENOMEM;
	return 0;
}

static int tree_line(struct toks *t, void *root)
{
	if (t->n < 2 || strcmp(t->plain[0], "set"))
		return 0;
	return add_line(root, t->raw + 1, t->n - 1);
}

static struct node *build(const char *text)
{
	struct node *root = calloc(1, sizeof(*root));

	if (root && (!(root->label = strdup("")) || cand_each_line(text, tree_line, root) ||
		     settle(root))) {
		node_free(root);
		return NULL;
	}
	return root;
}

static void put_line(FILE *f, char sign, int indent, const char *text, const char *end)
{
	if (sign)
		fputc(sign, f);
	fprintf(f, "%*s%s%s\n", indent, "", text, end);
}

static void put_block(FILE *f, char sign, const struct node *nd, int indent)
{
	if (nd->leaf) {
		put_line(f, sign, indent, nd->label, ";");
		return;
	}
	put_line(f, sign, indent, nd->label, " {");
	for (int k = 0; k < nd->n; k++)
		put_block(f, sign, nd->kid[k], indent + 4);
	put_line(f, sign, indent, "}", "");
}

/* The node at path w[0..n) (plain words), or NULL. */
static const struct node *find_path(const struct node *nd, char *const *w, int n)
{
	int i = 0;

	while (i < n && nd) {
		const struct node *next = NULL;

		for (int k = 0; k < nd->n && !next; k++) {
			const struct node *kid = nd->kid[k];
			int len = 1;
			char *label;

			for (const char *s = kid->label; *s; s++)
				len += *s == ' ';
			if (i + len > n || !(label = join(w, i, i + len)))
				continue;
			if (!strcmp(label, kid->label)) {
				next = kid;
				i += len;
			}
			free(label);
		}
		nd = next;
	}
	return nd;
}

int sfw_cand_show(const char *text, char *const *w, int n, FILE *f)
{
	struct node *root = build(text);
	const struct node *at;

	if (!root)
		return -ENOMEM;
	at = find_path(root, w, n);
	if (at && at->leaf)
		put_line(f, 0, 0, at->label, ";");
	else if (at)
		for (int k = 0; k < at->n; k++)
			put_block(f, 0, at->kid[k], 0);
	node_free(root);
	return ferror(f) ? -EIO : 0;
}

static bool has(const struct node *box, const struct node *nd)
{
	return find_kid(box, nd->label, nd->leaf) != NULL;
}

static void header(FILE *f, const char *path, bool *done)
{
	if (*done)
		return;
	fprintf(f, *path ? "[edit %s]\n" : "[edit]\n", path);
	*done = true;
}

static int diff(FILE *f, const struct node *o, const struct node *n, const char *path)
{
	bool done = false;
	int err = 0;

	for (int k = 0; k < o->n; k++)
		if (!has(n, o->kid[k])) {
			header(f, path, &done);
			put_block(f, '-', o->kid[k], 4);
		}
	for (int k = 0; k < n->n; k++)
		if (!has(o, n->kid[k])) {
			header(f, path, &done);
			put_block(f, '+', n->kid[k], 4);
		}
	for (int k = 0; k < n->n && !err; k++) {
		const struct node *kid = n->kid[k], *old;
		char *sub;

		if (kid->leaf || !(old = find_kid(o, kid->label, false)))
			continue;
		if (asprintf(&sub, "%s%s%s", path, *path ? " " : "", kid->label) < 0)
			return -ENOMEM;
		err = diff(f, old, kid, sub);
		free(sub);
	}
	return err;
}

int sfw_cand_compare(const char *old, const char *new, FILE *f)
{
	struct node *o = build(old), *n = build(new);
	int err = o && n ? diff(f, o, n, "") : -ENOMEM;

	node_free(o);
	node_free(n);
	return err ? err : ferror(f) ? -EIO : 0;
}

