/* Races, made deterministic: tests/bpf/xdp_race.bpf.c, sfw's XDP program
 * with another CPU (or a commit) inside, acts in the middle of a first
 * packet's decision, after the session lookup and the read of the policy
 * generation, before the policy and the session's creation. Whatever
 * happens there, a flow has one session, every CREATE logged gets its
 * CLOSE, a finished session's CLOSE is logged once, and a packet is judged
 * wholly by one generation, which stays until the packet is done
 * (docs/security.md, "Races: concurrent first packets and commits"). The
 * program runs on the fixture's maps. tests/bpf/reap_race.bpf.c does the
 * same inside the reaper: it removes, and gives the limit-session counts
 * back of, only the session it read. */
#define _GNU_SOURCE   /* sched_getcpu */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "commit.h"
#include "compile.h"
#include "policy_write.h"
#include "events.h"
#include "outcome.h"
#include "race.h"
#include "race_maps.h"
#include "reap.h"
#include "tally.h"
#include "reap_race.skel.h"
#include "xdp_race.skel.h"

static struct xdp_race *race;

static void races_setup(void)
{
	suite_setup();
	race = xdp_race__open();
	cr_assert_not_null(race);
	on_fixture_maps(race->obj);
	cr_assert_eq(xdp_race__load(race), 0, "loading the race program");
}

static void races_teardown(void)
{
	xdp_race__destroy(race);
	suite_teardown();
}

TestSuite(races, .init = races_setup, .fini = races_teardown);

/* One frame through the race program, arriving on FX_IFINDEX. */
static int race_xdp_run(const struct pb_spec *s)
{
	struct pb_pkt p;
	__u32 ns;

	cr_assert_eq(pb_build(s, &p), 0);
	return fx_xdp_repeat(bpf_program__fd(race->progs.sfw_xdp_ingress), &p, 1, &ns);
}

/* The same, and whatever the other CPU did, the packet ends in exactly
 * one outcome counter (tests/bpf/test_conservation.c cannot race). */
static int race_xdp(const struct pb_spec *s)
{
	__u64 before = outcomes();
	int verdict = race_xdp_run(s);

	cr_assert_eq(outcomes(), before + 1, "one packet, %llu outcomes",
		     (unsigned long long)(outcomes() - before));
	return verdict;
}

static struct pb_spec udp_flow(void)
{
	return (struct pb_spec){ .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				 .sport = 40000, .dport = 53, .payload = 20 };
}

/* The session another CPU puts in for the flow: id, one packet in. */
static void other_cpu_session(const struct pb_spec *s, __u32 action, __u64 id)
{
	struct sfw_session *w = &race->bss->race_sess;
	bool lo = fx_key(s, &race->bss->race_key);

	memset(w, 0, sizeof(*w));
	w->id = id;
	w->timeout_s = 60;
	w->flags = lo ? SFW_SESS_F_OPENER_LO : 0;
	w->wing[SFW_WING_IN].packets = 1;
	w->wing[SFW_WING_IN].ifindex = FX_IFINDEX;
	race->bss->race_action = action;
}

#define MAX_EV 8

struct evs {
	struct sfw_event e[MAX_EV];
	int n;
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct evs *ev = ctx;

	if (ev->n < MAX_EV)
		memcpy(&ev->e[ev->n], data, sizeof(ev->e[0]));
	ev->n++;
	return 0;
}

/* Every event waiting in the log ring. */
static struct evs drain(void)
{
	struct evs ev = { .n = 0 };
	struct ring_buffer *rb = ring_buffer__new(fx_map_fd(false, SFW_STR(SFW_MAP_EVENTS)),
						  on_event, &ev, NULL);

	cr_assert_not_null(rb);
	cr_assert_geq(ring_buffer__consume(rb), 0);
	ring_buffer__free(rb);
	return ev;
}

/* A session the datapath created, then left to expire. */
static __u64 expired_session(const struct pb_spec *s)
{
	struct sfw_session x;
	struct evs ev;

	cr_assert_eq(race_xdp(s), FX_XDP_PASS);
	GET_SESSION(s, &x);
	ev = drain();
	cr_assert_eq(ev.n, 1);
	cr_assert_eq(ev.e[0].type, SFW_EV_CREATE);
	cr_assert_eq(fx_age(s, 61), 0, "UDP sessions time out after 60 s");
	return x.id;
}

Test(races, first_packets_on_two_cpus_make_one_session)
{
	struct pb_spec s = udp_flow();
	struct sfw_session got;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_LOG_SESSIONS), 0);
	other_cpu_session(&s, RACE_INSERT, 1000);
	cr_assert_eq(race_xdp(&s), FX_XDP_PASS);
	cr_assert_eq(race->bss->race_runs, 1, "the other CPU ran in between");
	cr_assert_eq(fx_session_count(), 1);
	GET_SESSION(&s, &got);
	cr_assert_eq(got.id, 1000, "the winner's session stays");
	cr_assert_eq(got.wing[SFW_WING_IN].packets, 2, "the loser's packet counted on it");
	cr_assert_eq(drain().n, 0, "the loser logs no CREATE (it would never be closed)");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_assert_eq(fx_counter(SFW_CNT_IN_CONNECTIONS), 0, "the connection is the winner's");
}

/* The winner came in by another interface than the loser: the loser's
 * packet is not the winner's session's, and is refused under Invalid
 * zone, counted once. No zone lookup on this path (the call chain has no
 * stack left for it): a loser from another interface of the same zone
 * waits for its retransmission, which finds the session
 * (bpf/zone_bind.bpf.h). */
Test(races, loser_from_another_interface_not_counted_on_the_winner)
{
	struct pb_spec s = udp_flow();
	struct sfw_session got;

	other_cpu_session(&s, RACE_INSERT, 1001);
	race->bss->race_sess.wing[SFW_WING_IN].ifindex = FX_IFINDEX + 1;
	cr_assert_eq(race_xdp(&s), FX_XDP_DROP);
	cr_assert_eq(race->bss->race_runs, 1, "the other CPU ran in between");
	GET_SESSION(&s, &got);
	cr_assert_eq(got.id, 1001, "the winner's session stays");
	cr_assert_eq(got.wing[SFW_WING_IN].packets, 1, "the loser's packet counted on it");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* The loser joins the winner through the TCP state machine like any
 * packet of the session: a second SYN is a retransmission. The winner is
 * the session this very SYN makes, taken out of the table and put back by
 * the other CPU. */
Test(races, tcp_syn_joins_the_winner)
{
	struct pb_spec s = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_TCP,
			     .sport = 40001, .dport = 443, .tcp_flags = SFW_TCP_SYN, .seq = 7 };
	struct sfw_session_key k;
	struct sfw_session got;
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS));

	cr_assert_eq(race_xdp(&s), FX_XDP_PASS);
	fx_key(&s, &k);
	cr_assert_eq(bpf_map_lookup_and_delete_elem(fd, &k, &race->bss->race_sess), 0);
	race->bss->race_sess.id = 1001;
	race->bss->race_key = k;
	race->bss->race_action = RACE_INSERT;
	cr_assert_eq(race_xdp(&s), FX_XDP_PASS);
	GET_SESSION(&s, &got);
	cr_assert_eq(got.id, 1001, "the winner's session stays");
	cr_assert_eq(got.tcp_state, SFW_TCP_SYN_SENT);
	cr_assert_eq(got.wing[SFW_WING_IN].packets, 2, "the retransmitted SYN counted on it");
}

Test(races, finished_session_replaced_by_another_cpu)
{
	struct pb_spec s = udp_flow();
	struct sfw_session got;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_LOG_SESSIONS), 0);
	expired_session(&s);
	other_cpu_session(&s, RACE_REPLACE, 2000);
	cr_assert_eq(race_xdp(&s), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 1);
	GET_SESSION(&s, &got);
	cr_assert_eq(got.id, 2000, "the other CPU's new session stays");
	cr_assert_eq(got.wing[SFW_WING_IN].packets, 2);
	cr_assert_eq(drain().n, 0, "the old CLOSE is the other CPU's to log, and no CREATE here");
}

/* Another CPU (or a reaper) has claimed the finished session and is
 * removing it: this one neither logs its CLOSE nor puts a session of its
 * own in; its packet waits for the next (a retransmission finds the slot
 * free), refused as No more sessions. */
Test(races, finished_session_being_removed_elsewhere)
{
	struct pb_spec s = udp_flow();
	struct sfw_session got;
	__u64 old;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_LOG_SESSIONS), 0);
	old = expired_session(&s);
	other_cpu_session(&s, RACE_CLAIM, 0);
	cr_assert_eq(race_xdp(&s), FX_XDP_DROP);
	GET_SESSION(&s, &got);
	cr_assert_eq(got.id, old | SFW_SESS_ID_DYING, "still the other CPU's to remove");
	cr_assert_eq(drain().n, 0);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_NO_MORE_SESSIONS), 1);
}

/* Without a race: the finished session's CLOSE, then the new one's CREATE. */
Test(races, finished_session_replaced_close_then_create)
{
	struct pb_spec s = udp_flow();
	struct sfw_session got;
	struct evs ev;
	__u64 old;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_LOG_SESSIONS), 0);
	old = expired_session(&s);
	cr_assert_eq(race_xdp(&s), FX_XDP_PASS);
	GET_SESSION(&s, &got);
	cr_assert_neq(got.id, old);
	ev = drain();
	cr_assert_eq(ev.n, 2);
	cr_assert_eq(ev.e[0].type, SFW_EV_CLOSE);
	cr_assert_eq(ev.e[0].sess.id, old, "the CLOSE names the old session's id");
	cr_assert_eq(ev.e[1].type, SFW_EV_CREATE);
	cr_assert_eq(ev.e[1].sess.id, got.id);
}

static const char *permit_web =
	"set security policies global policy web match source-address any destination-address any application junos-http\n"
	"set security policies global policy web then permit\n"
	"set security policies default-policy deny-all\n";

static struct pb_spec syn(__u16 sport)
{
	return (struct pb_spec){ .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
				 .sport = sport, .dport = 80, .tcp_flags = SFW_TCP_SYN };
}

/* The generation flips between the packet's zone lookups and its policy
 * lookup: it is still judged by the one it read first. */
Test(races, packet_judged_wholly_by_one_generation)
{
	struct pb_spec s = syn(41000);
	struct sfw_session got;

	commit(permit_web);
	race->bss->race_action = RACE_FLIP_GEN;
	cr_assert_eq(race_xdp(&s), FX_XDP_PASS, "judged by the generation it read");
	cr_assert_eq(race->bss->race_runs, 1);
	GET_SESSION(&s, &got);
	cr_assert_eq(got.policy_id, policy_index(permit_web, "web"), "by the web policy, not the default");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 0);
}

struct held {
	struct pb_spec s;
	int verdict;
};

static void *send_held(void *arg)
{
	struct held *h = arg;

	h->verdict = race_xdp_run(&h->s);   /* no assertion outside the test's thread */
	return NULL;
}

/* A commit in a thread of its own, so that the test can see where it is.
 * The configuration is parsed and compiled before the packet is held
 * (compiled): the thread only writes it, flips and purges, so that it
 * reaches the wait for the held packet within the hold's bound however
 * loaded the machine is (parsing and compiling took the most of its time). */
struct committer {
	struct sfw_compiled compiled;
	pid_t tid;
	int err;
	int done;
};

static void committer_init(struct committer *c, const char *text)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;

	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_parse_buffer(&conf, "t.conf", text, strlen(text), &errs), 0);
	cr_assert_eq(sfw_conf_compile(&conf, &c->compiled), 0);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
}

static void *run_commit(void *arg)
{
	struct committer *c = arg;
	struct sfw_policy_fds f = fds();

	__atomic_store_n(&c->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	c->err = sfw_policy_write(&c->compiled, &f);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Is the thread waiting for an RCU grace period (the kernel function it
 * sleeps in, /proc's wchan)? */
static bool waiting_for_rcu(pid_t tid)
{
	char path[64], fn[128] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(fn, sizeof(fn), f))
		fn[0] = '\0';
	fclose(f);
	return strstr(fn, "rcu") != NULL;
}

/* Where the threads of the test below run. The held packet spins on
 * cpu[0] with preemption off, so a thread left waiting there for it never
 * runs; the commit and the test's polling share cpu[1]. All three are
 * SCHED_FIFO, so each gets its CPU at once however busy the machine is
 * (the hold's bound is wall time), rather than when the scheduler moves
 * it. The test's own thread is put back as it was after. */
struct placement {
	int cpu[2];
	cpu_set_t mask;            /* the test thread's, before */
	int policy;
	struct sched_param param;
};

static void place_init(struct placement *pl)
{
	int n = 0;

	cr_assert_eq(sched_getaffinity(0, sizeof(pl->mask), &pl->mask), 0);
	for (int i = 0; i < CPU_SETSIZE && n < 2; i++)
		if (CPU_ISSET(i, &pl->mask))
			pl->cpu[n++] = i;
	cr_assert_eq(n, 2, "the test needs two CPUs");
	cr_assert_eq(pthread_getschedparam(pthread_self(), &pl->policy, &pl->param), 0);
}

static void pin_attr(pthread_attr_t *a, int cpu)
{
	struct sched_param fifo = { .sched_priority = sched_get_priority_min(SCHED_FIFO) };
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	cr_assert_eq(pthread_attr_init(a), 0);
	cr_assert_eq(pthread_attr_setaffinity_np(a, sizeof(one), &one), 0);
	cr_assert_eq(pthread_attr_setinheritsched(a, PTHREAD_EXPLICIT_SCHED), 0);
	cr_assert_eq(pthread_attr_setschedpolicy(a, SCHED_FIFO), 0);
	cr_assert_eq(pthread_attr_setschedparam(a, &fifo), 0);
}

static void place_self(int cpu)
{
	struct sched_param fifo = { .sched_priority = sched_get_priority_min(SCHED_FIFO) };
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	cr_assert_eq(pthread_setschedparam(pthread_self(), SCHED_FIFO, &fifo), 0);
}

static void place_restore(const struct placement *pl)
{
	pthread_setschedparam(pthread_self(), pl->policy, &pl->param);
	sched_setaffinity(0, sizeof(pl->mask), &pl->mask);
}

/* A packet still being judged by the old generation when a commit flips:
 * the commit removes the old generation only once the packet is done. The
 * packet is held until the commit either waits for it (sleeps in an RCU
 * grace period) or is done; a commit that did not wait has purged the old
 * generation by then, and the packet meets empty lists. However slow the
 * machine, the test alone lets the packet go: had the hold's bound ended
 * it first (a commit still writing, or a wchan that tells nothing), the
 * test would prove nothing, and fails. */
Test(races, commit_waits_for_packets_in_flight)
{
	struct held h = { .s = syn(42000) };
	struct committer c = { 0 };
	struct pb_spec later = syn(42001);
	struct placement pl;
	pthread_attr_t at, act;
	pthread_t t, ct;

	commit(permit_web);
	committer_init(&c, "set security policies default-policy deny-all\n");
	place_init(&pl);
	pin_attr(&at, pl.cpu[0]);
	pin_attr(&act, pl.cpu[1]);
	place_self(pl.cpu[1]);
	race->bss->race_action = RACE_HOLD;
	cr_assert_eq(pthread_create(&t, &at, send_held, &h), 0);
	for (int i = 0; i < 100000 && !__atomic_load_n(&race->bss->race_entered, __ATOMIC_ACQUIRE); i++)
		usleep(100);
	cr_assert(race->bss->race_entered, "the packet never reached the hook");
	cr_assert_eq(pthread_create(&ct, &act, run_commit, &c), 0);
	while (!__atomic_load_n(&c.done, __ATOMIC_ACQUIRE)) {
		pid_t tid = __atomic_load_n(&c.tid, __ATOMIC_ACQUIRE);

		if (tid && waiting_for_rcu(tid))
			break;
		usleep(100);
	}
	__atomic_store_n(&race->bss->race_released, 1, __ATOMIC_RELEASE);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(pthread_join(ct, NULL), 0);
	place_restore(&pl);
	pthread_attr_destroy(&at);
	pthread_attr_destroy(&act);
	sfw_compiled_free(&c.compiled);
	cr_assert_not(race->bss->race_timed_out, "the packet was let go by its bound, not by "
		      "the test: the commit neither waited for it nor finished meanwhile");
	cr_assert_eq(c.err, 0, "commit: %s", sfw_last_error());
	cr_assert_eq(h.verdict, FX_XDP_PASS, "the old generation went while the packet used it");
	cr_assert_eq(outcomes(), 1, "one packet, one outcome");
	race->bss->race_action = RACE_NONE;
	cr_assert_eq(race_xdp(&later), FX_XDP_DROP, "the new generation is in force");
}

/* ---- the reaper claims only the session it read ------------------------- */

/* The reaper removes the session at s's key if its id is id, as `clear`
 * asks; returns how many it removed. */
static int race_reap(struct reap_race *rr, const struct pb_spec *s, __u64 id)
{
	struct sfw_reap_ctx ctx = { .now_ns = sfw_coarse_now_ns() };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	memset(&rr->bss->reap_batch[0], 0, sizeof(rr->bss->reap_batch[0]));
	fx_key(s, &rr->bss->reap_batch[0].key);
	rr->bss->reap_batch[0].id = id;
	rr->bss->reap_count = 1;
	rr->bss->reap_reason = SFW_CLOSE_CLEAR;
	rr->bss->reap_expired_only = 0;
	cr_assert_eq(bpf_prog_test_run_opts(bpf_program__fd(rr->progs.sfw_reap), &opts), 0);
	return (int)rr->bss->reap_removed;
}

/* Between the reaper's lookup of a session and its claim, another CPU
 * ends that session and the LRU hands its memory to another session, at
 * another key, at once. The reaper must claim nothing there: claiming the
 * other session would give its limit-session count back against the
 * first one's addresses (the other address then holds a count no session
 * gives back: locked out for good at its limit) and leave it marked ended
 * in the table, where nothing can remove it (docs/security.md,
 * "limit-session"). */
Test(races, reaper_claims_only_the_session_it_read)
{
	struct pb_spec a = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 5000, .dport = 53 };
	struct pb_spec b = { .src = OTH4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 5001, .dport = 53 };
	struct sfw_session sa, sb, got;
	struct reap_race *rr;
	cpu_set_t one;

	/* the LRU reuses the element freed last on the same CPU */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	commit("set security screen ids-option lim limit-session source-ip-based 2\n"
	       "set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust screen lim\n"
	       "set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&b), FX_XDP_PASS);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);
	cr_assert_eq(tally(OTH4, SFW_DIR_SRC), 1);
	GET_SESSION(&a, &sa);
	GET_SESSION(&b, &sb);
	rr = reap_race__open();
	cr_assert_not_null(rr);
	on_fixture_maps(rr->obj);
	cr_assert_eq(reap_race__load(rr), 0, "loading the race reaper");
	fx_key(&a, &rr->bss->race_key);
	fx_key(&b, &rr->bss->race_key2);
	rr->bss->race_action = RACE_RECYCLE;

	cr_assert_eq(race_reap(rr, &a, sa.id), 0, "the session it read was gone");
	cr_assert_eq(rr->bss->race_runs, 1, "the other CPU ran in between");
	cr_assert(rr->bss->race_recycled, "the other session took the ended one's memory");
	ASSERT_NO_SESSION(&a);
	GET_SESSION(&b, &got);
	cr_assert_eq(got.id, sb.id, "the other session is not claimed");
	cr_assert_eq(got.tally & (SFW_TALLY_ENDED | SFW_TALLY_SRC), SFW_TALLY_SRC,
		     "the other session still holds its count and is not ended");
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 0, "the ended one's count, given back once");
	cr_assert_eq(tally(OTH4, SFW_DIR_SRC), 1);
	/* the other session's end gives its count back */
	rr->bss->race_action = RACE_NONE;
	cr_assert_eq(race_reap(rr, &b, sb.id), 1);
	ASSERT_NO_SESSION(&b);
	cr_assert_eq(tally(OTH4, SFW_DIR_SRC), 0);
	cr_assert_eq(tally_entries(), 0, "no count left behind");
	reap_race__destroy(rr);
}
