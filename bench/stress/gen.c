/* The stress scenarios' traffic, for their shell scripts: live frames
 * from bench/stress/stressgen.bpf.c sent out of an interface of the
 * namespace it runs in (XDP_TX into a veth: its peer receives them), or a
 * sink that counts the generator's UDP frames where they land.
 *
 *   gen syn|udp|udp-new IFNAME DMAC SRC DST DPORT [count=N] [seconds=S]
 *       [rate=PPS] [flows=N] [seed=N] [first=N]
 *   gen sink IFNAME FILE
 *
 * The senders stop after `count` frames, after `seconds`, or on SIGTERM,
 * whichever comes first, and print "sent N" (frames generated). `rate`
 * paces them in batches (0: as fast as the machine goes). `first` starts
 * the frame numbers there (udp-new: so that a second run's tuples are new
 * too). The sink attaches in native mode, writes its count to FILE every
 * 100 ms and once more when stopped (SIGTERM), then detaches. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include "stress.h"
#include "pktbuild.h"
#include "protocols.h"
#include "net_consts.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct opts {
	unsigned long long count, rate, flows, seed, first;
	double seconds;
};

static int parse_kv(int argc, char **argv, struct opts *o)
{
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			return fprintf(stderr, "gen: %s: expected key=value\n", argv[i]), -1;
		*eq++ = '\0';
		if (!strcmp(argv[i], "count"))
			o->count = strtoull(eq, NULL, 0);
		else if (!strcmp(argv[i], "rate"))
			o->rate = strtoull(eq, NULL, 0);
		else if (!strcmp(argv[i], "flows"))
			o->flows = strtoull(eq, NULL, 0);
		else if (!strcmp(argv[i], "seed"))
			o->seed = strtoull(eq, NULL, 0);
		else if (!strcmp(argv[i], "first"))
			o->first = strtoull(eq, NULL, 0);
		else if (!strcmp(argv[i], "seconds"))
			o->seconds = strtod(eq, NULL);
		else
			return fprintf(stderr, "gen: unknown option %s\n", argv[i]), -1;
	}
	return 0;
}

/* Through an ioctl: sysfs shows the namespace it was mounted in, not
 * the one nsenter --net put us in. */
static int read_mac(const char *ifname, __u8 *mac)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

/* The template: Ethernet (our MAC to dmac), IPv4, a SYN or UDP to the
 * sink port, padded to SG_HDR_MAX. */
static int template(struct stressgen *g, const char *mode, const char *ifname, const char *dmac,
		    const char *src, const char *dst, int dport)
{
	bool syn = !strcmp(mode, "syn");
	struct pb_spec s = { .src = src, .dst = dst, .sport = 10000, .dport = (__u16)dport,
			     .proto = syn ? SFW_IPPROTO_TCP : SFW_IPPROTO_UDP,
			     .tcp_flags = syn ? SFW_TCP_SYN : 0, .seq = 1, .ip_id = SG_IP_ID,
			     .payload = syn ? 0 : 18 };
	struct pb_pkt p;
	__u8 mac[6];

	if (pb_build(&s, &p) || p.len > SG_HDR_MAX || read_mac(ifname, mac))
		return -EINVAL;
	if (sscanf(dmac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &p.data[0], &p.data[1], &p.data[2],
		   &p.data[3], &p.data[4], &p.data[5]) != 6)
		return -EINVAL;
	memcpy(p.data + 6, mac, 6);
	memset(g->bss->sg_hdr, 0, SG_HDR_MAX);
	memcpy(g->bss->sg_hdr, p.data, p.len);
	g->bss->sg_hdr_len = p.len;
	g->bss->sg_mode = syn ? SG_MODE_SYN : !strcmp(mode, "udp") ? SG_MODE_UDP
					      : SG_MODE_UDP_NEW;
	return 0;
}

static int send_frames(struct stressgen *g, __u32 ifindex, const struct opts *o)
{
	int fd = bpf_program__fd(g->progs.sg_tx);
	/* a live-frames run sets up its page pool each time: batches of 20 ms */
	__u64 batch = o->rate ? (o->rate / 50 > 64 ? o->rate / 50 : 64) : 4096, sent = 0;
	double t0 = st_now(), next = t0;

	while (!stop && (!o->count || sent < o->count) &&
	       (o->seconds <= 0 || st_now() - t0 < o->seconds)) {
		__u64 n = o->count && o->count - sent < batch ? o->count - sent : batch;
		int err = st_gen_run(fd, ifindex, g->bss->sg_hdr, SG_HDR_MAX, (__u32)n);

		if (err == -EINTR && stop)
			break;   /* the frames it did send are in the counter */
		if (err)
			return fprintf(stderr, "gen: live frames: %s\n", strerror(-err)), -1;
		sent += n;
		if (o->rate) {
			next += (double)n / (double)o->rate;
			while (!stop && st_now() < next)
				usleep(1000);
		}
	}
	printf("sent %llu\n", (unsigned long long)st_gen_count(g, SG_CNT_FRAMES));
	return 0;
}

static void write_count(struct stressgen *g, const char *path)
{
	char tmp[512];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%llu\n", (unsigned long long)st_gen_count(g, SG_CNT_SINK));
	fclose(f);
	rename(tmp, path);
}

static int sink(struct stressgen *g, const char *ifname, const char *path)
{
	__u32 ifindex = if_nametoindex(ifname);
	int err;

	if (!ifindex)
		return fprintf(stderr, "gen: no interface %s\n", ifname), 1;
	err = bpf_xdp_attach(ifindex, bpf_program__fd(g->progs.sg_sink), XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		return fprintf(stderr, "gen: sink on %s: %s\n", ifname, strerror(-err)), 1;
	while (!stop) {
		write_count(g, path);
		usleep(100000);
	}
	write_count(g, path);
	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct opts o = { .flows = 64, .seed = 1 };
	struct stressgen *g;
	__u32 ifindex;
	int rc;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (argc == 4 && !strcmp(argv[1], "sink")) {
		g = stressgen__open_and_load();
		rc = g ? sink(g, argv[2], argv[3]) : 1;
		stressgen__destroy(g);
		return rc;
	}
	if (argc < 7 || parse_kv(argc - 7, argv + 7, &o))
		return fprintf(stderr, "usage: gen syn|udp|udp-new IFNAME DMAC SRC DST DPORT "
			       "[count=N] [seconds=S] [rate=PPS] [flows=N] [seed=N] [first=N]\n"
			       "       gen sink IFNAME FILE\n"), 2;
	ifindex = if_nametoindex(argv[2]);
	g = stressgen__open_and_load();
	if (!ifindex || !g)
		return fprintf(stderr, "gen: no interface %s, or cannot load\n", argv[2]), 1;
	if (template(g, argv[1], argv[2], argv[3], argv[4], argv[5], atoi(argv[6])))
		return fprintf(stderr, "gen: bad mode, MAC or address\n"), 2;
	g->bss->sg_seed = o.seed;
	g->bss->sg_flows = (__u32)o.flows;
	g->bss->sg_next = o.first;
	rc = send_frames(g, ifindex, &o) ? 1 : 0;
	stressgen__destroy(g);
	return rc;
}
