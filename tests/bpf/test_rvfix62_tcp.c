/* Review rvfix62: legitimate handshakes that d71bb32's exact-ack rule
 * (bpf/tcp_state.bpf.h sfw_tcp_syn, a responder's SYN-ACK with another
 * ISN) must still pass. Controls: green on d71bb32. */
#include <bpf/bpf.h>
#include "maps.h"
#include "tcp_conn.h"

TestSuite(rvfix62_tcp, .init = suite_setup, .fini = suite_teardown);

/* Fast Open: SYN + 1000 bytes, the server takes them all; it restarts
 * (its request sock lost), the client retransmits its SYN without data
 * (Linux), the new server answers with a new ISN acknowledging the SYN
 * only (cookie unknown to it now), then with all data (cookie valid). */
static void tfo_restart(__u32 extra_acked)
{
	struct conn k;
	__u32 cisn;

	conn_init(&k, CLI4, SRV4);
	cisn = k.c_next;
	cr_assert_eq(cli(&k, SYN, 1000), FX_XDP_PASS);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, SYN, cisn, 0, 0), FX_XDP_PASS, "SYN again, no data");
	cr_assert_eq(conn_forge(&k, false, SYN | ACK, 0x13572468u, cisn + 1 + extra_acked, 0),
		     FX_XDP_PASS, "the restarted server's SYN-ACK");
	cr_assert_eq(conn_session(&k).wing[SFW_WING_OUT].isn, 0x13572468u);
	k.s_next = 0x13572469u;
	k.c_next = cisn + 1 + extra_acked;
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after a server restart mid-handshake", 2);
}

Test(rvfix62_tcp, tfo_server_restart_acks_syn_only) { tfo_restart(0); }
Test(rvfix62_tcp, tfo_server_restart_acks_all_data) { tfo_restart(1000); }

/* A SYN cookie answer then a request sock's (the flood over): the client
 * retransmits the same SYN, the second SYN-ACK has another ISN, ack
 * ISN + 1. */
Test(rvfix62_tcp, cookie_then_request_sock)
{
	struct conn k;
	__u32 cisn;

	conn_init(&k, CLI4, SRV4);
	cisn = k.c_next;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, SYN, cisn, 0, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, SYN | ACK, 0x0badcafeu, cisn + 1, 0), FX_XDP_PASS);
	k.s_next = 0x0badcaffu;
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after a second SYN-ACK", 2);
}
