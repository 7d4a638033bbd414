/* Help listings in the Junos shape:
 *   Possible completions:
 *     <[Enter]>            Execute this command
 *     word                 What it does
 */
#include <string.h>
#include "apps.h"
#include "help.h"
#include "protocols.h"

#define HELP_W 24

/* A kid is offered when it starts with `prefix` and its setting is not
 * given yet (options). */
static bool offered(const struct sfw_node *node, const struct sfw_node *k,
		    const char *prefix, const struct sfw_cmdline *cl)
{
	if (strncmp(k->word, prefix, strlen(prefix)))
		return false;
	return !(node->flags & SFW_N_OPTIONS) || !(sfw_opts_given(cl) & k->bit);
}

static void line(FILE *f, const char *word, const char *help)
{
	fprintf(f, "  %-*s %s\n", HELP_W - 1, word, help ? help : "");
}

void sfw_help_node(FILE *f, const struct sfw_node *node, const char *prefix,
		   const struct sfw_cmdline *cl, int nopts)
{
	int i;

	fputs("Possible completions:\n", f);
	if (!*prefix && node->run && (!(node->flags & SFW_N_NEED_ONE) || nopts))
		line(f, "<[Enter]>", "Execute this command");
	if (!*prefix && (node->flags & SFW_N_POSITIONAL))
		line(f, node->pos_name, node->pos_help);
	for (i = 0; node->kids && node->kids[i]; i++) {
		const struct sfw_node *k = node->kids[i];

		if (!offered(node, k, prefix, cl))
			continue;
		line(f, k->word, k->help);
	}
}


/* An application's match for its help line: tcp/80, tcp/5190-5193,
 * icmp echo, icmp6 type 1 code 4, or the protocol alone. */
static const char *app_help(const struct sfw_app *a, char *buf, size_t len)
{
	const char *p = sfw_proto_name(a->proto);

	if (!p)
		p = "";
	if (a->port_hi > a->port)
		snprintf(buf, len, "%s/%u-%u", p, a->port, a->port_hi);
	else if (a->port)
		snprintf(buf, len, "%s/%u", p, a->port);
	else if (a->icmp_type == 8 || a->icmp_type == 128)
		snprintf(buf, len, "%s echo", p);
	else if (a->icmp_type >= 0 && a->icmp_code >= 0)
		snprintf(buf, len, "%s type %d code %d", p, a->icmp_type, a->icmp_code);
	else if (a->icmp_type >= 0)
		snprintf(buf, len, "%s type %d", p, a->icmp_type);
	else
		snprintf(buf, len, "%s", p);
	return buf;
}
static void value_words(FILE *f, const struct sfw_node *opt)
{
	char help[64];
	int i;

	switch (opt->arg) {
	case SFW_ARG_PROTO:
#define SFW_X(name, num, label) \
		snprintf(help, sizeof(help), "IP protocol %d", num); line(f, label, help);
		SFW_PROTOCOL_LIST(SFW_X)
#undef SFW_X
		break;
	case SFW_ARG_CHOICE:
		for (i = 0; opt->choices[i]; i++)
			line(f, opt->choices[i], "");
		break;
	case SFW_ARG_APP:
		for (i = 0; i < sfw_app_count(); i++) {
			const struct sfw_app *a = sfw_app_at(i);

			line(f, a->name, app_help(a, help, sizeof(help)));
		}
		break;
	default:
		break;
	}
}

void sfw_help_value(FILE *f, const struct sfw_node *opt)
{
	char expect[512];

	fputs("Possible completions:\n", f);
	line(f, sfw_arg_placeholder(opt->arg),
	     sfw_arg_expect(opt->arg, opt->choices, expect, sizeof(expect)));
	value_words(f, opt);
}

void sfw_help_list_words(FILE *f, const struct sfw_node *node, const char *prefix,
			 const struct sfw_cmdline *cl)
{
	const char *sep = "";
	int i;

	if (!*prefix && (node->flags & SFW_N_POSITIONAL)) {
		fputs(node->pos_name, f);
		sep = ", ";
	}
	for (i = 0; node->kids && node->kids[i]; i++) {
		if (!offered(node, node->kids[i], prefix, cl))
			continue;
		fprintf(f, "%s%s", sep, node->kids[i]->word);
		sep = ", ";
	}
}

bool sfw_help_has_next(const struct sfw_node *node, const struct sfw_cmdline *cl)
{
	int i;

	if (node->flags & SFW_N_POSITIONAL)
		return true;
	for (i = 0; node->kids && node->kids[i]; i++)
		if (offered(node, node->kids[i], "", cl))
			return true;
	return false;
}
