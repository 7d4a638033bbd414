/* The cluster stanza: Junos-style set lines under `set chassis cluster`,
 * in a file of their own beside sfw.conf (docs/ha.md, "Configuration").
 *
 *   set chassis cluster cluster-id 1
 *   set chassis cluster node 0
 *   set chassis cluster redundancy-group 1 node 0 priority 200
 *   set chassis cluster redundancy-group 1 node 1 priority 100
 *   set chassis cluster redundancy-group 1 virtual-address 198.51.100.1/24 interface eth0
 *   set chassis cluster fabric interface sync0
 *   set chassis cluster fabric local-address 192.0.2.1
 *   set chassis cluster fabric peer-address 192.0.2.2
 *   set chassis cluster heartbeat-interval 1000
 *   set chassis cluster sync-zone 65000
 *
 * A small parser of its own: the stanza is read by the cluster's commands
 * and generators only, never applied to the datapath. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include "conf.h"
#include "ha.h"
#include "loader.h"

#define MAX_TOKENS 16

struct line {
	const char *file;
	int no;
	char *tok[MAX_TOKENS];
	int n;
};

static int bad(const struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(const struct line *l, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sfw_fail(EINVAL, "%s:%d: %s", l->file, l->no, msg);
}

static int number(const struct line *l, const char *word, __u32 lo, __u32 hi, __u32 *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(word, &end, 10);
	if (errno || end == word || *end || word[0] == '-' || v < lo || v > hi)
		return bad(l, "%s is not a number from %u to %u", SFW_Q(word), lo, hi);
	*out = (__u32)v;
	return 0;
}

static int name(const struct line *l, const char *word, char *out, size_t len)
{
	if (strlen(word) >= len || strlen(word) >= IF_NAMESIZE)
		return bad(l, "interface name %s is too long", SFW_Q(word));
	snprintf(out, len, "%s", word);
	return 0;
}

static int address(const struct line *l, const char *word, bool prefix, char *out, size_t len)
{
	char buf[SFW_HA_NAME_LEN], *slash;
	unsigned char a[16];
	__u32 plen;

	if (strlen(word) >= sizeof(buf))
		return bad(l, "%s is not an address", SFW_Q(word));
	snprintf(buf, sizeof(buf), "%s", word);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if ((slash != NULL) != prefix)
		return bad(l, prefix ? "%s needs a prefix length (address/length)"
				     : "%s must be an address without a length", SFW_Q(word));
	if (inet_pton(AF_INET, buf, a) == 1) {
		if (slash && number(l, slash + 1, 1, 32, &plen))
			return -EINVAL;
	} else if (inet_pton(AF_INET6, buf, a) == 1) {
		if (slash && number(l, slash + 1, 1, 128, &plen))
			return -EINVAL;
	} else {
		return bad(l, "%s is not an IPv4 or IPv6 address", SFW_Q(word));
	}
	snprintf(out, len, "%s", word);
	return 0;
}

static bool is(const struct line *l, int i, const char *word)
{
	return i < l->n && !strcmp(l->tok[i], word);
}

/* redundancy-group 1 node N priority P | virtual-address A/L interface IF */
static int redundancy_group(const struct line *l, struct sfw_ha_conf *c)
{
	struct sfw_ha_vip *v;
	__u32 node;

	if (!is(l, 4, "1"))
		return bad(l, "sfw has one redundancy group: 1");
	if (l->n == 9 && is(l, 5, "node") && is(l, 7, "priority"))
		return number(l, l->tok[6], 0, 1, &node) ||
		       number(l, l->tok[8], 1, 254, &c->priority[node]) ? -EINVAL : 0;
	if (l->n == 9 && is(l, 5, "virtual-address") && is(l, 7, "interface")) {
		if (c->n_vip == SFW_HA_MAX_VIPS)
			return bad(l, "at most %d virtual addresses", SFW_HA_MAX_VIPS);
		v = &c->vip[c->n_vip];
		if (address(l, l->tok[6], true, v->prefix, sizeof(v->prefix)) ||
		    name(l, l->tok[8], v->ifname, sizeof(v->ifname)))
			return -EINVAL;
		c->n_vip++;
		return 0;
	}
	return bad(l, "expected redundancy-group 1 node N priority P, or redundancy-group 1 "
		   "virtual-address A/LEN interface IF");
}

static int fabric(const struct line *l, struct sfw_ha_conf *c)
{
	if (l->n != 6)
		return bad(l, "expected fabric interface IF | local-address A | peer-address A");
	if (is(l, 4, "interface"))
		return name(l, l->tok[5], c->fabric_if, sizeof(c->fabric_if));
	if (is(l, 4, "local-address"))
		return address(l, l->tok[5], false, c->local_addr, sizeof(c->local_addr));
	if (is(l, 4, "peer-address"))
		return address(l, l->tok[5], false, c->peer_addr, sizeof(c->peer_addr));
	return bad(l, "unknown fabric setting %s", SFW_Q(l->tok[4]));
}

static int path(const struct line *l, char *out, size_t len)
{
	if (l->tok[4][0] != '/' || strlen(l->tok[4]) >= len)
		return bad(l, "%s must be an absolute path", SFW_Q(l->tok[4]));
	snprintf(out, len, "%s", l->tok[4]);
	return 0;
}

static int statement(const struct line *l, struct sfw_ha_conf *c)
{
	__u32 v;

	if (l->n < 4 || !is(l, 0, "set") || !is(l, 1, "chassis") || !is(l, 2, "cluster"))
		return bad(l, "expected a `set chassis cluster ...` statement");
	if (is(l, 3, "redundancy-group"))
		return redundancy_group(l, c);
	if (is(l, 3, "fabric"))
		return fabric(l, c);
	if (l->n != 5)
		return bad(l, "%s takes one value", SFW_Q(l->tok[3]));
	if (is(l, 3, "cluster-id"))
		return number(l, l->tok[4], 1, 255, &c->cluster_id);
	if (is(l, 3, "node")) {
		if (number(l, l->tok[4], 0, 1, &v))
			return -EINVAL;
		c->node = (int)v;
		return 0;
	}
	if (is(l, 3, "heartbeat-interval"))
		return number(l, l->tok[4], 1000, 255000, &c->heartbeat_ms);
	if (is(l, 3, "refresh-interval"))
		return number(l, l->tok[4], 1000, 600000, &c->refresh_ms);
	if (is(l, 3, "sync-zone"))
		return number(l, l->tok[4], 1, 65535, &c->zone);
	if (is(l, 3, "notify-script"))
		return path(l, c->notify, sizeof(c->notify));
	if (is(l, 3, "conntrackd-config"))
		return path(l, c->conntrackd_conf, sizeof(c->conntrackd_conf));
	return bad(l, "unknown cluster setting %s", SFW_Q(l->tok[3]));
}

/* What a working cluster needs, said once the whole file is read. */
static int complete(const char *file, const struct sfw_ha_conf *c)
{
	const char *missing = !c->cluster_id ? "cluster-id"
			      : c->node < 0 ? "node"
			      : !c->priority[0] || !c->priority[1] ? "redundancy-group 1 node N priority"
			      : !c->fabric_if[0] ? "fabric interface"
			      : !c->local_addr[0] ? "fabric local-address"
			      : !c->peer_addr[0] ? "fabric peer-address"
			      : !c->n_vip ? "redundancy-group 1 virtual-address" : NULL;

	if (missing)
		return sfw_fail(EINVAL, "%s: the cluster needs `set chassis cluster %s`", file, missing);
	if (c->priority[0] == c->priority[1])
		return sfw_fail(EINVAL, "%s: the two nodes need different priorities", file);
	return 0;
}

static void defaults(struct sfw_ha_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->node = -1;
	c->zone = SFW_HA_DEFAULT_ZONE;
	c->heartbeat_ms = 1000;
	c->refresh_ms = SFW_HA_REFRESH_MS;
	snprintf(c->notify, sizeof(c->notify), "%s", SFW_HA_DEFAULT_NOTIFY);
	snprintf(c->conntrackd_conf, sizeof(c->conntrackd_conf), "%s",
		 SFW_HA_DEFAULT_CONNTRACKD_CONF);
}

int sfw_ha_conf_parse(const char *file, const char *text, struct sfw_ha_conf *c)
{
	char *copy = strdup(text), *save = NULL, *row, *hash;
	struct line l = { .file = file };
	int err = copy ? 0 : -ENOMEM;

	defaults(c);
	for (char *p = copy; !err && p; p = row) {
		row = strchr(p, '\n');
		if (row)
			*row++ = '\0';
		l.no++;
		hash = strchr(p, '#');
		if (hash)
			*hash = '\0';
		l.n = 0;
		for (char *t = strtok_r(p, " \t\r", &save); t && l.n < MAX_TOKENS;
		     t = strtok_r(NULL, " \t\r", &save))
			l.tok[l.n++] = t;
		if (l.n == MAX_TOKENS)
			err = bad(&l, "statement too long");
		else if (l.n)
			err = statement(&l, c);
	}
	free(copy);
	return err ? err : complete(file, c);
}

int sfw_ha_conf_path(char *buf, size_t len)
{
	return sfw_path(buf, len, "%s/%s", sfw_conf_dir(), SFW_HA_CONF_FILE);
}

int sfw_ha_conf_load(const char *file, struct sfw_ha_conf *c)
{
	FILE *f = fopen(file, "r");
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;
	int err;

	if (!f)
		return sfw_fail(errno, errno == ENOENT ? "this node is in no cluster (no %s)"
							: "cannot read %s", file);
	n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(text);
		return sfw_fail(EIO, "cannot read %s", file);
	}
	err = sfw_ha_conf_parse(file, text, c);
	free(text);
	return err;
}
