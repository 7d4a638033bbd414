/* Session log lines: the Junos RT_FLOW structured syslog form and its JSON
 * twin, from events built by hand with fixed names, zones and clock. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <criterion/criterion.h>
#include "log_format.h"
#include "policy.h"
#include "protocols.h"

static const char *ifname(__u32 ifindex, char *buf, void *arg)
{
	return ifindex == 3 ? "veth0" : ifindex == 4 ? "veth1" : NULL;
}

static bool name(__u32 kind, __u32 id, char *buf, size_t len, void *arg)
{
	if (kind == SFW_NAME_POLICY && id == 4)
		snprintf(buf, len, "allow-web");
	else if (kind == SFW_NAME_APP && id == 6)
		snprintf(buf, len, "junos-http");
	else if (kind == SFW_NAME_NAT_RULE && id == 2)
		snprintf(buf, len, "masq");
	else if (kind == SFW_NAME_NAT_DRULE && id == 3)
		snprintf(buf, len, "web-in");
	else if (kind == SFW_NAME_NAT_SRULE && id == 3)
		snprintf(buf, len, "host-1to1");
	else
		return false;
	return true;
}

static bool zone(__u32 ifindex, char *buf, size_t len, void *arg)
{
	snprintf(buf, len, "%s", ifindex == 3 ? "trust" : "untrust");
	return ifindex == 3 || ifindex == 4;
}

/* 2026-01-02T03:04:05.678Z for a monotonic 100 s */
static struct sfw_log_env env(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return (struct sfw_log_env){ .ifname = ifname, .name = name, .zone = zone,
		.hostname = "fw1", .realtime_offset_ns = 1767323045678000000ll - 100000000000ll };
}

/* 198.51.100.2/40000 -> 203.0.113.2/80 tcp, opened from the key's lo side */
static struct sfw_event tcp_event(__u8 type)
{
	struct sfw_event e = { .type = type, .time_ns = 100000000000ull };

	inet_pton(AF_INET, "198.51.100.2", &e.key.addr_lo.v4);
	inet_pton(AF_INET, "203.0.113.2", &e.key.addr_hi.v4);
	e.key.port_lo = htons(40000);
	e.key.port_hi = htons(80);
	e.key.proto = SFW_IPPROTO_TCP;
	e.key.family = SFW_FAMILY_INET;
	e.sess.id = 0x100000007ull;
	e.sess.created_s = 97;
	e.sess.policy_id = 4;
	e.sess.app_id = 6;
	e.sess.flags = SFW_SESS_F_OPENER_LO | SFW_SESS_F_TRANSIT;
	e.sess.wing[0] = (struct sfw_wing){ .packets = 7, .bytes = 1925, .ifindex = 3 };
	e.sess.wing[1] = (struct sfw_wing){ .packets = 5, .bytes = 1865, .ifindex = 4 };
	return e;
}

Test(log_format, close_syslog_line)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_CLOSE);
	char buf[4096];

	e.reason = SFW_CLOSE_TCP_FIN;
	sfw_log_syslog(buf, sizeof(buf), &e, &en);
	cr_assert_str_eq(buf,
		"<14>1 2026-01-02T03:04:05.678+00:00 fw1 RT_FLOW - RT_FLOW_SESSION_CLOSE "
		"[junos@2636.1.1.1.2.129 reason=\"TCP FIN\" source-address=\"198.51.100.2\" "
		"source-port=\"40000\" destination-address=\"203.0.113.2\" destination-port=\"80\" "
		"connection-tag=\"0\" service-name=\"junos-http\" nat-source-address=\"198.51.100.2\" "
		"nat-source-port=\"40000\" nat-destination-address=\"203.0.113.2\" "
		"nat-destination-port=\"80\" nat-connection-tag=\"0\" src-nat-rule-type=\"N/A\" "
		"src-nat-rule-name=\"N/A\" dst-nat-rule-type=\"N/A\" dst-nat-rule-name=\"N/A\" "
		"protocol-id=\"6\" policy-name=\"allow-web\" source-zone-name=\"trust\" "
		"destination-zone-name=\"untrust\" session-id-32=\"7\" session-id=\"4294967303\" "
		"packets-from-client=\"7\" bytes-from-client=\"1925\" packets-from-server=\"5\" "
		"bytes-from-server=\"1865\" elapsed-time=\"3\" application=\"UNKNOWN\" "
		"nested-application=\"UNKNOWN\" username=\"N/A\" roles=\"N/A\" "
		"packet-incoming-interface=\"veth0\" encrypted=\"UNKNOWN\"] session closed TCP FIN");
}

Test(log_format, create_json_reply_side_opener)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_CREATE);
	char buf[4096];

	/* opened by the key's hi side: 203.0.113.2/80 is the client */
	e.sess.flags = SFW_SESS_F_TRANSIT;
	sfw_log_json(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, "{\"timestamp\":\"2026-01-02T03:04:05.678+00:00\","
			      "\"event\":\"RT_FLOW_SESSION_CREATE\",\"source-address\":\"203.0.113.2\","
			      "\"source-port\":80,\"destination-address\":\"198.51.100.2\","
			      "\"destination-port\":40000,") == buf, "%s", buf);
	cr_assert_null(strstr(buf, "packets-from-client"), "counts only on close");
	cr_assert_null(strstr(buf, "\"reason\""));
	/* a CREATE names the application after the incoming interface */
	cr_assert(strstr(buf, "\"packet-incoming-interface\":\"veth0\",\"application\":\"UNKNOWN\","
			      "\"nested-application\":\"UNKNOWN\",\"encrypted\":\"UNKNOWN\"}"), "%s", buf);
}

/* A DENY: no NAT fields, no session id, the application before the user,
 * the reason last, the route's zone as destination; unknown names as Junos
 * prints them. The order is an SRX's DENY line (docs/events.md). */
Test(log_format, deny_fields)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_DENY);
	char buf[4096];

	e.sess.id = 0;
	e.sess.app_id = 0;
	e.sess.policy_id = 9;
	e.sess.flags = SFW_SESS_F_OPENER_LO;
	sfw_log_syslog(buf, sizeof(buf), &e, &en);
	cr_assert_str_eq(buf,
		"<14>1 2026-01-02T03:04:05.678+00:00 fw1 RT_FLOW - RT_FLOW_SESSION_DENY "
		"[junos@2636.1.1.1.2.129 source-address=\"198.51.100.2\" source-port=\"40000\" "
		"destination-address=\"203.0.113.2\" destination-port=\"80\" connection-tag=\"0\" "
		"service-name=\"None\" protocol-id=\"6\" icmp-type=\"0\" policy-name=\"N/A\" "
		"source-zone-name=\"trust\" destination-zone-name=\"untrust\" "
		"application=\"UNKNOWN\" nested-application=\"UNKNOWN\" username=\"N/A\" "
		"roles=\"N/A\" packet-incoming-interface=\"veth0\" encrypted=\"UNKNOWN\" "
		"reason=\"policy deny\"] session denied");
}

/* The host's own sessions start in junos-host; to it, they end there. */
Test(log_format, host_zones)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_CREATE);
	char buf[4096];

	e.sess.flags = SFW_SESS_F_OPENER_LO | SFW_SESS_F_LOCAL;
	e.sess.wing[0].ifindex = 4;
	sfw_log_json(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, "\"source-zone-name\":\"junos-host\",\"destination-zone-name\":\"untrust\""),
		  "%s", buf);
	e.sess.flags = SFW_SESS_F_OPENER_LO;
	e.sess.wing[0].ifindex = 3;
	sfw_log_json(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, "\"source-zone-name\":\"trust\",\"destination-zone-name\":\"junos-host\""),
		  "%s", buf);
}

Test(log_format, reasons_and_escaping)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_CLOSE);
	char buf[4096];

	cr_assert_str_eq(sfw_close_reason_text(SFW_CLOSE_IDLE), "idle Timeout");
	cr_assert_str_eq(sfw_close_reason_text(SFW_CLOSE_CLEAR), "CLI");
	cr_assert_str_eq(sfw_close_reason_text(SFW_CLOSE_POLICY), "policy delete");
	cr_assert_str_eq(sfw_close_reason_text(200), "unset");
	cr_assert_str_eq(sfw_close_reason_word(SFW_CLOSE_TCP_RST), "tcp-rst");
	en.hostname = "";
	e.reason = SFW_CLOSE_IDLE;
	sfw_log_syslog(buf, 200, &e, &en);
	cr_assert_eq(strlen(buf), 199, "truncated like snprintf");
	cr_assert(strstr(buf, ".678+00:00 - RT_FLOW - "), "no hostname: nil value");
}

/* Found by tests/fuzz/fuzz_log_format.c: interface names come from the
 * kernel and may hold any byte. JSON escapes control characters and
 * replaces bytes that are not UTF-8 (both made the line invalid JSON);
 * syslog, which has no escape for them, puts U+FFFD for both (a raw
 * control character reached the reader's terminal); UTF-8 stays. */
static const char *odd_ifname(__u32 ifindex, char *buf, void *arg)
{
	return "e\x01\"]\\\xff\xc3\xbc";
}

Test(log_format, names_of_any_bytes)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_CREATE);
	char buf[4096];

	en.ifname = odd_ifname;
	sfw_log_json(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, "\"packet-incoming-interface\":\"e\\u0001\\\"]\\\\\\ufffd\xc3\xbc\""),
		  "%s", buf);
	sfw_log_syslog(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, "packet-incoming-interface=\"e\xef\xbf\xbd\\\"\\]\\\\\xef\xbf\xbd\xc3\xbc\""),
		  "%s", buf);
}

/* RFC 5424: HOSTNAME is printable US-ASCII without spaces, or the NILVALUE;
 * a time no four-digit year can say is the NILVALUE too, never an overflow. */
Test(log_format, header_fields_stay_well_formed)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_CREATE);
	char buf[4096];

	en.hostname = "fw 1";
	sfw_log_syslog(buf, sizeof(buf), &e, &en);
	cr_assert(!strncmp(buf, "<14>1 2026-01-02T03:04:05.678+00:00 - RT_FLOW - ", 48), "%s", buf);
	en.hostname = "fw1";
	en.realtime_offset_ns = 0x7fffffffffffffffll;
	sfw_log_syslog(buf, sizeof(buf), &e, &en);
	cr_assert(!strncmp(buf, "<14>1 - fw1 RT_FLOW - ", 22), "%s", buf);
	en.realtime_offset_ns = -200000000000ll;   /* 100 s before 1970 */
	sfw_log_json(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, "\"timestamp\":\"1969-12-31T23:58:20.000+00:00\""), "%s", buf);
}

/* `security log format syslog`: Junos's plain syslog lines, byte for byte
 * the message text of Juniper's system log reference (docs/events.md):
 * connection tags as 0x0, NAT rule type and name pairs, packets(bytes),
 * username(roles), the RFC 3164 stamp with the day padded by a space. */
Test(log_format, plain_create)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_CREATE);
	char buf[4096];

	sfw_log_syslog_plain(buf, sizeof(buf), &e, &en);
	cr_assert_str_eq(buf,
		"<14>Jan  2 03:04:05 fw1 RT_FLOW: RT_FLOW_SESSION_CREATE: session created "
		"198.51.100.2/40000->203.0.113.2/80 0x0 junos-http "
		"198.51.100.2/40000->203.0.113.2/80 0x0 N/A N/A N/A N/A 6 allow-web trust untrust 7 "
		"N/A(N/A) veth0 UNKNOWN UNKNOWN UNKNOWN");
}

Test(log_format, plain_close)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_CLOSE);
	char buf[4096];

	e.reason = SFW_CLOSE_TCP_FIN;
	sfw_log_syslog_plain(buf, sizeof(buf), &e, &en);
	cr_assert_str_eq(buf,
		"<14>Jan  2 03:04:05 fw1 RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed TCP FIN: "
		"198.51.100.2/40000->203.0.113.2/80 0x0 junos-http "
		"198.51.100.2/40000->203.0.113.2/80 0x0 N/A N/A N/A N/A 6 allow-web trust untrust 7 "
		"7(1925) 5(1865) 3 UNKNOWN UNKNOWN N/A(N/A) veth0 UNKNOWN");
}

Test(log_format, plain_deny)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_DENY);
	char buf[4096];

	e.sess.id = 0;
	e.sess.app_id = 0;
	e.sess.policy_id = 9;     /* no name: N/A, as Junos */
	e.sess.flags = SFW_SESS_F_OPENER_LO;
	sfw_log_syslog_plain(buf, sizeof(buf), &e, &en);
	cr_assert_str_eq(buf,
		"<14>Jan  2 03:04:05 fw1 RT_FLOW: RT_FLOW_SESSION_DENY: session denied "
		"198.51.100.2/40000->203.0.113.2/80 0x0 None 6(0) N/A trust untrust "
		"UNKNOWN UNKNOWN N/A(N/A) veth0 UNKNOWN policy deny");
}

/* Two-digit days stand alone; no quoting in the plain form, but a byte
 * that would break the line (or reach a terminal) is still U+FFFD; cut
 * like snprintf. */
Test(log_format, plain_day_and_bytes)
{
	struct sfw_log_env en = env();
	struct sfw_event e = tcp_event(SFW_EV_CREATE);
	char buf[4096];

	en.realtime_offset_ns += 20 * 86400000000000ll;
	en.ifname = odd_ifname;
	sfw_log_syslog_plain(buf, sizeof(buf), &e, &en);
	cr_assert(!strncmp(buf, "<14>Jan 22 03:04:05 fw1 RT_FLOW: ", 33), "%s", buf);
	cr_assert(strstr(buf, " N/A(N/A) e\xef\xbf\xbd\"]\\\xef\xbf\xbd\xc3\xbc UNKNOWN "), "%s", buf);
	cr_assert_eq(sfw_log_syslog_plain(buf, 60, &e, &en), 59);
	cr_assert_eq(strlen(buf), 59);
}

/* tcp_event's session translated by source rule masq (id 2) to
 * 192.0.2.1/20001, the NAT block the datapath fills (include/session.h). */
static struct sfw_event snat_event(__u8 type)
{
	struct sfw_event e = tcp_event(type);

	e.sess.flags |= SFW_SESS_F_NAT;
	inet_pton(AF_INET, "192.0.2.1", &e.sess.nat.src);
	e.sess.nat.sport = htons(20001);
	inet_pton(AF_INET, "203.0.113.2", &e.sess.nat.dst);
	e.sess.nat.dport = htons(80);
	e.sess.nat.rule_id = 2;
	return e;
}

/* Source NAT: the translated source and port, "source rule" and the
 * rule's name, as SRX devices log them; the destination's fields stay the
 * original's (no destination NAT). */
Test(log_format, snat_close_syslog_line)
{
	struct sfw_log_env en = env();
	struct sfw_event e = snat_event(SFW_EV_CLOSE);
	char buf[4096];

	e.reason = SFW_CLOSE_TCP_FIN;
	sfw_log_syslog(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, " service-name=\"junos-http\" nat-source-address=\"192.0.2.1\" "
			      "nat-source-port=\"20001\" nat-destination-address=\"203.0.113.2\" "
			      "nat-destination-port=\"80\" nat-connection-tag=\"0\" "
			      "src-nat-rule-type=\"source rule\" src-nat-rule-name=\"masq\" "
			      "dst-nat-rule-type=\"N/A\" dst-nat-rule-name=\"N/A\" protocol-id=\"6\" "),
		  "%s", buf);
	cr_assert(strstr(buf, "[junos@2636.1.1.1.2.129 reason=\"TCP FIN\" "
			      "source-address=\"198.51.100.2\" source-port=\"40000\" "), "%s", buf);
}

Test(log_format, snat_create_json_and_plain)
{
	struct sfw_log_env en = env();
	struct sfw_event e = snat_event(SFW_EV_CREATE);
	char buf[4096];

	sfw_log_json(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, ",\"nat-source-address\":\"192.0.2.1\",\"nat-source-port\":20001,"
			      "\"nat-destination-address\":\"203.0.113.2\",\"nat-destination-port\":80,"
			      "\"nat-connection-tag\":0,\"src-nat-rule-type\":\"source rule\","
			      "\"src-nat-rule-name\":\"masq\",\"dst-nat-rule-type\":\"N/A\","), "%s", buf);
	sfw_log_syslog_plain(buf, sizeof(buf), &e, &en);
	cr_assert_str_eq(buf,
		"<14>Jan  2 03:04:05 fw1 RT_FLOW: RT_FLOW_SESSION_CREATE: session created "
		"198.51.100.2/40000->203.0.113.2/80 0x0 junos-http "
		"192.0.2.1/20001->203.0.113.2/80 0x0 source rule masq N/A N/A 6 allow-web trust "
		"untrust 7 N/A(N/A) veth0 UNKNOWN UNKNOWN UNKNOWN");
}

/* An `off` rule's session names its rule but is not translated: the
 * original tuple and N/A; a rule id no commit named: rule-N. */
Test(log_format, snat_off_rule_and_unnamed_rule)
{
	struct sfw_log_env en = env();
	struct sfw_event e = snat_event(SFW_EV_CREATE);
	char buf[4096];

	e.sess.flags &= (__u8)~SFW_SESS_F_NAT;
	sfw_log_syslog_plain(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, " 198.51.100.2/40000->203.0.113.2/80 0x0 N/A N/A N/A N/A 6 "), "%s",
		  buf);
	e = snat_event(SFW_EV_CREATE);
	e.sess.nat.rule_id = 9;
	sfw_log_syslog(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, " src-nat-rule-type=\"source rule\" src-nat-rule-name=\"rule-9\" "),
		  "%s", buf);
}

/* Destination NAT: the translated destination and port, "destination
 * rule" and the rule (rule-N: destination rule ids are not kept by name
 * yet); the source's fields stay the original's, even with the source
 * rule id an `off` rule beside it leaves in the block. */
Test(log_format, dnat_create_plain_and_json)
{
	struct sfw_log_env en = env();
	struct sfw_event e = snat_event(SFW_EV_CREATE);
	char buf[4096];

	e.sess.flags |= SFW_SESS_F_DNAT;
	inet_pton(AF_INET, "198.51.100.2", &e.sess.nat.src);
	e.sess.nat.sport = htons(40000);
	inet_pton(AF_INET, "192.0.2.80", &e.sess.nat.dst);
	e.sess.nat.dport = htons(8080);
	e.sess.dnat_rule_id = 3;
	sfw_log_syslog_plain(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, " 198.51.100.2/40000->192.0.2.80/8080 0x0 N/A N/A "
			      "destination rule web-in 6 "), "%s", buf);
	/* the kept name of the destination kind, not a source rule's of
	 * the same id; rule-N when no commit named it */
	e.sess.dnat_rule_id = 2;
	sfw_log_syslog_plain(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, " destination rule rule-2 6 "), "%s", buf);
	e.sess.dnat_rule_id = 3;
	sfw_log_json(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, ",\"nat-source-address\":\"198.51.100.2\",\"nat-source-port\":40000,"
			      "\"nat-destination-address\":\"192.0.2.80\",\"nat-destination-port\":8080,"
			      "\"nat-connection-tag\":0,\"src-nat-rule-type\":\"N/A\","
			      "\"src-nat-rule-name\":\"N/A\",\"dst-nat-rule-type\":\"destination rule\","
			      "\"dst-nat-rule-name\":\"web-in\""), "%s", buf);
}

/* Static NAT: inbound, the translated destination under "static rule"
 * and the static rule's kept name (not the destination rule's of the
 * same id); outbound, the translated source likewise. */
Test(log_format, static_nat_both_ways_plain_and_json)
{
	struct sfw_log_env en = env();
	struct sfw_event e = snat_event(SFW_EV_CREATE);
	char buf[4096];

	e.sess.flags |= SFW_SESS_F_DNAT;
	e.sess.xflags |= SFW_SESS_X_STATIC;
	inet_pton(AF_INET, "198.51.100.2", &e.sess.nat.src);
	e.sess.nat.sport = htons(40000);
	inet_pton(AF_INET, "192.0.2.80", &e.sess.nat.dst);
	e.sess.nat.dport = htons(80);
	e.sess.nat.rule_id = 0;
	e.sess.dnat_rule_id = 3;
	sfw_log_syslog_plain(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, " 198.51.100.2/40000->192.0.2.80/80 0x0 N/A N/A "
			      "static rule host-1to1 6 "), "%s", buf);
	sfw_log_json(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, "\"src-nat-rule-type\":\"N/A\",\"src-nat-rule-name\":\"N/A\","
			      "\"dst-nat-rule-type\":\"static rule\","
			      "\"dst-nat-rule-name\":\"host-1to1\""), "%s", buf);
	e = snat_event(SFW_EV_CREATE);
	e.sess.xflags |= SFW_SESS_X_STATIC;
	e.sess.nat.rule_id = 0;
	e.sess.dnat_rule_id = 3;
	sfw_log_syslog(buf, sizeof(buf), &e, &en);
	cr_assert(strstr(buf, " nat-source-address=\"192.0.2.1\" nat-source-port=\"20001\" "
			      "nat-destination-address=\"203.0.113.2\" nat-destination-port=\"80\" "
			      "nat-connection-tag=\"0\" src-nat-rule-type=\"static rule\" "
			      "src-nat-rule-name=\"host-1to1\" dst-nat-rule-type=\"N/A\" "), "%s", buf);
}
