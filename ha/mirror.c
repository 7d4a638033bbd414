/* The primary's side of the mirror: each session event from the datapath's
 * mirror ring becomes a write into (or a delete from) the kernel's
 * connection table, in the mirror's own zone, where conntrackd sees it and
 * sends it to the peer (docs/ha.md, "The mirror"). One ctnetlink request
 * per session event, plus the periodic refresh of sessions that saw
 * traffic: their entries' timeouts would otherwise run out while they
 * live. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include "libbpf_lazy.h"
#include "ha_int.h"
#include "events.h"
#include "loader.h"
#include "maps.h"
#include "nfct_lib.h"
#include "policy.h"
#include "protocols.h"
#include "reap.h"

/* Nothing open: fds are -1, never 0, which is a valid fd (a daemon's
 * stdin may be closed) that closing would take from whoever holds it. */
static void mirror_reset(struct ha_mirror *m)
{
	memset(m, 0, sizeof(*m));
	m->sessions_fd = m->zones_fd = m->config_fd = -1;
}

int ha_mirror_open(struct ha_mirror *m, __u16 zone, struct sfw_ha_stats *st)
{
	int load;

	mirror_reset(m);
	load = ha_nfct_load();
	if (load)
		return load;
	m->sessions_fd = sfw_open_pin(SFW_STR(SFW_MAP_SESSIONS), true);
	m->zones_fd = sfw_open_pin(SFW_STR(SFW_MAP_ZONES), true);
	m->config_fd = sfw_open_pin(SFW_STR(SFW_MAP_CONFIG), true);
	m->zone = zone;
	m->st = st;
	if (m->sessions_fd < 0 || m->zones_fd < 0 || m->config_fd < 0) {
		int err = m->sessions_fd < 0 ? m->sessions_fd
			  : m->zones_fd < 0 ? m->zones_fd : m->config_fd;

		ha_mirror_close(m);
		return err;
	}
	m->h = nfct.open(CONNTRACK, 0);
	if (!m->h) {
		int err = -errno;

		ha_mirror_close(m);
		return err;
	}
	return 0;
}

void ha_mirror_close(struct ha_mirror *m)
{
	if (m->h)
		nfct.close(m->h);
	if (m->sessions_fd >= 0)
		close(m->sessions_fd);
	if (m->zones_fd >= 0)
		close(m->zones_fd);
	if (m->config_fd >= 0)
		close(m->config_fd);
	mirror_reset(m);
}

static __u32 config_gen(const struct ha_mirror *m)
{
	struct sfw_config cfg;
	__u32 zero = 0;

	return bpf_map_lookup_elem(m->config_fd, &zero, &cfg) ? 0 : cfg.gen;
}

bool ha_mirrored(const struct sfw_session_key *k, const struct sfw_session *s)
{
	if (s->flags & (SFW_SESS_F_NAT | SFW_SESS_F_NAT_ALIAS))
		return false;
	return k->proto != SFW_IPPROTO_TCP || s->tcp_state >= SFW_TCP_ESTABLISHED;
}

/* The kernel never clears an entry's SEEN_REPLY (EBUSY). A session loaded
 * from the peer restarts its counters, so after a promotion it may look
 * unreplied here while its entry, written by the peer, says otherwise: the
 * entry is right, and the write says so too. 0 when that wrote it. */
static int rewrite_seen_reply(struct ha_mirror *m, struct nf_conntrack *ct)
{
	__u32 status = nfct.get_attr_u32(ct, ATTR_STATUS);

	if (status & IPS_SEEN_REPLY)
		return -1;
	nfct.set_attr_u32(ct, ATTR_STATUS, status | IPS_SEEN_REPLY);
	return nfct.query(m->h, NFCT_Q_CREATE_UPDATE, ct);
}

/* Writes session s's entry with timeout_s left to run: what the session
 * has left of its idle timeout, so an entry written again runs out with
 * its session, not a whole timeout after. */
static int write_entry(struct ha_mirror *m, const struct sfw_session_key *k,
		       const struct sfw_session *s, __u32 timeout_s, __u32 gen, __u64 *count)
{
	struct sfw_ha_session hs = { .key = *k, .sess = *s };
	struct nf_conntrack *ct = nfct.new();
	int err;

	if (!ct)
		return -ENOMEM;
	hs.sess.timeout_s = timeout_s;
	for (int w = 0; w < 2; w++)
		hs.zone[w] = ha_zone_of(m->zones_fd, gen, s->wing[w].ifindex);
	err = sfw_ha_encode(&hs, m->zone, ct);
	if (err == -EOPNOTSUPP) {
		m->st->skipped++;
		err = 0;
	} else if (err) {
		m->st->write_errors++;   /* a field out of the encoding's range: not silent */
	} else if (!err && nfct.query(m->h, NFCT_Q_CREATE_UPDATE, ct) &&
		   (errno != EBUSY || rewrite_seen_reply(m, ct))) {
		m->st->write_errors++;
	} else if (!err) {
		(*count)++;
	}
	nfct.destroy(ct);
	return err == -ENOMEM ? err : 0;
}

static int delete_entry(struct ha_mirror *m, const struct sfw_session_key *k,
			const struct sfw_session *s)
{
	struct nf_conntrack *ct = nfct.new();

	if (!ct)
		return -ENOMEM;
	/* ENOENT: never mirrored (a handshake, a protocol conntrack lacks) */
	if (!sfw_ha_encode_tuple(k, s->flags & SFW_SESS_F_OPENER_LO, m->zone, ct)) {
		if (!nfct.query(m->h, NFCT_Q_DESTROY, ct))
			m->st->removed++;
		else if (errno != ENOENT)
			m->st->write_errors++;
	}
	nfct.destroy(ct);
	return 0;
}

/* A created or changed session, with what it has left now (the walk's
 * rule): its packet was some time before the event is handled, so its
 * whole timeout would let the replica's entry outlive it, and its idle
 * seconds rounded up end the entry up to a second before it. */
static int mirror_event_session(struct ha_mirror *m, const struct sfw_event *e)
{
	__u32 left_s = sfw_sess_remaining_at(&e->sess, sfw_secs(sfw_coarse_now_ns()));

	if (!ha_mirrored(&e->key, &e->sess) || !left_s)
		return 0;
	return write_entry(m, &e->key, &e->sess, left_s, config_gen(m), &m->st->mirrored);
}

int ha_mirror_event(struct ha_mirror *m, const struct sfw_event *e)
{
	switch (e->type) {
	case SFW_EV_CREATE:
	case SFW_EV_UPDATE:
		return mirror_event_session(m, e);
	case SFW_EV_CLOSE:
		return delete_entry(m, &e->key, &e->sess);
	default:
		return 0;
	}
}

struct walk_ctx {
	struct ha_mirror *m;
	__u64 since, now;
	__u32 gen;
	bool refresh;
};

static int walk_one(const struct sfw_session_key *k, const struct sfw_session *s, void *arg)
{
	struct walk_ctx *c = arg;
	__u32 left_s = sfw_sess_remaining_at(s, sfw_secs(c->now));

	if (!ha_mirrored(k, s) || s->last_seen_s < sfw_secs(c->since) || !left_s)
		return 0;
	return write_entry(c->m, k, s, left_s, c->gen,
			   c->refresh ? &c->m->st->refreshed : &c->m->st->mirrored);
}

int ha_mirror_walk(struct ha_mirror *m, __u64 since_ns, bool refresh)
{
	struct walk_ctx c = { .m = m, .since = since_ns, .now = sfw_coarse_now_ns(),
			      .gen = config_gen(m), .refresh = refresh };

	return ha_walk(m->sessions_fd, walk_one, &c);
}

/* The entries of one zone that are sfw's, collected by a dump: a handle
 * takes no other request while it dumps. */
struct collect {
	struct nf_conntrack **v;
	size_t n, cap;
	__u16 zone;
	bool in_zone;            /* those in the zone, or those outside it */
};

static int on_dumped(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *arg)
{
	struct collect *c = arg;
	bool in = nfct.get_attr_u16(ct, ATTR_ZONE) == c->zone;

	if (!sfw_ha_is_ours(ct) || in != c->in_zone)
		return NFCT_CB_CONTINUE;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		struct nf_conntrack **v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return NFCT_CB_FAILURE;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = nfct.clone(ct);
	return NFCT_CB_CONTINUE;
}

/* Deletes sfw's entries in zone (in_zone) or outside it; the count. */
int ha_ct_purge(__u16 zone, bool in_zone)
{
	struct nfct_filter_dump_mark mark = { .val = SFW_HA_MARK_MAGIC << 24, .mask = 0xff000000 };
	struct collect c = { .zone = zone, .in_zone = in_zone };
	struct nfct_filter_dump *f = NULL;
	struct nfct_handle *h = NULL;
	int err = ha_nfct_load(), removed = 0;

	if (err)
		return err;
	h = nfct.open(CONNTRACK, 0);
	f = nfct.filter_dump_create();
	err = h && f ? 0 : -ENOMEM;
	if (!err) {
		nfct.filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &mark);
		nfct.callback_register(h, NFCT_T_ALL, on_dumped, &c);
		err = nfct.query(h, NFCT_Q_DUMP_FILTER, f) ? -errno : 0;
	}
	for (size_t i = 0; i < c.n; i++) {
		if (c.v[i] && !err && !nfct.query(h, NFCT_Q_DESTROY, c.v[i]))
			removed++;
		nfct.destroy(c.v[i]);
	}
	free(c.v);
	if (f)
		nfct.filter_dump_destroy(f);
	if (h)
		nfct.close(h);
	return err ? err : removed;
}

int ha_mirror_flush(struct ha_mirror *m)
{
	int n = ha_ct_purge(m->zone, true);

	return n < 0 ? n : 0;
}
