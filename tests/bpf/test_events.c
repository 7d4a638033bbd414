/* Session events: the datapath and the reaper emit CREATE, CLOSE and DENY
 * exactly when a policy's `then log`, the global setting or a watching
 * monitor asks, never per packet, with the right reason and counts; a
 * full ring counts lost events instead of blocking. */
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tcp_conn.h"
#include "commit.h"
#include "conf.h"
#include "events.h"
#include "loader.h"
#include "maps.h"
#include "reap.h"

TestSuite(events, .init = suite_setup, .fini = suite_teardown);

#define MAX_EV 64

struct evs {
	struct sfw_event e[MAX_EV];
	int n;
	int total;
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct evs *ev = ctx;

	cr_assert_eq(len, sizeof(struct sfw_event), "event of %zu bytes", len);
	if (ev->n < MAX_EV)
		memcpy(&ev->e[ev->n++], data, sizeof(struct sfw_event));
	ev->total++;
	return 0;
}

/* Everything waiting in one ring (the log ring, or the monitor's). */
static struct evs drain(const char *ring)
{
	struct evs ev = { .n = 0 };
	struct ring_buffer *rb = ring_buffer__new(fx_map_fd(false, ring), on_event, &ev, NULL);

	cr_assert_not_null(rb, "cannot open ring %s", ring);
	cr_assert_geq(ring_buffer__consume(rb), 0);
	ring_buffer__free(rb);
	return ev;
}

#define LOG_RING SFW_STR(SFW_MAP_EVENTS)
#define MON_RING SFW_STR(SFW_MAP_MON_EVENTS)
#define DENY_RING SFW_STR(SFW_MAP_DENY_EVENTS)

static __u64 lost(enum sfw_ev_ring ring)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 v[ncpu > 0 ? ncpu : 1], sum = 0;
	__u32 key = ring;

	cr_assert_eq(bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_EV_LOST)), &key, v), 0);
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

static struct sfw_reaper *reaper(void)
{
	struct sfw_reaper *r = NULL;

	cr_assert_eq(sfw_reaper_open_fds(&r, fx_map_fd_dup, NULL), 0, "reaper: %s",
		     sfw_last_error());
	return r;
}

/* web (port 80) logs both ends, dns (53) only its close, ssh is denied with logging, telnet denied silently, ping logs
 * its start only. */
static const char *logging_policies =
	"set security policies global policy web match source-address any destination-address any application junos-http\n"
	"set security policies global policy web then permit\n"
	"set security policies global policy web then log session-init session-close\n"
	"set security policies global policy dns match source-address any destination-address any application junos-dns-udp\n"
	"set security policies global policy dns then permit\n"
	"set security policies global policy dns then log session-close\n"
	"set security policies global policy ssh match source-address any destination-address any application junos-ssh\n"
	"set security policies global policy ssh then deny\n"
	"set security policies global policy ssh then log session-init\n"
	"set security policies global policy telnet match source-address any destination-address any application junos-telnet\n"
	"set security policies global policy telnet then deny\n"
	"set security policies global policy ping match source-address any destination-address any application junos-icmp-ping\n"
	"set security policies global policy ping then permit\n"
	"set security policies global policy ping then log session-init\n"
	"set security policies default-policy permit-all\n";

static struct pb_spec udp(__u16 sport, __u16 dport)
{
	return (struct pb_spec){ .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				 .sport = sport, .dport = dport };
}

static void assert_key(const struct sfw_event *e, const struct pb_spec *s)
{
	struct sfw_session_key k;

	fx_key(s, &k);
	cr_assert_eq(memcmp(&e->key, &k, sizeof(k)), 0, "event key differs from the flow's");
}

Test(events, nothing_unless_asked)
{
	struct conn k;
	struct pb_spec u = udp(5000, 5353);

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	cr_assert_eq(drain(LOG_RING).total, 0);
	cr_assert_eq(drain(MON_RING).total, 0);
}

/* CREATE once, after the first packet; established packets add nothing. */
Test(events, create_once_when_policy_logs_init)
{
	struct conn k;
	struct sfw_session s;
	struct evs ev;

	commit(logging_policies);
	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 200), FX_XDP_PASS);
	s = conn_session(&k);
	cr_assert(s.flags & SFW_SESS_F_LOG_CLOSE, "session-close recorded on the session");
	ev = drain(LOG_RING);
	cr_assert_eq(ev.total, 1);
	cr_assert_eq(ev.e[0].type, SFW_EV_CREATE);
	cr_assert_eq(ev.e[0].flags, SFW_EV_F_LOG);
	cr_assert_eq(ev.e[0].sess.id, s.id);
	cr_assert_eq(ev.e[0].sess.policy_id, policy_index(logging_policies, "web"));
	cr_assert_eq(ev.e[0].sess.wing[SFW_WING_IN].packets, 1, "as after the first packet");
	assert_key(&ev.e[0], &k.c);
	cr_assert_eq(drain(MON_RING).total, 0, "no monitor watching");
}

Test(events, close_only_policy_logs_no_create)
{
	struct pb_spec dns = udp(5000, 53), ping = { .src = CLI4, .dst = SRV4,
		.proto = SFW_IPPROTO_ICMP, .icmp_type = 8, .icmp_id = 7 };
	struct sfw_session s;

	commit(logging_policies);
	cr_assert_eq(fx_xdp(&dns), FX_XDP_PASS);
	GET_SESSION(&dns, &s);
	cr_assert(s.flags & SFW_SESS_F_LOG_CLOSE);
	cr_assert_eq(fx_xdp(&ping), FX_XDP_PASS);
	GET_SESSION(&ping, &s);
	cr_assert_not(s.flags & SFW_SESS_F_LOG_CLOSE, "ping logs its start only");
	struct evs ev = drain(LOG_RING);
	cr_assert_eq(ev.total, 1, "only ping's CREATE");
	cr_assert_eq(ev.e[0].type, SFW_EV_CREATE);
	cr_assert_eq(ev.e[0].key.proto, SFW_IPPROTO_ICMP);
}

Test(events, deny_logged_only_by_logging_rule)
{
	struct pb_spec ssh = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
			       .sport = 40000, .dport = 22, .tcp_flags = SFW_TCP_SYN };
	struct pb_spec telnet = ssh;
	struct evs ev;

	telnet.dport = 23;
	commit(logging_policies);
	cr_assert_eq(fx_xdp(&ssh), FX_XDP_DROP);
	cr_assert_eq(fx_xdp(&telnet), FX_XDP_DROP);
	cr_assert_eq(drain(LOG_RING).total, 0, "denies have their own ring");
	ev = drain(DENY_RING);
	cr_assert_eq(ev.total, 1, "the silent deny logs nothing");
	cr_assert_eq(ev.e[0].type, SFW_EV_DENY);
	cr_assert_eq(ev.e[0].sess.id, 0);
	cr_assert_eq(ev.e[0].sess.policy_id, policy_index(logging_policies, "ssh"));
	cr_assert_eq(ev.e[0].sess.wing[SFW_WING_IN].ifindex, FX_IFINDEX);
	cr_assert_eq(ev.e[0].sess.wing[SFW_WING_IN].packets, 1);
	assert_key(&ev.e[0], &ssh);
}

/* The global setting logs every session and deny, default policy too. */
Test(events, global_setting_logs_everything)
{
	struct pb_spec u = udp(5000, 5353);
	struct evs ev;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_LOG_SESSIONS), 0);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
	u.sport = 5001;
	cr_assert_eq(fx_xdp(&u), FX_XDP_DROP);
	ev = drain(LOG_RING);
	cr_assert_eq(ev.total, 1);
	cr_assert_eq(ev.e[0].type, SFW_EV_CREATE);
	ev = drain(DENY_RING);
	cr_assert_eq(ev.total, 1);
	cr_assert_eq(ev.e[0].type, SFW_EV_DENY);
	cr_assert_eq(ev.e[0].sess.policy_id, SFW_POLICY_ID_DEFAULT_PERMIT,
		     "the default policy's id, as Junos names it");
}

/* An expired session overwritten by a new one is closed (idle) first. */
Test(events, expired_session_replaced_closes_idle)
{
	struct pb_spec u = udp(5000, 5353);
	struct sfw_session old, now;
	struct evs ev;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_LOG_SESSIONS), 0);
	cr_assert_eq(fx_set_timeout(SFW_TO_UDP, 5), 0);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	cr_assert_eq(fx_age(&u, 6), 0);
	GET_SESSION(&u, &old);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	GET_SESSION(&u, &now);
	ev = drain(LOG_RING);
	cr_assert_eq(ev.total, 3, "create, close, create");
	cr_assert_eq(ev.e[1].type, SFW_EV_CLOSE);
	cr_assert_eq(ev.e[1].reason, SFW_CLOSE_IDLE);
	cr_assert_eq(ev.e[1].sess.id, old.id);
	cr_assert_eq(ev.e[1].sess.wing[SFW_WING_IN].packets, 2);
	cr_assert_eq(ev.e[2].type, SFW_EV_CREATE);
	cr_assert_eq(ev.e[2].sess.id, now.id);
}

/* The sweeper's reaper: TIME_WAIT closes for FIN with the final counts. */
Test(events, reaper_closes_fin_with_counts)
{
	struct sfw_reaper *r = reaper();
	struct sfw_reap_entry ent = { 0 };
	struct sfw_session s;
	struct conn k;
	struct evs ev;

	commit(logging_policies);
	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	s = conn_session(&k);
	cr_assert_eq(s.tcp_state, SFW_TCP_TIME_WAIT);
	fx_key(&k.c, &ent.key);
	ent.id = s.id;
	cr_assert_eq(sfw_reaper_run(r, &ent, 1, SFW_CLOSE_NONE, true), 0, "not expired yet");
	cr_assert_eq(fx_age(&k.c, 60), 0);
	cr_assert_eq(sfw_reaper_run(r, &ent, 1, SFW_CLOSE_NONE, true), 1);
	cr_assert_eq(ent.removed, 1);
	ASSERT_NO_SESSION(&k.c);
	ev = drain(LOG_RING);
	cr_assert_eq(ev.total, 2);
	cr_assert_eq(ev.e[1].type, SFW_EV_CLOSE);
	cr_assert_eq(ev.e[1].reason, SFW_CLOSE_TCP_FIN);
	cr_assert_eq(ev.e[1].sess.wing[SFW_WING_IN].packets, 5);
	cr_assert_eq(ev.e[1].sess.wing[SFW_WING_OUT].packets, 2);
	cr_assert_eq(ev.e[1].sess.wing[SFW_WING_IN].bytes, s.wing[SFW_WING_IN].bytes);
	cr_assert_eq(ev.e[1].sess.wing[SFW_WING_OUT].bytes, s.wing[SFW_WING_OUT].bytes);
	cr_assert_eq(ev.e[1].sess.id, s.id);
	sfw_reaper_close(r);
}

/* A half-closed connection (one FIN, no answer) that times out ended with
 * a FIN: its close says so, not idle, whichever side sent it and whoever
 * removes it (the sweeper, or a new first packet of the same flow). */
Test(events, half_closed_expiry_closes_fin)
{
	struct sfw_reaper *r = reaper();
	struct sfw_reap_entry ent = { 0 };
	struct conn k, k2;
	struct evs ev;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_LOG_SESSIONS), 0);
	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_FIN_WAIT);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);   /* acknowledged, never answered */
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_CLOSE_WAIT);
	cr_assert_eq(fx_age(&k.c, 1801), 0);
	fx_key(&k.c, &ent.key);
	cr_assert_eq(sfw_reaper_run(r, &ent, 1, SFW_CLOSE_NONE, true), 1);
	/* the same from the server's side, replaced by a new connection */
	conn_init(&k2, CLI4, SRV4);
	k2.c.sport = k2.s.dport = 40100;
	conn_handshake(&k2, FX_XDP_PASS);
	cr_assert_eq(srv(&k2, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k2).tcp_state, SFW_TCP_FIN_WAIT);
	cr_assert_eq(fx_age(&k2.c, 1801), 0);
	cr_assert_eq(cli(&k2, SYN, 0), FX_XDP_PASS);
	ev = drain(LOG_RING);
	cr_assert_eq(ev.total, 5, "create, close, create, close, create");
	cr_assert_eq(ev.e[1].type, SFW_EV_CLOSE);
	cr_assert_eq(ev.e[1].reason, SFW_CLOSE_TCP_FIN, "half-closed, swept: reason %u",
		     ev.e[1].reason);
	cr_assert_eq(ev.e[3].type, SFW_EV_CLOSE);
	cr_assert_eq(ev.e[3].reason, SFW_CLOSE_TCP_FIN, "half-closed, replaced: reason %u",
		     ev.e[3].reason);
	sfw_reaper_close(r);
}

Test(events, reaper_rst_and_forced_reasons)
{
	struct sfw_reaper *r = reaper();
	struct sfw_reap_entry ent[2] = { 0 };
	struct pb_spec u = udp(5000, 53);
	struct conn k;
	struct evs ev;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_LOG_SESSIONS), 0);
	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(srv(&k, RST, 0), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	cr_assert_eq(fx_age(&k.c, 60), 0);
	fx_key(&k.c, &ent[0].key);
	fx_key(&u, &ent[1].key);
	cr_assert_eq(sfw_reaper_run(r, ent, 2, SFW_CLOSE_NONE, true), 1, "UDP is not expired");
	cr_assert_eq(sfw_reaper_run(r, &ent[1], 1, SFW_CLOSE_CLEAR, false), 1, "clear: any age");
	ev = drain(LOG_RING);
	cr_assert_eq(ev.total, 4);
	cr_assert_eq(ev.e[2].reason, SFW_CLOSE_TCP_RST);
	cr_assert_eq(ev.e[3].reason, SFW_CLOSE_CLEAR);
	cr_assert_eq(ev.e[3].key.proto, SFW_IPPROTO_UDP);
	sfw_reaper_close(r);
}

/* A session re-created since user space looked (new id) is not removed. */
Test(events, reaper_spares_a_replaced_session)
{
	struct sfw_reaper *r = reaper();
	struct sfw_reap_entry ent = { 0 };
	struct pb_spec u = udp(5000, 5353);
	struct sfw_session s;

	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	GET_SESSION(&u, &s);
	fx_key(&u, &ent.key);
	ent.id = s.id + 1;
	cr_assert_eq(sfw_reaper_run(r, &ent, 1, SFW_CLOSE_CLEAR, false), 0);
	GET_SESSION(&u, &s);
	cr_assert_eq(drain(LOG_RING).total, 0);
	sfw_reaper_close(r);
}

/* A monitor sees every session, unlogged ones in its own ring only. */
Test(events, monitor_ring_gets_everything)
{
	struct pb_spec web = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
			       .sport = 40000, .dport = 80, .tcp_flags = SFW_TCP_SYN };
	struct pb_spec other = udp(5000, 5353);
	struct evs log, mon;

	commit(logging_policies);
	struct sfw_config cfg;
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags | SFW_CFG_F_MONITOR), 0);
	cr_assert_eq(fx_xdp(&web), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&other), FX_XDP_PASS);
	log = drain(LOG_RING);
	mon = drain(MON_RING);
	cr_assert_eq(log.total, 1);
	cr_assert_eq(log.e[0].flags, SFW_EV_F_LOG | SFW_EV_F_MONITOR);
	cr_assert_eq(mon.total, 2);
	cr_assert_eq(mon.e[0].flags, SFW_EV_F_LOG | SFW_EV_F_MONITOR);
	cr_assert_eq(mon.e[1].flags, SFW_EV_F_MONITOR, "not for the log");
	cr_assert_eq(mon.e[1].key.proto, SFW_IPPROTO_UDP);
}

/* Nobody reads: the rings fill, the rest is counted lost, and every
 * packet still passes. */
Test(events, full_ring_counts_lost_never_blocks)
{
	const int n = SFW_MON_EVENTS_RING_BYTES / 192 + 100;
	struct pb_spec u = udp(1, 5353);

	cr_assert_eq(fx_set_flags(SFW_CFG_F_MONITOR), 0);
	for (int i = 0; i < n; i++) {
		u.sport = 1 + i;
		cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	}
	cr_assert_geq(lost(SFW_RING_MONITOR), 100);
	cr_assert_eq(lost(SFW_RING_LOG), 0);
	cr_assert_eq(drain(MON_RING).total + (int)lost(SFW_RING_MONITOR), n);
}
