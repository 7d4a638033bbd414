/* The client — firewall — server topology of tests/e2e/lib.sh, built
 * inside the benchmark sandbox (bench/sandbox.h): `ip netns add` there
 * mounts into the sandbox's private mount namespace, so the namespaces,
 * their sysctls and sfw's pins on the private bpffs vanish with the
 * sandbox however it ends.
 *
 *   cli veth0 198.51.100.2 <-> fw veth0 198.51.100.1
 *                              fw veth1 203.0.113.1 <-> srv veth0 203.0.113.2
 *
 * MAC addresses are fixed so that generated frames can carry them. Every
 * veth has GRO on: a frame sent into a veth by XDP (XDP_TX, a redirect) is
 * received by its peer's NAPI, which runs only with GRO or an XDP program
 * there. TX checksum offload is off: a redirected frame loses the
 * sk_buff's "checksum to be completed" mark.
 *
 * topo_up(2) gives the client — firewall veths two queues: veth receives
 * a frame on the queue of the CPU that sent it, each queue with its own
 * NAPI, so generators on two CPUs get the firewall's work done on two
 * CPUs, as RSS spreads a NIC's flows over CPUs (bench/forwarding.c's
 * scaling rates). The firewall — server pair keeps one queue: the
 * receiving end only counts and drops. topo_down() removes it all. */
#ifndef SFW_BENCH_TOPO_H
#define SFW_BENCH_TOPO_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOPO_CLI "sfwb-cli"
#define TOPO_FW "sfwb-fw"
#define TOPO_SRV "sfwb-srv"
#define TOPO_MAC_CLI "02:00:00:5f:00:01"
#define TOPO_MAC_FW0 "02:00:00:5f:00:02"
#define TOPO_MAC_FW1 "02:00:00:5f:00:03"
#define TOPO_MAC_SRV "02:00:00:5f:00:04"

/* Runs a shell command (printf-style); its output goes to stderr only on
 * failure. Returns its exit status. */
__attribute__((format(printf, 1, 2))) static inline int topo_sh(const char *fmt, ...)
{
	char cmd[1024], full[1200], out[64];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(out, sizeof(out), "/tmp/sfwb-sh-%d.out", (int)getpid());
	snprintf(full, sizeof(full), "(%s) >%s 2>&1", cmd, out);
	rc = system(full);
	if (rc) {
		fprintf(stderr, "bench: failed (%d): %s\n", rc, cmd);
		snprintf(full, sizeof(full), "cat %s >&2", out);
		if (system(full))
			fprintf(stderr, "bench: (no output)\n");
	}
	unlink(out);
	return rc;
}

/* Moves this (single-threaded) process into namespace `ns`. */
static inline int topo_enter(const char *ns)
{
	char path[128];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return err;
}

static inline __u32 topo_ifindex(const char *ns, const char *ifname)
{
	return topo_enter(ns) ? 0 : if_nametoindex(ifname);
}

static inline int topo_down(void)
{
	return topo_sh("ip netns del " TOPO_CLI " && ip netns del " TOPO_FW " && ip netns del "
		       TOPO_SRV);
}

static inline int topo_up(int queues)
{
	static const char *const cmds[] = {
		"ip netns add " TOPO_CLI " && ip netns add " TOPO_FW " && ip netns add " TOPO_SRV,
		"ip -n " TOPO_FW " link add veth0 numtxqueues $Q numrxqueues $Q address " TOPO_MAC_FW0
		" type veth peer name veth0 numtxqueues $Q numrxqueues $Q address " TOPO_MAC_CLI
		" netns " TOPO_CLI,
		"ip -n " TOPO_FW " link add veth1 address " TOPO_MAC_FW1 " type veth peer name veth0 "
		"address " TOPO_MAC_SRV " netns " TOPO_SRV,
		"ip -n " TOPO_CLI " addr add 198.51.100.2/24 dev veth0",
		"ip -n " TOPO_FW " addr add 198.51.100.1/24 dev veth0",
		"ip -n " TOPO_FW " addr add 203.0.113.1/24 dev veth1",
		"ip -n " TOPO_SRV " addr add 203.0.113.2/24 dev veth0",
		"for n in " TOPO_CLI " " TOPO_FW " " TOPO_SRV "; do ip -n $n link set lo up; done",
		"ip -n " TOPO_CLI " link set veth0 up && ip -n " TOPO_SRV " link set veth0 up",
		"ip -n " TOPO_FW " link set veth0 up && ip -n " TOPO_FW " link set veth1 up",
		"ip -n " TOPO_CLI " route add default via 198.51.100.1",
		"ip -n " TOPO_SRV " route add default via 203.0.113.1",
		"nsenter --net=/run/netns/" TOPO_FW " sysctl -qw net.ipv4.ip_forward=1",
		"for n in " TOPO_CLI " " TOPO_SRV "; do nsenter --net=/run/netns/$n "
		"ethtool -K veth0 gro on tx off; done",
		"nsenter --net=/run/netns/" TOPO_FW " ethtool -K veth0 gro on tx off",
		"nsenter --net=/run/netns/" TOPO_FW " ethtool -K veth1 gro on tx off",
		/* neighbours resolved before any measurement */
		"nsenter --net=/run/netns/" TOPO_CLI " ping -c 2 -i 0.2 -q 203.0.113.2",
	};

	static int mounted;

	/* the namespace files too stay in the sandbox's mount namespace */
	if (!mounted && topo_sh("mkdir -p /run/netns && mount -t tmpfs -o mode=0755 sfwb /run/netns"))
		return -1;
	mounted = 1;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (topo_sh("Q=%d; %s", queues, cmds[i]))
			return -1;
	return 0;
}

#endif
