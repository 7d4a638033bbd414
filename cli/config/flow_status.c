/* show security flow status: collect the settings in force, lay them out. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "conf_ops.h"
#include "flow_status.h"
#include "loader.h"
#include "maps.h"

static const char *const timeout_words[] = {
#define SFW_X(name, secs, word) word,
	SFW_TIMEOUT_LIST(SFW_X)
#undef SFW_X
};

static void zone_name(int names_fd, __u32 id, char *buf, size_t len)
{
	struct sfw_name_key k = { .kind = SFW_NAME_ZONE, .id = id };
	struct sfw_name v;

	if (names_fd >= 0 && !bpf_map_lookup_elem(names_fd, &k, &v) && v.name[0])
		snprintf(buf, len, "%.*s", (int)sizeof(v.name), v.name);
	else
		snprintf(buf, len, "zone-%u", id);
}

/* The screen's name as the committed configuration gives it: the zone of
 * that name, if it is the one with this id (zone i has id i + 1). */
static void screen_name(const struct sfw_conf *conf, struct sfw_zone_screen *z)
{
	int i = conf ? sfw_conf_find_zone(conf, z->zone) : -1;

	z->screen[0] = 0;
	if (i >= 0 && (__u32)i + 1 == z->zone_id && conf->zones[i].screen.name[0])
		snprintf(z->screen, sizeof(z->screen), "%s", conf->zones[i].screen.name);
}

/* Looked up by zone id rather than walked: ids are few (SFW_MAX_ZONES) and
 * this gives them in order. */
void sfw_flow_status_screens(struct sfw_flow_status *st, int screens_fd, int names_fd,
			     const struct sfw_conf *conf)
{
	st->n_screens = 0;
	for (__u32 id = 1; screens_fd >= 0 && id < SFW_MAX_ZONES; id++) {
		struct sfw_screen_key k = { .zone = id, .gen = st->cfg.gen & 1 };
		struct sfw_zone_screen *z = &st->screens[st->n_screens];

		if (bpf_map_lookup_elem(screens_fd, &k, &z->s))
			continue;
		z->zone_id = id;
		zone_name(names_fd, id, z->zone, sizeof(z->zone));
		screen_name(conf, z);
		st->n_screens++;
	}
}

/* Why the stored configuration is not in force, as far as reading it tells. */
static void conf_failure(struct sfw_flow_status *st)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;

	if (!(st->cfg.flags & SFW_CFG_F_FAIL_CLOSED) || sfw_conf_init(&conf))
		return;
	if (sfw_conf_parse_file(&conf, NULL, &errs))
		snprintf(st->conf_error, sizeof(st->conf_error), "%s",
			 errs.n ? errs.msg[0] : sfw_last_error());
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
}

int sfw_flow_status_collect(struct sfw_flow_status *st)
{
	struct sfw_conf conf;
	bool have_conf;
	int screens_fd, names_fd, err;

	memset(st, 0, sizeof(*st));
	err = sfw_config_read(&st->cfg);
	if (err)
		return err;
	conf_failure(st);
	st->conf_differs = !(st->cfg.flags & SFW_CFG_F_FAIL_CLOSED) &&
			   sfw_conf_sync(&st->cfg) != SFW_CONF_IN_SYNC;
	/* maps of the configuration work: absent before it was loaded */
	screens_fd = sfw_open_pin(SFW_STR(SFW_MAP_SCREENS), true);
	names_fd = sfw_open_pin(SFW_STR(SFW_MAP_NAMES), true);
	if (screens_fd == -SFW_ELAYOUT || names_fd == -SFW_ELAYOUT) {
		if (screens_fd >= 0)
			close(screens_fd);
		if (names_fd >= 0)
			close(names_fd);
		return -SFW_ELAYOUT;   /* sfw_open_pin said which and what to do */
	}
	/* a damaged active file only costs the screen names */
	have_conf = sfw_conf_load_active(&conf, NULL) == 0;
	sfw_flow_status_screens(st, screens_fd, names_fd, have_conf ? &conf : NULL);
	if (have_conf)
		sfw_conf_free(&conf);
	if (screens_fd >= 0)
		close(screens_fd);
	if (names_fd >= 0)
		close(names_fd);
	return 0;
}

static const char *on_off(bool on)
{
	return on ? "Enabled" : "Disabled";
}

static void limit_text(FILE *f, const char *what, bool on, __u32 n)
{
	if (on)
		fprintf(f, "      %s session limit: %u\n", what, n);
	else
		fprintf(f, "      %s session limit: Disabled\n", what);
}

static void screen_text(FILE *f, const struct sfw_zone_screen *z)
{
	fprintf(f, "    Zone %s: %s\n", z->zone, z->screen[0] ? z->screen : "(unnamed)");
	fprintf(f, "      IP spoofing: %s\n", on_off(z->s.flags & SFW_SCREEN_IP_SPOOFING));
	limit_text(f, "Source", z->s.flags & SFW_SCREEN_LIMIT_SRC, z->s.limit_src);
	limit_text(f, "Destination", z->s.flags & SFW_SCREEN_LIMIT_DST, z->s.limit_dst);
	if (!(z->s.flags & SFW_SCREEN_SYN_FLOOD)) {
		fprintf(f, "      SYN flood: Disabled\n");
		return;
	}
	fprintf(f, "      SYN flood: attack-threshold %u, source-threshold %u, "
		"destination-threshold %u\n", z->s.syn_attack_threshold,
		z->s.syn_source_threshold, z->s.syn_destination_threshold);
}

/* Junos's words for what MPLS frames meet (SFW_CFG_MPLS_PASSES) */
const char *sfw_mpls_mode(const struct sfw_config *c)
{
	return SFW_CFG_MPLS_PASSES(c->flags) ? "packet based" : "drop";
}

void sfw_flow_status_text(FILE *f, const struct sfw_flow_status *st)
{
	const struct sfw_config *c = &st->cfg;

	fprintf(f, "  Flow forwarding mode:\n");
	fprintf(f, "    Inet forwarding mode: flow based\n");
	fprintf(f, "    Inet6 forwarding mode: flow based\n");
	fprintf(f, "    MPLS forwarding mode: %s\n", sfw_mpls_mode(c));
	fprintf(f, "    XDP forwarding: %s\n", on_off(c->flags & SFW_CFG_F_FORWARD));
	fprintf(f, "  Flow session settings:\n");
	if (c->flags & SFW_CFG_F_FAIL_CLOSED)
		fprintf(f, "    Configuration: failed to apply, every new session is refused "
			"until a commit succeeds\n");
	if (st->conf_error[0])
		fprintf(f, "    Configuration error: %s\n", st->conf_error);
	if (st->conf_differs)
		fprintf(f, "    Configuration: not the stored file (a commit was cut short, or the "
			"file changed since): sfw reload applies it\n");
	fprintf(f, "    Default policy: %s\n",
		c->default_policy == SFW_POLICY_DENY_ALL ? "deny-all" : "permit-all");
	fprintf(f, "    Maximum sessions: %u\n", c->max_sessions);
	fprintf(f, "    Session table limit: %u\n", c->session_limit);
	fprintf(f, "  Flow TCP settings:\n");
	fprintf(f, "    SYN check: %s\n", on_off(!(c->flags & SFW_CFG_F_NO_SYN_CHECK)));
	fprintf(f, "    Sequence check: %s\n", on_off(!(c->flags & SFW_CFG_F_NO_SEQ_CHECK)));
	fprintf(f, "  Flow session timeouts:\n");
	for (int i = 0; i < SFW_TO_COUNT; i++)
		fprintf(f, "    %s: %u\n", timeout_words[i], c->timeout_s[i]);
	fprintf(f, "  Flow rate limits:\n");
	fprintf(f, "    Deny log rate: %u per second per CPU\n", c->deny_log_rate);
	fprintf(f, "    Reply rate: %u per second per CPU\n", c->reply_rate);
	fprintf(f, "  Flow screens:\n");
	if (!st->n_screens)
		fprintf(f, "    No screen bound to a zone\n");
	for (int i = 0; i < st->n_screens; i++)
		screen_text(f, &st->screens[i]);
}

void sfw_flow_status_screens_json(struct sfw_json *j, const struct sfw_flow_status *st)
{
	sfw_json_open(j, "zone-screens", '[');
	for (int i = 0; i < st->n_screens; i++) {
		const struct sfw_zone_screen *z = &st->screens[i];
		bool syn = z->s.flags & SFW_SCREEN_SYN_FLOOD;

		sfw_json_open(j, NULL, '{');
		sfw_json_str(j, "zone-name", z->zone);
		sfw_json_num(j, "zone-id", z->zone_id);
		if (z->screen[0])
			sfw_json_str(j, "screen-name", z->screen);
		else
			sfw_json_null(j, "screen-name");
		sfw_json_bool(j, "ip-spoofing", z->s.flags & SFW_SCREEN_IP_SPOOFING);
		sfw_json_bool(j, "syn-flood", syn);
		sfw_json_num(j, "syn-flood-attack-threshold", syn ? z->s.syn_attack_threshold : 0);
		sfw_json_num(j, "syn-flood-source-threshold", syn ? z->s.syn_source_threshold : 0);
		sfw_json_num(j, "syn-flood-destination-threshold",
			     syn ? z->s.syn_destination_threshold : 0);
		sfw_json_num(j, "source-session-limit",
			     z->s.flags & SFW_SCREEN_LIMIT_SRC ? z->s.limit_src : 0);
		sfw_json_num(j, "destination-session-limit",
			     z->s.flags & SFW_SCREEN_LIMIT_DST ? z->s.limit_dst : 0);
		sfw_json_close(j, '}');
	}
	sfw_json_close(j, ']');
}
