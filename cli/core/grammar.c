/* Parsing a command line against the word tree. Errors are one line on
 * the error stream naming the offending word and what could come there. */
#include <limits.h>
#include <string.h>
#include "grammar.h"
#include "help.h"
#include "loader.h"

/* Parser state while walking the words. */
struct parse {
	struct sfw_cmdline *cl;
	const struct sfw_node *node;
	unsigned int used_cls, used_excl;
	const char *cls_word[32];   /* the word that brought each class */
	const char *excl_word[32];  /* the word that excluded each class */
	const struct sfw_node *taken[SFW_MAX_WORDS];   /* options given */
	int ntaken;
	int nopts;                  /* options and arguments at this node */
	char *const *w;
	int nw, i;
};

static void path_add(struct sfw_cmdline *cl, const char *word)
{
	size_t len = strlen(cl->path);

	snprintf(cl->path + len, sizeof(cl->path) - len, "%s%s", len ? " " : "", word);
}

/* A child of `node` named by `word`: exact match first, else the only
 * child it is a prefix of. *ambiguous is set when several are. */
const struct sfw_node *sfw_match_kid(const struct sfw_node *node, const char *word,
				     bool *ambiguous)
{
	const struct sfw_node *found = NULL;
	size_t n = strlen(word);
	int i;

	*ambiguous = false;
	for (i = 0; n && node->kids && node->kids[i]; i++) {
		const struct sfw_node *k = node->kids[i];

		if (!strcmp(k->word, word))
			return k;
		if (!strncmp(k->word, word, n)) {
			*ambiguous = found != NULL;
			found = k;
		}
	}
	return *ambiguous ? NULL : found;
}

static int err_word(struct parse *p, const char *word, bool ambiguous)
{
	FILE *e = p->cl->err;
	const char *path = p->cl->path;

	fprintf(e, "sfw: %s word '%s'%s%s%s; ", ambiguous ? "ambiguous" : "unknown",
		SFW_Q(word), *path ? " after '" : "", path, *path ? "'" : "");
	if (ambiguous) {
		fputs("could be: ", e);
		sfw_help_list_words(e, p->node, word, p->cl);
	} else if (sfw_help_has_next(p->node, p->cl)) {
		fputs("expected one of: ", e);
		sfw_help_list_words(e, p->node, "", p->cl);
	} else {
		fputs("the command ends there", e);
	}
	fputc('\n', e);
	return SFW_PARSE_ERROR;
}

static int err_incomplete(struct parse *p)
{
	FILE *e = p->cl->err;

	if (*p->cl->path)
		fprintf(e, "sfw: incomplete command '%s'; expected one of: ", p->cl->path);
	else
		fputs("sfw: missing command; expected one of: ", e);
	sfw_help_list_words(e, p->node, "", p->cl);
	fputc('\n', e);
	return SFW_PARSE_ERROR;
}

static void store_int(unsigned char *m, unsigned short size, __u64 n)
{
	__u8 u8 = (__u8)n;
	__u16 u16 = (__u16)n;
	__u32 u32 = (__u32)n;

	if (size == 1)
		memcpy(m, &u8, 1);
	else if (size == 2)
		memcpy(m, &u16, 2);
	else if (size == 4)
		memcpy(m, &u32, 4);
	else
		memcpy(m, &n, 8);
}

/* The value of `opt` (v: parsed from its word; NULL for a keyword) into
 * its member, by type (the options_fit test holds sizes to types), and
 * its bit into the given-mask. */
static void store(struct sfw_cmdline *cl, const struct sfw_node *opt,
		  const struct sfw_value *v)
{
	unsigned char *m = cl->opts + opt->off;
	__u32 given = sfw_opts_given(cl) | opt->bit;

	switch (opt->arg) {
	case SFW_ARG_NONE:
		store_int(m, opt->size, opt->value);
		break;
	case SFW_ARG_CHOICE:
		store_int(m, opt->size, opt->choice_values ?
			  (__u64)opt->choice_values[v->num] : v->num);
		break;
	case SFW_ARG_PREFIX:
	case SFW_ARG_ADDR:
		memcpy(m, &v->pfx, sizeof(v->pfx));
		break;
	case SFW_ARG_APP:
	case SFW_ARG_NAME:
		memcpy(m, &v->str, sizeof(v->str));
		break;
	default:              /* numbers: uint, port, protocol, id, ifindex */
		store_int(m, opt->size, v->num);
		break;
	}
	memcpy(cl->opts, &given, sizeof(given));
}

/* The command's options start over when the parser reaches a node that
 * runs: zeros, or its defaults. */
static void begin_command(struct parse *p, const struct sfw_node *node)
{
	memset(p->cl->opts, 0, sizeof(p->cl->opts));
	if (node->defaults)
		memcpy(p->cl->opts, node->defaults, node->opts_size);
	p->ntaken = 0;
}

/* Read the value of `opt` from the next word into its member. */
static int take_value(struct parse *p, const struct sfw_node *opt)
{
	char expect[512];
	struct sfw_value v;
	const char *word;

	sfw_arg_expect(opt->arg, opt->choices, expect, sizeof(expect));
	if (p->i + 1 >= p->nw) {
		fprintf(p->cl->err, "sfw: missing value for '%s'; expected %s\n",
			opt->word, expect);
		return SFW_PARSE_ERROR;
	}
	word = p->w[++p->i];
	if (word[0] && word[strlen(word) - 1] == '?') {
		sfw_help_value(p->cl->out, opt);
		return SFW_PARSE_HELP;
	}
	if (sfw_parse_value(opt->arg, opt->choices, word, &v)) {
		fprintf(p->cl->err, "sfw: invalid value '%s' for '%s'; expected %s\n",
			SFW_Q(word), opt->word, expect);
		return SFW_PARSE_ERROR;
	}
	store(p->cl, opt, &v);
	return 0;
}

/* Does an option or argument of class `cls` (excluding `excl`) clash with
 * what came before? Names the earlier word. */
static int class_conflict(struct parse *p, const char *word, unsigned int cls,
			  unsigned int excl)
{
	unsigned int clash = excl & p->used_cls;
	const char *const *names = p->cls_word;
	int b;

	if (!clash) {
		clash = cls & p->used_excl;
		names = p->excl_word;
	}
	if (!clash)
		return 0;
	for (b = 0; !(clash & (1u << b)); b++)
		;
	fprintf(p->cl->err, "sfw: '%s' cannot be combined with '%s'\n", SFW_Q(word),
		SFW_Q(names[b]));
	return SFW_PARSE_ERROR;
}

static void class_use(struct parse *p, const char *word, unsigned int cls,
		      unsigned int excl)
{
	int b;

	for (b = 0; b < 32; b++) {
		if ((cls & (1u << b)) && !p->cls_word[b])
			p->cls_word[b] = word;
		if ((excl & (1u << b)) && !p->excl_word[b])
			p->excl_word[b] = word;
	}
	p->used_cls |= cls;
	p->used_excl |= excl;
	p->nopts++;
}

/* The option given earlier for the same setting, if any. */
static const struct sfw_node *taken_for(const struct parse *p, const struct sfw_node *opt)
{
	int i;

	for (i = 0; i < p->ntaken; i++)
		if (sfw_same_setting(p->taken[i], opt))
			return p->taken[i];
	return NULL;
}

static int take_option(struct parse *p, const struct sfw_node *opt)
{
	const struct sfw_node *before = taken_for(p, opt);
	int r;

	if (before == opt) {
		fprintf(p->cl->err, "sfw: '%s' given twice\n", opt->word);
		return SFW_PARSE_ERROR;
	}
	if (class_conflict(p, opt->word, opt->cls, opt->excl))
		return SFW_PARSE_ERROR;
	if (before) {   /* another word for the same setting */
		fprintf(p->cl->err, "sfw: '%s' cannot be combined with '%s'\n",
			opt->word, before->word);
		return SFW_PARSE_ERROR;
	}
	if (opt->arg != SFW_ARG_NONE) {
		r = take_value(p, opt);
		if (r)
			return r;
	} else {
		store(p->cl, opt, NULL);
	}
	p->taken[p->ntaken++] = opt;
	class_use(p, opt->word, opt->cls, opt->excl);
	return 0;
}

/* One word at an options node: an option, or a positional argument. */
static int option_word(struct parse *p, const char *word)
{
	bool amb;
	const struct sfw_node *opt = sfw_match_kid(p->node, word, &amb);

	if (opt)
		return take_option(p, opt);
	if (amb || !(p->node->flags & SFW_N_POSITIONAL))
		return err_word(p, word, amb);
	if (class_conflict(p, word, SFW_CLS_POS, 0))
		return SFW_PARSE_ERROR;
	if (p->cl->npos >= SFW_MAX_WORDS)
		return err_word(p, word, false);
	p->cl->pos[p->cl->npos++] = word;
	class_use(p, word, SFW_CLS_POS, 0);
	return 0;
}

/* One word at a plain node: descend to the child it names. */
static int tree_word(struct parse *p, const char *word)
{
	bool amb;
	const struct sfw_node *kid = sfw_match_kid(p->node, word, &amb);

	if (!kid)
		return err_word(p, word, amb);
	p->node = kid;
	path_add(p->cl, kid->word);
	if (kid->run)
		begin_command(p, kid);
	if (kid->arg != SFW_ARG_NONE)
		return take_value(p, kid);
	return 0;
}

static bool is_options(const struct sfw_node *n)
{
	return n->flags & (SFW_N_OPTIONS | SFW_N_POSITIONAL);
}

/* Copy argv, taking out --json/-j and turning --word into word. */
static int prepare_words(struct sfw_cmdline *cl, int argc, char **argv, char **w)
{
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			cl->json = true;
			continue;
		}
		if (n == SFW_MAX_WORDS) {
			fprintf(cl->err, "sfw: too many words (at most %d)\n", SFW_MAX_WORDS);
			return SFW_PARSE_ERROR;
		}
		/* No value or file name is longer than a path can be. */
		if (strlen(argv[i]) >= PATH_MAX) {
			fprintf(cl->err, "sfw: word %d is %zu bytes long ('%s'); at most %d\n",
				i + 1, strlen(argv[i]), SFW_Q(argv[i]), PATH_MAX - 1);
			return SFW_PARSE_ERROR;
		}
		w[n++] = (argv[i][0] == '-' && argv[i][1] == '-' && argv[i][2]) ?
			argv[i] + 2 : argv[i];
	}
	return n;
}

static int walk_words(struct parse *p)
{
	int r = 0;

	for (p->i = 0; p->i < p->nw && !r; p->i++) {
		const char *word = p->w[p->i];
		size_t len = strlen(word);

		if (len && word[len - 1] == '?') {
			char prefix[128];

			snprintf(prefix, sizeof(prefix), "%.*s", (int)(len - 1), word);
			sfw_help_node(p->cl->out, p->node, prefix, p->cl, p->nopts);
			return SFW_PARSE_HELP;
		}
		r = is_options(p->node) ? option_word(p, word) : tree_word(p, word);
	}
	return r;
}

int sfw_parse(const struct sfw_node *root, int argc, char **argv,
	      struct sfw_cmdline *cl, FILE *out, FILE *err)
{
	char *words[SFW_MAX_WORDS];
	struct parse p;
	int r;

	memset(cl, 0, sizeof(*cl));
	memset(&p, 0, sizeof(p));
	cl->root = root;
	cl->out = out;
	cl->err = err;
	p.cl = cl;
	p.node = root;
	p.w = words;
	p.nw = prepare_words(cl, argc, argv, words);
	if (p.nw < 0)
		return SFW_PARSE_ERROR;
	r = walk_words(&p);
	if (r)
		return r;
	if (!p.node->run || ((p.node->flags & SFW_N_NEED_ONE) && !p.nopts))
		return err_incomplete(&p);
	cl->cmd = p.node;
	return 0;
}
