/* show security flow status: golden text and JSON of the settings in
 * force, and the screens collected per zone from maps the test creates
 * (generation in force only, zone names from the names map, screen names
 * from the configuration). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "flow_status.h"
#include "loader.h"
#include "test_conf.h"

/* Defaults but for the values a test sets: the Junos timeouts. */
static struct sfw_flow_status base_status(void)
{
	struct sfw_flow_status st;

	memset(&st, 0, sizeof(st));
	sfw_config_defaults(&st.cfg);
	st.cfg.max_sessions = 500000;
	st.cfg.session_limit = 983040;
	return st;
}

static char *render_text(const struct sfw_flow_status *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	sfw_flow_status_text(f, st);
	fclose(f);
	return buf;
}

static const char golden_head[] =
	"  Flow forwarding mode:\n"
	"    Inet forwarding mode: flow based\n"
	"    Inet6 forwarding mode: flow based\n"
	"    MPLS forwarding mode: drop\n"
	"    XDP forwarding: Enabled\n"
	"  Flow session settings:\n"
	"    Default policy: deny-all\n"
	"    Maximum sessions: 500000\n"
	"    Session table limit: 983040\n"
	"  Flow TCP settings:\n"
	"    SYN check: Disabled\n"
	"    Sequence check: Disabled\n"
	"  Flow session timeouts:\n"
	"    tcp-initial-timeout: 20\n"
	"    tcp-established-timeout: 1800\n"
	"    tcp-half-closed-timeout: 1800\n"
	"    time-wait-state-timeout: 4\n"
	"    tcp-rst-timeout: 2\n"
	"    udp-timeout: 30\n"
	"    icmp-timeout: 60\n"
	"    other-timeout: 1800\n"
	"  Flow rate limits:\n"
	"    Deny log rate: 77 per second per CPU\n"
	"    Reply rate: 10000 per second per CPU\n"
	"  Flow screens:\n";

Test(flow_status, golden_text_with_screens)
{
	struct sfw_flow_status st = base_status();
	char want[sizeof(golden_head) + 512];
	char *out;

	st.cfg.flags = SFW_CFG_F_FORWARD | SFW_CFG_F_NO_SYN_CHECK | SFW_CFG_F_NO_SEQ_CHECK;
	st.cfg.default_policy = SFW_POLICY_DENY_ALL;
	st.cfg.timeout_s[SFW_TO_UDP] = 30;
	st.cfg.deny_log_rate = 77;
	st.n_screens = 2;
	st.screens[0] = (struct sfw_zone_screen){
		.zone_id = 1, .zone = "trust", .screen = "trust-screen",
		.s = { .flags = SFW_SCREEN_IP_SPOOFING },
	};
	st.screens[1] = (struct sfw_zone_screen){
		.zone_id = 2, .zone = "untrust", .screen = "",
		.s = { .flags = SFW_SCREEN_SYN_FLOOD | SFW_SCREEN_IP_SPOOFING |
				SFW_SCREEN_LIMIT_SRC,
		       .syn_attack_threshold = 200, .syn_source_threshold = 4000,
		       .syn_destination_threshold = 4000, .limit_src = 3, .limit_dst = 99 },
	};
	snprintf(want, sizeof(want), "%s%s", golden_head,
		 "    Zone trust: trust-screen\n"
		 "      IP spoofing: Enabled\n"
		 "      Source session limit: Disabled\n"
		 "      Destination session limit: Disabled\n"
		 "      SYN flood: Disabled\n"
		 "    Zone untrust: (unnamed)\n"
		 "      IP spoofing: Enabled\n"
		 "      Source session limit: 3\n"
		 "      Destination session limit: Disabled\n"
		 "      SYN flood: attack-threshold 200, source-threshold 4000, "
		 "destination-threshold 4000\n");
	out = render_text(&st);
	cr_assert_str_eq(out, want);
	free(out);
}

Test(flow_status, golden_text_defaults_no_screen)
{
	struct sfw_flow_status st = base_status();
	char *out = render_text(&st);

	cr_assert(strstr(out, "    XDP forwarding: Disabled\n"));
	cr_assert(strstr(out, "    Default policy: permit-all\n"));
	cr_assert(strstr(out, "    SYN check: Enabled\n    Sequence check: Enabled\n"));
	cr_assert(strstr(out, "  Flow screens:\n    No screen bound to a zone\n"), "%s", out);
	free(out);
}

/* Failing closed (docs/security.md): said first, with the file's error. */
Test(flow_status, failing_closed_says_so)
{
	struct sfw_flow_status st = base_status();
	char *out;

	st.cfg.flags = SFW_CFG_F_FAIL_CLOSED;
	st.cfg.default_policy = SFW_POLICY_DENY_ALL;
	snprintf(st.conf_error, sizeof(st.conf_error), "t.conf:2: unknown word 'x'");
	out = render_text(&st);
	cr_assert(strstr(out, "  Flow session settings:\n"
			 "    Configuration: failed to apply, every new session is refused "
			 "until a commit succeeds\n"
			 "    Configuration error: t.conf:2: unknown word 'x'\n"
			 "    Default policy: deny-all\n"), "%s", out);
	free(out);
}

/* The datapath runs another text than the stored file (a commit cut short
 * between its apply and its rename): said where failing closed would be. */
Test(flow_status, configuration_not_the_stored_file_says_so)
{
	struct sfw_flow_status st = base_status();
	char *out;

	st.conf_differs = true;
	out = render_text(&st);
	cr_assert(strstr(out, "  Flow session settings:\n"
			 "    Configuration: not the stored file (a commit was cut short, or "
			 "the file changed since): sfw reload applies it\n"
			 "    Default policy: permit-all\n"), "%s", out);
	free(out);
	st.conf_differs = false;
	out = render_text(&st);
	cr_assert_null(strstr(out, "Configuration"), "%s", out);
	free(out);
}

Test(flow_status, golden_screens_json)
{
	struct sfw_flow_status st = base_status();
	struct sfw_obuf ob;
	struct sfw_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	st.n_screens = 1;
	st.screens[0] = (struct sfw_zone_screen){
		.zone_id = 3, .zone = "dmz", .screen = "",
		.s = { .flags = SFW_SCREEN_SYN_FLOOD | SFW_SCREEN_LIMIT_DST,
		       .syn_attack_threshold = 20, .syn_source_threshold = 4,
		       .syn_destination_threshold = 5, .limit_src = 7, .limit_dst = 128 },
	};
	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_open(&j, NULL, '{');
	sfw_flow_status_screens_json(&j, &st);
	sfw_json_close(&j, '}');
	fclose(f);
	cr_assert_str_eq(buf,
		"{\n"
		"  \"zone-screens\": [\n"
		"    {\n"
		"      \"zone-name\": \"dmz\",\n"
		"      \"zone-id\": 3,\n"
		"      \"screen-name\": null,\n"
		"      \"ip-spoofing\": false,\n"
		"      \"syn-flood\": true,\n"
		"      \"syn-flood-attack-threshold\": 20,\n"
		"      \"syn-flood-source-threshold\": 4,\n"
		"      \"syn-flood-destination-threshold\": 5,\n"
		"      \"source-session-limit\": 0,\n"
		"      \"destination-session-limit\": 128\n"
		"    }\n"
		"  ]\n"
		"}\n");
	free(buf);
}

static int make_map(const char *name, __u32 ksz, __u32 vsz)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, name, ksz, vsz, 16, NULL);

	cr_assert_geq(fd, 0, "creating %s: %s (root needed)", name, strerror(errno));
	return fd;
}

static void put_screen(int fd, __u32 zone, __u32 gen, __u32 flags, __u32 attack)
{
	struct sfw_screen_key k = { .zone = zone, .gen = gen };
	struct sfw_screen v = { .flags = flags, .syn_attack_threshold = attack,
				.syn_source_threshold = 4000, .syn_destination_threshold = 4000 };

	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
}

static void put_zone_name(int fd, __u32 id, const char *name)
{
	struct sfw_name_key k = { .kind = SFW_NAME_ZONE, .id = id };
	struct sfw_name v = { 0 };

	snprintf(v.name, sizeof(v.name), "%s", name);
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
}

Test(flow_status, screens_of_the_generation_in_force)
{
	int screens = make_map("ut_screens", sizeof(struct sfw_screen_key),
			       sizeof(struct sfw_screen));
	int names = make_map("ut_names", sizeof(struct sfw_name_key), sizeof(struct sfw_name));
	struct sfw_flow_status st = base_status();
	struct sfw_conf conf;

	conf_test_parse_ok(&conf,
		"set security screen ids-option ut-screen ip spoofing\n"
		"set security zones security-zone trust interfaces veth0\n"
		"set security zones security-zone untrust interfaces veth1\n"
		"set security zones security-zone untrust screen ut-screen\n");
	put_zone_name(names, 1, "trust");
	put_zone_name(names, 2, "untrust");
	put_screen(screens, 2, 1, SFW_SCREEN_IP_SPOOFING, 200);
	put_screen(screens, 1, 0, SFW_SCREEN_SYN_FLOOD, 7);   /* the old generation */
	put_screen(screens, 5, 1, SFW_SCREEN_SYN_FLOOD, 9);   /* no name stored */
	st.cfg.gen = 1;
	sfw_flow_status_screens(&st, screens, names, &conf);
	cr_assert_eq(st.n_screens, 2);
	cr_assert_str_eq(st.screens[0].zone, "untrust");
	cr_assert_str_eq(st.screens[0].screen, "ut-screen");
	cr_assert_eq(st.screens[0].s.flags, SFW_SCREEN_IP_SPOOFING);
	cr_assert_str_eq(st.screens[1].zone, "zone-5");
	cr_assert_str_eq(st.screens[1].screen, "", "zone 5 is not in the configuration");
	cr_assert_eq(st.screens[1].s.syn_attack_threshold, 9);
	st.cfg.gen = 0;
	sfw_flow_status_screens(&st, screens, -1, NULL);
	cr_assert_eq(st.n_screens, 1);
	cr_assert_str_eq(st.screens[0].zone, "zone-1");
	sfw_flow_status_screens(&st, -1, names, &conf);
	cr_assert_eq(st.n_screens, 0, "no screens map: no screen");
	sfw_conf_free(&conf);
	close(screens);
	close(names);
}
