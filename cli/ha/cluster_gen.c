/* `show chassis cluster configuration conntrackd|keepalived`: the two
 * daemons' configuration for this node, from the cluster stanza
 * (docs/ha.md, "Configuration"). What matters in them and why:
 *
 * conntrackd: FT-FW over UDP on the fabric link (sequence numbers,
 * acknowledgements, resends: it survives loss); the external cache
 * disabled, so the peer's entries go straight into this node's table,
 * where sfw's daemon loads them as they come; its socket and lock under
 * sfw's run directory, so two nodes on one host never meet.
 *
 * keepalived: one VRRP instance on the first virtual address's interface,
 * tracking the others (a link down is a fault: the peer takes over); no
 * virtual_ipaddress: the notify hook adds the addresses itself once sfw
 * holds the sessions, which is how the race of addresses up before the
 * state is avoided; preemption off, as Junos's default. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/limits.h>
#include "cluster_cmd.h"
#include "event_ring.h"
#include "loader.h"

#define CONNTRACKD_PORT 3780

static bool is_v6(const char *addr)
{
	return strchr(addr, ':') != NULL;
}

void sfw_cluster_print_conntrackd(FILE *f, const struct sfw_ha_conf *c)
{
	const char *fam = is_v6(c->local_addr) ? "IPv6" : "IPv4";

	fprintf(f, "# conntrackd for sfw cluster %u, node%d: `sfw show chassis cluster "
		"configuration conntrackd` (docs/ha.md)\n", c->cluster_id, c->node);
	fprintf(f, "Sync {\n\tMode FTFW {\n");
	fprintf(f, "\t\t# the peer's entries go straight into the kernel's table,\n"
		"\t\t# where sfw loads them as they arrive\n");
	fprintf(f, "\t\tDisableExternalCache On\n\t}\n");
	fprintf(f, "\tUDP {\n\t\t%s_address %s\n\t\t%s_Destination_Address %s\n",
		fam, c->local_addr, fam, c->peer_addr);
	fprintf(f, "\t\tPort %d\n\t\tInterface %s\n", CONNTRACKD_PORT, c->fabric_if);
	fprintf(f, "\t\tSndSocketBuffer 1249280\n\t\tRcvSocketBuffer 1249280\n"
		"\t\tChecksum on\n\t}\n}\n");
	fprintf(f, "General {\n\tHashSize 32768\n\tHashLimit 1048576\n");
	fprintf(f, "\tLogFile off\n\tSyslog on\n");
	fprintf(f, "\tLockFile %s/conntrackd.lock\n", sfw_run_dir());
	fprintf(f, "\tUNIX {\n\t\tPath %s/conntrackd.ctl\n\t}\n", sfw_run_dir());
	fprintf(f, "\tNetlinkBufferSize 2097152\n\tNetlinkBufferSizeMaxGrowth 8388608\n");
	fprintf(f, "\tNetlinkEventsReliable On\n");
	fprintf(f, "\t# sfw's node keeps no other entries (docs/ha.md): nothing to filter\n");
	fprintf(f, "\tFilter From Userspace {\n\t\tAddress Ignore {\n");
	fprintf(f, "\t\t\tIPv4_address 127.0.0.1\n\t\t\tIPv6_address ::1\n");
	fprintf(f, "\t\t}\n\t}\n}\n");
}

/* The hook's command line: sfw's own environment (pin root, directories)
 * travels with it, keepalived runs scripts with a clean one. */
static void notify_line(FILE *f, const struct sfw_ha_conf *c, const char *what,
			const char *state)
{
	static const char *const env[] = { "SFW_PIN_ROOT", "SFW_CONF_DIR", "SFW_RUN_DIR" };
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = '\0';
	fprintf(f, "\t%s \"/usr/bin/env", what);
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		if (getenv(env[i]))
			fprintf(f, " %s=%s", env[i], getenv(env[i]));
	fprintf(f, " SFW=%s CONNTRACKD_CONFIG=%s %s %s", n > 0 ? self : "sfw",
		c->conntrackd_conf, c->notify, state);
	for (int i = 0; i < c->n_vip; i++)
		fprintf(f, " %s=%s", c->vip[i].ifname, c->vip[i].prefix);
	fprintf(f, "\"\n");
}

void sfw_cluster_print_keepalived(FILE *f, const struct sfw_ha_conf *c)
{
	fprintf(f, "# keepalived for sfw cluster %u, node%d: `sfw show chassis cluster "
		"configuration keepalived` (docs/ha.md)\n", c->cluster_id, c->node);
	fprintf(f, "global_defs {\n\trouter_id sfw-%u-node%d\n", c->cluster_id, c->node);
	/* VRRPv2: keepalived 2.2.7 refuses a v3 instance without addresses */
	fprintf(f, "\tvrrp_version 2\n\tscript_user root\n}\n");
	fprintf(f, "vrrp_instance sfw_rg1 {\n\tstate BACKUP\n\tnopreempt\n");
	fprintf(f, "\tinterface %s\n\tvirtual_router_id %u\n\tpriority %u\n",
		c->vip[0].ifname, c->cluster_id, c->priority[c->node]);
	fprintf(f, "\tadvert_int %u\n", (c->heartbeat_ms + 500) / 1000);
	fprintf(f, "\ttrack_interface {\n");
	for (int i = 0; i < c->n_vip; i++) {
		bool seen = false;

		for (int j = 0; j < i; j++)
			seen |= !strcmp(c->vip[j].ifname, c->vip[i].ifname);
		if (!seen)
			fprintf(f, "\t\t%s\n", c->vip[i].ifname);
	}
	fprintf(f, "\t}\n");
	fprintf(f, "\t# no virtual_ipaddress: the hook moves the addresses once sfw holds\n"
		"\t# the sessions (docs/ha.md, \"The race\")\n");
	notify_line(f, c, "notify_master", "primary");
	notify_line(f, c, "notify_backup", "secondary");
	notify_line(f, c, "notify_fault", "fault");
	notify_line(f, c, "notify_stop", "stop");
	fprintf(f, "}\n");
}
