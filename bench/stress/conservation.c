/* Stress 1, conservation (docs/reliability.md, "Stress"): millions of
 * frames — valid TCP, UDP and ICMP flows over both families mixed with
 * truncated, malformed, garbage and fragmented frames — generated with
 * live frames (bench/stress/stressgen.bpf.c, sg_mix) and handed to sfw's
 * XDP program by a tail call, in a sandbox of its own. Proves:
 *  - every frame the generator counted ends in exactly one of sfw's
 *    outcome counters: their sum equals the frames sent, exactly;
 *  - no session is corrupted: every key normalised and of one family,
 *    ids unique, every valid flow's session present with wing counters
 *    equal to what the generator sent that flow in each direction, its
 *    TCP state where the handshake took it, and the packets on all wings
 *    together equal to the Packets permitted counter.
 * Baseline, in the same run: the generator alone (tail call into a
 * program that drops), for the rate sfw costs. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include "stress.h"
#include "pktbuild.h"
#include "bpf_fixture.h"
#include "loader.h"
#include "maps.h"

#define FULL_FRAMES 10000000u
#define SHORT_FRAMES 200000u
#define CHUNK 1000000u
#define LO 1
#define LO_SLOT 1   /* its counter slot (include/iface.h) */
#define FRAME_LEN 512
#define CAPACITY 1048576

struct check {
	long sessions, wrong;
	char first_wrong[160];
	__u64 *ids;
	long n_ids;
	__u64 wing_pkts;
};

static struct check chk;

static int visit(const struct sfw_session_key *k, const struct sfw_session *v, void *arg)
{
	struct check *c = arg;
	const char *why = st_session_wrong(k, v);

	(void)arg;
	if (why && !c->wrong++)
		snprintf(c->first_wrong, sizeof(c->first_wrong), "session %llu: %s",
			 (unsigned long long)v->id, why);
	c->ids[c->n_ids++] = v->id;
	c->wing_pkts += v->wing[0].packets + v->wing[1].packets;
	return 0;
}

static long duplicate_ids(struct check *c)
{
	long dup = 0;

	qsort(c->ids, (size_t)c->n_ids, sizeof(*c->ids), st_cmp_u64);
	for (long i = 1; i < c->n_ids; i++)
		dup += c->ids[i] == c->ids[i - 1];
	return dup;
}

/* Valid flow f as a packet spec from its client, for fx_key. */
static void flow_spec(__u32 f, char *src, char *dst, struct pb_spec *s)
{
	bool v6 = sg_flow_v6(f);
	__u32 p = sg_flow_proto(f);

	if (v6) {
		sprintf(src, "2001:db8:1::%x", sg_flow_client(f));
		sprintf(dst, "2001:db8:2::%x", sg_flow_server(f));
	} else {
		sprintf(src, "198.51.100.%u", sg_flow_client(f));
		sprintf(dst, "203.0.113.%u", sg_flow_server(f));
	}
	*s = (struct pb_spec){ .src = src, .dst = dst, .sport = sg_flow_sport(f),
			       .dport = sg_flow_dport(f) };
	s->proto = p == SG_TCP ? 6 : p == SG_UDP ? 17 : v6 ? 58 : 1;
	if (p == SG_ICMP) {
		s->icmp_type = v6 ? 128 : 8;
		s->icmp_id = sg_flow_sport(f);
	}
}

/* What the generator sent each valid flow against its session. Returns
 * how many flows disagree; `why` gets the first. */
static long flows_wrong(int sess_fd, int sent_fd, long *checked, char *why, size_t len)
{
	long bad = 0;

	*checked = 0;
	for (__u32 f = 0; f < SG_VALID_FLOWS; f++) {
		struct sg_flow_state st;
		struct sfw_session_key k;
		struct sfw_session v;
		struct pb_spec s;
		char src[48], dst[48];
		const char *what = NULL;
		bool lo;

		if (bpf_map_lookup_elem(sent_fd, &f, &st) || !st.pkts[0])
			continue;
		(*checked)++;
		flow_spec(f, src, dst, &s);
		lo = fx_key(&s, &k);
		if (bpf_map_lookup_elem(sess_fd, &k, &v))
			what = "no session";
		else if (!!(v.flags & SFW_SESS_F_OPENER_LO) != lo)
			what = "opener on the wrong side";
		else if (v.wing[0].packets != st.pkts[0] || v.wing[1].packets != st.pkts[1])
			what = "wing packets differ from those sent";
		else if (v.wing[0].bytes != st.bytes[0] || v.wing[1].bytes != st.bytes[1])
			what = "wing bytes differ from those sent";
		else if (s.proto == 6 && st.phase == 3 && v.tcp_state != SFW_TCP_ESTABLISHED)
			what = "TCP not established after the handshake";
		if (what && !bad++)
			snprintf(why, len, "flow %u (%s -> %s proto %u): %s: sent %llu/%llu, "
				 "wings %llu/%llu", f, src, dst, s.proto, what,
				 (unsigned long long)st.pkts[0], (unsigned long long)st.pkts[1],
				 (unsigned long long)v.wing[0].packets,
				 (unsigned long long)v.wing[1].packets);
	}
	return bad;
}

struct conservation {
	struct st_run *r;
	struct sfw_progs *sfw;
	struct stressgen *g;
	__u8 frame[FRAME_LEN];
};

static int stats_fd(const struct conservation *c)
{
	return sfw_progs_map_fd(c->sfw, SFW_PROG_XDP, SFW_STR(SFW_MAP_IFACE_STATS));
}

/* sfw in the sandbox: built-in permit-all, timeouts that outlast the run. */
static int load_sfw(struct conservation *c)
{
	struct sfw_config cfg;
	int err;

	setenv("SFW_PIN_ROOT", "/sys/fs/bpf/sfw-stress", 1);
	setenv("SFW_CONF_DIR", "/nonexistent", 1);
	sfw_log_init();
	err = sfw_ensure_pin_root();
	if (!err)
		err = sfw_progs_load(&c->sfw, &(struct sfw_attach_opts){ .max_sessions = CAPACITY }, NULL);
	if (!err)
		err = sfw_config_read(&cfg);
	if (err)
		return fprintf(stderr, "conservation: %s\n", sfw_last_error()), -1;
	for (int i = 0; i < SFW_TO_COUNT; i++)
		cfg.timeout_s[i] = 3600;
	err = sfw_config_write(&cfg);
	/* the generator's frames arrive at LO: its counters at slot LO_SLOT */
	if (!err)
		err = sfw_iface_counters_bind(
			sfw_progs_map_fd(c->sfw, SFW_PROG_XDP, SFW_STR(SFW_MAP_IFACE_SLOTS)),
			stats_fd(c), LO, LO_SLOT);
	return err;
}

static int target(struct conservation *c, int prog_fd)
{
	__u32 zero = 0;

	return bpf_map_update_elem(bpf_map__fd(c->g->maps.sg_target), &zero, &prog_fd, BPF_ANY);
}

/* n frames in chunks; returns the seconds it took, or < 0. */
static double push(struct conservation *c, __u32 n)
{
	int fd = bpf_program__fd(c->g->progs.sg_mix);
	double t0 = st_now();

	for (__u32 done = 0; done < n; done += CHUNK)
		if (st_gen_run(fd, LO, c->frame, FRAME_LEN, n - done < CHUNK ? n - done : CHUNK))
			return -1;
	return st_now() - t0;
}

static int work(void *arg)
{
	struct conservation *c = arg;
	struct st_run *r = c->r;
	__u32 n = r->short_run ? SHORT_FRAMES : FULL_FRAMES;
	struct sfw_iface_stats st;
	double t_sfw, t_base;
	__u64 sent, outcomes, base_frames;
	long flows_checked, flows_bad, dups, walked;
	int sessions_fd;
	char why[256] = "";
	__u64 base[SG_CNT_COUNT];
#define KIND(id) (unsigned long long)(st_gen_count(c->g, id) - base[id])

	memset(c->frame, 0, sizeof(c->frame));
	c->g = stressgen__open_and_load();
	if (!c->g || load_sfw(c))
		return 1;
	c->g->bss->sg_seed = 0x5f5f2024ULL;
	/* the baseline first, its own frame numbers: the generator alone */
	if (target(c, bpf_program__fd(c->g->progs.sg_drop)))
		return 1;
	c->g->bss->sg_next = 1ULL << 62;
	t_base = push(c, n < 2000000 ? n : 2000000);
	for (int i = 0; i < SG_CNT_COUNT; i++)
		base[i] = st_gen_count(c->g, i);
	base_frames = base[SG_CNT_FRAMES];
	/* the generator's flow state belongs to the measured run */
	for (__u32 f = 0; f < SG_VALID_FLOWS; f++) {
		struct sg_flow_state z = {};

		bpf_map_update_elem(bpf_map__fd(c->g->maps.sg_flows_sent), &f, &z, BPF_ANY);
	}
	for (__u32 f = 0, z = 0; f < SG_FRAG_FLOWS; f++)
		bpf_map_update_elem(bpf_map__fd(c->g->maps.sg_frag_ids), &f, &z, BPF_ANY);
	if (t_base < 0 || target(c, sfw_progs_prog_fd(c->sfw, SFW_PROG_XDP)))
		return 1;
	c->g->bss->sg_next = 0;
	t_sfw = push(c, n);
	if (t_sfw < 0)
		return perror("conservation: live frames"), 1;
	sent = st_gen_count(c->g, SG_CNT_FRAMES) - base_frames;
	if (sfw_iface_counters_read(stats_fd(c), LO_SLOT, &st))
		return 1;
	outcomes = st_outcomes(&st);

	chk.ids = calloc(CAPACITY, sizeof(*chk.ids));
	sessions_fd = sfw_progs_map_fd(c->sfw, SFW_PROG_XDP, SFW_STR(SFW_MAP_SESSIONS));
	walked = chk.ids ? st_walk(sessions_fd, visit, &chk) : -ENOMEM;
	dups = walked >= 0 ? duplicate_ids(&chk) : 0;
	flows_bad = flows_wrong(sessions_fd, bpf_map__fd(c->g->maps.sg_flows_sent),
				&flows_checked, why, sizeof(why));

	printf("conservation: %u frames through sfw's XDP program with live frames\n", n);
	st_note("mix: %llu valid-flow frames, %llu truncated, %llu malformed, %llu garbage, "
		"%llu first fragments, %llu later fragments, %llu orphan fragments",
		KIND(SG_CNT_VALID), KIND(SG_CNT_TRUNCATED), KIND(SG_CNT_MALFORMED),
		KIND(SG_CNT_GARBAGE), KIND(SG_CNT_FIRST_FRAG), KIND(SG_CNT_LATER_FRAG),
		KIND(SG_CNT_ORPHAN_FRAG));
	for (int id = 0; id < SFW_CNT_COUNT; id++)
		if (st_is_outcome(id) && st.c[id])
			st_note("outcome %-36s %llu", st_cnt_key[id], (unsigned long long)st.c[id]);
	st_figure(r, "frames_sent", sent == n, (double)sent,
		  "frames sent: %llu of %u asked (every frame the generator built went to sfw)",
		  (unsigned long long)sent, n);
	st_figure(r, "outcomes_minus_sent", outcomes == sent && !st_gen_count(c->g,
		  SG_CNT_TAILCALL_FAIL), (double)outcomes - (double)sent,
		  "sum of outcome counters %llu = frames sent %llu, exactly (difference %lld; "
		  "proves: each frame ends in exactly one outcome)", (unsigned long long)outcomes,
		  (unsigned long long)sent, (long long)(outcomes - sent));
	st_figure(r, "sessions", walked > 0 && !chk.wrong, (double)walked,
		  "%ld sessions, %ld with a field that cannot be (normalised key, one family, "
		  "state, wing counters)%s%s", walked, chk.wrong, chk.wrong ? ": " : "",
		  chk.first_wrong);
	st_figure(r, "duplicate_ids", dups == 0, (double)dups, "%ld duplicate session ids", dups);
	st_figure(r, "flows_wrong", flows_bad == 0 && flows_checked > 0, (double)flows_bad,
		  "%ld valid flows checked against what was sent them: %ld disagree "
		  "(packets and bytes per wing, opener side, TCP state)%s%s", flows_checked,
		  flows_bad, flows_bad ? ": " : "", why);
	st_figure(r, "wing_packets_minus_permitted",
		  chk.wing_pkts == st.c[SFW_CNT_SFW_PERMITTED_PKTS],
		  (double)chk.wing_pkts - (double)st.c[SFW_CNT_SFW_PERMITTED_PKTS],
		  "packets on all wings %llu = Packets permitted %llu (no permitted packet "
		  "uncounted, none counted twice)", (unsigned long long)chk.wing_pkts,
		  (unsigned long long)st.c[SFW_CNT_SFW_PERMITTED_PKTS]);
	st_figure(r, "frames_per_s", true, n / t_sfw,
		  "rate: %.0f frames/s judged by sfw (the permitted and untracked ones then handed "
		  "to the stack as packets), against %.0f frames/s for the generator alone dropping "
		  "every frame (baseline, same run)", n / t_sfw,
		  (n < 2000000 ? n : 2000000) / t_base);
	return st_close_json(r) || r->failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct st_run r;
	static struct conservation c;
	int rc;

	if (st_args(&r, argc, argv, "conservation") || st_open_json(&r, "conservation"))
		return 2;
	st_machine(&r);
	c.r = &r;
	/* the figures are printed in the sandbox; the JSON is written there too */
	rc = st_sandbox(work, &c);
	fclose(r.json);   /* flushed before the fork: nothing of the parent's left */
	return rc;
}
