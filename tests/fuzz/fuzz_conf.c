/* The configuration language: any text either parses or gives errors
 * (never a crash, never an error line longer than its cap), and a text
 * that parses round-trips: print(parse(x)) parses again, to an equal
 * model, and prints the same text again. The walks the compiler and the
 * CLI use run over every policy of a valid model. */
#include <errno.h>
#include <string.h>
#include "conf.h"
#include "fuzz.h"

/* error_line()'s message (1024) and the name the text is given. */
#define ERROR_LINE_MAX 1100

static char *print(const struct sfw_conf *conf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f || sfw_conf_print(conf, f) || fclose(f))
		fuzz_fail("printing failed");
	return text;
}

static int any_prefix(const struct sfw_conf_prefix *p, const struct sfw_conf_address *a,
		      void *ctx)
{
	++*(int *)ctx;
	return 0;
}

static int any_app(const struct sfw_conf_application *a, void *ctx)
{
	++*(int *)ctx;
	return 0;
}

static void walk(const struct sfw_conf *c)
{
	int n = 0;

	for (int k = 0; k < c->n_policies; k++) {
		if (sfw_conf_walk_addresses(c, &c->policies[k].src, any_prefix, &n) ||
		    sfw_conf_walk_addresses(c, &c->policies[k].dst, any_prefix, &n) ||
		    sfw_conf_walk_apps(c, &c->policies[k].apps, any_app, &n))
			fuzz_fail("a walk over policy %s failed", c->policies[k].name);
	}
	for (int z = 0; z < c->n_zones; z++)
		for (int i = 0; i < c->zones[z].interfaces.n; i++)
			if (sfw_conf_iface_zone(c, c->zones[z].interfaces.v[i].name) != z)
				fuzz_fail("interface %s: zone lookup disagrees",
					  c->zones[z].interfaces.v[i].name);
}

static void round_trip(const struct sfw_conf *a, const char *input, size_t size)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf b;
	char *once = print(a), *twice;

	if (sfw_conf_init(&b))
		abort();
	if (sfw_conf_parse_buffer(&b, "printed.conf", once, strlen(once), &errs))
		fuzz_fail("the printed configuration does not parse: %s\n--- input:\n%.*s\n"
			  "--- printed:\n%s", errs.n ? errs.msg[0] : "(no message)",
			  (int)size, input, once);
	if (!sfw_conf_equal(a, &b))
		fuzz_fail("parse(print(x)) differs from x\n--- printed:\n%s", once);
	twice = print(&b);
	if (strcmp(once, twice))
		fuzz_fail("printing is not stable\n--- once:\n%s--- twice:\n%s", once, twice);
	walk(&b);
	free(once);
	free(twice);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf a;
	int err;

	if (size > 1 << 16)   /* larger texts are the scaling test's business */
		return 0;
	if (sfw_conf_init(&a))
		abort();
	err = sfw_conf_parse_buffer(&a, "fuzz.conf", (const char *)data, size, &errs);
	if (err && err != -EINVAL)
		fuzz_fail("parse returned %d", err);
	if (err && !errs.n)
		fuzz_fail("parse failed without an error message");
	if (!err && errs.n)
		fuzz_fail("parse succeeded with %d errors", errs.n);
	for (int k = 0; k < errs.n; k++) {
		if (strncmp(errs.msg[k], "fuzz.conf:", 10))
			fuzz_fail("an error without FILE:LINE: %s", errs.msg[k]);
		if (strlen(errs.msg[k]) > ERROR_LINE_MAX || strchr(errs.msg[k], '\n'))
			fuzz_fail("an error line of %zu bytes or holding a newline",
				  strlen(errs.msg[k]));
	}
	if (!err)
		round_trip(&a, (const char *)data, size);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&a);
	return 0;
}
