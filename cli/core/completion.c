/* `sfw completion bash`: a completion script generated from the word tree.
 * The script is a state machine, one state per tree node that takes words:
 * it replays the words typed so far (with the same unique-prefix rule as
 * the parser) and offers the next ones, leaving out options already given. */
#include <string.h>
#include "apps.h"
#include "commands.h"
#include "help.h"
#include "protocols.h"

#define MAX_STATES 64

struct gen {
	FILE *f;
	const struct sfw_node *state[MAX_STATES];
	int n;
};

static int state_of(struct gen *g, const struct sfw_node *node)
{
	int i;

	for (i = 0; i < g->n; i++)
		if (g->state[i] == node)
			return i;
	if (g->n == MAX_STATES)
		return -1;
	g->state[g->n] = node;
	return g->n++;
}

static bool takes_words(const struct sfw_node *n)
{
	return n->kids || (n->flags & SFW_N_POSITIONAL);
}

/* Every abbreviation of `k` the parser accepts among its siblings:
 * "sh|sho|show". */
static void put_prefixes(FILE *f, const struct sfw_node *parent, const struct sfw_node *k)
{
	size_t len = strlen(k->word), l;
	bool amb;

	for (l = 1; l < len; l++) {
		char pfx[64];

		snprintf(pfx, sizeof(pfx), "%.*s", (int)l, k->word);
		if (sfw_match_kid(parent, pfx, &amb) == k)
			fprintf(f, "%s|", pfx);
	}
	fputs(k->word, f);
}

/* The words a value may take, as the script's `want`. */
static void put_want(FILE *f, const struct sfw_node *opt)
{
	int i;

	switch (opt->arg) {
	case SFW_ARG_PROTO:
		fputs("want='", f);
#define SFW_X(name, num, label) fputs(label " ", f);
		SFW_PROTOCOL_LIST(SFW_X)
#undef SFW_X
		fputs("'", f);
		break;
	case SFW_ARG_CHOICE:
		fputs("want='", f);
		for (i = 0; opt->choices[i]; i++)
			fprintf(f, "%s ", opt->choices[i]);
		fputs("'", f);
		break;
	case SFW_ARG_APP:
		fputs("want='", f);
		for (i = 0; i < sfw_app_count(); i++)
			fprintf(f, "%s ", sfw_app_at(i)->name);
		fputs("'", f);
		break;
	case SFW_ARG_IFACE:
		fputs("want=@iface", f);
		break;
	default:
		fputs("want=@none", f);
		break;
	}
}

/* Options of one setting (brief/extensive/summary) are used up together. */
static void put_used(FILE *f, const struct sfw_node *node, const struct sfw_node *opt)
{
	int i;

	fputs("used+='", f);
	for (i = 0; node->kids[i]; i++)
		if (node->kids[i] == opt || sfw_same_setting(node->kids[i], opt))
			fprintf(f, "%s ", node->kids[i]->word);
	fputs("'", f);
}

static void put_transitions(struct gen *g, const struct sfw_node *node)
{
	FILE *f = g->f;
	int i;

	fprintf(f, "\t\t%d) case $w in\n", state_of(g, node));
	for (i = 0; node->kids && node->kids[i]; i++) {
		const struct sfw_node *k = node->kids[i];

		fputs("\t\t\t", f);
		put_prefixes(f, node, k);
		fputs(") ", f);
		if (node->flags & SFW_N_OPTIONS) {
			put_used(f, node, k);
			if (k->arg != SFW_ARG_NONE) {
				fputs("; ", f);
				put_want(f, k);
			}
		} else {
			fprintf(f, "state=%d", takes_words(k) ? state_of(g, k) : -1);
			if (k->arg != SFW_ARG_NONE) {
				fputs("; ", f);
				put_want(f, k);
			}
		}
		fputs(" ;;\n", f);
	}
	fprintf(f, "\t\t\t*) %s ;;\n\t\t\tesac ;;\n",
		(node->flags & SFW_N_POSITIONAL) ? ":" : "return");
}

static void put_offers(struct gen *g, const struct sfw_node *node)
{
	FILE *f = g->f;
	int i;

	fprintf(f, "\t%d) for w in", state_of(g, node));
	for (i = 0; node->kids && node->kids[i]; i++)
		fprintf(f, " %s", node->kids[i]->word);
	fputs("; do [[ $used == *\" $w \"* ]] || words+=\" $w\"; done", f);
	if ((node->flags & SFW_N_POSITIONAL) && !strcmp(node->pos_name, "<interface>"))
		fputs("; words+=\" $(_sfw_ifaces)\"", f);
	fputs(" ;;\n", f);
}

/* Number every node that takes words, depth first, root first. */
static void collect(struct gen *g, const struct sfw_node *node)
{
	int i;

	if (!takes_words(node))
		return;
	state_of(g, node);
	if (node->flags & SFW_N_OPTIONS)
		return;
	for (i = 0; node->kids && node->kids[i]; i++)
		collect(g, node->kids[i]);
}

static const char script_head[] =
	"# bash completion for sfw, generated from its command tree by\n"
	"# `sfw completion bash`. Install: sfw completion bash > /etc/bash_completion.d/sfw\n"
	"_sfw_ifaces() { local i; for i in /sys/class/net/*; do printf '%s ' \"${i##*/}\"; done; }\n"
	"_sfw() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} state=0 want='' used=' ' words='' w i\n"
	"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tcase $w in --json|-j) continue ;; --?*) w=${w#--} ;; esac\n"
	"\t\tif [[ -n $want ]]; then want=''; continue; fi\n"
	"\t\tcase $state in\n";

static const char script_tail[] =
	"\tif [[ $want == @iface ]]; then words=$(_sfw_ifaces)\n"
	"\telif [[ $want == @none ]]; then words=''\n"
	"\telif [[ -n $want ]]; then words=$want\n"
	"\telse case $state in\n";

int sfw_cmd_completion(const struct sfw_cmdline *cl)
{
	struct gen g = { .f = cl->out };
	int i;

	collect(&g, cl->root);
	fputs(script_head, g.f);
	for (i = 0; i < g.n; i++)
		put_transitions(&g, g.state[i]);
	fputs("\t\t*) return ;;\n\t\tesac\n\tdone\n", g.f);
	fputs(script_tail, g.f);
	for (i = 0; i < g.n; i++)
		put_offers(&g, g.state[i]);
	fputs("\tesac; fi\n", g.f);
	fputs("\t[[ $cur == -* ]] && words+=' --json'\n", g.f);
	fputs("\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n", g.f);
	fputs("complete -F _sfw sfw\n", g.f);
	return SFW_EXIT_OK;
}
