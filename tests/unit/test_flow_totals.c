/* show security flow statistics: what each line sums from the interface
 * counters, and the layout, text and JSON. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include "flow_totals.h"

static struct sfw_iface_stats one(void)
{
	struct sfw_iface_stats s = { 0 };

	s.c[SFW_CNT_SFW_PERMITTED_PKTS] = 5;
	s.c[SFW_CNT_SFW_UNTRACKED_PKTS] = 2;
	s.c[SFW_CNT_ERR_POLICY_DENIED] = 3;      /* a Junos drop reason */
	s.c[SFW_CNT_SFW_ERR_MALFORMED] = 1;      /* an sfw one */
	/* no outcomes: they repeat or annotate packets counted elsewhere */
	s.c[SFW_CNT_SFW_FAILED_SESSIONS] = 40;
	s.c[SFW_CNT_SFW_REPLIES_SUPPRESSED] = 70;
	s.c[SFW_CNT_IN_ICMP] = 90;
	s.c[SFW_CNT_TRANSIT_IN_PKTS] = 4;
	s.c[SFW_CNT_LOCAL_IN_PKTS] = 1;
	s.c[SFW_CNT_LOCAL_OUT_PKTS] = 2;
	s.c[SFW_CNT_TRANSIT_OUT_PKTS] = 3;
	return s;
}

static char *print(const struct sfw_flow_totals *t, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sfw_flow_totals_print(t, json, f);
	fclose(f);
	return buf;
}

/* Received: every outcome; dropped: the drop reasons among them;
 * transmitted: permitted output. Summed over interfaces. */
Test(flow_totals, sums_over_interfaces)
{
	struct sfw_flow_totals t = { 0 };
	struct sfw_iface_stats a = one(), b = one();

	b.c[SFW_CNT_ERR_NO_ROUTE] = 10;
	sfw_flow_totals_add(&t, &a);
	sfw_flow_totals_add(&t, &b);
	cr_assert_eq(t.v[SFW_FT_RECEIVED], 11 + 21);
	cr_assert_eq(t.v[SFW_FT_DROPPED], 4 + 14);
	cr_assert_eq(t.v[SFW_FT_TRANSMITTED], 5 + 5);
	cr_assert_eq(t.v[SFW_FT_SESSIONS] + t.v[SFW_FT_FORWARDED] + t.v[SFW_FT_COPIED] +
		     t.v[SFW_FT_OFFLOAD] + t.v[SFW_FT_FRAGMENTS] + t.v[SFW_FT_PRE_FRAGS] +
		     t.v[SFW_FT_POST_FRAGS], 0);
}

Test(flow_totals, text_layout)
{
	struct sfw_flow_totals t = { 0 };
	struct sfw_iface_stats a = one();
	char *got;

	sfw_flow_totals_add(&t, &a);
	t.v[SFW_FT_SESSIONS] = 12;
	got = print(&t, false);
	cr_assert_str_eq(got,
		"    Current sessions: 12\n"
		"    Packets received: 11\n"
		"    Packets transmitted: 5\n"
		"    Packets forwarded/queued: 0\n"
		"    Packets copied: 0\n"
		"    Packets dropped: 4\n"
		"    Services-offload packets processed: 0\n"
		"    Fragment packets: 0\n"
		"    Pre fragments generated: 0\n"
		"    Post fragments generated: 0\n");
	free(got);
}

Test(flow_totals, json_layout)
{
	struct sfw_flow_totals t = { .v = { [SFW_FT_SESSIONS] = 3, [SFW_FT_DROPPED] = 7 } };
	char *got = print(&t, true);

	cr_assert_str_eq(got,
		"{\n"
		"  \"flow-statistics\": {\n"
		"    \"current-sessions\": 3,\n"
		"    \"packets-received\": 0,\n"
		"    \"packets-transmitted\": 0,\n"
		"    \"packets-forwarded-queued\": 0,\n"
		"    \"packets-copied\": 0,\n"
		"    \"packets-dropped\": 7,\n"
		"    \"services-offload-packets\": 0,\n"
		"    \"fragment-packets\": 0,\n"
		"    \"pre-fragments-generated\": 0,\n"
		"    \"post-fragments-generated\": 0\n"
		"  }\n"
		"}\n");
	free(got);
}
