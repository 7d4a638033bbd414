/* The Prometheus exposition (cli/metrics/metrics_expo.c, metrics_write.c): label
 * values escaped and made valid UTF-8 whatever an interface or policy is
 * called, every family introduced by its HELP and TYPE lines before its
 * samples, reasons and states from sfw's own lists, cumulative histogram
 * buckets; and where the configuration says to listen. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "metrics_int.h"
#include "protocols.h"

static char *render(const struct sfw_metrics_view *v)
{
	struct sfw_expo e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	sfw_expo_init(&e, f);
	sfw_metrics_write(&e, v);
	sfw_expo_flush(&e);
	fclose(f);
	return buf;
}

static char *label_value(const char *s)
{
	struct sfw_obuf o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	sfw_ob_init(&o, f);
	sfw_expo_label_value(&o, s);
	sfw_ob_flush(&o);
	fclose(f);
	return buf;
}

#define HAS(out, line) cr_assert(strstr(out, line), "missing: %s\nin:\n%s", line, out)

Test(metrics, label_values_escape_backslash_quote_and_newline)
{
	char *v = label_value("a\"b\\c\nd");

	cr_assert_str_eq(v, "a\\\"b\\\\c\\nd");
	free(v);
}

Test(metrics, label_values_are_valid_utf8)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "caf\xc3\xa9", "caf\xc3\xa9" },                       /* kept */
		{ "\xe2\x82\xac\xf0\x9f\x94\xa5", "\xe2\x82\xac\xf0\x9f\x94\xa5" },
		{ "a\xffz", "a\xef\xbf\xbdz" },                         /* not UTF-8 */
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },              /* overlong '/' */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "x\xe2\x82", "x\xef\xbf\xbd\xef\xbf\xbd" },            /* cut short */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *v = label_value(cases[i].in);

		cr_assert_str_eq(v, cases[i].out, "case %zu", i);
		free(v);
	}
}

Test(metrics, help_text_escapes_backslash_and_newline)
{
	struct sfw_expo e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sfw_expo_init(&e, f);
	sfw_expo_family(&e, "sfw_x", "gauge", "a\\b\nc \"quoted\"");
	sfw_expo_flush(&e);
	fclose(f);
	cr_assert_str_eq(buf, "# HELP sfw_x a\\\\b\\nc \"quoted\"\n# TYPE sfw_x gauge\n");
	free(buf);
}

static const struct sfw_metrics_iface odd_ifaces[2] = {
	{ .name = "eth\"0\\x" }, { .name = "veth-b" },
};

Test(metrics, interface_and_policy_names_are_escaped_in_every_family)
{
	struct sfw_metrics_policy pol = { .from = "tr\"ust", .to = "un\\trust",
					  .name = "allow \"web\"\n", .hits = 42 };
	struct sfw_screen_report scr = { .zone = "dm\"z",
				       .n[SFW_SCREEN_STAT_ERR_SYN_ATTACK] = 3,
				       .n[SFW_SCREEN_STAT_SCREEN_DST_LIMIT] = 4 };
	struct sfw_metrics_view v = { .ifaces = odd_ifaces, .n_ifaces = 2,
				      .policies = &pol, .n_policies = 1,
				      .screens = &scr, .n_screens = 1 };
	char *out = render(&v);

	HAS(out, "sfw_permitted_packets_total{interface=\"eth\\\"0\\\\x\",direction=\"in\"} 0\n");
	HAS(out, "sfw_dropped_packets_total{interface=\"eth\\\"0\\\\x\",reason=\"policy_denied\"} 0\n");
	HAS(out, "sfw_policy_hits_total{from_zone=\"tr\\\"ust\",to_zone=\"un\\\\trust\","
		 "policy=\"allow \\\"web\\\"\\n\"} 42\n");
	HAS(out, "sfw_screen_hits_total{zone=\"dm\\\"z\",screen=\"syn_flood\"} 3\n");
	HAS(out, "sfw_screen_hits_total{zone=\"dm\\\"z\",screen=\"destination_session_limit\"} 4\n");
	free(out);
}

/* Every drop reason of include/counters.h appears once per interface,
 * snake_cased from its JSON key; permitted, untracked and failed
 * sessions are not drop reasons. */
Test(metrics, drop_reasons_come_from_the_counter_list)
{
	struct sfw_metrics_iface ifc = { .name = "eth0" };
	static const enum sfw_counter_group groups[SFW_CNT_COUNT] = {
#define SFW_X(id, grp, label, key) [SFW_CNT_##id] = grp,
		SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
	};
	struct sfw_metrics_view v = { .ifaces = &ifc, .n_ifaces = 1 };
	int reasons = 0, want = 0;
	char *out, *p;

	ifc.c.c[SFW_CNT_ERR_POLICY_DENIED] = 5;
	ifc.c.c[SFW_CNT_SFW_ERR_TCP_NO_SYN] = 6;
	ifc.c.c[SFW_CNT_SCREEN_SRC_LIMIT] = 7;
	ifc.c.c[SFW_CNT_LOCAL_IN_PKTS] = 10;
	ifc.c.c[SFW_CNT_TRANSIT_IN_PKTS] = 1;
	ifc.c.c[SFW_CNT_OUT_PERMITTED_BYTES] = 900;
	ifc.c.c[SFW_CNT_SFW_UNTRACKED_PKTS] = 4;
	out = render(&v);
	HAS(out, "sfw_dropped_packets_total{interface=\"eth0\",reason=\"policy_denied\"} 5\n");
	HAS(out, "sfw_dropped_packets_total{interface=\"eth0\",reason=\"tcp_first_packet_not_syn\"} 6\n");
	HAS(out, "sfw_dropped_packets_total{interface=\"eth0\",reason=\"source_session_limit\"} 7\n");
	HAS(out, "sfw_dropped_packets_total{interface=\"eth0\",reason=\"no_zone_or_null_zone_binding\"} 0\n");
	HAS(out, "sfw_permitted_packets_total{interface=\"eth0\",direction=\"in\"} 11\n");
	HAS(out, "sfw_permitted_bytes_total{interface=\"eth0\",direction=\"out\"} 900\n");
	HAS(out, "sfw_untracked_packets_total{interface=\"eth0\"} 4\n");
	cr_assert_null(strstr(out, "reason=\"packets_permitted\""));
	cr_assert_null(strstr(out, "reason=\"packets_passed_untracked\""));
	cr_assert_null(strstr(out, "reason=\"proxy_arp_answered\""));
	cr_assert_null(strstr(out, "reason=\"proxy_ndp_answered\""));
	cr_assert_null(strstr(out, "reason=\"failed_sessions\""));
	cr_assert_null(strstr(out, "reason=\"input_bytes\""));
	for (p = strstr(out, "sfw_dropped_packets_total{"); p;
	     p = strstr(p + 1, "sfw_dropped_packets_total{"))
		reasons++;
	/* one line per outcome that is not a pass: at least Junos's flow
	 * errors and sfw's malformed, not-SYN, no session, two fragment
	 * reasons and two session limits */
	for (int id = 0; id < SFW_CNT_COUNT; id++)
		want += SFW_COUNTER_IS_OUTCOME(id, groups[id]) && id != SFW_CNT_SFW_PERMITTED_PKTS &&
			id != SFW_CNT_SFW_UNTRACKED_PKTS && id != SFW_CNT_SFW_PROXY_ARP &&
			id != SFW_CNT_SFW_PROXY_NDP;
	cr_assert_eq(reasons, want);
	cr_assert_geq(want, (SFW_CNT_ERR_USER_AUTH - SFW_CNT_ERR_ADDRESS_SPOOFING + 1) + 7);
	free(out);
}

Test(metrics, sessions_by_family_protocol_and_state)
{
	struct sfw_sess_totals t = { 0 };
	struct sfw_metrics_view v = { .sessions = &t, .limit = 983040, .capacity = 1048576 };
	char *out;

	t.active[0][SFW_IPPROTO_TCP] = 3;
	t.active[1][SFW_IPPROTO_UDP] = 2;
	t.active[0][253] = 1;
	t.tcp[SFW_TCP_SYN_SENT] = 1;
	t.tcp[SFW_TCP_ESTABLISHED] = 2;
	t.invalidated = 1;
	t.created = 10;
	t.closed[SFW_CLOSE_IDLE] = 4;
	out = render(&v);
	HAS(out, "sfw_sessions_active{family=\"inet\",protocol=\"tcp\"} 3\n");
	HAS(out, "sfw_sessions_active{family=\"inet6\",protocol=\"udp\"} 2\n");
	HAS(out, "sfw_sessions_active{family=\"inet\",protocol=\"253\"} 1\n");
	HAS(out, "sfw_sessions_active{family=\"inet6\",protocol=\"icmp6\"} 0\n");
	HAS(out, "sfw_tcp_sessions_active{state=\"syn_sent\"} 1\n");
	HAS(out, "sfw_tcp_sessions_active{state=\"established\"} 2\n");
	HAS(out, "sfw_sessions_invalidated 1\n");
	HAS(out, "sfw_sessions_created_total 10\n");
	HAS(out, "sfw_sessions_closed_total{reason=\"idle_timeout\"} 4\n");
	HAS(out, "sfw_sessions_closed_total{reason=\"tcp_rst\"} 0\n");
	HAS(out, "sfw_sessions_limit 983040\n");
	HAS(out, "sfw_sessions_capacity 1048576\n");
	cr_assert_null(strstr(out, "reason=\"unset\""));
	cr_assert_null(strstr(out, "state=\"none\""));
	free(out);
}

Test(metrics, sweep_durations_are_a_cumulative_histogram)
{
	struct sfw_metrics_hist h = { .count = 3, .sum = 0.5 };
	struct sfw_daemon_info d = { .removed = 9, .interval_ms = 250 };
	struct sfw_metrics_view v = { .sweeps = &h, .daemon = &d };
	char *out;

	h.bucket[0] = 1;                     /* <= 1 ms */
	h.bucket[4] = 1;                     /* <= 250 ms */
	h.bucket[SFW_SWEEP_BUCKETS] = 1;     /* beyond every bound */
	out = render(&v);
	HAS(out, "# TYPE sfw_sweeper_pass_duration_seconds histogram\n");
	HAS(out, "sfw_sweeper_pass_duration_seconds_bucket{le=\"0.001\"} 1\n");
	HAS(out, "sfw_sweeper_pass_duration_seconds_bucket{le=\"0.1\"} 1\n");
	HAS(out, "sfw_sweeper_pass_duration_seconds_bucket{le=\"0.25\"} 2\n");
	HAS(out, "sfw_sweeper_pass_duration_seconds_bucket{le=\"10\"} 2\n");
	HAS(out, "sfw_sweeper_pass_duration_seconds_bucket{le=\"+Inf\"} 3\n");
	HAS(out, "sfw_sweeper_pass_duration_seconds_sum 0.5\n");
	HAS(out, "sfw_sweeper_pass_duration_seconds_count 3\n");
	HAS(out, "sfw_sweeper_removed_sessions_total 9\n");
	HAS(out, "sfw_sweeper_interval_seconds 0.25\n");
	free(out);
}

/* The port's own figures (cli/metrics/metrics_http.c): requests
 * answered and renders made, fewer when requests share one; none when the
 * view was not served over HTTP. */
Test(metrics, the_port_says_its_requests_and_renders)
{
	struct sfw_metrics_served srv = { .requests = 40, .renders = 2 };
	struct sfw_metrics_view v = { .served = &srv };
	char *out = render(&v);

	HAS(out, "# TYPE sfw_scrape_requests_total counter\n");
	HAS(out, "sfw_scrape_requests_total 40\n");
	HAS(out, "# TYPE sfw_scrape_renders_total counter\n");
	HAS(out, "sfw_scrape_renders_total 2\n");
	free(out);
	v.served = NULL;
	out = render(&v);
	cr_assert_null(strstr(out, "sfw_scrape_re"), "%s", out);
	free(out);
}

/* The text format's rules, checked on a full scrape: each family's HELP
 * then TYPE come before its samples, its samples are contiguous, sample
 * names belong to the family (histograms: _bucket, _sum, _count), and
 * counters end in _total. */
Test(metrics, every_family_is_introduced_and_contiguous)
{
	struct sfw_sess_totals t = { 0 };
	struct sfw_metrics_hist h = { 0 };
	struct sfw_daemon_info d = { 0 };
	struct sfw_metrics_ring r = { .name = "log", .size = 4096 };
	struct sfw_metrics_policy pol = { .from = "a", .to = "b", .name = "p" };
	struct sfw_screen_report scr = { .zone = "z" };
	struct sfw_metrics_served srv = { 3, 1 };
	struct sfw_metrics_view v = { .sessions = &t, .ifaces = odd_ifaces, .n_ifaces = 2,
				      .policies = &pol, .n_policies = 1, .screens = &scr,
				      .n_screens = 1, .rings = &r, .n_rings = 1,
				      .daemon = &d, .sweeps = &h, .served = &srv };
	char *out = render(&v), *save = NULL, fam[96] = "", type[16] = "", seen[8192] = " ";
	int families = 0;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[96];

		if (!strncmp(line, "# HELP ", 7)) {
			cr_assert_eq(sscanf(line + 7, "%95s", fam), 1);
			snprintf(name, sizeof(name), " %s ", fam);
			cr_assert_null(strstr(seen, name), "%s introduced twice", fam);
			strncat(seen, name + 1, sizeof(seen) - strlen(seen) - 1);
			type[0] = '\0';
			families++;
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			cr_assert_eq(sscanf(line + 7, "%95s %15s", name, type), 2);
			cr_assert_str_eq(name, fam, "TYPE of %s after HELP of %s", name, fam);
			if (!strcmp(type, "counter"))
				cr_assert(strlen(fam) > 6 && !strcmp(fam + strlen(fam) - 6, "_total"),
					  "counter %s", fam);
			continue;
		}
		cr_assert(type[0], "a sample before any TYPE: %s", line);
		size_t n = strcspn(line, "{ ");

		snprintf(name, sizeof(name), "%.*s", (int)n, line);
		if (!strcmp(type, "histogram"))
			cr_assert(!strncmp(name, fam, strlen(fam)) &&
				  (!strcmp(name + strlen(fam), "_bucket") ||
				   !strcmp(name + strlen(fam), "_sum") ||
				   !strcmp(name + strlen(fam), "_count")), "%s in %s", name, fam);
		else
			cr_assert_str_eq(name, fam, "sample %s under family %s", name, fam);
	}
	cr_assert_gt(families, 20);
	free(out);
}

static struct sfw_metrics_addr addr_of(const char *text)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_metrics_addr a;
	struct sfw_conf c;

	cr_assert_eq(sfw_conf_init(&c), 0);
	cr_assert_eq(sfw_conf_parse_buffer(&c, "t", text, strlen(text), &errs), 0, "%s",
		     errs.n ? errs.msg[0] : "");
	sfw_metrics_addr_of(&c, &a);
	sfw_conf_free(&c);
	return a;
}

Test(metrics, where_the_configuration_says_to_listen)
{
	struct sfw_metrics_addr a = addr_of("set security policies default-policy permit-all\n");

	cr_assert_not(a.on, "off unless configured");
	a = addr_of("set system services prometheus\n");
	cr_assert(a.on);
	cr_assert_str_eq(a.text, "127.0.0.1:9660");
	a = addr_of("set system services prometheus port 9100\n");
	cr_assert_str_eq(a.text, "127.0.0.1:9100");
	a = addr_of("set system services prometheus address 2001:db8::1\n"
		    "set system services prometheus port 19660\n");
	cr_assert_str_eq(a.text, "[2001:db8::1]:19660");
	cr_assert_eq(a.sa.ss_family, AF_INET6);
	a = addr_of("set system services prometheus address 0.0.0.0\n");
	cr_assert_str_eq(a.text, "0.0.0.0:9660");
}

/* A scrape with every family and label in it. */
static char *render_all(void)
{
	static struct sfw_sess_totals t;
	static struct sfw_metrics_hist h;
	static struct sfw_daemon_info d;
	static const struct sfw_metrics_ring r = { .name = "log", .size = 4096 };
	static const struct sfw_metrics_iface ifc = { .name = "eth0" };
	static const struct sfw_metrics_policy pol = { .from = "a", .to = "b", .name = "p" };
	static const struct sfw_screen_report scr = { .zone = "z" };
	static const struct sfw_metrics_served srv = { 1, 1 };
	struct sfw_metrics_view v = { .sessions = &t, .ifaces = &ifc, .n_ifaces = 1,
				      .policies = &pol, .n_policies = 1, .screens = &scr,
				      .n_screens = 1, .rings = &r, .n_rings = 1, .daemon = &d,
				      .sweeps = &h, .served = &srv };

	return render(&v);
}

static char *read_file(const char *path)
{
	char *doc = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "r");

	cr_assert(f, "%s", path);
	cr_assert_gt(getdelim(&doc, &cap, '\0', f), 0);
	fclose(f);
	return doc;
}

/* docs/metrics.md names every label value of the labels whose values are
 * sfw's own words (reasons, states, screens, ...): a counter added to
 * include/counters.h or a close reason to include/events.h shows up in
 * the exposition at once, and here until the page says what it is. */
Test(metrics, docs_metrics_md_names_every_label_value)
{
	static const char *const enumerated[] = {
		"family", "protocol", "state", "reason", "direction", "screen", "ring",
	};
	char *doc = read_file("docs/metrics.md"), *out = render_all(), *save = NULL;
	char want[160];
	int values = 0;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		for (size_t i = 0; line[0] != '#' && i < sizeof(enumerated) / sizeof(enumerated[0]);
		     i++) {
			char key[32], *q;

			snprintf(key, sizeof(key), "%s=\"", enumerated[i]);
			for (q = strstr(line, key); q; q = strstr(q + 1, key)) {
				if (q != line && q[-1] != '{' && q[-1] != ',')
					continue;   /* from_zone= holds zone= */
				q += strlen(key);
				snprintf(want, sizeof(want), "`%.*s`", (int)strcspn(q, "\""), q);
				cr_expect(strstr(doc, want), "docs/metrics.md lacks the %s %s",
					  enumerated[i], want);
				values++;
			}
		}
	cr_assert_gt(values, 40);
	free(doc);
	free(out);
}

/* One family as the exposition has it: its TYPE, and the names of its
 * labels in order of first use, ", "-separated. */
struct family {
	char name[64], type[16], labels[96];
};

static int families_of(char *out, struct family *fam, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *l = strchr(line, '{');

		if (!strncmp(line, "# TYPE ", 7)) {
			cr_assert_lt(n, max);
			memset(&fam[n], 0, sizeof(fam[n]));
			cr_assert_eq(sscanf(line + 7, "%63s %15s", fam[n].name, fam[n].type), 2);
			n++;
			continue;
		}
		/* l at the '{' or ',' before each label: name="value" */
		while (line[0] != '#' && n && l) {
			char name[32];
			size_t len = strcspn(l + 1, "=");

			snprintf(name, sizeof(name), "%.*s", (int)len, l + 1);
			if (!strstr(fam[n - 1].labels, name)) {
				if (fam[n - 1].labels[0])
					strcat(fam[n - 1].labels, ", ");
				strcat(fam[n - 1].labels, name);
			}
			l += 1 + len + 2;   /* past =" */
			while (*l && (*l != '"' || l[-1] == '\\'))
				l++;
			cr_assert(*l == '"', "%s", line);
			l = l[1] == ',' ? l + 1 : NULL;
		}
	}
	return n;
}

/* "| `name` | type | `a`, `b` | meaning |" -> name, type, "a, b". */
static bool docs_row(const char *line, struct family *f)
{
	char labels[128];
	size_t j = 0;

	memset(f, 0, sizeof(*f));
	if (sscanf(line, "| `%63[a-z_]` | %15[a-z] | %127[^|]|", f->name, f->type, labels) < 2)
		return false;
	if (strncmp(line + 3 + strlen(f->name) + 4 + strlen(f->type) + 3, "`", 1))
		labels[0] = '\0';   /* an empty cell */
	for (size_t i = 0; labels[i] && j + 1 < sizeof(f->labels); i++)
		if (labels[i] != '`')
			f->labels[j++] = labels[i];
	while (j && f->labels[j - 1] == ' ')
		j--;
	f->labels[j] = '\0';
	return true;
}

/* "- name: type; a, b" -> name, type, "a, b". */
static bool man_row(const char *line, struct family *f)
{
	memset(f, 0, sizeof(*f));
	return sscanf(line, "- %63[a-z_]: %15[a-z]; %95[^\n]", f->name, f->type, f->labels) >= 2;
}

/* Checks a page's list of families against the exposition's: the same
 * names, each with its type and labels, none more. */
static void check_list(const char *path, bool (*row)(const char *, struct family *),
		       const struct family *fam, int n)
{
	char *doc = read_file(path), *save = NULL;
	bool listed[64] = { false };
	struct family f;

	for (char *line = strtok_r(doc, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int i = 0;

		if (!row(line, &f) || strncmp(f.name, "sfw_", 4))
			continue;
		while (i < n && strcmp(fam[i].name, f.name))
			i++;
		cr_expect_lt(i, n, "%s lists %s, which sfw does not export", path, f.name);
		if (i == n)
			continue;
		cr_expect_not(listed[i], "%s lists %s twice", path, f.name);
		listed[i] = true;
		cr_expect_str_eq(f.type, fam[i].type, "%s: %s is a %s", path, f.name, fam[i].type);
		cr_expect_str_eq(f.labels, fam[i].labels, "%s: the labels of %s are '%s'", path,
				 f.name, fam[i].labels);
	}
	for (int i = 0; i < n; i++)
		cr_expect(listed[i], "%s does not list %s (%s; %s)", path, fam[i].name, fam[i].type,
			  fam[i].labels);
	free(doc);
}

/* The metric list of docs/metrics.md (its table) and of sfw.conf(5) (its
 * PROMETHEUS METRICS list) is the exposition's: each family with its type
 * and labels, so that neither can drift from the code. */
Test(metrics, docs_and_man_page_list_every_family_with_type_and_labels)
{
	struct family fam[64];
	char *out = render_all();
	int n = families_of(out, fam, 64);

	cr_assert_gt(n, 20);
	check_list("docs/metrics.md", docs_row, fam, n);
	check_list("docs/man/sfw.conf.5.scd", man_row, fam, n);
	free(out);
}
