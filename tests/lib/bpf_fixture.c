/* BPF test fixture; see bpf_fixture.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "iface.h"
#include "loader.h"
#include "maps.h"
#include "net_consts.h"
#include "protocols.h"
#include "bpf_fixture.h"

#define FX_BPFFS "/sys/fs/bpf"

static struct {
	struct sfw_progs *p;
	char pin_dir[64];
	int xdp_fd, tc_fd;
	int sessions_fd, config_fd, stats_fd, ifaces_fd, slots_fd;
	__u32 next_slot;   /* counter slots given out (include/iface.h) */
	/* the daemon's part for XDP forwarding's route cache: the namespace's
	 * rtnetlink changes, read before every XDP run (fx_fib_follow) */
	int fib_nl_fd, fib_gen_fd;
	bool fib_stopped;
} fx;

/* What `sfw daemon` does as a route, neighbour or link changes
 * (loader/fib_gen.c), done before each XDP run: the changes a test made
 * are in the socket by then (rtnetlink notifies in the changing call). */
static void fx_fib_follow(void)
{
	if (!fx.fib_stopped && fx.fib_nl_fd > 0)
		sfw_fib_watch_read(fx.fib_nl_fd, fx.fib_gen_fd);
}

void fx_fib_watch_stop(bool stopped)
{
	fx.fib_stopped = stopped;
}

/* libbpf's messages: warnings always (a passing test prints none, and
 * scripts/run-tests.sh holds it to that); its info lines, the verifier's
 * log among them, only when the load fails, which they then explain;
 * debug chatter never. */
static struct {
	char buf[32768];
	size_t len;
	bool loading;
} fx_log;

static int fx_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t room = sizeof(fx_log.buf) - fx_log.len;
	int n;

	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	if (level != LIBBPF_INFO || !fx_log.loading || room <= 1)
		return 0;
	n = vsnprintf(fx_log.buf + fx_log.len, room, fmt, ap);
	if (n > 0)
		fx_log.len += (size_t)n < room ? (size_t)n : room - 1;
	return n;
}

static int fx_mount_bpffs(void)
{
	struct statfs st;

	if (statfs(FX_BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", FX_BPFFS, "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

/* The loader's pin root is the fixture's own directory while it loads
 * (SFW_PIN_ROOT, put back after), so tests never meet a real sfw's maps. */
static int fx_with_root(int (*fn)(void))
{
	const char *old = getenv("SFW_PIN_ROOT");
	char *saved = old ? strdup(old) : NULL;
	int err;

	if (old && !saved)
		return -ENOMEM;
	setenv("SFW_PIN_ROOT", fx.pin_dir, 1);
	err = fn();
	if (saved)
		setenv("SFW_PIN_ROOT", saved, 1);
	else
		unsetenv("SFW_PIN_ROOT");
	free(saved);
	return err;
}

static int fx_remove_pins(void)
{
	sfw_remove_pins();
	return 0;
}

/* The pins only let the second object find the first one's maps; once
 * both are loaded the fds keep the maps alive, so the pins go at once and
 * a crashing test leaves nothing behind in bpffs. */
static void fx_unpin(void)
{
	if (!fx.pin_dir[0])
		return;
	fx_with_root(fx_remove_pins);
	rmdir(fx.pin_dir);
	fx.pin_dir[0] = '\0';
}

/* The loader's own load (loader/progs.c): the same objects, map sizes and
 * config defaults as an attach, on a table of FX_MAX_SESSIONS. */
static int fx_load_progs(void)
{
	struct sfw_attach_opts o = { .max_sessions = FX_MAX_SESSIONS };
	return sfw_progs_load(&fx.p, &o, NULL);
}

static int fx_load(void)
{
	return fx_with_root(fx_load_progs);
}

static int fx_init_maps(void)
{
	struct sfw_config cfg;
	__u32 key = 0;

	fx.xdp_fd = sfw_progs_prog_fd(fx.p, SFW_PROG_XDP);
	fx.tc_fd = sfw_progs_prog_fd(fx.p, SFW_PROG_TC);
	fx.sessions_fd = fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS));
	fx.config_fd = fx_map_fd(false, SFW_STR(SFW_MAP_CONFIG));
	fx.stats_fd = fx_map_fd(false, SFW_STR(SFW_MAP_IFACE_STATS));
	fx.ifaces_fd = fx_map_fd(false, SFW_STR(SFW_MAP_IFACES));
	fx.slots_fd = fx_map_fd(false, SFW_STR(SFW_MAP_IFACE_SLOTS));
	fx.next_slot = 0;
	sfw_config_defaults(&cfg);   /* the loader's, so tests see what a real load sees */
	if (bpf_map_update_elem(fx.config_fd, &key, &cfg, BPF_ANY))
		return -errno;
	return fx_add_counters(FX_IFINDEX);
}

int fx_setup(void)
{
	int err;

	libbpf_set_print(fx_libbpf_print);
	if (unshare(CLONE_NEWNET))
		return -errno;
	err = fx_mount_bpffs();
	if (err)
		return err;
	snprintf(fx.pin_dir, sizeof(fx.pin_dir), FX_BPFFS "/sfw-test-%d", (int)getpid());
	if (mkdir(fx.pin_dir, 0700) && errno != EEXIST)
		return -errno;
	/* pids come round (pid_max is often 32768) and a process killed
	 * between its load and its unpin leaves its pins: libbpf would reuse
	 * them, and fail on another build's layout ("parameter mismatch") */
	fx_with_root(fx_remove_pins);
	fx_log.len = 0;
	fx_log.buf[0] = '\0';
	fx_log.loading = true;
	err = fx_load();
	fx_log.loading = false;
	fx_unpin();
	if (err) {
		fputs(fx_log.buf, stderr);
		fprintf(stderr, "fx_setup: %s\n", sfw_last_error());
		return err;
	}
	fx.fib_nl_fd = sfw_fib_watch_open();
	fx.fib_gen_fd = sfw_progs_map_fd(fx.p, SFW_PROG_XDP, "sfw_fib_gen");
	if (fx.fib_nl_fd < 0)
		return fx.fib_nl_fd;
	return fx_init_maps();
}

void fx_teardown(void)
{
	fx_unpin();
	if (fx.fib_nl_fd > 0)
		close(fx.fib_nl_fd);
	sfw_progs_close(fx.p);
	memset(&fx, 0, sizeof(fx));
}

int fx_xdp_frame(const void *data, __u32 len)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = FX_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));
	int err;

	fx_fib_follow();
	err = bpf_prog_test_run_opts(fx.xdp_fd, &o);
	return err < 0 ? err : (int)o.retval;
}

int fx_xdp(const struct pb_spec *s)
{
	struct pb_pkt p;
	int err = pb_build(s, &p);

	return err ? err : fx_xdp_frame(p.data, p.len);
}

int fx_xdp_repeat(int prog_fd, const struct pb_pkt *p, __u32 repeat, __u32 *ns_per_run)
{
	struct xdp_md ctx = { .data_end = p->len, .ingress_ifindex = FX_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->data, .data_size_in = p->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat);
	int err = bpf_prog_test_run_opts(prog_fd, &o);

	if (err < 0)
		return err;
	*ns_per_run = o.duration;
	return (int)o.retval;
}

int fx_tc_frame(const void *data, __u32 len, const struct fx_tc_opts *o)
{
	struct __sk_buff skb = { .ifindex = FX_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = data, .data_size_in = len,
		    .ctx_in = &skb, .ctx_size_in = sizeof(skb));
	int err;

	if (o) {
		skb.ingress_ifindex = o->ingress_ifindex;
		skb.gso_segs = o->gso_segs;
		skb.gso_size = o->gso_size;
	}
	err = bpf_prog_test_run_opts(fx.tc_fd, &t);
	return err < 0 ? err : (int)t.retval;
}

int fx_tc(const struct pb_spec *s, const struct fx_tc_opts *o)
{
	struct pb_pkt p;
	int err = pb_build(s, &p);

	return err ? err : fx_tc_frame(p.data, p.len, o);
}

/* The ports a flow is keyed on: ICMP echo by identifier, on the
 * requester's side; protocols without ports by addresses alone. */
static void fx_ports(const struct pb_spec *s, __be16 *sport, __be16 *dport)
{
	bool v6 = pb_is_v6(s);
	__u8 req = v6 ? SFW_ICMPV6_ECHO_REQUEST : SFW_ICMP_ECHO;
	__u8 rep = v6 ? SFW_ICMPV6_ECHO_REPLY : SFW_ICMP_ECHOREPLY;

	*sport = *dport = 0;
	switch (s->proto) {
	case SFW_IPPROTO_TCP:
	case SFW_IPPROTO_UDP:
	case SFW_IPPROTO_SCTP:
		*sport = htons(s->sport);
		*dport = htons(s->dport);
		break;
	case SFW_IPPROTO_ICMP:
	case SFW_IPPROTO_ICMP6:
		if (s->icmp_type == req)
			*sport = htons(s->icmp_id);
		else if (s->icmp_type == rep)
			*dport = htons(s->icmp_id);
		break;
	}
}

bool fx_key(const struct pb_spec *s, struct sfw_session_key *k)
{
	union sfw_addr src = {0}, dst = {0};
	__be16 sport, dport;
	bool v6 = pb_is_v6(s), lo = false, decided = false;
	int af = v6 ? AF_INET6 : AF_INET;

	inet_pton(af, s->src, &src);
	inet_pton(af, s->dst, &dst);
	fx_ports(s, &sport, &dport);
	/* the datapath's order: address words as stored, then ports */
	for (int i = 0; i < 4 && !decided; i++) {
		if (src.v6[i] != dst.v6[i]) {
			lo = src.v6[i] < dst.v6[i];
			decided = true;
		}
	}
	if (!decided)
		lo = sport <= dport;
	memset(k, 0, sizeof(*k));
	k->addr_lo = lo ? src : dst;
	k->addr_hi = lo ? dst : src;
	k->port_lo = lo ? sport : dport;
	k->port_hi = lo ? dport : sport;
	k->proto = s->proto;
	k->family = v6 ? SFW_FAMILY_INET6 : SFW_FAMILY_INET;
	return lo;
}

int fx_session(const struct pb_spec *s, struct sfw_session *out)
{
	struct sfw_session_key k;

	fx_key(s, &k);
	return bpf_map_lookup_elem(fx.sessions_fd, &k, out) ? -errno : 0;
}

int fx_session_count(void)
{
	struct sfw_session_key k, next;
	int n = 0;

	for (void *prev = NULL; !bpf_map_get_next_key(fx.sessions_fd, prev, &next); prev = &k) {
		k = next;
		n++;
	}
	return n;
}

int fx_age(const struct pb_spec *s, __s64 secs)
{
	struct sfw_session_key k;
	struct sfw_session v;
	fx_key(s, &k);
	if (bpf_map_lookup_elem(fx.sessions_fd, &k, &v))
		return -errno;
	/* timestamps are CLOCK_MONOTONIC and cannot go back before boot: on
	 * a machine up for less than secs (a fresh one, where the README's
	 * test command runs), the session goes back as far as it can in
	 * seconds short of secs, and its timeout shrinks by those seconds,
	 * which expires it (or not) exactly alike */
	if (secs > 0 && (__s64)v.last_seen_s < secs) {
		__s64 k_s = secs - (__s64)v.last_seen_s;

		secs -= k_s;
		v.timeout_s = (__s64)v.timeout_s > k_s ? v.timeout_s - (__u32)k_s : 0;
	}
	v.last_seen_s -= (__u32)secs;
	/* the creation time: the session's duration, and how old a TCP
	 * handshake's first attempt is (bpf/tcp_state.bpf.h
	 * SFW_TCP_REATTEMPT_S) */
	v.created_s = (__s64)v.created_s > secs ? v.created_s - (__u32)secs : 0;
	return bpf_map_update_elem(fx.sessions_fd, &k, &v, BPF_EXIST) ? -errno : 0;
}

__u64 fx_counter(enum sfw_counter id)
{
	return fx_counter_at(FX_IFINDEX, id);
}

static __u32 fx_slot(__u32 ifindex)
{
	__u32 slot = 0;

	if (ifindex >= SFW_IFINDEX_DIRECT)
		return sfw_iface_slot_of(fx.ifaces_fd, ifindex);
	return bpf_map_lookup_elem(fx.slots_fd, &ifindex, &slot) ? 0 : slot;
}

__u64 fx_counter_at(__u32 ifindex, enum sfw_counter id)
{
	struct sfw_iface_stats st;

	if (fx_counters(ifindex, &st))
		return ~0ULL;   /* no test expects this many */
	return st.c[id];
}

int fx_counters(__u32 ifindex, struct sfw_iface_stats *out)
{
	return sfw_iface_counters_read(fx.stats_fd, fx_slot(ifindex), out);
}

int fx_config(struct sfw_config *cfg)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(fx.config_fd, &key, cfg) ? -errno : 0;
}

int fx_set_config(const struct sfw_config *cfg)
{
	__u32 key = 0;

	return bpf_map_update_elem(fx.config_fd, &key, cfg, BPF_ANY) ? -errno : 0;
}

int fx_set_timeout(enum sfw_timeout_class cls, __u32 secs)
{
	struct sfw_config cfg;
	int err = fx_config(&cfg);

	if (err)
		return err;
	cfg.timeout_s[cls] = secs;
	return fx_set_config(&cfg);
}

int fx_set_policy(enum sfw_default_policy policy)
{
	struct sfw_config cfg;
	int err = fx_config(&cfg);

	if (err)
		return err;
	cfg.default_policy = policy;
	return fx_set_config(&cfg);
}

int fx_set_flags(__u32 flags)
{
	struct sfw_config cfg;
	int err = fx_config(&cfg);

	if (err)
		return err;
	cfg.flags = flags;
	return fx_set_config(&cfg);
}

int fx_mark_attached(__u32 ifindex)
{
	struct sfw_iface_key k = { .ifindex = ifindex };
	struct sfw_iface_info info = { .name = "test0", .xdp_mode = SFW_XDP_MODE_GENERIC };

	return bpf_map_update_elem(fx.ifaces_fd, &k, &info, BPF_ANY) ? -errno : 0;
}

struct bpf_object *fx_xdp_obj(void)
{
	return sfw_progs_obj(fx.p, SFW_PROG_XDP);
}

struct bpf_object *fx_tc_obj(void)
{
	return sfw_progs_obj(fx.p, SFW_PROG_TC);
}

int fx_xdp_prog_fd(void)
{
	return fx.xdp_fd;
}

int fx_tc_prog_fd(void)
{
	return fx.tc_fd;
}

int fx_map_fd(bool tc, const char *name)
{
	return sfw_progs_map_fd(fx.p, tc ? SFW_PROG_TC : SFW_PROG_XDP, name);
}

int fx_map_fd_dup(const char *name, void *arg)
{
	int fd = fx_map_fd(false, name);

	(void)arg;
	return fd < 0 ? fd : dup(fd);
}

int fx_local_addrs_sync(void)
{
	/* as the session daemon follows (its order: the generation the watch
	 * wrote before the sync, then again after it) */
	return sfw_local_addrs_follow(fx_map_fd(true, SFW_STR(SFW_MAP_LOCAL_ADDRS)),
				      fx.fib_gen_fd > 0 ? fx.fib_gen_fd : -1);
}

int fx_host_ports_sync(void)
{
	return sfw_host_ports_sync(fx_map_fd(false, SFW_STR(SFW_MAP_HOST_PORTS)));
}

int fx_xdp_frame_at(__u32 ifindex, const void *data, __u32 len, void *out, __u32 *out_len)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = len,
		    .data_out = out, .data_size_out = PB_MAX, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx));
	int err;

	fx_fib_follow();
	err = bpf_prog_test_run_opts(fx.xdp_fd, &o);
	*out_len = o.data_size_out;
	return err < 0 ? err : (int)o.retval;
}

/* An interface index past the direct array has its slot in its sfw_ifaces
 * entry only, as the loader registers it. */
int fx_add_counters(__u32 ifindex)
{
	struct sfw_iface_key k = { .ifindex = ifindex };
	struct sfw_iface_info info = { .name = "test1", .xdp_mode = SFW_XDP_MODE_GENERIC };
	__u32 slot = fx_slot(ifindex);
	int err;

	/* an interface with counters already keeps its slot, zeroed */
	if (!slot)
		slot = ++fx.next_slot;
	if (ifindex < SFW_IFINDEX_DIRECT)
		return sfw_iface_counters_bind(fx.slots_fd, fx.stats_fd, ifindex, slot);
	err = sfw_iface_counters_zero(fx.stats_fd, slot);
	info.slot = slot;
	if (!err && bpf_map_update_elem(fx.ifaces_fd, &k, &info, BPF_ANY))
		err = -errno;
	return err;
}
