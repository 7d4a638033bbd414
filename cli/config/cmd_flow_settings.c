/* Run-time settings in the config map: set security flow ..., set security
 * policies default-policy ..., show security flow status|configuration. */
#include <errno.h>
#include "commands.h"
#include "conf_ops.h"
#include "flow_status.h"
#include "apply.h"
#include "loader.h"
#include "ratelimit.h"
#include "report.h"

static const char *const timeout_words[] = {
#define SFW_X(name, secs, word) word,
	SFW_TIMEOUT_LIST(SFW_X)
#undef SFW_X
};

static void config_json(FILE *f, const struct sfw_config *cfg, const struct sfw_flow_status *st,
			void (*extra)(struct sfw_json *));

/* Read, change, write under the lock: two concurrent `set`s must not lose
 * each other's change. */
static int update_config(const struct sfw_cmdline *cl,
			 void (*apply)(const struct sfw_cmdline *, struct sfw_config *),
			 int (*refused)(const struct sfw_cmdline *))
{
	struct sfw_config cfg;
	int err;

	if (sfw_require_loaded() || sfw_lock())
		return sfw_report(cl);
	/* asked under the lock every commit stores and applies under: asked
	 * before it, a deny-all committed in between was overwritten
	 * (review rvconf F1) */
	err = refused ? refused(cl) : 0;
	if (!err)
		err = sfw_config_read(&cfg);
	if (!err) {
		apply(cl, &cfg);
		err = sfw_config_write(&cfg);
	}
	sfw_unlock();
	if (err)
		return sfw_report(cl);
	/* Junos's `set` prints nothing; a script asking for JSON gets the
	 * settings now in force, as `show security flow status` prints them. */
	if (cl->json)
		config_json(cl->out, &cfg, NULL, NULL);
	return SFW_EXIT_OK;
}

/* A flag set or cleared when its option is given. */
static void set_flag(struct sfw_config *cfg, __u32 flag, bool given, bool on)
{
	if (given && on)
		cfg->flags |= flag;
	else if (given)
		cfg->flags &= ~flag;
}

static void apply_flow(const struct sfw_cmdline *cl, struct sfw_config *cfg)
{
	const struct sfw_set_flow_opts *o = SFW_OPTS(cl, struct sfw_set_flow_opts);
	int i;

	for (i = 0; i < SFW_TO_COUNT; i++)
		if (o->given & SFW_SF_TIMEOUT(i))
			cfg->timeout_s[i] = o->timeout_s[i];
	set_flag(cfg, SFW_CFG_F_NO_SYN_CHECK, o->given & SFW_SF_SYN_CHECK, !o->syn_check);
	set_flag(cfg, SFW_CFG_F_LOG_SESSIONS, o->given & SFW_SF_LOG_SESSIONS, o->log_sessions);
	if (o->given & SFW_SF_DENY_LOG_RATE)
		cfg->deny_log_rate = o->deny_log_rate;
	if (o->given & SFW_SF_REPLY_RATE)
		cfg->reply_rate = o->reply_rate;
	set_flag(cfg, SFW_CFG_F_FORWARD, o->given & SFW_SF_FORWARDING, o->forwarding);
}

static void apply_default_policy(const struct sfw_cmdline *cl, struct sfw_config *cfg)
{
	cfg->default_policy = SFW_OPTS(cl, struct sfw_default_policy_opts)->policy;
}

/* A rate is a number of events per second: 0 would silence what it
 * limits, and beyond SFW_RATE_MAX it no longer limits anything. */
static bool rate_ok(const struct sfw_cmdline *cl, bool given, __u32 rate, const char *word)
{
	if (!given || (rate >= SFW_RATE_MIN && rate <= SFW_RATE_MAX))
		return true;
	fprintf(cl->err, "sfw: %s must be from %u to %u per second\n", word, SFW_RATE_MIN,
		SFW_RATE_MAX);
	return false;
}

int sfw_cmd_set_flow(const struct sfw_cmdline *cl)
{
	const struct sfw_set_flow_opts *o = SFW_OPTS(cl, struct sfw_set_flow_opts);
	int rc;

	if (!rate_ok(cl, o->given & SFW_SF_DENY_LOG_RATE, o->deny_log_rate, "deny-log-rate") ||
	    !rate_ok(cl, o->given & SFW_SF_REPLY_RATE, o->reply_rate, "reply-rate"))
		return SFW_EXIT_USAGE;
	rc = update_config(cl, apply_flow, NULL);

	/* which egress interfaces take redirected frames may have changed
	 * since they were attached (GRO turned on at a veth's peer) */
	if (rc == SFW_EXIT_OK && (o->given & SFW_SF_FORWARDING) && o->forwarding &&
	    sfw_forward_refresh() < 0)
		return sfw_report(cl);
	return rc;
}

/* Does the stored configuration refuse what no policy permits? A stored
 * file that does not load counts as yes: it fails closed. */
static bool stored_denies(void)
{
	struct sfw_conf conf;
	bool deny;

	if (!sfw_conf_stored())
		return false;
	if (sfw_conf_load_active(&conf, NULL))
		return true;
	deny = conf.default_policy == SFW_POLICY_DENY_ALL;
	sfw_conf_free(&conf);
	return deny;
}

/* Why a run-time default policy may not be set, as an error (its line
 * recorded), or 0. Failing closed ends with a configuration applied,
 * never by hand; and a run-time permit-all may not loosen a stored
 * deny-all until the next commit (docs/security.md "Limits that
 * remain"). deny-all, tighter than any file, is always taken. */
static int default_policy_refused(const struct sfw_cmdline *cl)
{
	char path[4096];
	int err;

	if (sfw_conf_failed())
		return sfw_fail(EPERM, "the stored configuration failed to apply: every new "
				"session is refused until a commit succeeds (show security flow "
				"status says why)");
	if (SFW_OPTS(cl, struct sfw_default_policy_opts)->policy == SFW_POLICY_DENY_ALL ||
	    !stored_denies())
		return 0;
	err = sfw_conf_active_path(path, sizeof(path));
	if (err)
		return err;
	return sfw_fail(EPERM, "the stored configuration %s says default-policy deny-all: "
			"commit one that says permit-all rather than override it at run time", path);
}

int sfw_cmd_set_default_policy(const struct sfw_cmdline *cl)
{
	return update_config(cl, apply_default_policy, default_policy_refused);
}

static const char *policy_word(const struct sfw_config *cfg)
{
	return cfg->default_policy == SFW_POLICY_DENY_ALL ? "deny-all" : "permit-all";
}

/* The settings as the `set` lines that would recreate them. */
static void config_text(FILE *f, const struct sfw_config *cfg)
{
	int i;

	for (i = 0; i < SFW_TO_COUNT; i++)
		fprintf(f, "set security flow %s %u\n", timeout_words[i], cfg->timeout_s[i]);
	fprintf(f, "set security flow %s\n",
		(cfg->flags & SFW_CFG_F_NO_SYN_CHECK) ? "no-syn-check" : "syn-check");
	fprintf(f, "set security policies default-policy %s\n", policy_word(cfg));
	fprintf(f, "set security flow forwarding %s\n",
		(cfg->flags & SFW_CFG_F_FORWARD) ? "enable" : "disable");
	fprintf(f, "set security flow deny-log-rate %u\n", cfg->deny_log_rate);
	fprintf(f, "set security flow reply-rate %u\n", cfg->reply_rate);
}

/* st: the status's screens too (show security flow status), or NULL. */
static void config_json(FILE *f, const struct sfw_config *cfg, const struct sfw_flow_status *st,
			void (*extra)(struct sfw_json *))
{
	struct sfw_json j;
	struct sfw_obuf ob;
	int i;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_open(&j, NULL, '{');
	sfw_json_open(&j, "flow-configuration", '{');
	for (i = 0; i < SFW_TO_COUNT; i++)
		sfw_json_num(&j, timeout_words[i], cfg->timeout_s[i]);
	sfw_json_bool(&j, "syn-check", !(cfg->flags & SFW_CFG_F_NO_SYN_CHECK));
	sfw_json_str(&j, "default-policy", policy_word(cfg));
	sfw_json_bool(&j, "configuration-failed", cfg->flags & SFW_CFG_F_FAIL_CLOSED);
	if (st && st->conf_error[0])
		sfw_json_str(&j, "configuration-error", st->conf_error);
	if (st)
		sfw_json_bool(&j, "configuration-differs", st->conf_differs);
	sfw_json_bool(&j, "forwarding", cfg->flags & SFW_CFG_F_FORWARD);
	sfw_json_str(&j, "mpls-forwarding-mode", sfw_mpls_mode(cfg));
	sfw_json_bool(&j, "sequence-check", !(cfg->flags & SFW_CFG_F_NO_SEQ_CHECK));
	sfw_json_num(&j, "max-sessions", cfg->max_sessions);
	sfw_json_num(&j, "session-table-limit", cfg->session_limit);
	sfw_json_num(&j, "deny-log-rate", cfg->deny_log_rate);
	sfw_json_num(&j, "reply-rate", cfg->reply_rate);
	sfw_json_close(&j, '}');
	if (st)
		sfw_flow_status_screens_json(&j, st);
	if (extra)
		extra(&j);
	sfw_json_close(&j, '}');
}

int sfw_cmd_show_flow_config(const struct sfw_cmdline *cl)
{
	struct sfw_config cfg;

	if (sfw_config_read(&cfg))
		return sfw_report(cl);
	if (cl->json)
		config_json(cl->out, &cfg, NULL, NULL);
	else
		config_text(cl->out, &cfg);
	return SFW_EXIT_OK;
}

/* show security flow status: the settings in Junos's status layout
 * (flow_status.h), then what `extra` adds (the session log's state,
 * cmd_monitor.c). */
int sfw_show_flow_settings(const struct sfw_cmdline *cl, void (*extra_text)(FILE *),
			   void (*extra_json)(struct sfw_json *))
{
	static struct sfw_flow_status st;

	if (sfw_flow_status_collect(&st))
		return sfw_report(cl);
	if (cl->json) {
		config_json(cl->out, &st.cfg, &st, extra_json);
		return SFW_EXIT_OK;
	}
	sfw_flow_status_text(cl->out, &st);
	if (extra_text)
		extra_text(cl->out);
	return SFW_EXIT_OK;
}
