/* A TCP conversation for tests: two specs (client and server side) whose
 * sequence and acknowledgement numbers advance as a real stack's would,
 * so each test states only flags and payload sizes. */
#ifndef SFW_TESTS_TCP_CONN_H
#define SFW_TESTS_TCP_CONN_H

#include <bpf/bpf.h>
#include "maps.h"
#include "suite.h"

struct conn {
	struct pb_spec c;     /* client -> server */
	struct pb_spec s;     /* server -> client */
	__u32 c_next, s_next; /* next sequence number each side sends */
	bool via_tc;          /* client packets leave the host through tc */
};

static SUITE_UNUSED void conn_init(struct conn *k, const char *cli, const char *srv)
{
	memset(k, 0, sizeof(*k));
	k->c = (struct pb_spec){ .src = cli, .dst = srv, .proto = SFW_IPPROTO_TCP,
				 .sport = 40000, .dport = 80 };
	k->s = pb_reverse(&k->c);
	k->c_next = 1000;
	k->s_next = 0xfffffff0;   /* wraps during the test: modular arithmetic */
}

/* Sends one segment from one side; returns the verdict (XDP or tc). */
static SUITE_UNUSED int conn_send(struct conn *k, bool from_client, __u8 flags, __u16 payload)
{
	struct pb_spec *sp = from_client ? &k->c : &k->s;
	__u32 *next = from_client ? &k->c_next : &k->s_next;
	__u32 peer = from_client ? k->s_next : k->c_next;

	sp->tcp_flags = flags;
	sp->seq = *next;
	sp->ack = flags & SFW_TCP_ACK ? peer : 0;
	sp->payload = payload;
	*next += payload + !!(flags & SFW_TCP_SYN) + !!(flags & SFW_TCP_FIN);
	if (from_client && k->via_tc)
		return fx_tc(sp, NULL);
	return fx_xdp(sp);
}

static SUITE_UNUSED int cli(struct conn *k, __u8 flags, __u16 payload)
{
	return conn_send(k, true, flags, payload);
}

static SUITE_UNUSED int srv(struct conn *k, __u8 flags, __u16 payload)
{
	return conn_send(k, false, flags, payload);
}

static SUITE_UNUSED struct sfw_session conn_session(const struct conn *k)
{
	struct sfw_session s;

	GET_SESSION(&k->c, &s);
	return s;
}

#define SYN SFW_TCP_SYN
#define ACK SFW_TCP_ACK
#define FIN SFW_TCP_FIN
#define RST SFW_TCP_RST
#define PSH SFW_TCP_PSH

/* Data both ways, `rounds` times, every segment passed, and the session
 * ESTABLISHED after: the connection goes on (what: the case, for the
 * messages). */
static SUITE_UNUSED void conn_still_talking(struct conn *k, const char *what, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		cr_assert_eq(srv(k, ACK | PSH, 100), FX_XDP_PASS, "%s: the server's data dropped (%d)",
			     what, i);
		cr_assert_eq(cli(k, ACK | PSH, 100), FX_XDP_PASS, "%s: the client's data dropped (%d)",
			     what, i);
	}
	cr_assert_eq(conn_session(k).tcp_state, SFW_TCP_ESTABLISHED, "%s", what);
}

/* The three-way handshake, asserting each step passes. */
static SUITE_UNUSED void conn_handshake(struct conn *k, int pass)
{
	cr_assert_eq(cli(k, SYN, 0), pass);
	cr_assert_eq(srv(k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(k, ACK, 0), pass);
}

/* An attacker's segment: the numbers given, nothing of the conversation
 * advanced. */
static SUITE_UNUSED int conn_forge(struct conn *k, bool from_client, __u8 flags, __u32 seq,
				   __u32 ack, __u16 payload)
{
	struct pb_spec sp = from_client ? k->c : k->s;

	sp.tcp_flags = flags;
	sp.seq = seq;
	sp.ack = ack;
	sp.payload = payload;
	return fx_xdp(&sp);
}

/* k's client asks (200 bytes) and its server answers (1000), then the
 * connection keeps talking for rounds rounds (conn_still_talking). */
static SUITE_UNUSED void conn_request_answered(struct conn *k, const char *what, int rounds)
{
	cr_assert_eq(cli(k, ACK | PSH, 200), FX_XDP_PASS, "the client's request");
	cr_assert_eq(srv(k, ACK | PSH, 1000), FX_XDP_PASS, "the server's answer");
	conn_still_talking(k, what, rounds);
}

/* Under no-syn-check, k (cli to srv) with red team 1205 F3's forged ACK
 * planted from the client's side before the real connection opens. */
static SUITE_UNUSED void conn_f3_planted(struct conn *k, const char *cli, const char *srv)
{
	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(k, cli, srv);
	cr_assert_eq(conn_forge(k, true, ACK, 0x77777777u, 0x66666666u, 0), FX_XDP_PASS,
		     "no-syn-check opens on an ACK");
}

/* Under no-syn-check, k picked up from the server's side (In: the
 * server), then the client's new SYN from the same port, kept REV: the
 * session's id. */
static SUITE_UNUSED __u64 conn_server_pickup_then_client_syn(struct conn *k)
{
	__u64 id;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(k, CLI4, SRV4);
	cr_assert_eq(srv(k, ACK | PSH, 100), FX_XDP_PASS, "picked up from the server");
	id = conn_session(k).id;
	k->c_next += 0x01000000u;
	cr_assert_eq(cli(k, SYN, 0), FX_XDP_PASS, "the client's new SYN (kept REV)");
	return id;
}

/* An established connection with data both ways; scale: the window
 * scale both SYNs offer (0: none), window: the raw windows from then on
 * (0: 65535). */
static SUITE_UNUSED void conn_established(struct conn *k, __u8 scale, __u16 window)
{
	conn_init(k, CLI4, SRV4);
	if (scale) {
		k->c.tcp_opts = k->s.tcp_opts = 8;
		k->c.tcp_wscale = k->s.tcp_wscale = scale + 1;
	}
	conn_handshake(k, FX_XDP_PASS);
	k->c.tcp_opts = k->s.tcp_opts = 0;
	if (window)
		k->c.window = k->s.window = window;
	cr_assert_eq(cli(k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(srv(k, ACK | PSH, 200), FX_XDP_PASS);
	cr_assert_eq(cli(k, ACK, 0), FX_XDP_PASS);
}

/* The copy of k's established session a failover leaves this node with:
 * no sequence numbers (only the state, scales and the wings' SYN/FIN/RST
 * flags), both wings unconfirmed (ha/replica.c rebuild); then both sides
 * sent on while the nodes changed over. */
static SUITE_UNUSED void conn_load_synced_copy(struct conn *k)
{
	struct sfw_session_key key;
	struct sfw_session s = conn_session(k);

	s.flags |= SFW_SESS_F_SYNCED;
	s.xflags |= SFW_SESS_X_UNCONFIRMED;
	for (int w = 0; w < 2; w++) {
		s.wing[w].tcp_flags &= SFW_WING_SEEN_SYN | SFW_WING_SEEN_FIN | SFW_WING_SEEN_RST |
				       SFW_WING_FIN_ACKED;
		s.wing[w].seq_end = s.wing[w].ack = s.wing[w].maxend = 0;
		s.wing[w].maxwin = s.wing[w].isn = 0;
	}
	fx_key(&k->c, &key);
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &key, &s,
					 BPF_EXIST), 0);
	k->c_next += 5000;
	k->s_next += 7000;
}

#endif
