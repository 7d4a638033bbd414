/* Review rvnat16: the owner an alias or a reservation keeps (include/session.h
 * struct sfw_nat_owner) must name its live session's key exactly, on every
 * path that looks it up, past SFW_NAT_TAKEOVER_S: there "young" no longer
 * keeps a holder, only finding its session by the unpacked key does. A
 * wrong unpack (or a stale scratch) makes a live holder look gone: its
 * alias or port is taken over by another session, or the sweeper deletes
 * them under a live session. In BPF_PROG_TEST_RUN, the NAT fixture. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "reap.h"

TestSuite(nat_owner_rv, .init = nat_setup, .fini = suite_teardown);

/* bpf/reap.bpf.c reap_stale_alias: a live session's alias handed to the
 * reaper (as the sweeper would hand it an alias whose session it did not
 * see) after the grace: its owner key must find the session, so alias and
 * port stay, and the reply is still translated back. */
Test(nat_owner_rv, the_reaper_keeps_a_live_sessions_alias_and_port)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 45100, 53);
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, 45100);
	struct sfw_reap_entry ent = { 0 };
	struct sfw_reaper *reaper = NULL;
	struct pb_pkt in, out;
	__u16 port;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	port = port_at(&out, 0);
	nat_age_holders(2);   /* past SFW_NAT_TAKEOVER_S: only the lookup keeps them */
	cr_assert_eq(sfw_reaper_open_fds(&reaper, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	r.dport = port;
	fx_key(&r, &ent.key);
	cr_assert_eq(sfw_reaper_run(reaper, &ent, 1, SFW_CLOSE_NONE, false), 0);
	sfw_reaper_close(reaper);
	cr_assert_eq(fx_session_count(), 2, "the live session's alias was reaped");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1, "the live session's port was freed");
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT, "the reply");
	assert_tuple(&out, &r, SERVER1, 53, CLIENT_A, 45100);
}

/* bpf/nat.bpf.h sfw_nat_insert_alias: two destination NAT sessions of
 * one client port, to two public ports translated to the same inside
 * server, want the same reply tuple (INSIDE:80 -> CLIENT:40000). The
 * first's alias is live (its session found by the owner key), past the
 * grace: the second is refused, and the reply still goes back as the
 * first's (from PUBLIC:8080), never the second's. */
#define CLIENT SERVER1
#define PUBLIC FB_ADDR
#define INSIDE CLIENT_A

static void commit_dnat_any_port(void)
{
	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security policies from-zone untrust to-zone trust policy in match source-address any destination-address any application any\n"
	       "set security policies from-zone untrust to-zone trust policy in then permit\n"
	       "set security policies default-policy deny-all\n"
	       "set security nat destination pool D address " INSIDE "/32 port 80\n"
	       "set security nat destination rule-set DR from zone untrust\n"
	       "set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n"
	       "set security nat destination rule-set DR rule W then destination-nat pool D\n");
}

Test(nat_owner_rv, a_live_alias_is_not_taken_over_by_another_session)
{
	struct pb_spec u1 = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec u2 = udp(CLIENT, PUBLIC, 40000, 8081);
	struct pb_spec r = udp(INSIDE, CLIENT, 80, 40000);
	struct pb_pkt in, out;

	commit_dnat_any_port();
	cr_assert_eq(run_at(out_if, &u1, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u1, CLIENT, 40000, INSIDE, 80);
	nat_age_aliases(2);   /* past SFW_NAT_TAKEOVER_S */
	cr_assert_eq(run_at(out_if, &u2, &in, &out), FX_XDP_DROP,
		     "a second session took the first's live alias");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	ASSERT_NO_SESSION(&u2);
	cr_assert_eq(fx_session_count(), 2, "the first session and its alias alone");
	cr_assert_eq(run_at(in_if, &r, &in, &out), FX_XDP_REDIRECT, "the reply");
	assert_tuple(&out, &r, PUBLIC, 8080, CLIENT, 40000);
}
