/* Configuration mode's candidate (conf/candidate.h): set and delete on the
 * canonical set lines, the hierarchical `show`, and `show | compare` in
 * Junos's diff layout (docs/cli.md "Configuration mode"). */
#include "candidate.h"
#include "test_conf.h"

#define POL "security policies from-zone trust to-zone untrust policy "

#define BASE \
	CONF_BASE \
	"set security policies from-zone trust to-zone untrust policy allow match " \
	"source-address any destination-address any application junos-http\n" \
	"set security policies from-zone trust to-zone untrust policy allow then permit\n"
static const char base[] = BASE;

static void cand_of(struct sfw_cand *c, const char *text)
{
	struct sfw_conf conf;

	conf_test_parse_ok(&conf, text);
	cr_assert_eq(sfw_cand_from_conf(c, &conf), 0);
	sfw_conf_free(&conf);
}

/* "a b c" as words (a scratch copy; words split at blanks). */
static int words_of(const char *line, char *buf, size_t len, char **w)
{
	int n = 0;
	char *save = NULL;

	snprintf(buf, len, "%s", line);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	return n;
}

static int set_line(struct sfw_cand *c, const char *line, struct sfw_conf_errors *errs)
{
	char buf[1024], *w[64];
	int n = words_of(line, buf, sizeof(buf), w);

	memset(errs, 0, sizeof(*errs));
	return sfw_cand_set(c, w, n, errs);
}

static void set_ok(struct sfw_cand *c, const char *line)
{
	struct sfw_conf_errors errs;
	int err = set_line(c, line, &errs);

	cr_assert_eq(err, 0, "set %s: %d (%s)", line, err, errs.n ? errs.msg[0] : "");
	sfw_conf_errors_free(&errs);
}

static int delete_line(struct sfw_cand *c, const char *line)
{
	char buf[1024], *w[64];
	int n = words_of(line, buf, sizeof(buf), w);

	return sfw_cand_delete(c, w, n);
}

/* What fn printed. */
static char *printed(int (*fn)(const char *, const char *, FILE *), const char *a, const char *b)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_eq(fn(a, b, f), 0);
	fclose(f);
	return out;
}

static char *compared(const char *old, const char *new)
{
	return printed(sfw_cand_compare, old, new);
}

static char *shown(const char *text, const char *path)
{
	char buf[1024], *w[64], *out = NULL;
	int n = path ? words_of(path, buf, sizeof(buf), w) : 0;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_eq(sfw_cand_show(text, w, n, f), 0);
	fclose(f);
	return out;
}

Test(conf_candidate, set_adds_a_canonical_line_one_value_each)
{
	struct sfw_cand c;

	cand_of(&c, base);
	set_ok(&c, "security policies from-zone trust to-zone untrust policy allow match "
		   "application [ junos-https junos-ssh ]");
	cr_assert(strstr(c.text, "set " POL "allow match application junos-https\n"));
	cr_assert(strstr(c.text, "set " POL "allow match application junos-ssh\n"));
	cr_assert(strstr(c.text, "set " POL "allow match application junos-http\n"));
	cr_assert_eq(c.len, strlen(c.text));
	sfw_cand_free(&c);
}

/* The language wants one policy's lines together: a policy added, then an
 * earlier one changed, still parses; the new policy comes after the last
 * of its zone pair, as Junos adds it. */
Test(conf_candidate, set_goes_with_its_object)
{
	struct sfw_cand c;
	const char *web, *ssh;

	cand_of(&c, base);
	set_ok(&c, POL "web then permit");
	set_ok(&c, POL "allow match application junos-ssh");
	web = strstr(c.text, "policy web then permit");
	ssh = strstr(c.text, "policy allow match application junos-ssh");
	cr_assert(web && ssh && ssh < web, "%s", c.text);
	set_ok(&c, "security zones security-zone trust interfaces veth2");
	cr_assert(strstr(c.text, "trust interfaces veth0\nset security zones security-zone "
			 "trust interfaces veth2\n"), "%s", c.text);
	sfw_cand_free(&c);
}

Test(conf_candidate, a_bad_statement_is_refused_and_changes_nothing)
{
	struct sfw_conf_errors errs;
	struct sfw_cand c;
	char *before;

	cand_of(&c, base);
	before = strdup(c.text);
	cr_assert_eq(set_line(&c, "security policies frm-zone trust", &errs), -EINVAL);
	cr_assert_eq(errs.n, 1);
	cr_assert(strstr(errs.msg[0], "'frm-zone'"), "%s", errs.msg[0]);
	cr_assert_str_eq(c.text, before);
	sfw_conf_errors_free(&errs);
	cr_assert_eq(set_line(&c, "security flow tcp-session tcp-initial-timeout x", &errs),
		     -EINVAL);
	cr_assert_str_eq(c.text, before);
	sfw_conf_errors_free(&errs);
	free(before);
	sfw_cand_free(&c);
}

/* Junos takes a name defined later; commit check says what is missing. */
Test(conf_candidate, a_name_defined_later_is_taken)
{
	struct sfw_cand c;
	struct sfw_conf conf;
	struct sfw_conf_errors errs;

	cand_of(&c, base);
	set_ok(&c, POL "allow match source-address web");
	cr_assert_eq(conf_test_parse(&conf, &errs, c.text), -EINVAL, "commit check must refuse");
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	set_ok(&c, "security address-book global address web 192.0.2.0/24");
	conf_test_parse_ok(&conf, c.text);
	sfw_conf_free(&conf);
	sfw_cand_free(&c);
}

Test(conf_candidate, a_quoted_word_stays_one_word)
{
	struct sfw_cand c;
	char *w[] = { "security", "policies", "from-zone", "trust", "to-zone", "untrust",
		      "policy", "allow", "description", "web \"and\" more" };

	struct sfw_conf_errors errs = { 0 };

	cand_of(&c, base);

	cr_assert_eq(sfw_cand_set(&c, w, 10, &errs), 0);
	cr_assert(strstr(c.text, "allow description \"web \\\"and\\\" more\"\n"), "%s", c.text);
	sfw_cand_free(&c);
}

Test(conf_candidate, delete_takes_the_statement_and_all_under_it)
{
	struct sfw_cand c;

	cand_of(&c, base);
	set_ok(&c, POL "allow2 match source-address any destination-address any application any");
	set_ok(&c, POL "allow2 then deny");
	cr_assert_eq(delete_line(&c, POL "allow"), 4);
	cr_assert_null(strstr(c.text, "policy allow "));
	cr_assert(strstr(c.text, "policy allow2 then deny"), "a sibling with a longer name stays");
	cr_assert_eq(delete_line(&c, POL "allow2 then deny"), 1);
	cr_assert_null(strstr(c.text, "then deny"));
	sfw_cand_free(&c);
}

Test(conf_candidate, delete_of_nothing_says_so_and_changes_nothing)
{
	struct sfw_cand c;
	char *before;

	cand_of(&c, base);
	before = strdup(c.text);
	cr_assert_eq(delete_line(&c, POL "nosuch"), 0);
	cr_assert_eq(delete_line(&c, "security zones security-zone trust interfaces veth9"), 0);
	cr_assert_str_eq(c.text, before);
	free(before);
	sfw_cand_free(&c);
}

Test(conf_candidate, show_is_junos_hierarchy)
{
	struct sfw_cand c;
	char *out;

	cand_of(&c, BASE "set security address-book global address web 192.0.2.0/24\n"
		"set security policies from-zone trust to-zone untrust policy allow match "
		"application junos-https\n");
	out = shown(c.text, NULL);
	cr_assert_str_eq(out,
		"security {\n"
		"    zones {\n"
		"        security-zone trust {\n"
		"            interfaces {\n"
		"                veth0;\n"
		"            }\n"
		"        }\n"
		"        security-zone untrust {\n"
		"            interfaces {\n"
		"                veth1;\n"
		"            }\n"
		"        }\n"
		"    }\n"
		"    address-book {\n"
		"        global {\n"
		"            address web 192.0.2.0/24;\n"
		"        }\n"
		"    }\n"
		"    policies {\n"
		"        from-zone trust to-zone untrust {\n"
		"            policy allow {\n"
		"                match {\n"
		"                    source-address any;\n"
		"                    destination-address any;\n"
		"                    application [ junos-http junos-https ];\n"
		"                }\n"
		"                then {\n"
		"                    permit;\n"
		"                }\n"
		"            }\n"
		"        }\n"
		"    }\n"
		"}\n");
	free(out);
	out = shown(c.text, POL "allow then");
	cr_assert_str_eq(out, "permit;\n");
	free(out);
	out = shown(c.text, "security zones security-zone nosuch");
	cr_assert_str_eq(out, "");
	free(out);
	sfw_cand_free(&c);
}

/* Junos's blocks for `security forwarding-options family mpls mode
 * packet-based` (and inet6's flow-based, before it as on Junos): one
 * level a word, the mode a leaf; `mode` is a value's
 * keyword there only, and stays an address's name elsewhere */
Test(conf_candidate, mpls_packet_mode_shown_as_junos_does)
{
	struct sfw_cand c;
	char *out;

	cand_of(&c, "set security forwarding-options family mpls mode packet-based\n"
		"set security forwarding-options family inet6 mode flow-based\n"
		"set security address-book global address mode 192.0.2.0/24\n");
	out = shown(c.text, NULL);
	cr_assert_str_eq(out,
		"security {\n"
		"    address-book {\n"
		"        global {\n"
		"            address mode 192.0.2.0/24;\n"
		"        }\n"
		"    }\n"
		"    forwarding-options {\n"
		"        family {\n"
		"            inet6 {\n"
		"                mode flow-based;\n"
		"            }\n"
		"            mpls {\n"
		"                mode packet-based;\n"
		"            }\n"
		"        }\n"
		"    }\n"
		"}\n");
	free(out);
	sfw_cand_free(&c);
}

Test(conf_candidate, compare_of_equal_is_empty)
{
	struct sfw_cand c;
	char *out;

	cand_of(&c, base);
	out = compared(c.text, c.text);
	cr_assert_str_eq(out, "");
	free(out);
	sfw_cand_free(&c);
}

Test(conf_candidate, compare_changed_leaf_new_and_removed_blocks)
{
	struct sfw_cand old, new;
	char *out;

	cand_of(&old, base);
	cand_of(&new, base);
	set_ok(&new, POL "allow match application junos-https");
	cr_assert_eq(delete_line(&new, POL "allow match application junos-http"), 1);
	set_ok(&new, POL "web match source-address any destination-address any application any");
	set_ok(&new, POL "web then deny");
	cr_assert_eq(delete_line(&new, "security zones security-zone untrust"), 1);
	set_ok(&new, "security zones security-zone dmz interfaces veth1");
	out = compared(old.text, new.text);
	cr_assert_str_eq(out,
		"[edit security zones]\n"
		"-    security-zone untrust {\n"
		"-        interfaces {\n"
		"-            veth1;\n"
		"-        }\n"
		"-    }\n"
		"+    security-zone dmz {\n"
		"+        interfaces {\n"
		"+            veth1;\n"
		"+        }\n"
		"+    }\n"
		"[edit security policies from-zone trust to-zone untrust]\n"
		"+    policy web {\n"
		"+        match {\n"
		"+            source-address any;\n"
		"+            destination-address any;\n"
		"+            application any;\n"
		"+        }\n"
		"+        then {\n"
		"+            deny;\n"
		"+        }\n"
		"+    }\n"
		"[edit security policies from-zone trust to-zone untrust policy allow match]\n"
		"-    application junos-http;\n"
		"+    application junos-https;\n");
	free(out);
	sfw_cand_free(&old);
	sfw_cand_free(&new);
}

Test(conf_candidate, from_text_reads_a_stored_file_canonically)
{
	struct sfw_cand c, d;

	cand_of(&c, base);
	cr_assert_eq(sfw_cand_from_text(&d, base, strlen(base), NULL), 0);
	cr_assert_str_eq(d.text, c.text, "a list on one line becomes one value a line");
	sfw_cand_free(&c);
	sfw_cand_free(&d);
}

Test(conf_candidate, a_level_is_a_node_of_the_hierarchy)
{
	char *pair[] = { "security", "policies", "from-zone", "a", "to-zone", "b" };
	char *pol[] = { "security", "policies", "from-zone", "a", "to-zone", "b", "policy", "p" };
	char *sec[] = { "security" };

	cr_assert_eq(sfw_cand_last_level(pair, 6), 4);
	cr_assert_eq(sfw_cand_last_level(pol, 8), 2);
	cr_assert_eq(sfw_cand_last_level(pol, 7), 1, "a keyword without its name yet");
	cr_assert_eq(sfw_cand_last_level(sec, 1), 1);
}

/* What `?` offers in configuration mode: the language's own answer. */
Test(conf_candidate, expected_is_what_the_language_takes_next)
{
	char *sec[] = { "security" }, *pair[] = { "security", "policies", "from-zone", "a" };
	char *e = sfw_cand_expected(sec, 1);

	cr_assert_str_eq(e, "one of address-book, flow, forwarding-options, log, nat, policies, screen, zones");
	free(e);
	e = sfw_cand_expected(pair, 4);
	cr_assert_str_eq(e, "'to-zone'");
	free(e);
	e = sfw_cand_expected(NULL, 0);
	cr_assert_str_eq(e, "one of applications, security, services, system");
	free(e);
}
