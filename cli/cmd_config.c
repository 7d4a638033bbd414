/* Run-time settings in the config map: set security flow ..., set security
 * policies default-policy ..., show security flow status|configuration. */
#include <errno.h>
#include "commands.h"
#include "commands_events.h"
#include "conf_cmd.h"
#include "flow_status.h"
#include "apply.h"
#include "ratelimit.h"

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
			 void (*apply)(const struct sfw_cmdline *, struct sfw_config *))
{
	struct sfw_config cfg;
	int err;

	if (sfw_require_loaded() || sfw_lock())
		return sfw_report(cl);
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

static void apply_flow(const struct sfw_cmdline *cl, struct sfw_config *cfg)
{
	const struct sfw_value *syn = &cl->v[SFW_SLOT_SYN_CHECK];
	int i;

	for (i = 0; i < SFW_TO_COUNT; i++)
		if (cl->v[SFW_SLOT_TIMEOUT + i].set)
			cfg->timeout_s[i] = (__u32)cl->v[SFW_SLOT_TIMEOUT + i].num;
	if (syn->set && syn->num)
		cfg->flags &= ~(__u32)SFW_CFG_F_NO_SYN_CHECK;
	else if (syn->set)
		cfg->flags |= SFW_CFG_F_NO_SYN_CHECK;
	if (cl->v[SFW_SLOT_LOG_SESSIONS].set && cl->v[SFW_SLOT_LOG_SESSIONS].num)
		cfg->flags |= SFW_CFG_F_LOG_SESSIONS;
	else if (cl->v[SFW_SLOT_LOG_SESSIONS].set)
		cfg->flags &= ~(__u32)SFW_CFG_F_LOG_SESSIONS;
	if (cl->v[SFW_SLOT_DENY_LOG_RATE].set)
		cfg->deny_log_rate = (__u32)cl->v[SFW_SLOT_DENY_LOG_RATE].num;
	if (cl->v[SFW_SLOT_REPLY_RATE].set)
		cfg->reply_rate = (__u32)cl->v[SFW_SLOT_REPLY_RATE].num;
	/* forwarding: choice 0 is enable */
	if (cl->v[SFW_SLOT_FORWARD].set && !cl->v[SFW_SLOT_FORWARD].num)
		cfg->flags |= SFW_CFG_F_FORWARD;
	else if (cl->v[SFW_SLOT_FORWARD].set)
		cfg->flags &= ~(__u32)SFW_CFG_F_FORWARD;
}

static void apply_default_policy(const struct sfw_cmdline *cl, struct sfw_config *cfg)
{
	cfg->default_policy = cl->v[SFW_SLOT_DEFAULT_POLICY].num ?
		SFW_POLICY_DENY_ALL : SFW_POLICY_PERMIT_ALL;
}

/* A rate is a number of events per second: 0 would silence what it
 * limits, and beyond SFW_RATE_MAX it no longer limits anything. */
static bool rate_ok(const struct sfw_cmdline *cl, int slot, const char *word)
{
	const struct sfw_value *v = &cl->v[slot];

	if (!v->set || (v->num >= SFW_RATE_MIN && v->num <= SFW_RATE_MAX))
		return true;
	fprintf(cl->err, "sfw: %s must be from %u to %u per second\n", word, SFW_RATE_MIN,
		SFW_RATE_MAX);
	return false;
}

int sfw_cmd_set_flow(const struct sfw_cmdline *cl)
{
	int rc;

	if (!rate_ok(cl, SFW_SLOT_DENY_LOG_RATE, "deny-log-rate") ||
	    !rate_ok(cl, SFW_SLOT_REPLY_RATE, "reply-rate"))
		return SFW_EXIT_USAGE;
	rc = update_config(cl, apply_flow);

	/* which egress interfaces take redirected frames may have changed
	 * since they were attached (GRO turned on at a veth's peer) */
	if (rc == SFW_EXIT_OK && cl->v[SFW_SLOT_FORWARD].set && !cl->v[SFW_SLOT_FORWARD].num &&
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

/* Failing closed ends with a configuration applied, never by hand; and a
 * run-time permit-all may not loosen a stored deny-all until the next
 * commit (docs/security.md "Limits that remain"). deny-all, tighter than
 * any file, is always taken. */
int sfw_cmd_set_default_policy(const struct sfw_cmdline *cl)
{
	char path[4096];

	if (sfw_conf_failed()) {
		sfw_fail(EPERM, "the stored configuration failed to apply: every new session "
			 "is refused until a commit succeeds (show security flow status says why)");
		return sfw_report(cl);
	}
	if (!cl->v[SFW_SLOT_DEFAULT_POLICY].num && stored_denies()) {
		if (sfw_conf_active_path(path, sizeof(path)))
			return sfw_report(cl);
		sfw_fail(EPERM, "the stored configuration %s says default-policy deny-all: commit "
			 "one that says permit-all rather than override it at run time", path);
		return sfw_report(cl);
	}
	return update_config(cl, apply_default_policy);
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
 * commands_events.h). */
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
