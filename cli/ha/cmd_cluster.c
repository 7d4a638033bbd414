/* show chassis cluster status | statistics | configuration, request
 * chassis cluster role (docs/ha.md). The status and statistics follow
 * Junos's layouts (docs/ha.md, "Configuration"); sfw has one redundancy group,
 * and reports what this node knows: its role, the peer's as the
 * complement, the virtual addresses and where they are up. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/limits.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cluster_cmd.h"
#include "commands.h"
#include "json.h"
#include "loader.h"
#include "obuf.h"
#include "report.h"
#include "role_record.h"

static int load_conf(struct sfw_ha_conf *c)
{
	char path[PATH_MAX];

	if (sfw_ha_conf_path(path, sizeof(path)))
		return -ENAMETOOLONG;
	return sfw_ha_conf_load(path, c);
}

/* IF (interface) when a virtual address's or the fabric's link is down
 * here, FL when only the fabric's is. */
static bool link_up(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up = false;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd >= 0 && !ioctl(fd, SIOCGIFFLAGS, &ifr))
		up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	if (fd >= 0)
		close(fd);
	return up;
}

static const char *failures(const struct sfw_ha_conf *c)
{
	for (int i = 0; i < c->n_vip; i++)
		if (!link_up(c->vip[i].ifname))
			return "IF";
	return link_up(c->fabric_if) ? "None" : "FL";
}

/* The status of node n as this node sees it. */
static const char *status_of(const struct sfw_ha_conf *c, const struct sfw_ha_ctl *ctl, int n)
{
	if (ctl->role == SFW_HA_NONE)
		return "disabled";
	if (n == c->node)
		return sfw_ha_role_name(ctl->role);
	return ctl->role == SFW_HA_PRIMARY ? "secondary" : "primary";
}

/* Is virtual address v configured on its interface here? */
static bool vip_here(const struct sfw_ha_vip *v)
{
	char addr[SFW_HA_NAME_LEN];
	unsigned char want[16], *have;
	struct ifaddrs *all, *a;
	bool here = false;
	int af;

	snprintf(addr, sizeof(addr), "%s", v->prefix);
	*strchrnul(addr, '/') = '\0';
	af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(af, addr, want) != 1 || getifaddrs(&all))
		return false;
	for (a = all; a && !here; a = a->ifa_next) {
		if (!a->ifa_addr || a->ifa_addr->sa_family != af || strcmp(a->ifa_name, v->ifname))
			continue;
		have = af == AF_INET ? (unsigned char *)&((struct sockaddr_in *)a->ifa_addr)->sin_addr
				     : (unsigned char *)&((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;
		here = !memcmp(have, want, af == AF_INET ? 4 : 16);
	}
	freeifaddrs(all);
	return here;
}

/* Does the datapath answer proxy-arp/ndp requests (SFW_CFG_F_HA_SECONDARY
 * clear)? Only one node of the cluster may. 1 or 0; -ENOENT when sfw is
 * not attached (nothing pinned: none answers); any other negative errno,
 * with its line, when pins are there but cannot be read (a table of
 * another layout, left by an upgrade before its `detach all`, whose
 * programs may well answer): then this node cannot say, and says why. */
static int proxy_answers(void)
{
	struct sfw_config cfg;
	int err = sfw_require_loaded();

	if (err)
		return err;
	err = sfw_config_read(&cfg);
	if (err)   /* the sessions without the flags: not "not attached" */
		return err == -ENOENT ? -EIO : err;
	return !(cfg.flags & SFW_CFG_F_HA_SECONDARY);
}

/* The role keepalived last named this boot (role_record.h), or `none`. */
static const char *requested_role(const char *none)
{
	enum sfw_ha_role role;

	return sfw_role_record_read(&role) ? none : sfw_ha_role_name(role);
}

static const char legend[] =
	"Monitor Failure codes:\n"
	"    CS  Cold Sync monitoring        FL  Fabric Connection monitoring\n"
	"    GR  GRES monitoring             HW  Hardware monitoring\n"
	"    IF  Interface monitoring        IP  IP monitoring\n"
	"    LB  Loopback monitoring         MB  Mbuf monitoring\n"
	"    NH  Nexthop monitoring          NP  NPC monitoring\n"
	"    SP  SPU monitoring              SM  Schedule monitoring\n"
	"    CF  Config Sync monitoring      RE  Relinquish monitoring\n"
	"    IS  IRQ storm\n\n";

static void status_text(FILE *f, const struct sfw_ha_conf *c, const struct sfw_ha_ctl *ctl)
{
	char since[64] = "-";
	struct tm tm;
	int answers;
	time_t t = (time_t)ctl->since_s;

	fputs(legend, f);
	fprintf(f, "Cluster ID: %u\n", c->cluster_id);
	fprintf(f, "%-7s%-9s%-21s%-8s%-9s%s\n\n", "Node", "Priority", "Status", "Preempt",
		"Manual", "Monitor-failures");
	fprintf(f, "Redundancy group: 1 , Failover count: %llu\n",
		(unsigned long long)ctl->transitions);
	for (int n = 0; n < 2; n++)
		fprintf(f, "node%-3d%-9u%-21s%-8s%-9s%s\n", n, c->priority[n], status_of(c, ctl, n),
			"no", "no", n == c->node ? failures(c) : "None");
	if (ctl->since_s && gmtime_r(&t, &tm))
		strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "\nThis node: node%d, %s since %s\n", c->node,
		status_of(c, ctl, c->node), since);
	fprintf(f, "Peer: node%d at %s, fabric %s\n", !c->node, c->peer_addr, c->fabric_if);
	fprintf(f, "Role requested: %s\n", requested_role("none this boot"));
	answers = proxy_answers();
	if (answers >= 0 || answers == -ENOENT)
		fprintf(f, "Proxy ARP/NDP answers: %s\n", answers > 0 ? "yes" : answers == 0 ? "no"
			: "no (sfw is not attached)");
	else
		fprintf(f, "Proxy ARP/NDP answers: unknown (%s)\n", sfw_last_error());
	fprintf(f, "Virtual addresses:\n");
	for (int i = 0; i < c->n_vip; i++)
		fprintf(f, "  %-24s %-16s %s\n", c->vip[i].prefix, c->vip[i].ifname,
			vip_here(&c->vip[i]) ? "up here" : "not here");
}

static void status_json(FILE *f, const struct sfw_ha_conf *c, const struct sfw_ha_ctl *ctl)
{
	struct sfw_obuf ob;
	struct sfw_json j;
	char name[16];
	int answers;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "chassis-cluster-status");
	sfw_json_num(&j, "cluster-id", c->cluster_id);
	sfw_json_num(&j, "this-node", (__u64)c->node);
	sfw_json_num(&j, "since", ctl->since_s);
	sfw_json_open(&j, "redundancy-group", '[');
	sfw_json_open(&j, NULL, '{');
	sfw_json_num(&j, "redundancy-group-id", 1);
	sfw_json_num(&j, "failover-count", ctl->transitions);
	sfw_json_open(&j, "device-stats", '[');
	for (int n = 0; n < 2; n++) {
		snprintf(name, sizeof(name), "node%d", n);
		sfw_json_open(&j, NULL, '{');
		sfw_json_str(&j, "device-name", name);
		sfw_json_num(&j, "device-priority", c->priority[n]);
		sfw_json_str(&j, "redundancy-group-status", status_of(c, ctl, n));
		sfw_json_bool(&j, "preempt", false);
		sfw_json_bool(&j, "failover-mode", false);
		sfw_json_str(&j, "monitor-failures", n == c->node ? failures(c) : "None");
		sfw_json_close(&j, '}');
	}
	sfw_json_close(&j, ']');
	sfw_json_close(&j, '}');
	sfw_json_close(&j, ']');
	sfw_json_str(&j, "peer-address", c->peer_addr);
	sfw_json_str(&j, "fabric-interface", c->fabric_if);
	sfw_json_str(&j, "role-requested", requested_role("none"));
	answers = proxy_answers();
	sfw_json_bool(&j, "proxy-answers", answers > 0);
	if (answers < 0 && answers != -ENOENT)
		sfw_json_str(&j, "proxy-answers-error", sfw_last_error());
	sfw_json_open(&j, "virtual-address", '[');
	for (int i = 0; i < c->n_vip; i++) {
		sfw_json_open(&j, NULL, '{');
		sfw_json_str(&j, "address", c->vip[i].prefix);
		sfw_json_str(&j, "interface", c->vip[i].ifname);
		sfw_json_bool(&j, "up-here", vip_here(&c->vip[i]));
		sfw_json_close(&j, '}');
	}
	sfw_json_close(&j, ']');
	sfw_json_doc_end(&j);
}

int sfw_cmd_show_cluster_status(const struct sfw_cmdline *cl)
{
	struct sfw_ha_ctl ctl = { .role = SFW_HA_NONE };
	struct sfw_ha_conf c;

	if (load_conf(&c))
		return sfw_report(cl);
	sfw_ha_ctl_read(&ctl);   /* none yet: in no role */
	if (cl->json)
		status_json(cl->out, &c, &ctl);
	else
		status_text(cl->out, &c, &ctl);
	return SFW_EXIT_OK;
}

/* Runs conntrackd -C conf -s [what] and parses its report. */
static void ctd_stats(const struct sfw_ha_conf *c, struct sfw_ctd_stats *st)
{
	static const char *const what[] = { NULL, "runtime" };
	struct sfw_ctd_stats part;
	char *text = NULL;

	memset(st, 0, sizeof(*st));
	for (int i = 0; i < 2; i++) {
		char *argv[] = { "conntrackd", "-C", (char *)c->conntrackd_conf, "-s",
				 (char *)what[i], NULL };
		int fd[2];
		pid_t pid;
		size_t len = 0, cap = 0;
		ssize_t n;

		if (pipe2(fd, O_CLOEXEC))
			return;
		pid = fork();
		if (pid == 0) {
			dup2(fd[1], STDOUT_FILENO);
			dup2(open("/dev/null", O_WRONLY), STDERR_FILENO);
			execvp(argv[0], argv);
			_exit(127);
		}
		close(fd[1]);
		do {
			if (len + 4096 > cap) {
				char *t = realloc(text, cap + 8192);

				if (!t)
					break;
				text = t;
				cap += 8192;
			}
			n = read(fd[0], text + len, cap - len - 1);
			len += n > 0 ? (size_t)n : 0;
		} while (n > 0);
		close(fd[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		if (!text)
			return;
		text[len] = '\0';
		if (sfw_ctd_stats_parse(text, &part))
			continue;
		if (i == 0) {
			*st = part;
		} else {
			st->resyncs = part.resyncs;
		}
	}
	free(text);
}

#define ROW(name, a, b) \
	fprintf(f, "    %-42s%-13llu%llu\n", name, (unsigned long long)(a), (unsigned long long)(b))

static void stats_text(FILE *f, const struct sfw_ha_conf *c, const struct sfw_ha_stats *h,
		       const struct sfw_ctd_stats *s)
{
	fprintf(f, "Cluster ID: %u, node%d, %s\n", c->cluster_id, c->node,
		sfw_ha_role_name(h->role));
	fprintf(f, "Fabric link statistics:\n    Child link 0 (%s)\n", c->fabric_if);
	fprintf(f, "        Probes sent: %llu\n        Probes received: %llu\n",
		(unsigned long long)s->pkts_sent, (unsigned long long)s->pkts_recv);
	fprintf(f, "        Send errors: %llu\n        Receive errors: %llu\n",
		(unsigned long long)s->send_errors, (unsigned long long)s->recv_errors);
	fprintf(f, "Services Synchronized:\n");
	fprintf(f, "    %-42s%-13s%s\n", "Service name", "RTOs sent", "RTOs received");
	ROW("Session create", s->int_created, s->ext_created);
	ROW("Session close", s->int_destroyed, s->ext_destroyed);
	ROW("Session change", s->int_updated, s->ext_updated);
	fprintf(f, "Synchronization:\n");
	fprintf(f, "    Messages lost: %llu\n    Messages malformed: %llu\n",
		(unsigned long long)s->msgs_lost, (unsigned long long)s->malformed);
	fprintf(f, "    Resynchronizations: %llu\n    Writes refused: %llu\n",
		(unsigned long long)s->resyncs, (unsigned long long)s->ext_failed);
	if (!s->ok)
		fprintf(f, "    (conntrackd did not answer: %s)\n", c->conntrackd_conf);
	fprintf(f, "Session mirror:\n");
	fprintf(f, "    Sessions mirrored: %llu\n    Sessions refreshed: %llu\n",
		(unsigned long long)h->mirrored, (unsigned long long)h->refreshed);
	fprintf(f, "    Sessions closed: %llu\n    Sessions not mirrored: %llu\n",
		(unsigned long long)h->removed, (unsigned long long)h->skipped);
	fprintf(f, "    Mirror write errors: %llu\n    Mirror events lost: %llu\n",
		(unsigned long long)h->write_errors, (unsigned long long)h->ring_lost);
	fprintf(f, "    Sessions loaded from peer: %llu\n    Loaded sessions updated: %llu\n",
		(unsigned long long)h->loaded, (unsigned long long)h->load_updates);
	fprintf(f, "    Loaded sessions closed: %llu\n    Entries not loaded: %llu\n",
		(unsigned long long)h->unloaded, (unsigned long long)h->load_refused);
}

static void stats_json(FILE *f, const struct sfw_ha_conf *c, const struct sfw_ha_stats *h,
		       const struct sfw_ctd_stats *s)
{
	struct sfw_obuf ob;
	struct sfw_json j;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "chassis-cluster-statistics");
	sfw_json_num(&j, "cluster-id", c->cluster_id);
	sfw_json_str(&j, "role", sfw_ha_role_name(h->role));
	sfw_json_bool(&j, "conntrackd-answered", s->ok);
	sfw_json_num(&j, "probes-sent", s->pkts_sent);
	sfw_json_num(&j, "probes-received", s->pkts_recv);
	sfw_json_num(&j, "session-create-sent", s->int_created);
	sfw_json_num(&j, "session-create-received", s->ext_created);
	sfw_json_num(&j, "session-close-sent", s->int_destroyed);
	sfw_json_num(&j, "session-close-received", s->ext_destroyed);
	sfw_json_num(&j, "session-change-sent", s->int_updated);
	sfw_json_num(&j, "session-change-received", s->ext_updated);
	sfw_json_num(&j, "messages-lost", s->msgs_lost);
	sfw_json_num(&j, "resynchronizations", s->resyncs);
	sfw_json_num(&j, "writes-refused", s->ext_failed);
	sfw_json_num(&j, "sessions-mirrored", h->mirrored);
	sfw_json_num(&j, "sessions-refreshed", h->refreshed);
	sfw_json_num(&j, "sessions-closed", h->removed);
	sfw_json_num(&j, "sessions-not-mirrored", h->skipped);
	sfw_json_num(&j, "mirror-write-errors", h->write_errors);
	sfw_json_num(&j, "mirror-events-lost", h->ring_lost);
	sfw_json_num(&j, "sessions-loaded", h->loaded);
	sfw_json_num(&j, "loaded-sessions-updated", h->load_updates);
	sfw_json_num(&j, "loaded-sessions-closed", h->unloaded);
	sfw_json_num(&j, "entries-not-loaded", h->load_refused);
	sfw_json_doc_end(&j);
}

int sfw_cmd_show_cluster_statistics(const struct sfw_cmdline *cl)
{
	struct sfw_ha_stats h = { 0 };
	struct sfw_ctd_stats s;
	struct sfw_ha_conf c;

	if (load_conf(&c))
		return sfw_report(cl);
	sfw_ha_stats_read(&h);
	ctd_stats(&c, &s);
	if (cl->json)
		stats_json(cl->out, &c, &h, &s);
	else
		stats_text(cl->out, &c, &h, &s);
	return SFW_EXIT_OK;
}

int sfw_cmd_show_cluster_configuration(const struct sfw_cmdline *cl)
{
	struct sfw_ha_conf c;
	const char *what = cl->npos ? cl->pos[0] : "";

	if (load_conf(&c))
		return sfw_report(cl);
	if (!strcmp(what, "conntrackd")) {
		sfw_cluster_print_conntrackd(cl->out, &c);
	} else if (!strcmp(what, "keepalived")) {
		sfw_cluster_print_keepalived(cl->out, &c);
	} else {
		sfw_fail(EINVAL, "which configuration: conntrackd or keepalived, not %s",
			 SFW_Q(what));
		return sfw_report(cl);
	}
	return SFW_EXIT_OK;
}

/* What the transition did, on one line; `why` follows the role's name. */
static void print_taken(FILE *out, const struct sfw_ha_conf *c, int role, const char *why,
			const struct sfw_ha_report *rep)
{
	fprintf(out, "node%d: %s%s", c->node, sfw_ha_role_name(role), why);
	if (role == SFW_HA_PRIMARY)
		fprintf(out, ", %d sessions loaded from the peer in %.3f s, %llu mirrored in "
			"%.3f s", rep->loaded, rep->load_ns / 1e9, (unsigned long long)rep->mirrored,
			rep->mirror_ns / 1e9);
	if (rep->write_errors)
		fprintf(out, ", %llu writes refused by the kernel",
			(unsigned long long)rep->write_errors);
	if (role == SFW_HA_NONE && rep->purged > 0)
		fprintf(out, ", %d mirror entries removed", rep->purged);
	fprintf(out, "%s\n", rep->daemon ? "" : " (no session daemon runs: nothing is "
		"mirrored or loaded until one does)");
}

/* The hook's work, under sfw_lock(): the lock an attach holds from its
 * read of the record to its maps (cli/system/cmd_attach.c). So a hook
 * either records the role before an attach reads it, or waits for the
 * attach and then takes the role in the maps it made; never in between,
 * where the attach would make the maps from the record it read before
 * (both nodes answering proxy-arp/ndp, or a primary silent). */
static int take_role(const struct sfw_cmdline *cl, const struct sfw_ha_conf *c, int role)
{
	struct sfw_ha_report rep;
	char rec_msg[PATH_MAX + 256];
	int rec_err, err;

	/* what keepalived named, for the attach that makes the maps anew
	 * (docs/ha.md "After a restart"): before the role itself, so an
	 * attach after this one reads it; not recorded, the role is still
	 * taken */
	rec_err = sfw_role_record_write(role);
	if (rec_err)
		snprintf(rec_msg, sizeof(rec_msg), "%s", sfw_last_error());
	err = sfw_require_loaded();
	if (err == -ENOENT) {
		/* nothing pinned: keepalived's hook ran before the attach, and
		 * the record is all */
		if (rec_err)
			return sfw_fail(-rec_err, "%s", rec_msg);
		fprintf(cl->out, "node%d: %s recorded; sfw is not attached: an attach starts "
			"%s\n", c->node, sfw_ha_role_name(role), role == SFW_HA_SECONDARY ?
			"answering no proxy-arp/ndp request" : "answering proxy-arp/ndp");
		return 0;
	}
	if (err) {
		/* pins are there but cannot be read (a table of another layout:
		 * an upgrade before its `detach all`, the old programs perhaps
		 * still answering): the role is not taken, and keepalived hears.
		 * The reason is copied first: sfw_fail formats into the buffer
		 * sfw_last_error() returns. */
		char why[PATH_MAX + 256];

		snprintf(why, sizeof(why), "%s", sfw_last_error());
		if (rec_err)
			return sfw_fail(-err, "%s; and the role is not taken: %s", rec_msg, why);
		return sfw_fail(-err, "node%d: %s recorded, but not taken: %s", c->node,
				sfw_ha_role_name(role), why);
	}
	err = sfw_ha_become_locked(role, c, &rep);
	if (err)
		return err;
	print_taken(cl->out, c, role, "", &rep);
	return rec_err ? sfw_fail(-rec_err, "%s", rec_msg) : 0;
}

/* The attach's side (cli/system/cmd_attach.c): the maps it made carry
 * only the proxy answering of the recorded role (SFW_CFG_F_HA_SECONDARY
 * from sfw_role_lock_for_attach), and the daemon it started acts in no
 * role, so a secondary would load nothing the peer sends and a primary
 * mirror nothing until keepalived's next transition, which may be days
 * away. Taking the recorded role as the hook does puts the node where
 * keepalived last named it. No record this boot: the attach's silence is
 * already what a node keepalived has not named yet is. */
int sfw_cluster_restore_role(FILE *out)
{
	struct sfw_ha_report rep;
	struct sfw_ha_conf c;
	enum sfw_ha_role role;
	char why[PATH_MAX + 256];
	int err;

	if (!sfw_role_in_cluster() || sfw_role_record_read(&role))
		return 0;
	err = load_conf(&c);
	if (!err)
		err = sfw_ha_become_locked(role, &c, &rep);
	if (!err) {
		if (out)
			print_taken(out, &c, role, " (recorded this boot)", &rep);
		return 0;
	}
	snprintf(why, sizeof(why), "%s", sfw_last_error());
	return sfw_fail(-err, "attached; the role recorded this boot (%s): %s",
			sfw_ha_role_name(role), why);
}

/* The lock refused (err, its line in sfw_last_error()): no attach makes
 * the maps without it either, so what keepalived named, written again,
 * is still the role the next one starts in. One line for keepalived's
 * log: whether the record was written (and if not, why), then why the
 * role is not taken. Each line is copied before the next sfw_fail, which
 * formats into the buffer sfw_last_error() returns. */
static int lock_refused(const struct sfw_ha_conf *c, int role, int err)
{
	char lock_msg[PATH_MAX + 256], rec_msg[PATH_MAX + 256];

	snprintf(lock_msg, sizeof(lock_msg), "%s", sfw_last_error());
	if (!sfw_role_record_write(role))
		return sfw_fail(-err, "node%d: %s recorded, but not taken, the pin root cannot "
				"be locked: %s", c->node, sfw_ha_role_name(role), lock_msg);
	snprintf(rec_msg, sizeof(rec_msg), "%s", sfw_last_error());
	return sfw_fail(-err, "%s; and the role is not taken, the pin root cannot be "
			"locked: %s", rec_msg, lock_msg);
}

int sfw_cmd_request_cluster_role(const struct sfw_cmdline *cl)
{
	static const char *const words[] = { "disabled", "primary", "secondary" };
	const char *word = cl->pos[0];
	struct sfw_ha_conf c;
	int role = -1, err;

	for (int i = 0; i < 3; i++)
		if (!strcmp(word, words[i]))
			role = i;
	if (role < 0) {
		sfw_fail(EINVAL, "role %s: expected primary, secondary or disabled", SFW_Q(word));
		return sfw_report(cl);
	}
	if (cl->npos > 1) {
		sfw_fail(EINVAL, "one role, not %d words", cl->npos);
		return sfw_report(cl);
	}
	if (load_conf(&c))
		return sfw_report(cl);
	/* keepalived kills a stop hook after a second: written before the
	 * wait for the lock too, so a hook killed while an attach or a clear
	 * holds it still leaves what keepalived named (take_role writes it
	 * again under the lock, for the attach that reads it there) */
	sfw_role_record_write(role);
	err = sfw_lock();
	if (err) {
		lock_refused(&c, role, err);
		return sfw_report(cl);
	}
	err = take_role(cl, &c, role);
	sfw_unlock();
	return err ? sfw_report(cl) : SFW_EXIT_OK;
}
