/* The session-log formatter (cli/events/log_format.c): the input is an event as
 * the ring delivers it (struct sfw_event, 208 bytes, any content) followed by
 * the names the environment answers with (NUL-separated: host, application,
 * policy, two zones, interface), since interface names come from the kernel and may
 * hold any byte. Into every buffer size: the result is NUL-terminated and
 * its length is what was returned. Into a buffer large enough for any
 * event, nothing is cut: the JSON line is valid JSON, the syslog line's
 * structured data well formed (RFC 5424: '"', '\' and ']' escaped in
 * values) and the line UTF-8 without control characters; the plain syslog
 * line (no quoting) too. */
#include <string.h>
#include "fuzz.h"
#include "json_check.h"
#include "log_format.h"

struct names {
	const char *host, *app, *policy, *zone[2], *ifname;
};

static const char *ifname_of(__u32 ifindex, char *buf, void *arg)
{
	const struct names *n = arg;

	return ifindex & 1 ? n->ifname : NULL;   /* some interfaces have gone */
}

static bool name_of(__u32 kind, __u32 id, char *buf, size_t len, void *arg)
{
	const struct names *n = arg;

	if (id & 1)
		return false;
	snprintf(buf, len, "%s", kind ? n->policy : n->app);
	return true;
}

static bool zone_of(__u32 ifindex, char *buf, size_t len, void *arg)
{
	const struct names *n = arg;

	if (ifindex & 2)
		return false;
	snprintf(buf, len, "%s", n->zone[ifindex & 1]);
	return true;
}

/* The header (RFC 5424: HOSTNAME is printable US-ASCII without spaces),
 * then structured data: [id key="value" ...] with escapes. */
static const char *sd_check(const char *s)
{
	if (strncmp(s, "<14>1 ", 6) || !(s = strchr(s + 6, ' ')))
		return "no PRI, VERSION or TIMESTAMP";
	for (s++; *s != ' '; s++)
		if (*s < 33 || *s > 126)
			return "a HOSTNAME that is not printable US-ASCII";
	if (strncmp(s, " RT_FLOW - RT_FLOW_SESSION_", 26) || !(s = strchr(s + 26, ' ')) ||
	    s[1] != '[')
		return "no APP-NAME, PROCID, MSGID or structured data";
	s++;
	for (s++; *s && *s != ' ' && *s != ']'; s++)
		;
	while (*s == ' ') {
		for (s++; *s && *s != '='; s++)
			if (*s == '"' || *s == ']' || *s == ' ')
				return "a bad key";
		if (s[0] != '=' || s[1] != '"')
			return "a key without =\"";
		for (s += 2; *s && *s != '"'; s++) {
			if (*s == ']')
				return "an unescaped ']' in a value";
			if (*s == '\\' && (!s[1] || !strchr("\"\\]", s[1])))
				return "a bad escape in a value";
			if (*s == '\\')
				s++;
		}
		if (*s != '"')
			return "an unterminated value";
		s++;
	}
	return *s == ']' ? NULL : "structured data not closed by ']'";
}

static void sizes(const struct sfw_event *e, const struct sfw_log_env *env)
{
	static const size_t len[] = { 1, 2, 16, 100, 300, 700 };
	char buf[700];

	for (size_t k = 0; k < sizeof(len) / sizeof(len[0]); k++) {
		int n = sfw_log_syslog(buf, len[k], e, env);

		if (n < 0 || (size_t)n >= len[k] || strlen(buf) != (size_t)n)
			fuzz_fail("syslog into %zu bytes returned %d for %zu", len[k], n, strlen(buf));
		n = sfw_log_json(buf, len[k], e, env);
		if (n < 0 || (size_t)n >= len[k] || strlen(buf) != (size_t)n)
			fuzz_fail("json into %zu bytes returned %d for %zu", len[k], n, strlen(buf));
		n = sfw_log_syslog_plain(buf, len[k], e, env);
		if (n < 0 || (size_t)n >= len[k] || strlen(buf) != (size_t)n)
			fuzz_fail("plain syslog into %zu bytes returned %d for %zu", len[k], n,
				  strlen(buf));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sfw_event e;
	struct names names;
	const char **slot[] = { &names.host, &names.app, &names.policy, &names.zone[0],
				&names.zone[1], &names.ifname };
	struct sfw_log_env env = { ifname_of, name_of, zone_of, &names, NULL, 0, SFW_LOG_SD_SYSLOG };
	static char big[1 << 16];
	char *rest, *at;
	const char *why;
	int n;

	if (size < sizeof(e) + sizeof(__s64))
		return 0;
	memcpy(&e, data, sizeof(e));
	memcpy(&env.realtime_offset_ns, data + sizeof(e), sizeof(__s64));
	n = (int)(size - sizeof(e) - sizeof(__s64));
	rest = fuzz_cstr(data + sizeof(e) + sizeof(__s64), (size_t)n);
	at = rest;
	for (size_t k = 0; k < sizeof(slot) / sizeof(slot[0]); k++) {
		*slot[k] = at;   /* "" once the names run out: at rests on the last NUL */
		at += strlen(at);
		at += at < rest + n;
	}
	env.hostname = names.host;
	sizes(&e, &env);
	n = sfw_log_json(big, sizeof(big), &e, &env);
	if ((why = json_check(big, (size_t)n)))
		fuzz_fail("the JSON line is not JSON (%s): %s", why, big);
	sfw_log_syslog(big, sizeof(big), &e, &env);
	if ((why = sd_check(big)) || (why = text_check(big)))
		fuzz_fail("the syslog line is not RFC 5424 (%s): %s", why, big);
	sfw_log_syslog_plain(big, sizeof(big), &e, &env);
	if ((why = text_check(big)))
		fuzz_fail("the plain syslog line is not one line of UTF-8 (%s): %s", why, big);
	free(rest);
	return 0;
}
