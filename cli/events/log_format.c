/* Junos RT_FLOW session logs: the field list of each message, then the two
 * renderings (RFC 5424 structured data, JSON). Field names and order are
 * Junos's; source NAT's fields come from the session's NAT block; the
 * destination NAT, user and application-identification fields that Linux
 * has no value for carry the values Junos logs when those are off. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "json.h"
#include "log_format.h"
#include "policy.h"
#include "values.h"

#define SFW_SD_ID "junos@2636.1.1.1.2.129"
#define MAX_FIELDS 40

struct fields {
	int n;
	const char *key[MAX_FIELDS];
	char val[MAX_FIELDS][80];
	bool num[MAX_FIELDS];
};

static void add(struct fields *f, bool num, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(struct fields *f, bool num, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (f->n >= MAX_FIELDS)
		return;
	va_start(ap, fmt);
	vsnprintf(f->val[f->n], sizeof(f->val[0]), fmt, ap);
	va_end(ap);
	f->key[f->n] = key;
	f->num[f->n++] = num;
}

const char *sfw_close_reason_text(__u8 reason)
{
	static const char *const text[] = {
#define SFW_X(id, t, w) t,
		SFW_CLOSE_REASON_LIST(SFW_X)
#undef SFW_X
	};

	return reason < SFW_CLOSE_COUNT ? text[reason] : "unset";
}

const char *sfw_close_reason_word(__u8 reason)
{
	static const char *const word[] = {
#define SFW_X(id, t, w) w,
		SFW_CLOSE_REASON_LIST(SFW_X)
#undef SFW_X
	};

	return reason < SFW_CLOSE_COUNT ? word[reason] : "unset";
}

const char *sfw_log_msgid(const struct sfw_event *e)
{
	switch (e->type) {
	case SFW_EV_CREATE: return "RT_FLOW_SESSION_CREATE";
	case SFW_EV_CLOSE:  return "RT_FLOW_SESSION_CLOSE";
	case SFW_EV_DENY:   return "RT_FLOW_SESSION_DENY";
	default:            return "RT_FLOW_SESSION_UNKNOWN";
	}
}

/* The opener's side of the key: the In wing's source. */
struct ends {
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	__u16 sport, dport;
};

static void ends_of(const struct sfw_event *e, struct ends *x)
{
	const struct sfw_session_key *k = &e->key;
	bool lo = e->sess.flags & SFW_SESS_F_OPENER_LO;

	sfw_addr_str(k->family, lo ? &k->addr_lo : &k->addr_hi, x->src, sizeof(x->src));
	sfw_addr_str(k->family, lo ? &k->addr_hi : &k->addr_lo, x->dst, sizeof(x->dst));
	x->sport = ntohs(lo ? k->port_lo : k->port_hi);
	x->dport = ntohs(lo ? k->port_hi : k->port_lo);
}

static void name_of(const struct sfw_log_env *env, __u32 kind, __u32 id, char *buf,
		    size_t len, const char *none)
{
	if (!env->name || !env->name(kind, id, buf, len, env->arg))
		snprintf(buf, len, "%s", none);
}

static void ifname_of(const struct sfw_log_env *env, __u32 ifindex, char *buf)
{
	char tmp[64];
	const char *n = env->ifname ? env->ifname(ifindex, tmp, env->arg) : NULL;

	if (n)
		snprintf(buf, 64, "%s", n);
	else
		snprintf(buf, 64, "%u", ifindex);
}

/* Zones: a forwarded session goes from its arrival interface's zone to its
 * egress interface's; traffic to the host ends in junos-host, and what the
 * host opens starts there. A DENY's wings are arrival and route. */
static void zones_of(const struct sfw_event *e, const struct sfw_log_env *env,
		     char *from, char *to)
{
	const struct sfw_session *s = &e->sess;
	__u32 in = s->wing[SFW_WING_IN].ifindex, out = s->wing[SFW_WING_OUT].ifindex;
	bool transit = e->type == SFW_EV_DENY ? out && out != in
					      : (s->flags & SFW_SESS_F_TRANSIT);

	if (!env->zone || !env->zone(in, from, 64, env->arg))
		snprintf(from, 64, "Null");
	if (!transit || !env->zone || !env->zone(out, to, 64, env->arg))
		snprintf(to, 64, transit ? "Null" : "junos-host");
	if (s->flags & SFW_SESS_F_LOCAL) {
		snprintf(to, 64, "%s", from);
		snprintf(from, 64, "junos-host");
	}
}

static void add_tuple(struct fields *f, const struct ends *x, const char *app)
{
	add(f, false, "source-address", "%s", x->src);
	add(f, true, "source-port", "%u", x->sport);
	add(f, false, "destination-address", "%s", x->dst);
	add(f, true, "destination-port", "%u", x->dport);
	add(f, true, "connection-tag", "0");
	add(f, false, "service-name", "%s", app);
}

/* The tuple as it leaves, and the rule that translated it. A source NAT
 * session's In wing leaves from its NAT block's source (the datapath's
 * copy in the event), its rule named by the name its id was kept under
 * (`rule-N` when no commit named it, as the sessions' views name a
 * pool). A destination NAT session (SFW_SESS_F_DNAT) leaves to its NAT
 * block's destination, its rule (dnat_rule_id) named the same way from
 * the destination rules' kept names. A static NAT session
 * (SFW_SESS_X_STATIC) fills one or the other by its direction, "static
 * rule", its rule (dnat_rule_id) named from the static rules' kept
 * names (docs/nat.md "Static NAT"). A session no rule
 * translated (an `off` rule's too: its block names the rule, its flag
 * says untranslated) repeats the original tuple with N/A, as Junos logs
 * it. */
static void add_nat(struct fields *f, const struct sfw_event *e, const struct ends *x,
		    const struct sfw_log_env *env)
{
	const struct sfw_session *s = &e->sess;
	bool nat = s->flags & SFW_SESS_F_NAT;
	bool dnat = nat && (s->flags & SFW_SESS_F_DNAT);
	bool snat = nat && !dnat;
	bool stat = nat && (s->xflags & SFW_SESS_X_STATIC);
	char src[INET6_ADDRSTRLEN] = "", dst[INET6_ADDRSTRLEN] = "", rule[64] = "";
	const char *type = stat ? "static rule" : dnat ? "destination rule" : "source rule";
	__u32 kind = stat ? SFW_NAME_NAT_SRULE : dnat ? SFW_NAME_NAT_DRULE : SFW_NAME_NAT_RULE;
	__u32 id = stat || dnat ? s->dnat_rule_id : s->nat.rule_id;

	if (snat)
		inet_ntop(AF_INET, &s->nat.src, src, sizeof(src));
	if (dnat)
		inet_ntop(AF_INET, &s->nat.dst, dst, sizeof(dst));
	if (nat && (!env->name || !env->name(kind, id, rule, sizeof(rule), env->arg)))
		snprintf(rule, sizeof(rule), "rule-%u", id);
	add(f, false, "nat-source-address", "%s", snat ? src : x->src);
	add(f, true, "nat-source-port", "%u", snat ? ntohs(s->nat.sport) : x->sport);
	add(f, false, "nat-destination-address", "%s", dnat ? dst : x->dst);
	add(f, true, "nat-destination-port", "%u", dnat ? ntohs(s->nat.dport) : x->dport);
	add(f, true, "nat-connection-tag", "0");
	add(f, false, "src-nat-rule-type", "%s", snat ? type : "N/A");
	add(f, false, "src-nat-rule-name", "%s", snat ? rule : "N/A");
	add(f, false, "dst-nat-rule-type", "%s", dnat ? type : "N/A");
	add(f, false, "dst-nat-rule-name", "%s", dnat ? rule : "N/A");
}

static void add_counts(struct fields *f, const struct sfw_event *e)
{
	const struct sfw_wing *w = e->sess.wing;

	add(f, true, "packets-from-client", "%llu", (unsigned long long)w[SFW_WING_IN].packets);
	add(f, true, "bytes-from-client", "%llu", (unsigned long long)w[SFW_WING_IN].bytes);
	add(f, true, "packets-from-server", "%llu", (unsigned long long)w[SFW_WING_OUT].packets);
	add(f, true, "bytes-from-server", "%llu", (unsigned long long)w[SFW_WING_OUT].bytes);
	add(f, true, "elapsed-time", "%llu",
	    (unsigned long long)sfw_secs_since(e->sess.created_s, sfw_secs(e->time_ns)));
}

static void add_apps(struct fields *f)
{
	add(f, false, "application", "UNKNOWN");
	add(f, false, "nested-application", "UNKNOWN");
}

/* Every field of the event's message, in Junos order. */
static void build(struct fields *f, const struct sfw_event *e, const struct sfw_log_env *env)
{
	const struct sfw_session *s = &e->sess;
	char app[64], policy[64], from[64], to[64], ifname[64];
	struct ends x;

	ends_of(e, &x);
	if (s->app_id)
		name_of(env, SFW_NAME_APP, s->app_id, app, sizeof(app), "None");
	else
		snprintf(app, sizeof(app), "None");
	name_of(env, SFW_NAME_POLICY, s->policy_id, policy, sizeof(policy), "N/A");
	zones_of(e, env, from, to);
	ifname_of(env, s->wing[SFW_WING_IN].ifindex, ifname);
	f->n = 0;
	if (e->type == SFW_EV_CLOSE)
		add(f, false, "reason", "%s", sfw_close_reason_text(e->reason));
	add_tuple(f, &x, app);
	if (e->type != SFW_EV_DENY)
		add_nat(f, e, &x, env);
	add(f, true, "protocol-id", "%u", e->key.proto);
	if (e->type == SFW_EV_DENY)
		add(f, true, "icmp-type", "0");
	add(f, false, "policy-name", "%s", policy);
	add(f, false, "source-zone-name", "%s", from);
	add(f, false, "destination-zone-name", "%s", to);
	/* a DENY has no session: no id (devices' DENY lines have none) */
	if (e->type != SFW_EV_DENY) {
		add(f, true, "session-id-32", "%llu", (unsigned long long)(s->id & 0xffffffffu));
		add(f, true, "session-id", "%llu", (unsigned long long)s->id);
	}
	if (e->type == SFW_EV_CLOSE)
		add_counts(f, e);
	/* CLOSE and DENY name the application before the user, CREATE after
	 * the incoming interface (docs/events.md "Log lines") */
	if (e->type != SFW_EV_CREATE)
		add_apps(f);
	add(f, false, "username", "N/A");
	add(f, false, "roles", "N/A");
	add(f, false, "packet-incoming-interface", "%s", ifname);
	if (e->type == SFW_EV_CREATE)
		add_apps(f);
	add(f, false, "encrypted", "UNKNOWN");
	if (e->type == SFW_EV_DENY)
		add(f, false, "reason", "policy deny");
}

/* The event's local time and its nanoseconds; false for a time no
 * calendar date of four digits can say (a clock offset gone wrong must not
 * overflow, nor print garbage). */
static bool event_time(const struct sfw_event *e, const struct sfw_log_env *env,
		       struct tm *tm, __s64 *rest)
{
	__s64 ns;
	time_t secs;

	if (__builtin_add_overflow((__s64)e->time_ns, env->realtime_offset_ns, &ns))
		return false;
	*rest = ns % 1000000000;
	secs = (time_t)(ns / 1000000000 - (*rest < 0));
	*rest += *rest < 0 ? 1000000000 : 0;
	return localtime_r(&secs, tm) && tm->tm_year >= -1900 && tm->tm_year <= 9999 - 1900;
}

/* RFC 3339 with milliseconds and the local offset, as Junos stamps; the
 * NILVALUE "-" for a time event_time() cannot say. */
static void timestamp(char *buf, size_t len, const struct sfw_event *e,
		      const struct sfw_log_env *env)
{
	__s64 rest;
	struct tm tm;
	char zone[8];

	if (!event_time(e, env, &tm, &rest)) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(zone, sizeof(zone), "%z", &tm);   /* +hhmm -> +hh:mm */
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%.3s:%.2s", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(rest / 1000000), zone, zone + 3);
}

/* RFC 5424's HOSTNAME is 1 to 255 printable US-ASCII characters without
 * spaces; anything else would break the header: the NILVALUE then. */
static const char *hostname(const struct sfw_log_env *env)
{
	const char *h = env->hostname;
	size_t n = h ? strlen(h) : 0;

	if (!n || n > 255)
		return "-";
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)h[k] < 33 || (unsigned char)h[k] > 126)
			return "-";
	return h;
}

/* Appends a value for a quoted field: '"' and '\\' escaped (and ']' in
 * structured data, RFC 5424), UTF-8 kept. Interface names come from the
 * kernel and may hold any byte: a control character is \u00XX in JSON and
 * U+FFFD in syslog, which has no escape for it (raw, it would reach the
 * terminal of whoever reads the log); a byte that is not UTF-8 is U+FFFD
 * in both (each must be UTF-8). Plain syslog has no quoting: values go as
 * they are, with the same replacements. Cut at len - 1 like snprintf. */
enum value_form { IN_SD, IN_JSON, IN_PLAIN };

static size_t put_value(char *buf, size_t len, size_t at, const char *s, enum value_form form)
{
	bool json = form == IN_JSON;

	static const char hex[] = "0123456789abcdef";

	for (; *s && at + 1 < len; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };
		const char *w = esc;
		size_t n = 6;
		int u;

		if (c < 0x20 && json) {
			/* \u00XX as it is */
		} else if (c < 0x20 || c == 0x7f) {
			w = SFW_UTF8_REPLACEMENT;
			n = strlen(w);
		} else if (form != IN_PLAIN && (c == '"' || c == '\\' || (c == ']' && !json))) {
			esc[1] = (char)c;
			n = 2;
		} else if (c < 0x80) {
			w = s;
			n = 1;
		} else if ((u = sfw_utf8_seq(s))) {
			w = s;
			n = (size_t)u;
			s += u - 1;
		} else {
			w = json ? SFW_JSON_REPLACEMENT : SFW_UTF8_REPLACEMENT;
			n = strlen(w);
		}
		n = n < len - 1 - at ? n : len - 1 - at;
		memcpy(buf + at, w, n);
		at += n;
	}
	if (len)
		buf[at < len ? at : len - 1] = '\0';
	return at;
}

static size_t put(char *buf, size_t len, size_t at, const char *s)
{
	int n = snprintf(buf + (at < len ? at : len - 1), at < len ? len - at : 1, "%s", s);

	return at + (n > 0 ? (size_t)n : 0);
}

int sfw_log_syslog(char *buf, size_t len, const struct sfw_event *e,
		   const struct sfw_log_env *env)
{
	struct fields f;
	char ts[48];
	size_t at = 0;

	build(&f, e, env);
	timestamp(ts, sizeof(ts), e, env);
	at = (size_t)snprintf(buf, len, "<14>1 %s %s RT_FLOW - %s [" SFW_SD_ID, ts,
			      hostname(env), sfw_log_msgid(e));
	for (int i = 0; i < f.n; i++) {
		at = put(buf, len, at, " ");
		at = put(buf, len, at, f.key[i]);
		at = put(buf, len, at, "=\"");
		at = put_value(buf, len, at, f.val[i], IN_SD);
		at = put(buf, len, at, "\"");
	}
	at = put(buf, len, at, e->type == SFW_EV_CREATE ? "] session created"
			   : e->type == SFW_EV_CLOSE ? "] session closed " : "] session denied");
	if (e->type == SFW_EV_CLOSE)
		at = put(buf, len, at, sfw_close_reason_text(e->reason));
	return (int)(at < len ? at : len - 1);
}

int sfw_log_json(char *buf, size_t len, const struct sfw_event *e,
		 const struct sfw_log_env *env)
{
	struct fields f;
	char ts[48];
	size_t at;

	build(&f, e, env);
	timestamp(ts, sizeof(ts), e, env);
	at = (size_t)snprintf(buf, len, "{\"timestamp\":\"%s\",\"event\":\"%s\"", ts,
			      sfw_log_msgid(e));
	for (int i = 0; i < f.n; i++) {
		at = put(buf, len, at, ",\"");
		at = put(buf, len, at, f.key[i]);
		at = put(buf, len, at, f.num[i] ? "\":" : "\":\"");
		at = put_value(buf, len, at, f.val[i], IN_JSON);
		if (!f.num[i])
			at = put(buf, len, at, "\"");
	}
	at = put(buf, len, at, "}");
	return (int)(at < len ? at : len - 1);
}

/* Junos's message text of each event in the plain syslog form, `{key}`
 * standing for build()'s field of that name. Source: Juniper's system log
 * reference for RT_FLOW_SESSION_CREATE / _CLOSE / _DENY of the releases
 * whose structured form carries build()'s fields (connection tags, NAT
 * rule types, application, nested-application, encrypted), checked
 * against lines published from devices (docs/events.md). */
#define TPL_TUPLE "{source-address}/{source-port}->{destination-address}/{destination-port} " \
	"0x{connection-tag} {service-name}"
#define TPL_NAT "{nat-source-address}/{nat-source-port}->{nat-destination-address}/" \
	"{nat-destination-port} 0x{nat-connection-tag} {src-nat-rule-type} {src-nat-rule-name} " \
	"{dst-nat-rule-type} {dst-nat-rule-name}"
#define TPL_CONTEXT "{protocol-id} {policy-name} {source-zone-name} {destination-zone-name}"
#define TPL_APPS "{application} {nested-application}"
#define TPL_USER "{username}({roles}) {packet-incoming-interface}"
static const char tpl_create[] = "session created " TPL_TUPLE " " TPL_NAT " " TPL_CONTEXT
	" {session-id-32} " TPL_USER " " TPL_APPS " {encrypted}";
static const char tpl_close[] = "session closed {reason}: " TPL_TUPLE " " TPL_NAT " "
	TPL_CONTEXT " {session-id-32} {packets-from-client}({bytes-from-client}) "
	"{packets-from-server}({bytes-from-server}) {elapsed-time} " TPL_APPS " " TPL_USER
	" {encrypted}";
static const char tpl_deny[] = "session denied " TPL_TUPLE " {protocol-id}({icmp-type}) "
	"{policy-name} {source-zone-name} {destination-zone-name} " TPL_APPS " " TPL_USER
	" {encrypted} {reason}";

/* A field's value by name; "?" for a name build() does not give (a
 * template's typo shows in its golden test, never as a plausible N/A). */
static const char *field(const struct fields *f, const char *key, size_t n)
{
	for (int i = 0; i < f->n; i++)
		if (strlen(f->key[i]) == n && !strncmp(f->key[i], key, n))
			return f->val[i];
	return "?";
}

static size_t expand(char *buf, size_t len, size_t at, const char *tpl, const struct fields *f)
{
	while (*tpl) {
		const char *open = strchr(tpl, '{'), *close = open ? strchr(open, '}') : NULL;
		char lit[128];

		if (!close) {
			return put(buf, len, at, tpl);
		}
		snprintf(lit, sizeof(lit), "%.*s", (int)(open - tpl), tpl);
		at = put(buf, len, at, lit);
		at = put_value(buf, len, at, field(f, open + 1, (size_t)(close - open - 1)),
			       IN_PLAIN);
		tpl = close + 1;
	}
	return at;
}

/* RFC 3164's TIMESTAMP, as Junos stamps its plain syslog: `Mmm dd
 * hh:mm:ss`, the day padded with a space, English month names whatever
 * the locale; the year and zone are the collector's to know. */
static void timestamp_bsd(char *buf, size_t len, const struct sfw_event *e,
			  const struct sfw_log_env *env)
{
	static const char month[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	__s64 rest;

	if (!event_time(e, env, &tm, &rest)) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%s %2d %02d:%02d:%02d", month[tm.tm_mon], tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
}

int sfw_log_syslog_plain(char *buf, size_t len, const struct sfw_event *e,
			 const struct sfw_log_env *env)
{
	struct fields f;
	char ts[48];
	size_t at;

	build(&f, e, env);
	timestamp_bsd(ts, sizeof(ts), e, env);
	at = (size_t)snprintf(buf, len, "<14>%s %s RT_FLOW: %s: ", ts, hostname(env),
			      sfw_log_msgid(e));
	at = expand(buf, len, at, e->type == SFW_EV_CREATE ? tpl_create
			: e->type == SFW_EV_CLOSE ? tpl_close : tpl_deny, &f);
	return (int)(at < len ? at : len - 1);
}
