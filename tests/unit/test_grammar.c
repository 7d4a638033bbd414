/* The word tree: abbreviations, options in any order, every error with its
 * exact message, and `?` help. */
#include <criterion/criterion.h>
#include <string.h>
#include "commands.h"
#include "flow_fixture.h"

static struct sfw_cmdline cl;
static struct uf_parse p;

/* The options the last command line gave, as its handler reads them. */
#define SHOW SFW_OPTS(&cl, struct sfw_show_session_opts)
#define FILTERS SFW_OPTS(&cl, struct sfw_filter)

static void ok(const char *line)
{
	uf_parse_line(line, &cl, &p);
	cr_assert_eq(p.rc, 0, "'%s': rc %d, err: %s", line, p.rc, p.err);
	cr_assert_str_eq(p.err, "");
}

/* The command line fails with exactly this message (one line). */
static void fails(const char *line, const char *msg)
{
	char want[1024];

	uf_parse_line(line, &cl, &p);
	cr_assert_eq(p.rc, SFW_PARSE_ERROR, "'%s' parsed", line);
	snprintf(want, sizeof(want), "%s\n", msg);
	cr_assert_str_eq(p.err, want);
	cr_assert_str_eq(p.out, "");
}

static const char *help(const char *line)
{
	uf_parse_line(line, &cl, &p);
	cr_assert_eq(p.rc, SFW_PARSE_HELP, "'%s': rc %d, err: %s", line, p.rc, p.err);
	return p.out;
}

static void fini(void)
{
	uf_parse_free(&p);
}

TestSuite(grammar, .fini = fini);

Test(grammar, abbreviated_junos_style)
{
	ok("sh sec fl sess prot tcp");
	cr_assert_eq(cl.cmd->run, sfw_cmd_show_session);
	cr_assert_str_eq(cl.path, "show security flow session");
	cr_assert(SHOW->f.mask & SFW_FLT_PROTO);
	cr_assert_eq(SHOW->f.proto, 6);
	cr_assert_not(cl.json);
}

Test(grammar, filters_in_any_order)
{
	ok("show security flow session destination-prefix 198.51.100.0/24 protocol tcp");
	cr_assert_eq(SHOW->f.dst.len, 24);
	cr_assert_eq(SHOW->f.proto, 6);
	uf_parse_free(&p);
	ok("show security flow session protocol 17 source-port 53 extensive family inet6 "
	   "destination-port 0 interface lo application junos-http policy default-permit "
	   "source-prefix 2001:db8::/32 session-identifier 18446744073709551615");
	cr_assert_eq(SHOW->f.proto, 17);
	cr_assert_eq(SHOW->f.sport, 53);
	cr_assert_eq(SHOW->f.dport, 0);
	cr_assert_eq(SHOW->view, SFW_VIEW_EXTENSIVE);
	cr_assert_eq(SHOW->f.family, SFW_FAMILY_INET6);
	cr_assert_eq(SHOW->f.ifindex, 1);
	cr_assert_str_eq(SHOW->f.app, "junos-http");
	cr_assert_str_eq(SHOW->f.policy, "default-permit");
	cr_assert_eq(SHOW->f.src.family, SFW_FAMILY_INET6);
	cr_assert_eq(SHOW->f.id, 18446744073709551615ULL);
}

Test(grammar, conn_tag_nat_policy_id_filters)
{
	ok("show security flow session conn-tag 0 nat policy-id 4294967295");
	cr_assert_eq(SHOW->f.mask & SFW_FLT_FIELDS,
		     SFW_FLT_CONN_TAG | SFW_FLT_NAT | SFW_FLT_POLICY_ID);
	cr_assert_eq(SHOW->f.conn_tag, 0);
	cr_assert(SHOW->f.nat);
	cr_assert_eq(SHOW->f.policy_id, 4294967295u);
	uf_parse_free(&p);
	fails("show security flow session policy-id web",
	      "sfw: invalid value 'web' for 'policy-id'; expected a number 0..4294967295");
}

Test(grammar, json_flag_anywhere)
{
	ok("--json sh sec fl sess");
	cr_assert(cl.json);
	uf_parse_free(&p);
	ok("sh sec -j fl sess summary");
	cr_assert(cl.json);
	cr_assert_eq(SHOW->view, SFW_VIEW_SUMMARY);
}

Test(grammar, exact_word_beats_longer_sibling)
{
	ok("sh sec fl sess family inet");
	cr_assert_eq(SHOW->f.family, SFW_FAMILY_INET);
	uf_parse_free(&p);
	ok("sh sec fl sess family inet6");
	cr_assert_eq(SHOW->f.family, SFW_FAMILY_INET6);
}

Test(grammar, bad_port)
{
	fails("show security flow session source-port 70000",
	      "sfw: invalid value '70000' for 'source-port'; expected a port number 0..65535");
	uf_parse_free(&p);
	fails("sh sec fl sess destination-port -1",
	      "sfw: invalid value '-1' for 'destination-port'; expected a port number 0..65535");
}

Test(grammar, bad_prefix)
{
	fails("show security flow session source-prefix 300.1.1.1/33",
	      "sfw: invalid value '300.1.1.1/33' for 'source-prefix'; "
	      "expected an IPv4 or IPv6 address with optional /length");
	uf_parse_free(&p);
	fails("sh sec fl sess destination-prefix 2001:db8::/129",
	      "sfw: invalid value '2001:db8::/129' for 'destination-prefix'; "
	      "expected an IPv4 or IPv6 address with optional /length");
}

Test(grammar, bad_protocol)
{
	fails("show security flow session protocol 256",
	      "sfw: invalid value '256' for 'protocol'; expected a protocol name (ah, egp, "
	      "esp, gre, icmp, icmp6, igmp, ipip, ospf, pim, rsvp, sctp, tcp, udp) or "
	      "number 0..255");
}

Test(grammar, bad_session_identifier)
{
	fails("show security flow session session-identifier 0",
	      "sfw: invalid value '0' for 'session-identifier'; "
	      "expected a session identifier 1..18446744073709551615");
	uf_parse_free(&p);
	fails("sh sec fl sess session-identifier 18446744073709551616",
	      "sfw: invalid value '18446744073709551616' for 'session-identifier'; "
	      "expected a session identifier 1..18446744073709551615");
}

Test(grammar, bad_interface_application_choice)
{
	fails("sh sec fl sess interface nosuchif0",
	      "sfw: invalid value 'nosuchif0' for 'interface'; "
	      "expected an existing interface name or index");
	uf_parse_free(&p);
	fails("sh sec fl sess application bogus",
	      "sfw: invalid value 'bogus' for 'application'; "
	      "expected a predefined application (junos-http, http, dns, ...; see help)");
	uf_parse_free(&p);
	fails("sh sec fl sess family in",
	      "sfw: invalid value 'in' for 'family'; expected one of: inet, inet6");
}

Test(grammar, repeated_filter)
{
	fails("sh sec fl sess prot tcp source-port 1 protocol udp", "sfw: 'protocol' given twice");
}

Test(grammar, value_less_filter)
{
	fails("sh sec fl sess protocol",
	      "sfw: missing value for 'protocol'; expected a protocol name (ah, egp, esp, "
	      "gre, icmp, icmp6, igmp, ipip, ospf, pim, rsvp, sctp, tcp, udp) or number 0..255");
	uf_parse_free(&p);
	fails("clear services stateful-firewall flows source-prefix",
	      "sfw: missing value for 'source-prefix'; "
	      "expected an IPv4 or IPv6 address with optional /length");
}

Test(grammar, unknown_filter)
{
	fails("sh sec fl sess colour red",
	      "sfw: unknown word 'colour' after 'show security flow session'; expected one of: "
	      "application, brief, conn-tag, destination-prefix, destination-port, extensive, "
	      "family, interface, nat, policy, policy-id, protocol, refresh, session-identifier, "
	      "source-prefix, source-port, summary");
}

Test(grammar, unknown_filter_lists_only_what_is_left)
{
	fails("sh sec fl sess extensive prot tcp nope",
	      "sfw: unknown word 'nope' after 'show security flow session'; expected one of: "
	      "application, conn-tag, destination-prefix, destination-port, family, interface, nat, "
	      "policy, policy-id, refresh, session-identifier, source-prefix, source-port");
}

Test(grammar, ambiguous_words)
{
	fails("s", "sfw: ambiguous word 's'; could be: set, show, status");
	uf_parse_free(&p);
	fails("sh sec fl sess sou 1",
	      "sfw: ambiguous word 'sou' after 'show security flow session'; "
	      "could be: source-prefix, source-port");
	uf_parse_free(&p);
	fails("sh sec fl s", "sfw: ambiguous word 's' after 'show security flow'; "
	      "could be: session, statistics, status");
}

Test(grammar, unknown_and_incomplete_commands)
{
	fails("frobnicate", "sfw: unknown word 'frobnicate'; expected one of: attach, clear, "
	      "commit, completion, daemon, detach, help, monitor, reload, request, restore, rollback, set, "
	      "show, status");
	uf_parse_free(&p);
	fails("", "sfw: missing command; expected one of: attach, clear, commit, completion, "
	      "daemon, detach, help, monitor, reload, request, restore, rollback, set, show, status");
	uf_parse_free(&p);
	fails("show security", "sfw: incomplete command 'show security'; expected one of: "
	      "flow, match-policies, nat, policies, screen, zones");
	uf_parse_free(&p);
	fails("status now", "sfw: unknown word 'now' after 'status'; the command ends there");
}

Test(grammar, view_words_exclusive)
{
	fails("sh sec fl sess extensive summary",
	      "sfw: 'summary' cannot be combined with 'extensive'");
	uf_parse_free(&p);
	fails("sh sec fl sess brief prot tcp brief", "sfw: 'brief' given twice");
}

Test(grammar, clear_session_needs_a_selection)
{
	fails("clear security flow session",
	      "sfw: incomplete command 'clear security flow session'; expected one of: all, "
	      "application, destination-prefix, destination-port, family, interface, policy, "
	      "protocol, session-identifier, source-prefix, source-port");
	uf_parse_free(&p);
	fails("clear sec fl sess all prot tcp", "sfw: 'protocol' cannot be combined with 'all'");
	uf_parse_free(&p);
	fails("clear sec fl sess prot tcp all", "sfw: 'all' cannot be combined with 'protocol'");
	uf_parse_free(&p);
	ok("clear sec fl sess all");
	cr_assert_eq(cl.cmd->run, sfw_cmd_clear_session);
	uf_parse_free(&p);
	ok("clear sec fl sess session-identifier 42");
	cr_assert_eq(SFW_OPTS(&cl, struct sfw_clear_session_opts)->f.id, 42);
}

Test(grammar, clear_services_filters)
{
	ok("clear services stateful-firewall flows");
	cr_assert_eq(cl.cmd->run, sfw_cmd_clear_services);
	uf_parse_free(&p);
	ok("cl serv st fl application-protocol http service-set default source-port 1 "
	   "destination-port 2 destination-prefix 10.0.0.0/8 source-prefix ::1 protocol gre "
	   "interface 1");
	cr_assert_str_eq(FILTERS->app, "http");
	cr_assert_str_eq(FILTERS->service_set, "default");
	cr_assert_eq(FILTERS->proto, 47);
	uf_parse_free(&p);
	fails("cl serv st fl family inet",
	      "sfw: unknown word 'family' after 'clear services stateful-firewall flows'; "
	      "expected one of: application-protocol, destination-port, destination-prefix, "
	      "interface, protocol, service-set, source-port, source-prefix");
}

Test(grammar, attach_detach_forms)
{
	ok("attach veth0 veth1 --mode generic max-sessions 5000");
	cr_assert_eq(cl.cmd->run, sfw_cmd_attach);
	cr_assert_eq(cl.npos, 2);
	cr_assert_str_eq(cl.pos[1], "veth1");
	cr_assert_eq(SFW_OPTS(&cl, struct sfw_attach_cmd_opts)->mode, SFW_XDP_MODE_GENERIC);
	cr_assert_eq(SFW_OPTS(&cl, struct sfw_attach_cmd_opts)->max_sessions, 5000);
	uf_parse_free(&p);
	fails("attach veth0 mode turbo",
	      "sfw: invalid value 'turbo' for 'mode'; expected one of: native, generic");
	uf_parse_free(&p);
	fails("attach", "sfw: incomplete command 'attach'; expected one of: <interface>, "
	      "forward, max-sessions, mode");
	uf_parse_free(&p);
	ok("attach veth0 veth1 --forward");
	cr_assert(SFW_OPTS(&cl, struct sfw_attach_cmd_opts)->forward);
	cr_assert_eq(cl.npos, 2);
	uf_parse_free(&p);
	ok("set sec fl forwarding disable");
	cr_assert_eq(cl.cmd->run, sfw_cmd_set_flow);
	cr_assert(sfw_opts_given(&cl) & SFW_SF_FORWARDING);
	cr_assert_not(SFW_OPTS(&cl, struct sfw_set_flow_opts)->forwarding);
	uf_parse_free(&p);
	fails("set security flow forwarding on",
	      "sfw: invalid value 'on' for 'forwarding'; expected one of: enable, disable");
	uf_parse_free(&p);
	ok("detach --all");
	cr_assert(SFW_OPTS(&cl, struct sfw_all_opts)->all);
	cr_assert_eq(cl.npos, 0);
	uf_parse_free(&p);
	fails("detach veth0 all", "sfw: 'all' cannot be combined with 'veth0'");
	uf_parse_free(&p);
	ok("restore");
	cr_assert_eq(cl.cmd->run, sfw_cmd_restore);
	cr_assert_eq(SFW_OPTS(&cl, struct sfw_restore_cmd_opts)->wait_s, 10);
	cr_assert_not(SFW_OPTS(&cl, struct sfw_restore_cmd_opts)->watch);
	uf_parse_free(&p);
	ok("restore watch wait 3");
	cr_assert(SFW_OPTS(&cl, struct sfw_restore_cmd_opts)->watch);
	cr_assert_eq(SFW_OPTS(&cl, struct sfw_restore_cmd_opts)->wait_s, 3);
	uf_parse_free(&p);
	fails("restore watching", "sfw: unknown word 'watching' after 'restore'; "
	      "expected one of: wait, watch");
}

Test(grammar, set_forms)
{
	ok("set security flow udp-timeout 30 tcp-initial-timeout 5 no-syn-check");
	cr_assert_eq(cl.cmd->run, sfw_cmd_set_flow);
	cr_assert_eq(SFW_OPTS(&cl, struct sfw_set_flow_opts)->timeout_s[SFW_TO_UDP], 30);
	cr_assert_eq(SFW_OPTS(&cl, struct sfw_set_flow_opts)->timeout_s[SFW_TO_TCP_INITIAL], 5);
	cr_assert_eq(SFW_OPTS(&cl, struct sfw_set_flow_opts)->syn_check, false);
	uf_parse_free(&p);
	fails("set sec fl syn-check no-syn-check",
	      "sfw: 'no-syn-check' cannot be combined with 'syn-check'");
	uf_parse_free(&p);
	fails("set sec fl udp-timeout x",
	      "sfw: invalid value 'x' for 'udp-timeout'; expected a number 0..4294967295");
	uf_parse_free(&p);
	ok("set sec pol default-policy deny");
	cr_assert_eq(SFW_OPTS(&cl, struct sfw_default_policy_opts)->policy, SFW_POLICY_DENY_ALL);
	uf_parse_free(&p);
	fails("set sec pol default-policy drop",
	      "sfw: invalid value 'drop' for 'default-policy'; expected one of: permit-all, deny-all");
}

Test(grammar, help_lists_next_words)
{
	cr_assert_str_eq(help("show ?"),
		"Possible completions:\n"
		"  chassis                 Show chassis information\n"
		"  configuration           Show the committed configuration\n"
		"  interfaces              Show interface information\n"
		"  security                Show security information\n"
		"  system                  Show system information\n"
		"  version                 Show the sfw release and build\n");
	uf_parse_free(&p);
	cr_assert_str_eq(help("sh sec fl sess prot tcp extensive s?"),
		"Possible completions:\n"
		"  session-identifier      Session with this identifier\n"
		"  source-prefix           Source IP prefix or address\n"
		"  source-port             Source port (0..65535)\n");
	uf_parse_free(&p);
	cr_assert_str_eq(help("clear sec fl ?"),
		"Possible completions:\n"
		"  session                 Clear sessions (filters, session-identifier or all)\n");
}

Test(grammar, help_on_options_node_offers_enter)
{
	static const char head[] = "Possible completions:\n"
		"  <[Enter]>               Execute this command\n"
		"  application             Application name\n"
		"  brief                   Display brief output (default)\n";
	const char *out = help("sh sec fl sess ?");

	cr_assert(!strncmp(out, head, strlen(head)), "%s", out);
	cr_assert(strstr(out, "  summary                 Display output summary\n"), "%s", out);
}

Test(grammar, help_on_value)
{
	const char *out = help("sh sec fl sess family ?");

	cr_assert_str_eq(out, "Possible completions:\n"
		"  <choice>                one of: inet, inet6\n"
		"  inet                    \n"
		"  inet6                   \n");
	uf_parse_free(&p);
	out = help("sh sec fl sess protocol ?");
	cr_assert(strstr(out, "  tcp                     IP protocol 6\n"), "%s", out);
}

/* Each predefined application with what it matches: a port, a range, an
 * ICMP type and code, or the protocol alone. */
Test(grammar, help_on_application_value)
{
	const char *out = help("sh sec fl sess application ?");

	cr_assert(strstr(out, "  junos-http              tcp/80\n"), "%s", out);
	cr_assert(strstr(out, "  junos-aol               tcp/5190-5193\n"), "%s", out);
	cr_assert(strstr(out, "  junos-icmp-ping         icmp echo\n"), "%s", out);
	cr_assert(strstr(out, " junos-icmp6-dst-unreach-port icmp6 type 1 code 4\n"), "%s", out);
	cr_assert(strstr(out, "  junos-tcp-any           tcp\n"), "%s", out);
}

Test(grammar, help_command)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	ok("help show security");
	f = open_memstream(&out, &len);
	cl.out = f;
	cr_assert_eq(cl.cmd->run(&cl), SFW_EXIT_OK);
	fclose(f);
	cr_assert_str_eq(out, "Possible completions:\n"
		"  flow                    Show flow information\n"
		"  match-policies          Show the policy a packet would match\n"
		"  nat                     Show network address translation information\n"
		"  policies                Show security policies\n"
		"  screen                  Show screen (IDS) information\n"
		"  zones                   Show security zones\n");
	free(out);
}

/* No argument may be longer than a path: a 100 kB word is refused in one
 * short line, and error lines quote at most 64 characters of a word. */
Test(grammar, long_words)
{
	static char word[100001];
	char *argv[] = { "show", "security", "flow", "session", "protocol", word };
	char *err = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&err, &len);

	memset(word, 'x', sizeof(word) - 1);
	cr_assert_eq(sfw_parse(&sfw_root, 6, argv, &cl, stdout, f), SFW_PARSE_ERROR);
	fclose(f);
	cr_assert_str_eq(err, "sfw: word 6 is 100000 bytes long ('xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'); at most 4095\n");
	free(err);
	word[4095] = '\0';
	f = open_memstream(&err, &len);
	cr_assert_eq(sfw_parse(&sfw_root, 6, argv, &cl, stdout, f), SFW_PARSE_ERROR);
	fclose(f);
	cr_assert(!strncmp(err, "sfw: invalid value 'xxxxxxxxxx", 30), "%s", err);
	cr_assert_lt(strlen(err), 600, "%zu bytes: %.100s", strlen(err), err);
	free(err);
	argv[4] = word;
	f = open_memstream(&err, &len);
	cr_assert_eq(sfw_parse(&sfw_root, 5, argv, &cl, stdout, f), SFW_PARSE_ERROR);
	fclose(f);
	cr_assert(!strncmp(err, "sfw: unknown word 'xxxxxxxxxx", 29), "%s", err);
	cr_assert_lt(strlen(err), 600, "%zu bytes: %.100s", strlen(err), err);
	free(err);
}

/* The bytes a value of each type is stored in (0: an int of any size,
 * choices and keywords). */
static size_t type_size(enum sfw_arg_type t)
{
	switch (t) {
	case SFW_ARG_PORT:   return sizeof(__u16);
	case SFW_ARG_PROTO:  return sizeof(__u8);
	case SFW_ARG_ID:     return sizeof(__u64);
	case SFW_ARG_UINT:
	case SFW_ARG_IFACE:  return sizeof(__u32);
	case SFW_ARG_PREFIX: return sizeof(struct sfw_prefix);
	case SFW_ARG_ADDR:   return sizeof(struct sfw_prefix);
	case SFW_ARG_APP:
	case SFW_ARG_NAME:   return sizeof(const char *);
	default:             return 0;
	}
}

static bool int_fits(__u64 v, unsigned short size)
{
	return size == 8 || v < (1ULL << (8 * size));
}

struct misfits {
	char text[4096];
	size_t len;
};

static void misfit(struct misfits *m, const struct sfw_node *cmd, const struct sfw_node *opt,
		   const char *why)
{
	m->len += (size_t)snprintf(m->text + m->len, m->len < sizeof(m->text) ?
				   sizeof(m->text) - m->len : 0, "\n  %s under '%s' (%s): %s",
				   opt->word, cmd->word, cmd->opts_type ? cmd->opts_type : "no options",
				   why);
	if (m->len > sizeof(m->text))
		m->len = sizeof(m->text);
}

/* One option of command cmd: its member is in cmd's struct, sized for
 * its type. */
static void check_option(struct misfits *m, const struct sfw_node *cmd,
			 const struct sfw_node *opt)
{
	size_t want = type_size(opt->arg);
	bool own = opt->member_of && cmd->opts_type &&
		   (!strcmp(opt->member_of, cmd->opts_type) ||
		    (cmd->opts_head && !strcmp(opt->member_of, cmd->opts_head)));

	if (!opt->size || !opt->bit)
		return misfit(m, cmd, opt, "no member or no given-mask bit");
	if (!own) {
		char why[128];

		snprintf(why, sizeof(why), "its member is one of %s", opt->member_of);
		misfit(m, cmd, opt, why);
	}
	if (opt->off < sizeof(__u32) || opt->off + opt->size > cmd->opts_size)
		misfit(m, cmd, opt, "member outside the command's struct");
	if (want ? opt->size != want :
	    opt->size != 1 && opt->size != 2 && opt->size != 4 && opt->size != 8)
		misfit(m, cmd, opt, "member size does not fit the value's type");
	if (opt->arg == SFW_ARG_NONE && !int_fits(opt->value, opt->size))
		misfit(m, cmd, opt, "keyword value does not fit its member");
	for (int c = 0; opt->arg == SFW_ARG_CHOICE && opt->choices[c]; c++)
		if (!int_fits(opt->choice_values ? (__u64)opt->choice_values[c] : (__u64)c,
			      opt->size))
			misfit(m, cmd, opt, "choice value does not fit its member");
}

/* The options of cmd: one given-mask bit per member, shared by the words
 * of one setting. */
static void check_command(struct misfits *m, const struct sfw_node *cmd)
{
	const struct sfw_node *opt[SFW_MAX_WORDS];
	int n = 0, i, j;

	if (cmd->opts_size > SFW_OPTS_MAX)
		misfit(m, cmd, cmd, "option struct larger than SFW_OPTS_MAX");
	if (cmd->arg != SFW_ARG_NONE)
		opt[n++] = cmd;
	for (i = 0; (cmd->flags & SFW_N_OPTIONS) && cmd->kids[i] && n < SFW_MAX_WORDS; i++)
		opt[n++] = cmd->kids[i];
	for (i = 0; i < n; i++) {
		check_option(m, cmd, opt[i]);
		for (j = 0; j < i; j++)
			if (sfw_same_setting(opt[i], opt[j]) ? opt[i]->bit != opt[j]->bit :
			    (opt[i]->bit & opt[j]->bit) != 0)
				misfit(m, cmd, opt[i], "given-mask bit not one per member");
	}
}

static void check_tree(struct misfits *m, const struct sfw_node *node)
{
	int i;

	if (node->run)
		check_command(m, node);
	else if (node->arg != SFW_ARG_NONE || (node->flags & SFW_N_OPTIONS))
		misfit(m, node, node, "takes a value or options but runs no command");
	for (i = 0; !(node->flags & SFW_N_OPTIONS) && node->kids && node->kids[i]; i++)
		check_tree(m, node->kids[i]);
}

/* Every option's value lands inside the option struct of the command it
 * hangs under, in a member that struct has (named by type: a struct
 * starting with a filter takes the filter options), sized for the value. */
Test(grammar, options_fit)
{
	static struct misfits m;

	check_tree(&m, &sfw_root);
	cr_assert_eq(m.len, 0, "options that do not fit their command:%s", m.text);
}
