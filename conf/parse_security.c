/* set security zones | address-book | flow | screen. */
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"
#include "ratelimit.h"

/* Only the services sfw opens (sfw_conf_host_service_apps): a Junos word
 * that would open nothing here is refused rather than silently ignored. */
static int add_service(struct conf_parser *p, const char *word, void *ctx)
{
	const char *apps[3];
	char words[256], expected[300];

	if (sfw_conf_host_service_apps(word, apps) > 0)
		return conf_ref_add(p, ctx, word);
	conf_host_service_words(words, sizeof(words));
	snprintf(expected, sizeof(expected), "a service sfw opens on the host: %s", words);
	return conf_bad(p, "system service", word, expected);
}

int conf_parse_zones(struct conf_parser *p)
{
	static const char *const zones[] = { "security-zone", NULL };
	static const char *const words[] = {
		"description", "host-inbound-traffic", "interfaces", "screen", NULL
	};
	static const char *const hit[] = { "system-services", NULL };
	char name[SFW_CONF_NAME_MAX];
	struct sfw_conf_zone *z;

	if (conf_keyword(p, zones) < 0 || conf_name(p, name, "a zone name"))
		return -1;
	/* Junos reserves it: the host is a zone by itself, with no interfaces. */
	if (!strcmp(name, SFW_CONF_ZONE_HOST_NAME)) {
		conf_error(p, "zone '%s' is built in: policies name it without "
			   "configuring it", name);
		return -1;
	}
	z = conf_zone_get(p, name);
	if (!z)
		return -1;
	if (conf_at_end(p))
		return 0;
	switch (conf_keyword(p, words)) {
	case 0:
		return conf_string(p, &z->description, "a description") ? -1 : conf_end(p);
	case 1:
		if (conf_keyword(p, hit) < 0 ||
		    conf_list(p, "a system service", add_service, &z->services))
			return -1;
		return conf_end(p);
	case 2:
		return conf_list(p, "an interface name", conf_add_ifname, &z->interfaces) ? -1
			: conf_end(p);
	case 3:
		if (conf_name(p, z->screen.name, "a screen (ids-option) name"))
			return -1;
		z->screen.line = p->line;
		return conf_end(p);
	default:
		return -1;
	}
}

static int parse_address(struct conf_parser *p)
{
	static const char *const words[] = { "description", NULL };
	char name[SFW_CONF_NAME_MAX];
	struct sfw_conf_address *a;
	struct sfw_conf_prefix pfx;
	const char *w;

	if (conf_name(p, name, "an address name"))
		return -1;
	w = conf_peek(p);
	if (w && !strcmp(w, "description"))
		return !(a = conf_address_get(p, name)) || conf_keyword(p, words) < 0 ||
		       conf_string(p, &a->description, "a description") ? -1 : conf_end(p);
	if (!w)
		return conf_expected(p, "an IPv4 or IPv6 prefix (address/length) or 'description'");
	/* Created only with a valid prefix: a bad one is one error, not two. */
	if (conf_parse_prefix(w, &pfx))
		return conf_bad(p, "prefix", w, "an IPv4 or IPv6 prefix (address/length) or 'description'");
	if (!(a = conf_address_get(p, name)))
		return -1;
	if (a->has_prefix && !conf_prefix_equal(&a->prefix, &pfx)) {
		conf_error(p, "address '%s' is given a second prefix '%s': it was set at line %d",
			   name, w, a->line);
		return -1;
	}
	a->has_prefix = true;
	a->prefix = pfx;
	p->i++;
	return conf_end(p);
}

static int parse_address_set(struct conf_parser *p)
{
	static const char *const words[] = { "address", "address-set", "description", NULL };
	char name[SFW_CONF_NAME_MAX];
	struct sfw_conf_address_set *s;

	if (conf_name(p, name, "an address-set name") || !(s = conf_address_set_get(p, name)))
		return -1;
	switch (conf_keyword(p, words)) {
	case 0:
		return conf_list(p, "an address name", conf_add_name, &s->addresses) ? -1 : conf_end(p);
	case 1:
		return conf_list(p, "an address-set name", conf_add_name, &s->sets) ? -1 : conf_end(p);
	case 2:
		return conf_string(p, &s->description, "a description") ? -1 : conf_end(p);
	default:
		return -1;
	}
}

/* Only the global book: zone-attached books are a later need. */
int conf_parse_address_book(struct conf_parser *p)
{
	static const char *const book[] = { "global", NULL };
	static const char *const words[] = { "address", "address-set", NULL };

	if (conf_keyword(p, book) < 0)
		return -1;
	switch (conf_keyword(p, words)) {
	case 0: return parse_address(p);
	case 1: return parse_address_set(p);
	default: return -1;
	}
}

static const char *const timeout_words[] = {
#define SFW_X(name, secs, word) word,
	SFW_TIMEOUT_LIST(SFW_X)
#undef SFW_X
	NULL
};

static bool tcp_timeout(int k)
{
	return k <= SFW_TO_TCP_CLOSED;
}

/* Junos's ranges where Junos has the statement, a day otherwise. */
static int timeout_value(struct conf_parser *p, int k)
{
	__u32 lo = 1, hi = 86400;

	if (k == SFW_TO_TCP_INITIAL)
		lo = 4, hi = 300;
	else if (k == SFW_TO_TCP_TIME_WAIT)
		lo = 2, hi = 600;
	if (conf_uint(p, "timeout", lo, hi, &p->conf->flow.timeout_s[k]))
		return -1;
	return conf_end(p);
}

/* The timeout words under `tcp-session` (tcp) or right under `flow`. */
static int timeout_words_for(bool tcp, const char **words, int *which)
{
	int n = 0;

	for (int k = 0; timeout_words[k]; k++)
		if (tcp_timeout(k) == tcp) {
			which[n] = k;
			words[n++] = timeout_words[k];
		}
	return n;
}

static int parse_tcp_session(struct conf_parser *p)
{
	static const char *const tws[] = { "session-timeout", NULL };
	const char *words[SFW_TO_COUNT + 4];
	int which[SFW_TO_COUNT];
	int n = timeout_words_for(true, words, which), k;

	words[n] = "no-sequence-check";
	words[n + 1] = "no-syn-check";
	words[n + 2] = "time-wait-state";
	words[n + 3] = NULL;
	k = conf_keyword(p, words);
	if (k < 0)
		return -1;
	if (k < n)
		return timeout_value(p, which[k]);
	if (k == n)
		p->conf->flow.no_sequence_check = true;
	else if (k == n + 1)
		p->conf->flow.no_syn_check = true;
	else
		return conf_keyword(p, tws) < 0 ? -1 : timeout_value(p, SFW_TO_TCP_TIME_WAIT);
	return conf_end(p);
}

int conf_parse_flow(struct conf_parser *p)
{
	static const char *const session[] = { "max-sessions", NULL };
	static const char *const modes[] = { "syn-cookie", "syn-proxy", NULL };
	const char *words[SFW_TO_COUNT + 6] = { "session", "syn-flood-protection-mode", "tcp-session",
						"deny-log-rate", "reply-rate" };
	int which[SFW_TO_COUNT];
	int n = timeout_words_for(false, words + 5, which), k, mode;

	words[n + 5] = NULL;
	switch ((k = conf_keyword(p, words))) {
	case -1:
		return -1;
	case 0:
		if (conf_keyword(p, session) < 0 ||
		    conf_uint(p, "session count", 1, 1u << 30, &p->conf->flow.max_sessions))
			return -1;
		return conf_end(p);
	case 1:
		mode = conf_keyword(p, modes);
		if (mode < 0)
			return -1;
		if (mode) {
			conf_error(p, "syn-flood-protection-mode syn-proxy is not supported: sfw has "
				   "no SYN proxy (syn-cookie answers for this host's own services; "
				   "unset, SYNs past the screen's thresholds are dropped)");
			return -1;
		}
		p->conf->flow.syn_flood_mode = SFW_CONF_SYN_FLOOD_COOKIE;
		return conf_end(p);
	case 2:
		return parse_tcp_session(p);
	case 3:
	case 4:
		if (conf_uint(p, words[k], SFW_RATE_MIN, SFW_RATE_MAX,
			      k == 3 ? &p->conf->flow.deny_log_rate : &p->conf->flow.reply_rate))
			return -1;
		return conf_end(p);
	default:
		return timeout_value(p, which[k - 5]);
	}
}

/* security forwarding-options family mpls mode packet-based: Junos's SRX
 * drops MPLS in flow mode, and forwards it untouched in packet mode.
 * That is the only mode sfw has for it. family inet6 mode flow-based is
 * what sfw does with IPv6 anyway (and what SRX configurations say since
 * IPv6 flow mode had to be asked for): accepted and kept, so that such a
 * configuration loads as written. IPv6's other modes are refused rather
 * than accepted and ignored. */
int conf_parse_forwarding_options(struct conf_parser *p)
{
	static const char *const family[] = { "family", NULL };
	static const char *const families[] = { "mpls", "inet6", NULL };
	static const char *const mode[] = { "mode", NULL };
	static const char *const mpls_modes[] = { "packet-based", NULL };
	static const char *const inet6_modes[] = { "flow-based", "drop", "packet-based", NULL };
	static const char *const refused[] = {
		NULL,
		"security forwarding-options family inet6 mode drop is not supported: sfw "
		"tracks IPv6 in flow mode (refuse IPv6 with a policy)",
		"security forwarding-options family inet6 mode packet-based is not supported: "
		"sfw has no packet mode for IPv6, it tracks it in flow mode",
	};
	int fam, m;

	if (conf_keyword(p, family) < 0 || (fam = conf_keyword(p, families)) < 0 ||
	    conf_keyword(p, mode) < 0)
		return -1;
	if (fam == 0) {
		if (conf_keyword(p, mpls_modes) < 0)
			return -1;
		p->conf->mpls_packet_mode = true;
		p->conf->mpls_packet_line = p->line;
		return conf_end(p);
	}
	if ((m = conf_keyword(p, inet6_modes)) < 0)
		return -1;
	if (refused[m]) {
		conf_error(p, "%s", refused[m]);
		return -1;
	}
	p->conf->inet6_flow_mode = true;
	return conf_end(p);
}

/* security log format: Junos's structured or plain syslog for the session
 * logs (the daemon writes them, docs/events.md). Junos's binary format
 * needs Juniper's own decoder; sfw refuses it rather than write another. */
int conf_parse_log(struct conf_parser *p)
{
	static const char *const format[] = { "format", NULL };
	static const char *const forms[] = { "sd-syslog", "syslog", "binary", NULL };
	int k;

	if (conf_keyword(p, format) < 0 || (k = conf_keyword(p, forms)) < 0)
		return -1;
	if (k == 2) {
		conf_error(p, "security log format binary is not supported: sfw writes sd-syslog "
			   "or syslog");
		return -1;
	}
	p->conf->log_format = k ? SFW_CONF_LOG_SYSLOG : SFW_CONF_LOG_SD_SYSLOG;
	return conf_end(p);
}

/* Junos's five syn-flood settings: the three thresholds are enforced
 * (bpf/screen.bpf.h); the other two act on what sfw does not have, and are
 * refused rather than accepted and ignored. */
static int parse_syn_flood(struct conf_parser *p, struct sfw_conf_screen *s)
{
	static const char *const words[] = {
		"alarm-threshold", "attack-threshold", "destination-threshold",
		"source-threshold", "timeout", NULL
	};
	static const char *const missing[] = {
		"sfw raises no screen alarms (its SYN flood drops are counted: show security "
		"screen statistics)", NULL, NULL, NULL,
		"sfw keeps no SYN-proxy queue for half-open connections to time out of "
		"(tcp-session tcp-initial-timeout ages them)",
	};
	/* Junos's ranges for each. */
	static const __u32 lo[] = { 1, 1, 4, 4, 1 }, hi[] = { 1000000, 1000000, 1000000, 1000000, 50 };
	__u32 *const field[] = {
		NULL, &s->syn_attack_threshold, &s->syn_destination_threshold,
		&s->syn_source_threshold, NULL,
	};

	s->syn_flood = true;
	while (!conf_at_end(p)) {
		int k = conf_keyword(p, words);

		if (k >= 0 && missing[k]) {
			conf_error(p, "syn-flood %s is not supported: %s", words[k], missing[k]);
			return -1;
		}
		if (k < 0 || conf_uint(p, words[k], lo[k], hi[k], field[k]))
			return -1;
	}
	return 0;
}

/* limit-session source-ip-based N | destination-ip-based N */
static int parse_limit_session(struct conf_parser *p, struct sfw_conf_screen *s)
{
	static const char *const words[] = { "destination-ip-based", "source-ip-based", NULL };
	int k = conf_keyword(p, words);

	if (k < 0 || conf_uint(p, words[k], 1, SFW_CONF_LIMIT_SESSION_MAX,
			       k ? &s->limit_src : &s->limit_dst))
		return -1;
	if (k)
		s->limit_src_line = p->line;
	return conf_end(p);
}

int conf_parse_screen(struct conf_parser *p)
{
	static const char *const ids[] = { "ids-option", NULL };
	static const char *const words[] = { "ip", "limit-session", "tcp", NULL };
	static const char *const ip[] = { "spoofing", NULL };
	static const char *const tcp[] = { "syn-flood", NULL };
	char name[SFW_CONF_NAME_MAX];
	struct sfw_conf_screen *s;

	if (conf_keyword(p, ids) < 0 || conf_name(p, name, "a screen (ids-option) name") ||
	    !(s = conf_screen_get(p, name)))
		return -1;
	switch (conf_keyword(p, words)) {
	case 0:
		if (conf_keyword(p, ip) < 0)
			return -1;
		s->ip_spoofing = true;
		return conf_end(p);
	case 1:
		return parse_limit_session(p, s);
	case 2:
		return conf_keyword(p, tcp) < 0 ? -1 : parse_syn_flood(p, s);
	default:
		return -1;
	}
}
