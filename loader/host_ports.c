/* The ports source NAT leaves to the host (include/host_ports.h), read
 * over sock_diag in the network namespace the caller runs in (the
 * programs', as for loader/local_addrs.c): the sockets XDP's socket lookup
 * cannot find. Two dumps per family: TCP and UDP sockets bound to a
 * device, filtered in the kernel (a busy host's connections bound to none
 * are never copied out), and TCP sockets bound only (TCP_BOUND_INACTIVE,
 * Linux 6.9 on; an older kernel dumps none of them, which leaves N7b as
 * it was). The map is then made to hold exactly those bits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include "libbpf_lazy.h"
#include "loader_int.h"
#include "host_ports.h"
#include "maps.h"
#include "nl_dump.h"

/* include/net/tcp_states.h: not in the UAPI headers */
#define SFW_TCP_BOUND_INACTIVE 13

typedef __u64 host_port_bits[SFW_HOST_PORTS_ENTRIES];

/* "Bound to a device": the kernel's bytecode accepts a socket when a run
 * ends exactly at the end. A socket of no device (ifindex 0) goes on to
 * the jump, whose `no` leaps past the end: refused; any other jumps to
 * the end: accepted. The `yes` of each is the path the kernel's audit
 * follows, which must end there. */
struct bound_filter {   /* each op 4 bytes, the condition's ifindex 4 */
	struct nlattr nla;
	struct inet_diag_bc_op dev;
	__u32 ifindex;
	struct inet_diag_bc_op jmp;
};

static const struct bound_filter bound_filter = {
	.nla = { .nla_len = sizeof(struct bound_filter), .nla_type = INET_DIAG_REQ_BYTECODE },
	.dev = { .code = INET_DIAG_BC_DEV_COND, .yes = 8, .no = 12 },
	.ifindex = 0,
	.jmp = { .code = INET_DIAG_BC_JMP, .yes = 4, .no = 8 },
};

struct diag_req {
	struct nlmsghdr nh;
	struct inet_diag_req_v2 r;
	struct bound_filter bc;
};

struct collecting {
	__u8 proto;
	__u64 *bits;
};

static int collect_one(const struct nlmsghdr *nh, void *arg)
{
	const struct inet_diag_msg *m = NLMSG_DATA(nh);
	const struct collecting *c = arg;
	__u16 port;

	if (nh->nlmsg_type != SOCK_DIAG_BY_FAMILY || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return 0;
	port = ntohs(m->id.idiag_sport);
	c->bits[sfw_host_port_word(c->proto, port)] |= sfw_host_port_bit(port);
	return 0;
}

/* One dump: family and protocol, the TCP states asked (UDP: all), only
 * sockets bound to a device when bound. No handler for IPv6 (IPv6 off)
 * lists none; none for a protocol of IPv4 (a kernel without INET_DIAG or
 * UDP_DIAG) is a failure, said: NAT would skip only what XDP's lookup
 * finds (review rvhp F1). */
static int dump(int fd, __u8 family, __u8 proto, __u32 states, bool bound, __u64 *bits,
		char *buf)
{
	struct diag_req req = {
		.nh = { .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_seq = 1,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = family, .sdiag_protocol = proto, .idiag_states = states },
		.bc = bound_filter,
	};
	struct collecting c = { .proto = proto, .bits = bits };
	size_t len = bound ? sizeof(req) : offsetof(struct diag_req, bc);
	int r;

	req.nh.nlmsg_len = (__u32)len;
	r = sfw_nl_dump(fd, &req, len, buf, collect_one, &c);
	return r == -ENOENT && family == AF_INET6 ? 0 : r;
}

/* Every port the lookup cannot see, both families, into bits (zeroed). */
static int scan(__u64 *bits)
{
	static const __u8 families[] = { AF_INET, AF_INET6 };
	char *buf = malloc(SFW_NL_BUF);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), r = 0;

	memset(bits, 0, sizeof(host_port_bits));
	if (!buf || fd < 0)
		r = !buf ? -ENOMEM : -errno;
	for (size_t i = 0; !r && i < sizeof(families); i++) {
		r = dump(fd, families[i], IPPROTO_TCP, ~0u, true, bits, buf);
		if (!r)
			r = dump(fd, families[i], IPPROTO_UDP, ~0u, true, bits, buf);
		if (!r)
			r = dump(fd, families[i], IPPROTO_TCP, 1u << SFW_TCP_BOUND_INACTIVE, false,
				 bits, buf);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return r;
}

/* The map made to hold bits: read whole in one batch (the daemon does
 * this every second), then only the words that differ written. */
static int apply(int map_fd, const __u64 *bits)
{
	__u32 keys[SFW_HOST_PORTS_ENTRIES];
	__u64 *had = malloc(sizeof(host_port_bits));
	__u32 n = SFW_HOST_PORTS_ENTRIES, out = 0;
	int err = had ? 0 : -ENOMEM;

	if (!err && bpf_map_lookup_batch(map_fd, NULL, &out, keys, had, &n, NULL) &&
	    errno != ENOENT)
		err = -errno;
	if (!err && n != SFW_HOST_PORTS_ENTRIES)
		err = -EPROTO;
	for (__u32 i = 0; !err && i < n; i++)
		if (keys[i] < SFW_HOST_PORTS_ENTRIES && had[i] != bits[keys[i]] &&
		    bpf_map_update_elem(map_fd, &keys[i], &bits[keys[i]], BPF_ANY))
			err = -errno;
	free(had);
	return err;
}

int sfw_host_ports_sync(int map_fd)
{
	__u64 *bits = malloc(sizeof(host_port_bits));
	int fd = map_fd >= 0 ? map_fd : sfw_open_pin(SFW_STR(SFW_MAP_HOST_PORTS), true);
	int err = fd < 0 ? fd : !bits ? -ENOMEM : scan(bits);

	if (!err)
		err = apply(fd, bits);
	free(bits);
	if (fd >= 0 && fd != map_fd)
		close(fd);
	/* none pinned: the programs loaded (an older sfw's, until a reload)
	 * read none either */
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;   /* said why */
	if (err == -ENOENT)
		return sfw_fail(ENOENT, "the kernel lists no sockets of a protocol over sock_diag "
				"(its tcp_diag or udp_diag module): source NAT may give out the "
				"ports of the host's sockets bound to a device");
	return err ? sfw_fail(-err, "cannot list the ports of the host's sockets that source NAT "
			      "must leave alone: %s", strerror(-err)) : 0;
}
