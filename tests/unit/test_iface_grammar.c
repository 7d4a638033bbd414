/* The words of show interfaces flow-statistics and clear interfaces
 * statistics: abbreviations, the optional interface, `all` against names,
 * exact error messages, and the command-level checks made before any map
 * is opened. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "flow_fixture.h"
#include "iface_stats.h"

static struct sfw_cmdline cl;
static struct uf_parse p;

static void ok(const char *line)
{
	uf_parse_free(&p);
	uf_parse_line(line, &cl, &p);
	cr_assert_eq(p.rc, 0, "'%s': rc %d, err: %s", line, p.rc, p.err);
	cr_assert_str_eq(p.err, "");
}

static void fails(const char *line, const char *msg)
{
	char want[1024];

	uf_parse_free(&p);
	uf_parse_line(line, &cl, &p);
	cr_assert_eq(p.rc, SFW_PARSE_ERROR, "'%s' parsed", line);
	snprintf(want, sizeof(want), "%s\n", msg);
	cr_assert_str_eq(p.err, want);
}

static void fini(void)
{
	uf_parse_free(&p);
}

/* Runs a parsed command with its output and errors captured. */
static int run(sfw_cmd_fn fn, char **out, char **err)
{
	size_t olen, elen;
	int rc;

	cl.out = open_memstream(out, &olen);
	cl.err = open_memstream(err, &elen);
	rc = fn(&cl);
	fclose(cl.out);
	fclose(cl.err);
	return rc;
}

TestSuite(iface_grammar, .fini = fini);

Test(iface_grammar, show_all_and_one)
{
	ok("show interfaces flow-statistics");
	cr_assert_eq(cl.cmd->run, sfw_cmd_show_iface_flow);
	cr_assert_str_eq(cl.path, "show interfaces flow-statistics");
	cr_assert_eq(cl.npos, 0);
	cr_assert_not(cl.json);
	ok("sh in fl veth0 --json");
	cr_assert_eq(cl.cmd->run, sfw_cmd_show_iface_flow);
	cr_assert_eq(cl.npos, 1);
	cr_assert_str_eq(cl.pos[0], "veth0");
	cr_assert(cl.json);
	/* interfaces starts with i; `s` is security or system, as on Junos */
	ok("sh sec fl sess");
	cr_assert_eq(cl.cmd->run, sfw_cmd_show_session);
	fails("sh s fl sess", "sfw: ambiguous word 's' after 'show'; could be: security, system");
}

Test(iface_grammar, show_errors)
{
	fails("show interfaces", "sfw: incomplete command 'show interfaces'; "
	      "expected one of: flow-statistics");
	fails("show interfaces terse",
	      "sfw: unknown word 'terse' after 'show interfaces'; expected one of: flow-statistics");
}

Test(iface_grammar, clear_forms)
{
	ok("clear interfaces statistics veth0");
	cr_assert_eq(cl.cmd->run, sfw_cmd_clear_iface_stats);
	cr_assert_eq(cl.npos, 1);
	cr_assert_not(SFW_OPTS(&cl, struct sfw_all_opts)->all);
	ok("cl int stat all");
	cr_assert_eq(cl.cmd->run, sfw_cmd_clear_iface_stats);
	cr_assert(SFW_OPTS(&cl, struct sfw_all_opts)->all);
	cr_assert_eq(cl.npos, 0);
	ok("clear interfaces statistics veth0 veth1");
	cr_assert_eq(cl.npos, 2);
}

Test(iface_grammar, clear_errors)
{
	fails("clear interfaces statistics", "sfw: incomplete command "
	      "'clear interfaces statistics'; expected one of: <interface>, all");
	fails("clear interfaces statistics all veth0",
	      "sfw: 'veth0' cannot be combined with 'all'");
	fails("clear interfaces statistics veth0 all",
	      "sfw: 'all' cannot be combined with 'veth0'");
	fails("clear i", "sfw: incomplete command 'clear interfaces'; expected one of: statistics");
}

Test(iface_grammar, help_lines)
{
	uf_parse_free(&p);
	uf_parse_line("show interfaces flow-statistics ?", &cl, &p);
	cr_assert_eq(p.rc, SFW_PARSE_HELP);
	cr_assert(strstr(p.out, "  <interface>             Attached interface (default: all)\n"),
		  "%s", p.out);
	uf_parse_free(&p);
	uf_parse_line("clear interfaces statistics ?", &cl, &p);
	cr_assert_eq(p.rc, SFW_PARSE_HELP);
	cr_assert(strstr(p.out, "  all                     Clear the statistics of every attached "
			 "interface\n"), "%s", p.out);
}

/* Junos takes one interface name: a second is a usage error (exit 2),
 * told before anything is read. */
Test(iface_grammar, show_takes_one_interface)
{
	char *out, *err;

	ok("show interfaces flow-statistics veth0 veth1");
	cr_assert_eq(run(sfw_cmd_show_iface_flow, &out, &err), SFW_EXIT_USAGE);
	cr_assert_str_eq(err, "sfw: one interface at most ('veth1' is the second)\n");
	cr_assert_str_eq(out, "");
	free(out);
	free(err);
}

/* Before the first attach there is nothing to show: one line, exit 1. */
Test(iface_grammar, not_loaded)
{
	char root[] = "/tmp/sfw-ut-XXXXXX";
	char *out, *err;

	cr_assert(mkdtemp(root));
	setenv("SFW_PIN_ROOT", root, 1);
	ok("show interfaces flow-statistics");
	cr_assert_eq(run(sfw_cmd_show_iface_flow, &out, &err), SFW_EXIT_FAIL);
	cr_assert(!strncmp(err, "sfw: sfw is not loaded", 22), "%s", err);
	cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "one line: %s", err);
	cr_assert_str_eq(out, "");
	free(out);
	free(err);
	rmdir(root);
}
