/* The secondary's side of the mirror: the peer's entries, which conntrackd
 * writes into this node's connection table, become sessions in this
 * node's table (docs/ha.md, "The replica"), and leave it when the peer
 * deletes them. A map update from user space per entry: the datapath
 * then finds the session when traffic arrives after a failover.
 *
 * A loaded session keeps its id, policy, application, TCP state and its
 * wings' TCP flags; its counters start from zero (conntrackd carries
 * none), its timeout is the one this node's configuration gives its state,
 * and each wing relearns its sequence window from its first segment. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/random.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <sys/socket.h>
#include "ha_int.h"
#include "loader.h"
#include "maps.h"
#include "nfct_lib.h"
#include "policy.h"
#include "reap.h"
#include "timeouts.h"

/* Big enough for a burst of a bulk resync between two reads. */
#define HA_EVENT_RCVBUF (8u << 20)

static int on_event(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *arg);

/* Nothing open: fds are -1, never 0, which is a valid fd (a daemon's
 * stdin may be closed) that closing would take from whoever holds it. */
static void replica_reset(struct ha_replica *r)
{
	memset(r, 0, sizeof(*r));
	r->sessions_fd = r->zones_fd = r->config_fd = -1;
}

int ha_replica_open(struct ha_replica *r, __u16 zone, bool events, struct sfw_ha_stats *st)
{
	int err;

	replica_reset(r);
	err = ha_nfct_load();
	if (err)
		return err;
	r->zone = zone;
	r->st = st;
	r->sessions_fd = sfw_open_pin(SFW_STR(SFW_MAP_SESSIONS), true);
	r->zones_fd = sfw_open_pin(SFW_STR(SFW_MAP_ZONES), true);
	r->config_fd = sfw_open_pin(SFW_STR(SFW_MAP_CONFIG), true);
	if (r->sessions_fd < 0 || r->zones_fd < 0 || r->config_fd < 0)
		err = r->sessions_fd < 0 ? r->sessions_fd
		      : r->zones_fd < 0 ? r->zones_fd : r->config_fd;
	if (!err) {
		r->q = nfct.open(CONNTRACK, 0);
		if (!r->q)
			err = -errno;
	}
	if (!err && events) {
		struct nfct_filter *f = nfct.filter_create();
		struct nfct_filter_dump_mark mark = { .val = SFW_HA_MARK_MAGIC << 24,
						      .mask = 0xff000000 };

		r->ev = nfct.open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW | NF_NETLINK_CONNTRACK_UPDATE |
					     NF_NETLINK_CONNTRACK_DESTROY);
		if (!r->ev || !f) {
			err = -errno ? -errno : -ENOMEM;
		} else {
			/* only sfw's entries wake us: the kernel filters */
			nfct.filter_add_attr(f, NFCT_FILTER_MARK, &mark);
			if (nfct.filter_attach(nfct.fd(r->ev), f))
				err = -errno;
			/* nfct_catch returns only when a read would block: on a
			 * blocking socket it never would, and the worker would
			 * never look at its role again */
			if (!err && fcntl(nfct.fd(r->ev), F_SETFL, O_NONBLOCK))
				err = -errno;
			setsockopt(nfct.fd(r->ev), SOL_SOCKET, SO_RCVBUFFORCE,
				   &(int){ HA_EVENT_RCVBUF }, sizeof(int));
			nfct.callback_register(r->ev, NFCT_T_ALL, on_event, r);
		}
		if (f)
			nfct.filter_destroy(f);
	}
	if (err)
		ha_replica_close(r);
	return err;
}

void ha_replica_close(struct ha_replica *r)
{
	if (r->ev)
		nfct.close(r->ev);
	if (r->q)
		nfct.close(r->q);
	if (r->sessions_fd >= 0)
		close(r->sessions_fd);
	if (r->zones_fd >= 0)
		close(r->zones_fd);
	if (r->config_fd >= 0)
		close(r->config_fd);
	sfw_reaper_close(r->reaper);
	replica_reset(r);
}

int ha_replica_fd(const struct ha_replica *r)
{
	return r->ev ? nfct.fd(r->ev) : -1;
}

/* The wing flags that hold here: those about sequence numbers (tracked,
 * an acknowledgement seen) refer to numbers the mirror does not carry,
 * so each wing is picked up again from its next segment. */
#define HA_KEPT_WING_FLAGS (SFW_WING_SEEN_SYN | SFW_WING_SEEN_FIN | SFW_WING_SEEN_RST | \
			    SFW_WING_FIN_ACKED)

/* Where a kept FIN of wing w was: the mirror does not carry it, and 0 is
 * a sequence number like any other: a blind ACK of 1 acknowledged it, and
 * the connection was finished for a blind SYN to take over (red team r47
 * RT47-4). Until the endpoint's FIN sent again gives it back
 * (sfw_tcp_fin_flags), a number no one can guess: only an exact
 * acknowledgement of it counts. */
static __u32 fin_unknown(const struct sfw_wing *w)
{
	__u32 v = 0;

	if ((w->tcp_flags & (SFW_WING_SEEN_FIN | SFW_WING_FIN_ACKED)) != SFW_WING_SEEN_FIN)
		return w->fin_seq;
	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (__u32)random();
	return v;
}

/* The session to write for hs; returns the wings (bit w) given one here. */
static unsigned rebuild(struct ha_replica *r, const struct sfw_config *cfg,
			const struct sfw_ha_session *hs, const struct sfw_session *old,
			struct sfw_session *s)
{
	unsigned picked = 0;
	bool tcp = hs->key.proto == SFW_IPPROTO_TCP;
	__u32 now_s = sfw_secs(sfw_coarse_now_ns());

	*s = hs->sess;
	s->flags |= SFW_SESS_F_SYNCED;
	/* the numbers each wing picks up next are not trusted until the
	 * other side confirms them (bpf/tcp_state.bpf.h sfw_tcp_failover) */
	if (tcp)
		s->xflags |= SFW_SESS_X_UNCONFIRMED;
	/* the primary logs its sessions' ends; this node, once it is */
	if (!r->primary)
		s->flags &= ~SFW_SESS_F_LOG_CLOSE;
	s->timeout_s = cfg->timeout_s[tcp ? sfw_tcp_timeout_class(s->tcp_state)
					  : sfw_proto_timeout_class(hs->key.proto)];
	if (s->app_timeout_s && (!tcp || s->tcp_state == SFW_TCP_ESTABLISHED))
		s->timeout_s = s->app_timeout_s;
	/* the peer's idle clock goes on here (red team 1205 F6): a refresh
	 * restarted it, and a session about to end there lived another
	 * whole timeout after a failover; a packet this node saw since
	 * counts too */
	s->last_seen_s = sfw_sess_last_seen_for(s->timeout_s, hs->sess.timeout_s, now_s);
	if (old && old->last_seen_s > s->last_seen_s && old->last_seen_s <= now_s)
		s->last_seen_s = old->last_seen_s;
	s->created_s = old ? old->created_s : now_s;
	for (int w = 0; w < 2; w++) {
		s->wing[w].tcp_flags &= HA_KEPT_WING_FLAGS;
		if (tcp)
			s->wing[w].fin_seq = fin_unknown(&s->wing[w]);
		else
			s->wing[w].wscale = 0;
		/* the same session again: what this node counted stays */
		if (old) {
			s->wing[w].packets = old->wing[w].packets;
			s->wing[w].bytes = old->wing[w].bytes;
			s->wing[w].ifindex = old->wing[w].ifindex;
		}
		if (!s->wing[w].ifindex) {
			s->wing[w].ifindex = ha_zone_cache_iface(&r->zones, r->zones_fd, cfg,
								 hs->zone[w]);
			picked |= s->wing[w].ifindex ? 1u << w : 0;
		}
	}
	return picked;
}

static int config_of(const struct ha_replica *r, struct sfw_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(r->config_fd, &zero, cfg) ? -errno : 0;
}

/* The interfaces rebuild gave wings were read without the lock commits
 * and follows hold (sfw_lock): taking it would stall the replica for a
 * whole commit (its session walks) or drop entries while it is held.
 * Instead each is read again after the write. One that moves an interface
 * (loader/zone_ifnames.c, zone_moves.c) first deletes its entry in force,
 * then ends the sessions with a wing on it: still the zone's now, that walk
 * comes after our write and finds it; no longer (gone, another zone's or
 * generation's), it may have passed: the caller ends it, drops r->zones. */
static bool zone_moved(const struct ha_replica *r, const struct sfw_ha_session *hs,
		       const struct sfw_session *s, unsigned picked)
{
	struct sfw_config cfg;

	if (config_of(r, &cfg))
		return true;
	for (int w = 0; w < 2; w++)
		if ((picked & (1u << w)) &&
		    ha_zone_of(r->zones_fd, cfg.gen, s->wing[w].ifindex) != hs->zone[w])
			return true;
	return false;
}

/* Sessions in the table, counted by a walk when loading starts and kept
 * up to date as entries load and unload: between walks the sweeper's
 * removals make it an overestimate, which refuses early, never late. */
static int count_one(const struct sfw_session_key *k, const struct sfw_session *s, void *arg)
{
	(*(__u64 *)arg)++;
	return 0;
}

static int recount(struct ha_replica *r)
{
	r->count = 0;
	return ha_walk(r->sessions_fd, count_one, &r->count);
}

static bool table_full(const struct ha_replica *r, const struct sfw_config *cfg)
{
	__u32 limit = cfg->max_sessions ? cfg->max_sessions : cfg->session_limit;

	return limit && r->count >= limit;
}

/* What only this node knows of a session in its table: the counts it
 * holds (limit-session, the session counters: include/session.h's tally
 * word). A session of this node's own holds them; so may one loaded
 * earlier that sfw_adopt counted (loader/sess_counts.c). */
#define HA_HELD_TALLY (SFW_TALLY_COUNTS | SFW_TALLY_COUNTED)

static bool holds_counts(const struct sfw_session *s)
{
	return (s->tally & HA_HELD_TALLY) && !(s->tally & SFW_TALLY_ENDED);
}

/* Ends session id at key k as every removal from user space must, through
 * the reaper (loader/reap.h): it claims the session against the datapath
 * and gives back what it holds. Opened the first time a session here
 * holds counts; 1 when it was removed, 0 when another ended it first. */
static int end_counted(struct ha_replica *r, const struct sfw_session_key *k, __u64 id)
{
	struct sfw_reap_entry ent = { .key = *k, .id = id };
	int err = r->reaper ? 0 : sfw_reaper_open(&r->reaper);

	if (err)
		return err;
	err = sfw_reaper_run(r->reaper, &ent, 1, SFW_CLOSE_NONE, false);
	return err < 0 ? err : ent.removed ? 1 : 0;
}

/* The same session again (same id): it is written over with what this
 * node holds of it kept. Its counts stay with it, so its end gives them
 * back: when this node steps down its own sessions come back from the
 * zone its mirror wrote them into (rv26 F3), and the decoded entry's
 * tally word is 0. Only its tally word: the rest the entry says again
 * (the peer, or this node's mirror, knows it as well), and its windows
 * are relearned as any loaded session's.
 *
 * A map update replaces the whole value, so the datapath may change the
 * session between our read and the write: BPF_EXIST, so a session ended
 * and removed meanwhile stays ended (BPF_ANY would bring it back holding
 * counts already given back), after a second read, so a session claimed
 * for its end (SFW_SESS_ID_DYING) or replaced by another meanwhile is left
 * to whoever has it. A claim between that read and the write removes what
 * we wrote with it (the claimant deletes by key). Left: a TCP state change
 * in that window moves its count on the session we replace, and our word
 * still names the earlier state; on a secondary the session's traffic has
 * gone to the peer, so such a change is rare. */
static int rewrite_same(struct ha_replica *r, const struct sfw_ha_session *hs,
			struct sfw_session *s)
{
	struct sfw_session now;

	if (bpf_map_lookup_elem(r->sessions_fd, &hs->key, &now) || now.id != hs->sess.id)
		return -ESTALE;
	s->tally = now.tally;
	return bpf_map_update_elem(r->sessions_fd, &hs->key, s, BPF_EXIST) ? -errno : 0;
}

/* Another session than the entry's is at its key: the peer is the
 * primary, its session replaces this one. One that holds counts (this
 * node's own) ends through the reaper first, so they are given back;
 * then the entry goes in only where nothing is (BPF_NOEXIST): a session
 * the datapath put there meanwhile is newer than the entry. r->count is
 * the caller's: one session replaces another (ours, or the datapath's
 * when the insert loses to it), so the table holds as many. */
static int replace_other(struct ha_replica *r, const struct sfw_ha_session *hs,
			 const struct sfw_session *old, const struct sfw_session *s)
{
	int ended = 0;

	if (holds_counts(old)) {
		ended = end_counted(r, &hs->key, old->id);
		if (ended < 0)
			return ended;
		return bpf_map_update_elem(r->sessions_fd, &hs->key, s, BPF_NOEXIST) ? -errno : 0;
	}
	return bpf_map_update_elem(r->sessions_fd, &hs->key, s, BPF_ANY) ? -errno : 0;
}

/* Ends cur, the session at k: through the reaper if it holds counts.
 * Whether it was removed. */
static bool end_at(struct ha_replica *r, const struct sfw_session_key *k,
		   const struct sfw_session *cur)
{
	if (holds_counts(cur))
		return end_counted(r, k, cur->id) == 1;
	return !bpf_map_delete_elem(r->sessions_fd, k);
}

/* The session written for hs (id), ended again: a wing's interface moved
 * zone meanwhile (zone_moved). */
static void end_written(struct ha_replica *r, const struct sfw_ha_session *hs, __u64 id)
{
	struct sfw_session cur;

	if (!bpf_map_lookup_elem(r->sessions_fd, &hs->key, &cur) && cur.id == id &&
	    end_at(r, &hs->key, &cur))
		r->count -= r->count ? 1 : 0;
}

/* With zones configured, a wing given no interface here (its zone has
 * none on this node, or the peer sent none) binds nothing: the other
 * wing's packets would leave into whatever zone this node's route picks,
 * as sfw_leaves_by_peer_zone reads 0 as "nothing recorded yet" (review
 * rvha, H1: a trust -> vpn session loaded while the tunnel's interface
 * was not up here left by the WAN, into untrust). Such a session is not
 * loaded: its packets are first packets here, judged by this node's
 * routes and policies, and the peer's next refresh or a promotion's
 * reload brings it once the zone has an interface. */
static bool wing_unbound(const struct sfw_config *cfg, const struct sfw_session *s)
{
	return (cfg->flags & SFW_CFG_F_ZONES) &&
	       (!s->wing[SFW_WING_IN].ifindex || !s->wing[SFW_WING_OUT].ifindex);
}

/* Loads one decoded entry: 0; 1 when the datapath ended or replaced the
 * session at its key meanwhile, or a wing is unbound (not loaded: the
 * peer's next refresh brings it again if it lives); -ENOSPC when the
 * table may take no more. */
static int upsert(struct ha_replica *r, const struct sfw_config *cfg,
		  const struct sfw_ha_session *hs)
{
	struct sfw_session old = { 0 }, s;
	bool found = !bpf_map_lookup_elem(r->sessions_fd, &hs->key, &old);
	bool same = found && old.id == hs->sess.id;
	unsigned picked;
	int err;

	if (!same && table_full(r, cfg)) {
		r->st->load_refused++;
		return -ENOSPC;
	}
	picked = rebuild(r, cfg, hs, same ? &old : NULL, &s);
	if (wing_unbound(cfg, &s)) {
		r->st->load_refused++;
		if (same)   /* loaded before zones were configured here */
			end_written(r, hs, old.id);
		return 1;
	}
	if (r->before_write)   /* tests: a commit or follow in between */
		r->before_write(r->hook_arg);
	err = same ? rewrite_same(r, hs, &s) : replace_other(r, hs, &old, &s);
	if (!err && picked && zone_moved(r, hs, &s, picked)) {
		/* counted as present (same, or one replaced): one fewer now */
		r->count += same || old.id ? 0 : 1;
		ha_zone_cache_drop(&r->zones);
		end_written(r, hs, s.id);
		return 1;
	}
	if (err == -ESTALE || err == -ENOENT || err == -EEXIST)
		return 1;
	if (err) {
		r->st->load_refused++;
		return err;
	}
	if (same) {
		r->st->load_updates++;
	} else {
		r->st->loaded++;
		r->count += old.id ? 0 : 1;   /* replacing another session adds none */
	}
	return 0;
}

/* The peer's session ended: gone here too, if it is the one loaded (id 0:
 * the kernel's DESTROY events carry no labels, so whichever was loaded).
 * One that holds counts ends through the reaper, which gives them back. */
static void unload(struct ha_replica *r, const struct sfw_ha_session *hs)
{
	struct sfw_session cur;

	if (bpf_map_lookup_elem(r->sessions_fd, &hs->key, &cur) ||
	    (hs->sess.id && cur.id != hs->sess.id) || !(cur.flags & SFW_SESS_F_SYNCED))
		return;
	if (end_at(r, &hs->key, &cur)) {
		r->st->unloaded++;
		r->count -= r->count ? 1 : 0;
	}
}

static int on_event(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *arg)
{
	struct ha_replica *r = arg;
	struct sfw_ha_session hs;
	struct sfw_config cfg;

	/* conntrackd carries the zone: the peer's mirror lands in ours */
	if (nfct.get_attr_u16(ct, ATTR_ZONE) != r->zone)
		return NFCT_CB_CONTINUE;
	if (type == NFCT_T_DESTROY) {
		if (!sfw_ha_decode(ct, &hs) || !sfw_ha_decode_key(ct, &hs))
			unload(r, &hs);
		return NFCT_CB_CONTINUE;
	}
	if (sfw_ha_decode(ct, &hs)) {
		r->st->load_refused++;
		return NFCT_CB_CONTINUE;
	}
	if (!config_of(r, &cfg))
		upsert(r, &cfg, &hs);
	return NFCT_CB_CONTINUE;
}

int ha_replica_events(struct ha_replica *r)
{
	/* what is queued: the socket is non-blocking (ha_replica_open),
	 * so nfct_catch ends with EAGAIN once it is read */
	if (nfct.catch(r->ev) < 0 && errno == ENOBUFS) {
		/* the kernel dropped events: what the table holds is the truth */
		int n = ha_replica_load_all(r);

		return n < 0 ? n : 0;
	}
	return 0;
}

struct load_ctx {
	struct ha_replica *r;
	struct sfw_config cfg;
	int loaded;
};

static int on_dumped(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *arg)
{
	struct load_ctx *c = arg;
	struct sfw_ha_session hs;

	if (nfct.get_attr_u16(ct, ATTR_ZONE) != c->r->zone)
		return NFCT_CB_CONTINUE;
	if (sfw_ha_decode(ct, &hs)) {
		c->r->st->load_refused++;
		return NFCT_CB_CONTINUE;
	}
	if (!upsert(c->r, &c->cfg, &hs))
		c->loaded++;
	return NFCT_CB_CONTINUE;
}

int ha_replica_load_all(struct ha_replica *r)
{
	struct nfct_filter_dump *f = nfct.filter_dump_create();
	struct nfct_filter_dump_mark mark = { .val = SFW_HA_MARK_MAGIC << 24, .mask = 0xff000000 };
	struct load_ctx c = { .r = r };
	int err;

	if (!f)
		return -ENOMEM;
	err = config_of(r, &c.cfg);
	if (!err)
		err = recount(r);
	if (!err) {
		nfct.filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &mark);
		nfct.callback_register(r->q, NFCT_T_ALL, on_dumped, &c);
		err = nfct.query(r->q, NFCT_Q_DUMP_FILTER, f) ? -errno : 0;
		nfct.callback_unregister(r->q);
	}
	nfct.filter_dump_destroy(f);
	return err ? err : c.loaded;
}
