/* clear security flow session / clear services stateful-firewall flows:
 * exactly the matching sessions go, counted per interface, in both
 * layouts and JSON. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>
#include "flow_fixture.h"
#include "protocols.h"
#include "session_walk.h"

#define IF_A 1            /* lo */
#define IF_B UF_IF_GONE   /* prints as 9999 */

static int map_fd = -1;
static const struct sfw_iface_entry ifaces[] = {
	{ .ifindex = IF_A, .info = { .name = "lo" } },
	{ .ifindex = IF_B, .info = { .name = "gone" } },
};

/* Opened on A, reply on B. */
static const struct uf_spec web = {
	.id = 1, .src = "192.0.2.10", .dst = "198.51.100.20", .sport = 40000,
	.dport = 80, .proto = SFW_IPPROTO_TCP, .if_in = IF_A, .if_out = IF_B,
	.created_s = 900, .last_seen_s = 990, .timeout_s = 1800,
};
static const struct uf_spec ssh = {
	.id = 2, .src = "192.0.2.11", .dst = "198.51.100.20", .sport = 40001,
	.dport = 22, .proto = SFW_IPPROTO_TCP, .if_in = IF_A, .if_out = IF_B,
	.created_s = 900, .last_seen_s = 990, .timeout_s = 1800,
};
/* Opened on B. */
static const struct uf_spec dns = {
	.id = 3, .src = "198.51.100.20", .dst = "192.0.2.53", .sport = 5000,
	.dport = 53, .proto = SFW_IPPROTO_UDP, .if_in = IF_B, .if_out = IF_A,
	.created_s = 900, .last_seen_s = 990, .timeout_s = 60,
};
static const struct uf_spec dns6 = {
	.id = 4, .src = "2001:db8::10", .dst = "2001:db8:1::53", .sport = 5001,
	.dport = 53, .proto = SFW_IPPROTO_UDP, .if_in = IF_B, .if_out = IF_A,
	.created_s = 900, .last_seen_s = 990, .timeout_s = 60,
};

static void setup(void)
{
	map_fd = uf_map(1024);
	cr_assert_geq(map_fd, 0);
	cr_assert_eq(uf_add(map_fd, &web), 0);
	cr_assert_eq(uf_add(map_fd, &ssh), 0);
	cr_assert_eq(uf_add(map_fd, &dns), 0);
	cr_assert_eq(uf_add(map_fd, &dns6), 0);
}

static void teardown(void)
{
	close(map_fd);
}

TestSuite(flow_clear, .init = setup, .fini = teardown);

static const char *clear(struct uf_out *o, const struct sfw_filter *f,
			 enum sfw_clear_kind kind, bool json)
{
	uf_open(o, map_fd, json);
	o->ctx.ifaces = ifaces;
	o->ctx.n_ifaces = 2;
	cr_assert_eq(sfw_flow_clear(&o->ctx, f, kind), 0);
	return uf_text(o);
}

Test(flow_clear, security_by_protocol)
{
	struct sfw_filter f = { .mask = SFW_FLT_PROTO, .proto = SFW_IPPROTO_UDP };
	struct uf_out o;

	cr_assert_str_eq(clear(&o, &f, SFW_CLEAR_SECURITY, false),
			 "2 active sessions cleared\n");
	cr_assert(uf_has(map_fd, &web) && uf_has(map_fd, &ssh));
	cr_assert(!uf_has(map_fd, &dns) && !uf_has(map_fd, &dns6));
	uf_free(&o);
}

Test(flow_clear, security_one_still_plural)
{
	struct sfw_filter f = { .mask = SFW_FLT_ID, .id = 2 };
	struct uf_out o;

	cr_assert_str_eq(clear(&o, &f, SFW_CLEAR_SECURITY, false),
			 "1 active sessions cleared\n");
	cr_assert_eq(uf_count(map_fd), 3);
	cr_assert(!uf_has(map_fd, &ssh));
	uf_free(&o);
}

Test(flow_clear, security_all_then_nothing)
{
	struct sfw_filter all = { 0 };
	struct uf_out o;

	cr_assert_str_eq(clear(&o, &all, SFW_CLEAR_SECURITY, false),
			 "4 active sessions cleared\n");
	cr_assert_eq(uf_count(map_fd), 0);
	uf_free(&o);
	cr_assert_str_eq(clear(&o, &all, SFW_CLEAR_SECURITY, false),
			 "0 active sessions cleared\n");
	uf_free(&o);
}

Test(flow_clear, services_table_counts_per_interface)
{
	struct sfw_filter all = { 0 };
	struct uf_out o;

	cr_assert_str_eq(clear(&o, &all, SFW_CLEAR_SERVICES, false),
		"Interface   Service set                                             Conv removed\n"
		"lo          default                                                           2\n"
		"9999        default                                                           2\n");
	cr_assert_eq(uf_count(map_fd), 0);
	uf_free(&o);
}

Test(flow_clear, services_rows_even_when_nothing_removed)
{
	struct sfw_filter f = { .mask = SFW_FLT_DST_PORT, .dport = 22 };
	struct uf_out o;

	cr_assert_str_eq(clear(&o, &f, SFW_CLEAR_SERVICES, false),
		"Interface   Service set                                             Conv removed\n"
		"lo          default                                                           1\n"
		"9999        default                                                           0\n");
	cr_assert_eq(uf_count(map_fd), 3);
	cr_assert(!uf_has(map_fd, &ssh));
	uf_free(&o);
}

Test(flow_clear, services_by_interface_either_wing)
{
	struct sfw_filter f = { .mask = SFW_FLT_IFACE, .ifindex = IF_A };
	struct uf_out o;

	/* Every session has a wing on lo: all four go, under lo's row only. */
	cr_assert_str_eq(clear(&o, &f, SFW_CLEAR_SERVICES, false),
		"Interface   Service set                                             Conv removed\n"
		"lo          default                                                           4\n");
	cr_assert_eq(uf_count(map_fd), 0);
	uf_free(&o);
}

Test(flow_clear, services_application_protocol_and_prefix)
{
	struct sfw_filter f = { .mask = SFW_FLT_APP | SFW_FLT_DST_PREFIX, .app = "dns" };
	struct uf_out o;
	struct sfw_value v;

	cr_assert_eq(sfw_parse_value(SFW_ARG_PREFIX, NULL, "2001:db8:1::/48", &v), 0);
	f.dst = v.pfx;
	cr_assert_str_eq(clear(&o, &f, SFW_CLEAR_SERVICES, false),
		"Interface   Service set                                             Conv removed\n"
		"lo          default                                                           0\n"
		"9999        default                                                           1\n");
	cr_assert(!uf_has(map_fd, &dns6));
	cr_assert(uf_has(map_fd, &dns));
	uf_free(&o);
}

Test(flow_clear, services_unknown_service_set_removes_nothing)
{
	struct sfw_filter f = { .mask = SFW_FLT_SERVICE_SET, .service_set = "svc_set_trust" };
	struct uf_out o;

	cr_assert_str_eq(clear(&o, &f, SFW_CLEAR_SERVICES, false),
		"Interface   Service set                                             Conv removed\n");
	cr_assert_eq(uf_count(map_fd), 4);
	uf_free(&o);
	f.service_set = "default";
	clear(&o, &f, SFW_CLEAR_SERVICES, false);
	cr_assert_eq(uf_count(map_fd), 0);
	uf_free(&o);
}

Test(flow_clear, json_shape)
{
	struct sfw_filter f = { .mask = SFW_FLT_FAMILY, .family = SFW_FAMILY_INET };
	struct uf_out o;

	cr_assert_str_eq(clear(&o, &f, SFW_CLEAR_SERVICES, true),
		"{\n"
		"  \"clear-flow-session-information\": {\n"
		"    \"cleared\": [\n"
		"      {\n"
		"        \"interface-name\": \"lo\",\n"
		"        \"service-set\": \"default\",\n"
		"        \"conversations-removed\": 2\n"
		"      },\n"
		"      {\n"
		"        \"interface-name\": \"9999\",\n"
		"        \"service-set\": \"default\",\n"
		"        \"conversations-removed\": 1\n"
		"      }\n"
		"    ],\n"
		"    \"total\": 3\n"
		"  }\n"
		"}\n");
	cr_assert_eq(uf_count(map_fd), 1);
	uf_free(&o);
}

/* A session outside the attached interfaces still gets counted, on a row
 * of its own, so the rows always add up to the total. */
Test(flow_clear, unattached_interface_gets_a_row)
{
	struct uf_spec other = web;
	struct sfw_filter f = { .mask = SFW_FLT_ID, .id = 77 };
	struct uf_out o;

	other.id = 77;
	other.sport = 41000;
	other.if_in = 4242;
	other.if_out = 4243;
	cr_assert_eq(uf_add(map_fd, &other), 0);
	cr_assert_str_eq(clear(&o, &f, SFW_CLEAR_SERVICES, false),
		"Interface   Service set                                             Conv removed\n"
		"lo          default                                                           0\n"
		"9999        default                                                           0\n"
		"4242        default                                                           1\n");
	uf_free(&o);
}

Test(flow_clear, fallback_walk_deletes_the_same)
{
	struct sfw_filter f = { .mask = SFW_FLT_PROTO, .proto = SFW_IPPROTO_TCP };
	struct uf_out o;

	sfw_walk_no_batch = true;
	cr_assert_str_eq(clear(&o, &f, SFW_CLEAR_SECURITY, false),
			 "2 active sessions cleared\n");
	sfw_walk_no_batch = false;
	cr_assert(!uf_has(map_fd, &web) && !uf_has(map_fd, &ssh));
	cr_assert(uf_has(map_fd, &dns) && uf_has(map_fd, &dns6));
	uf_free(&o);
}

/* A tenth of a table larger than one batch: exactly those go. */
Test(flow_clear, filtered_clear_across_batches)
{
	const int n = SFW_WALK_BATCH * 3;
	struct sfw_filter f = { .mask = SFW_FLT_DST_PORT, .dport = 7 };
	struct uf_out o;
	int fd, i, want = 0;

	fd = uf_map((__u32)n);
	cr_assert_geq(fd, 0);
	for (i = 0; i < n; i++) {
		struct uf_spec s = web;

		s.id = (__u64)i + 1;
		s.sport = (__u16)(1024 + i);
		s.dport = (__u16)(i % 10 == 0 ? 7 : 8);
		want += s.dport == 7;
		cr_assert_eq(uf_add(fd, &s), 0);
	}
	uf_open(&o, fd, false);
	cr_assert_eq(sfw_flow_clear(&o.ctx, &f, SFW_CLEAR_SECURITY), 0);
	{
		char line[64];

		snprintf(line, sizeof(line), "%d active sessions cleared\n", want);
		cr_assert_str_eq(uf_text(&o), line);
	}
	cr_assert_eq(uf_count(fd), n - want);
	uf_free(&o);
	close(fd);
}
