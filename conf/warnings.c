/* Warnings: a valid configuration that protects less than it seems to.
 * A commit prints them and still succeeds, as a Junos commit does with
 * its warnings. */
#include "conf_int.h"
#include "protocols.h"

/* limit-session source-ip-based counts the source address as written in
 * the packet. Without the ip spoofing screen (the source must route back
 * out of the interface it came in on, bpf/screen.bpf.h) a sender can
 * write a victim's address and use up the victim's sessions: N SYNs to a
 * host that never answers hold them for tcp-initial-timeout. Junos has
 * the same exposure (docs/security.md "Limits that remain"). */
static int warn_spoofable_limit(const struct sfw_conf *c, const struct sfw_conf_zone *z,
				FILE *f)
{
	const struct sfw_conf_screen *s;

	if (!z->screen.name[0] || z->screen.idx < 0 || z->screen.idx >= c->n_screens)
		return 0;
	s = &c->screens[z->screen.idx];
	if (!s->limit_src || s->ip_spoofing)
		return 0;
	fprintf(f, "%s:%d: warning: zone '%s': limit-session source-ip-based counts source "
		"addresses that nothing verifies: a sender that spoofs an address can use up "
		"its sessions; add 'set security screen ids-option %s ip spoofing'\n",
		c->path ? c->path : "-", s->limit_src_line, z->name, s->name);
	return 1;
}

/* security nat the datapath does not translate yet: commit check says
 * so once, and commit refuses it (sfw_conf_nat_refuse, docs/nat.md). */
static int warn_nat(const struct sfw_conf *c, FILE *f)
{
	char what[256];
	int line = sfw_conf_nat_unbuilt(c, what, sizeof(what));

	if (!line)
		return 0;
	fprintf(f, "%s:%d: warning: %s, and commit refuses it (docs/nat.md)\n",
		c->path ? c->path : "-", line, what);
	return 1;
}

/* An ICMP error (IPv4 unreachable, time exceeded, parameter problem;
 * every ICMPv6 type below 128, RFC 4443 2.1) is never a session's first
 * packet: it passes only about a live flow it quotes, whatever the policy
 * says (docs/security.md "ICMP errors"). An application of such a type
 * matches nothing. */
static bool icmp_error_type(int proto, int type)
{
	if (proto == SFW_IPPROTO_ICMP6)
		return type >= 0 && type < SFW_ICMPV6_INFO_MIN;
	return proto == SFW_IPPROTO_ICMP && (type == SFW_ICMP_DEST_UNREACH ||
					     type == SFW_ICMP_TIME_EXCEEDED ||
					     type == SFW_ICMP_PARAMETERPROB);
}

static int warn_icmp_error_app(const struct sfw_conf *c, const struct sfw_conf_application *a,
			       FILE *f)
{
	if (a->predefined || !icmp_error_type(a->proto, a->icmp_type))
		return 0;
	fprintf(f, "%s:%d: warning: application '%s': ICMP%s type %d is an error message, "
		"which passes only about a live session it quotes: a policy with this "
		"application matches nothing\n", c->path ? c->path : "-", a->line, a->name,
		a->proto == SFW_IPPROTO_ICMP6 ? "v6" : "", a->icmp_type);
	return 1;
}

/* What the host sends is opened without a policy lookup (self traffic,
 * bpf/tc_egress.bpf.c sfw_tc_open): a permit from junos-host is what the
 * datapath does anyway and is kept (a deny is refused, check_policy.c),
 * but its `log` and `count` never happen (review review52). */
static int warn_host_log(const struct sfw_conf *c, const struct sfw_conf_policy *pol, FILE *f)
{
	char pair[160];

	if (!conf_policy_from_host(pol) || !(pol->log_init || pol->log_close || pol->count))
		return 0;
	fprintf(f, "%s:%d: warning: policy '%s' (%s): traffic from junos-host is the host's "
		"own, opened without a policy lookup: its 'then %s' logs and counts nothing\n",
		c->path ? c->path : "-", pol->action_line ? pol->action_line : pol->line,
		pol->name, conf_pair_text(pol, pair, sizeof(pair)),
		pol->log_init || pol->log_close ? "log" : "count");
	return 1;
}

/* MPLS in packet mode passes every MPLS frame untracked: the operator's
 * choice by name, but what the frames carry is IP the kernel's MPLS
 * input unwraps and routes past every policy and screen wherever it is
 * on (docs/security.md "Only where frames are Ethernet's"). Junos warns
 * of this mode too (that it takes a reboot). */
static int warn_mpls_packet(const struct sfw_conf *c, FILE *f)
{
	if (!c->mpls_packet_mode)
		return 0;
	fprintf(f, "%s:%d: warning: forwarding-options family mpls mode packet-based: MPLS "
		"frames pass untracked, and the IP they carry is forwarded or delivered to "
		"this host with no session, policy or screen wherever the kernel's MPLS "
		"input is on (net.mpls.platform_labels, net.mpls.conf.IFACE.input)\n",
		c->path ? c->path : "-", c->mpls_packet_line);
	return 1;
}

int sfw_conf_print_warnings(const struct sfw_conf *conf, FILE *f)
{
	int n = warn_nat(conf, f) + warn_mpls_packet(conf, f);

	for (int k = 0; k < conf->n_policies; k++)
		n += warn_host_log(conf, &conf->policies[k], f);

	for (int k = 0; k < conf->n_apps; k++)
		n += warn_icmp_error_app(conf, &conf->apps[k], f);

	for (int z = 0; z < conf->n_zones; z++)
		n += warn_spoofable_limit(conf, &conf->zones[z], f);
	return n;
}
