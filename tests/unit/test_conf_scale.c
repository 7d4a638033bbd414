/* A large but legal configuration is parsed, checked, walked and printed
 * in time linear in its size (docs/reliability.md). No clock: the work is
 * counted as the name comparisons the code makes. The unit tests are
 * linked with --wrap=strcmp, so every strcmp our objects call lands here;
 * every lookup by name is one. Each shape is run at N and 4N: linear work
 * grows about 4x, a quadratic loop 16x. */
#include <pthread.h>
#include "test_conf.h"

int __real_strcmp(const char *a, const char *b);
static unsigned long long n_strcmp;

int __wrap_strcmp(const char *a, const char *b)
{
	n_strcmp++;
	return __real_strcmp(a, b);
}

/* A text of n statements from a generator: gen(i, buf) writes statement i. */
typedef void (*gen_fn)(int n, int i, FILE *f);

static char *make_text(gen_fn gen, int n, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	cr_assert_not_null(f);
	for (int i = 0; i < n; i++)
		gen(n, i, f);
	cr_assert_eq(fclose(f), 0);
	return text;
}

static int count_prefix(const struct sfw_conf_prefix *pfx, const struct sfw_conf_address *a,
			void *ctx)
{
	++*(int *)ctx;
	return 0;
}

static int count_app(const struct sfw_conf_application *a, void *ctx)
{
	++*(int *)ctx;
	return 0;
}

/* Parse (with the checks), walk every policy, print: the comparisons made. */
static unsigned long long work(gen_fn gen, int n)
{
	struct sfw_conf conf;
	struct sfw_conf_errors errs = { 0 };
	unsigned long long before;
	size_t len;
	char *text = make_text(gen, n, &len), *out = NULL;
	FILE *f = open_memstream(&out, &len);
	int err, seen = 0;

	cr_assert_eq(sfw_conf_init(&conf), 0);
	before = n_strcmp;
	err = sfw_conf_parse_buffer(&conf, "t.conf", text, strlen(text), &errs);
	cr_assert_eq(err, 0, "n=%d: %s", n, errs.n ? errs.msg[0] : sfw_last_error());
	for (int k = 0; k < conf.n_policies; k++) {
		cr_assert_eq(sfw_conf_walk_addresses(&conf, &conf.policies[k].src,
						     count_prefix, &seen), 0);
		cr_assert_eq(sfw_conf_walk_apps(&conf, &conf.policies[k].apps, count_app, &seen), 0);
	}
	cr_assert_eq(sfw_conf_print(&conf, f), 0);
	before = n_strcmp - before;
	fclose(f);
	free(out);
	free(text);
	sfw_conf_free(&conf);
	return before;
}

/* Generous: hash chains and the fixed cost of the predefined applications
 * keep linear work a little off 4x; quadratic work is 16x. */
static void expect_linear(const char *what, gen_fn gen, int n)
{
	unsigned long long small = work(gen, n), big = work(gen, 4 * n);

	cr_assert_leq(big, 6 * small + 1000, "%s: %llu name comparisons at n=%d, %llu at "
		      "4n: more than linear", what, small, n, big);
}

static void zones(int n, int i, FILE *f)
{
	fprintf(f, "set security zones security-zone z%d interfaces i%d\n", i, i);
	fprintf(f, "set security zones security-zone z%d screen s%d\n", i, i);
	fprintf(f, "set security screen ids-option s%d ip spoofing\n", i);
}

static void addresses_in_one_set(int n, int i, FILE *f)
{
	fprintf(f, "set security address-book global address a%d 192.0.2.%d\n", i, i % 256);
	fprintf(f, "set security address-book global address-set all address a%d\n", i);
	if (i == n - 1)
		fprintf(f, "set security policies global policy p match source-address all "
			"destination-address any application any\n"
			"set security policies global policy p then permit\n");
}

/* s0 holds s1 holds s2 ... : the cycle check and the walks go n deep. */
static void nested_sets(int n, int i, FILE *f)
{
	if (i < n - 1)
		fprintf(f, "set security address-book global address-set s%d address-set s%d\n",
			i, i + 1);
	else
		fprintf(f, "set security address-book global address a 192.0.2.1\n"
			"set security address-book global address-set s%d address a\n"
			"set security policies global policy p match source-address s0 "
			"destination-address any application any\n"
			"set security policies global policy p then permit\n", i);
}

static void policies_in_one_pair(int n, int i, FILE *f)
{
	if (!i)
		fprintf(f, "set security zones security-zone t interfaces v0\n"
			"set security zones security-zone u interfaces v1\n");
	fprintf(f, "set security policies from-zone t to-zone u policy p%d match "
		"source-address any destination-address any application any\n", i);
	fprintf(f, "set security policies from-zone t to-zone u policy p%d then permit\n", i);
}

static void applications(int n, int i, FILE *f)
{
	fprintf(f, "set applications application a%d protocol tcp destination-port %d\n",
		i, i % 65536);
	fprintf(f, "set applications application-set s%d application a%d\n", i / 8, i);
	fprintf(f, "set applications application-set all application-set s%d\n", i / 8);
	if (i == n - 1)
		fprintf(f, "set security policies global policy p match source-address any "
			"destination-address any application all\n"
			"set security policies global policy p then permit\n");
}

static void service_sets(int n, int i, FILE *f)
{
	fprintf(f, "set services service-set s%d interface-service service-interface i%d\n",
		i, i);
}

Test(conf_scale, zones_and_screens)
{
	expect_linear("zones", zones, 2000);
}

Test(conf_scale, one_address_set_of_every_address)
{
	expect_linear("address-set members", addresses_in_one_set, 2000);
}

Test(conf_scale, nested_address_sets)
{
	expect_linear("nested address-sets", nested_sets, 2000);
}

Test(conf_scale, policies_of_one_zone_pair)
{
	expect_linear("policies", policies_in_one_pair, 2000);
}

Test(conf_scale, applications_and_sets)
{
	expect_linear("applications", applications, 2000);
}

Test(conf_scale, service_sets)
{
	expect_linear("service sets", service_sets, 2000);
}

/* 100k nested sets, parsed, checked, walked and printed on a 256 KiB
 * stack: the cycle check and the walks keep their own stacks, so depth
 * costs heap, never the C stack (a recursion 100k deep overflowed it). */
static void *deep_chain(void *arg)
{
	*(unsigned long long *)arg = work(nested_sets, 100000);
	return NULL;
}

Test(conf_scale, chain_of_100k_sets_on_a_small_stack)
{
	pthread_attr_t attr;
	pthread_t t;
	unsigned long long ops = 0;

	cr_assert_eq(pthread_attr_init(&attr), 0);
	cr_assert_eq(pthread_attr_setstacksize(&attr, 256 << 10), 0);
	cr_assert_eq(pthread_create(&t, &attr, deep_chain, &ops), 0);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_gt(ops, 0);
}

/* Application ids are 16 bits: the 64513th user application is refused
 * instead of sharing an id with the first. */
static void too_many_apps(int n, int i, FILE *f)
{
	fprintf(f, "set applications application a%d protocol tcp\n", i);
}

Test(conf_scale, application_ids_never_wrap)
{
	struct sfw_conf conf;
	struct sfw_conf_errors errs;
	size_t len;
	char *text = make_text(too_many_apps, 65536 - SFW_CONF_APP_ID_USER + 1, &len);

	cr_assert_eq(sfw_conf_init(&conf), 0);
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(sfw_conf_parse_buffer(&conf, "t.conf", text, len, &errs), -EINVAL);
	cr_assert_eq(errs.n, 1);
	cr_assert_str_eq(errs.msg[0], "t.conf:64513: application 'a64512' is one too many: "
			 "at most 64512 applications");
	cr_assert_eq(conf.apps[conf.n_apps - 1].id, 65535);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	free(text);
}
