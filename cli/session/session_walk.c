/* Session map walk. Batch lookups copy thousands of entries per syscall;
 * kernels or map types without them fall back to get_next_key + lookup.
 * Deletions happen only on keys already passed by the walk cursor, so they
 * never disturb the iteration. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "libbpf_lazy.h"
#include "session_walk.h"
#include "reap.h"
#include "sess_counts.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524   /* kernel-internal "operation not supported" */
#endif

bool sfw_walk_no_batch;

struct walk_buf {
	struct sfw_session_key *keys;
	struct sfw_session *vals;
	__u32 cap;
	__u32 *del;          /* indexes the visitor asked to delete */
	__u32 ndel;
	struct sfw_session_key *del_keys;
};

static int buf_alloc(struct walk_buf *b, __u32 cap)
{
	free(b->keys);
	free(b->vals);
	free(b->del);
	free(b->del_keys);
	b->cap = cap;
	b->keys = calloc(cap, sizeof(*b->keys));
	b->vals = calloc(cap, sizeof(*b->vals));
	b->del = calloc(cap, sizeof(*b->del));
	b->del_keys = calloc(cap, sizeof(*b->del_keys));
	return b->keys && b->vals && b->del && b->del_keys ? 0 : -ENOMEM;
}

static void buf_free(struct walk_buf *b)
{
	free(b->keys);
	free(b->vals);
	free(b->del);
	free(b->del_keys);
}

static bool batch_unsupported(int err)
{
	return err == -EINVAL || err == -ENOTSUPP || err == -EOPNOTSUPP;
}

/* Remove the marked entries through the reaper, SFW_REAP_BATCH at a time:
 * a session replaced since it was read (another id) stays, and `deleted`
 * sees each session as it was when removed. */
static int reap_marked(struct walk_buf *b, const struct sfw_walk_ops *ops)
{
	struct sfw_reap_entry ents[64];
	__u32 i = 0, n, k;
	int r;

	while (i < b->ndel) {
		n = b->ndel - i < 64 ? b->ndel - i : 64;
		for (k = 0; k < n; k++) {
			memset(&ents[k], 0, sizeof(ents[k]));
			ents[k].key = b->keys[b->del[i + k]];
			ents[k].id = b->vals[b->del[i + k]].id;
		}
		r = sfw_reaper_run(ops->reaper, ents, n, ops->reason, false);
		if (r < 0)
			return r;
		for (k = 0; k < n && ops->deleted; k++)
			if (ents[k].removed)
				ops->deleted(&ents[k].key, &ents[k].sess, ops->arg);
		i += n;
	}
	b->ndel = 0;
	return 0;
}

/* Delete the marked entries. bpf_map_delete_batch stops at the first key
 * that is already gone (LRU eviction, expiry); skip it and go on. */
static void delete_marked(int fd, struct walk_buf *b, const struct sfw_walk_ops *ops)
{
	static bool no_delete_batch;
	__u32 i = 0, n;
	int err;

	for (n = 0; n < b->ndel; n++)
		b->del_keys[n] = b->keys[b->del[n]];
	while (i < b->ndel) {
		__u32 count = b->ndel - i;

		if (no_delete_batch) {
			count = 1;
			err = bpf_map_delete_elem(fd, &b->del_keys[i]);
			count = err ? 0 : 1;
		} else {
			err = bpf_map_delete_batch(fd, &b->del_keys[i], &count, NULL);
			if (err && count == 0 && batch_unsupported(err)) {
				no_delete_batch = true;
				continue;
			}
		}
		for (n = 0; n < count && ops->deleted; n++)
			ops->deleted(&b->del_keys[i + n], &b->vals[b->del[i + n]], ops->arg);
		i += count;
		if (err)
			i++;   /* this key was gone already: not ours to count */
	}
	b->ndel = 0;
}

/* Visit the `count` fetched entries. Returns 1 when the visitor stopped. */
static int visit_batch(int fd, struct walk_buf *b, __u32 count,
		       const struct sfw_walk_ops *ops)
{
	int stop = 0, r;
	__u32 i;

	for (i = 0; i < count && !stop; i++) {
		/* a NAT session's reply key: shown, cleared, with its session */
		if (SFW_SESS_IS_ALIAS(&b->vals[i]))
			continue;
		r = ops->visit(&b->keys[i], &b->vals[i], ops->arg);
		if (r < 0)
			return r;
		if (r == SFW_WALK_DELETE)
			b->del[b->ndel++] = i;
		else if (r == SFW_WALK_STOP)
			stop = 1;
	}
	if (b->ndel && ops->reaper) {
		r = reap_marked(b, ops);
		if (r < 0)
			return r;
	} else if (b->ndel) {
		delete_marked(fd, b, ops);
	}
	return stop;
}

/* Returns 0 when done, 1 when batches are unsupported, negative on error. */
static int walk_batched(int fd, const struct sfw_walk_ops *ops)
{
	struct walk_buf b = { 0 };
	__u32 in = 0, out = 0, count;
	bool first = true;
	int err, r;

	if (buf_alloc(&b, SFW_WALK_BATCH))
		return buf_free(&b), -ENOMEM;
	for (;;) {
		count = b.cap;
		err = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, b.keys,
					   b.vals, &count, NULL);
		if (err == -ENOSPC && count == 0) {
			/* One hash bucket holds more than the buffer. */
			if (b.cap >= (1u << 20) || buf_alloc(&b, b.cap * 2)) {
				r = -ENOMEM;
				break;
			}
			continue;
		}
		if (err && err != -ENOENT) {
			r = first && batch_unsupported(err) ? 1 : err;
			break;
		}
		first = false;
		r = visit_batch(fd, &b, count, ops);
		if (r != 0 || err == -ENOENT) {
			r = r < 0 ? r : 0;
			break;
		}
		in = out;
	}
	buf_free(&b);
	return r;
}

/* One session the walk asked to remove, through the reaper when there is
 * one (as reap_marked: the id seen, the claim, the counts, the CLOSE). */
static int remove_one(int fd, const struct sfw_session_key *key,
		      const struct sfw_session *val, const struct sfw_walk_ops *ops)
{
	struct sfw_reap_entry ent = { .key = *key, .id = val->id };
	int r;

	if (!ops->reaper) {
		if (!bpf_map_delete_elem(fd, key) && ops->deleted)
			ops->deleted(key, val, ops->arg);
		return 0;
	}
	r = sfw_reaper_run(ops->reaper, &ent, 1, ops->reason, false);
	if (r > 0 && ent.removed && ops->deleted)
		ops->deleted(&ent.key, &ent.sess, ops->arg);
	return r < 0 ? r : 0;
}

/* The portable walk. Deleting the previous key only after get_next_key
 * has moved past it keeps the walk going. A key that vanishes between
 * get_next_key and lookup is skipped. */
static int walk_by_key(int fd, const struct sfw_walk_ops *ops)
{
	struct sfw_session_key prev, next;
	struct sfw_session prev_val, val;
	bool have_prev = false, del_prev = false, stop = false;
	int r;

	for (;;) {
		int err = stop ? -ENOENT :
			bpf_map_get_next_key(fd, have_prev ? &prev : NULL, &next);

		r = del_prev ? remove_one(fd, &prev, &prev_val, ops) : 0;
		del_prev = false;
		if (r < 0)
			return r;
		if (err)
			return err == -ENOENT ? 0 : err;
		prev = next;
		have_prev = true;
		if (bpf_map_lookup_elem(fd, &next, &val) || SFW_SESS_IS_ALIAS(&val))
			continue;
		r = ops->visit(&next, &val, ops->arg);
		if (r < 0)
			return r;
		del_prev = r == SFW_WALK_DELETE;
		stop = r == SFW_WALK_STOP;
		prev_val = val;
	}
}

int sfw_walk_sessions(int fd, const struct sfw_walk_ops *ops)
{
	int r;

	if (!sfw_walk_no_batch) {
		r = walk_batched(fd, ops);
		if (r <= 0)
			return r;
	}
	return walk_by_key(fd, ops);
}

static int count_visit(const struct sfw_session_key *k, const struct sfw_session *s,
		       void *arg)
{
	(*(__u64 *)arg)++;
	return SFW_WALK_NEXT;
}

int sfw_sessions_in_use(int fd, __u64 *n)
{
	struct sfw_walk_ops ops = { .visit = count_visit, .arg = n };
	struct sfw_sess_totals tot;

	*n = 0;
	if (!sfw_sess_totals_live(&tot) && !tot.partial) {
		*n = tot.total;
		return 0;
	}
	return sfw_walk_sessions(fd, &ops);
}
