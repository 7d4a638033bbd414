/* The cluster mirror's ring (docs/ha.md): while SFW_CFG_F_SYNC is set,
 * every session's create, TCP state change and close reaches it, whoever
 * ended the session (the datapath or the reaper), and nothing else does:
 * no event per packet, no TCP handshake state, nothing while unset, and
 * never at the cost of the log's or the monitor's events. */
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tcp_conn.h"
#include "commit.h"
#include "events.h"
#include "maps.h"
#include "reap.h"

TestSuite(sync, .init = suite_setup, .fini = suite_teardown);

#define MAX_EV 32

struct evs {
	struct sfw_event e[MAX_EV];
	int n;
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct evs *ev = ctx;

	cr_assert_eq(len, sizeof(struct sfw_event));
	cr_assert_lt(ev->n, MAX_EV);
	memcpy(&ev->e[ev->n++], data, sizeof(struct sfw_event));
	return 0;
}

static struct evs drain(const char *ring)
{
	struct evs ev = { .n = 0 };
	struct ring_buffer *rb = ring_buffer__new(fx_map_fd(false, ring), on_event, &ev, NULL);

	cr_assert_not_null(rb, "cannot open ring %s", ring);
	cr_assert_geq(ring_buffer__consume(rb), 0);
	ring_buffer__free(rb);
	return ev;
}

#define SYNC_RING SFW_STR(SFW_MAP_SYNC_EVENTS)
#define LOG_RING SFW_STR(SFW_MAP_EVENTS)
#define MON_RING SFW_STR(SFW_MAP_MON_EVENTS)

static void set_flags(__u32 add)
{
	struct sfw_config cfg;

	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags | add), 0);
}

static void assert_ev(const struct sfw_event *e, __u8 type, __u8 tcp_state, __u64 id)
{
	cr_assert_eq(e->type, type, "event type %u, want %u", e->type, type);
	cr_assert_eq(e->sess.tcp_state, tcp_state, "TCP state %u, want %u", e->sess.tcp_state,
		     tcp_state);
	cr_assert_eq(e->sess.id, id);
	cr_assert(e->flags & SFW_EV_F_SYNC);
}

Test(sync, nothing_unless_primary)
{
	struct conn k;
	struct pb_spec u = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 5000, .dport = 53 };

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	cr_assert_eq(drain(SYNC_RING).n, 0);
}

/* A connection's life in the ring: established (not its handshake), each
 * state change once, no data segment, and the reaper's close. */
Test(sync, tcp_established_state_changes_and_close)
{
	struct sfw_reaper *r = NULL;
	struct sfw_reap_entry ent = { 0 };
	struct sfw_session s;
	struct conn k;
	struct evs ev;

	set_flags(SFW_CFG_F_SYNC);
	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(drain(SYNC_RING).n, 0, "the handshake is not mirrored");
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	for (int i = 0; i < 10; i++) {
		cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
		cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	}
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	s = conn_session(&k);
	cr_assert_eq(sfw_reaper_open_fds(&r, fx_map_fd_dup, NULL), 0);
	fx_key(&k.c, &ent.key);
	ent.id = s.id;
	cr_assert_eq(sfw_reaper_run(r, &ent, 1, SFW_CLOSE_CLEAR, false), 1);
	sfw_reaper_close(r);
	ev = drain(SYNC_RING);
	cr_assert_eq(ev.n, 5, "established, FIN_WAIT, CLOSE_WAIT, TIME_WAIT, close: %d", ev.n);
	assert_ev(&ev.e[0], SFW_EV_UPDATE, SFW_TCP_ESTABLISHED, s.id);
	assert_ev(&ev.e[1], SFW_EV_UPDATE, SFW_TCP_FIN_WAIT, s.id);
	assert_ev(&ev.e[2], SFW_EV_UPDATE, SFW_TCP_CLOSE_WAIT, s.id);
	assert_ev(&ev.e[3], SFW_EV_UPDATE, SFW_TCP_TIME_WAIT, s.id);
	assert_ev(&ev.e[4], SFW_EV_CLOSE, SFW_TCP_TIME_WAIT, s.id);
	cr_assert_eq(ev.e[4].reason, SFW_CLOSE_CLEAR);
	cr_assert_eq(drain(LOG_RING).n, 0, "the log asked for nothing");
}

/* UDP and ICMP are mirrored from their first packet; a RST is a state
 * change; an expired session a new one replaces closes first. */
Test(sync, udp_icmp_rst_and_replaced)
{
	struct pb_spec u = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 5000, .dport = 53 };
	struct pb_spec ping = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_ICMP6,
				.icmp_type = 128, .icmp_id = 7 };
	struct sfw_session s1, s2;
	struct conn k;
	struct evs ev;

	set_flags(SFW_CFG_F_SYNC);
	cr_assert_eq(fx_set_timeout(SFW_TO_UDP, 5), 0);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	GET_SESSION(&u, &s1);
	cr_assert_eq(fx_xdp(&ping), FX_XDP_PASS);
	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(srv(&k, RST, 0), FX_XDP_PASS);
	cr_assert_eq(fx_age(&u, 6), 0);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	GET_SESSION(&u, &s2);
	ev = drain(SYNC_RING);
	cr_assert_eq(ev.n, 6, "got %d", ev.n);
	assert_ev(&ev.e[0], SFW_EV_CREATE, 0, s1.id);
	cr_assert_eq(ev.e[1].type, SFW_EV_CREATE);
	cr_assert_eq(ev.e[1].key.proto, SFW_IPPROTO_ICMP6);
	assert_ev(&ev.e[2], SFW_EV_UPDATE, SFW_TCP_ESTABLISHED, conn_session(&k).id);
	assert_ev(&ev.e[3], SFW_EV_UPDATE, SFW_TCP_CLOSED, conn_session(&k).id);
	assert_ev(&ev.e[4], SFW_EV_CLOSE, 0, s1.id);
	cr_assert_eq(ev.e[4].reason, SFW_CLOSE_IDLE);
	assert_ev(&ev.e[5], SFW_EV_CREATE, 0, s2.id);
}

/* Logged and watched sessions reach all three rings from one fill. */
Test(sync, beside_log_and_monitor)
{
	struct pb_spec u = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 5000, .dport = 53 };
	struct evs log, mon, sync;

	set_flags(SFW_CFG_F_SYNC | SFW_CFG_F_LOG_SESSIONS | SFW_CFG_F_MONITOR);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	log = drain(LOG_RING);
	mon = drain(MON_RING);
	sync = drain(SYNC_RING);
	cr_assert_eq(log.n, 1);
	cr_assert_eq(mon.n, 1);
	cr_assert_eq(sync.n, 1);
	cr_assert_eq(memcmp(&log.e[0], &sync.e[0], sizeof(sync.e[0])), 0, "the same event");
}

/* The role is the cluster's, not the configuration's: a commit keeps it. */
Test(sync, commit_keeps_the_primary_role)
{
	struct sfw_config cfg;

	set_flags(SFW_CFG_F_SYNC);
	commit("set security policies default-policy deny-all\n");
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert(cfg.flags & SFW_CFG_F_SYNC, "flags 0x%x", cfg.flags);
	cr_assert_eq(cfg.default_policy, SFW_POLICY_DENY_ALL, "the commit took effect");
}
