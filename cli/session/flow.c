/* show/clear security flow session and clear services stateful-firewall
 * flows: one pass over the session map, filtering as it goes, printing or
 * deleting each match at once. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "libbpf_lazy.h"
#include "flow.h"
#include "events.h"
#include "format.h"
#include "session_walk.h"

void sfw_flow_ctx_init(struct sfw_flow_ctx *ctx, int sessions_fd, FILE *out,
		       bool json)
{
	/* All but the output buffer's 64 kB, which needs no zeroes: zeroing
	 * them faulted in 17 stack pages, a seventh of the summary's time. */
	memset(ctx, 0, offsetof(struct sfw_flow_ctx, ob));
	memset(&ctx->js, 0, sizeof(*ctx) - offsetof(struct sfw_flow_ctx, js));
	ctx->sessions_fd = sessions_fd;
	ctx->out = out;
	ctx->json = json;
	sfw_ob_init(&ctx->ob, out);
	sfw_json_init(&ctx->js, &ctx->ob);
}

__u32 sfw_map_capacity(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.max_entries;
}

static const struct sfw_formatter *formatter(const struct sfw_flow_ctx *ctx)
{
	if (ctx->display != SFW_DISPLAY_TEXT)
		return &sfw_format_junos;
	return ctx->json ? &sfw_format_json : &sfw_format_text;
}

struct show_state {
	struct sfw_flow_ctx *ctx;
	const struct sfw_filter *f;
	enum sfw_view_kind view;
	__u64 count;
	struct sfw_summary sum;
};

/* Valid or Invalidated by the session's state, as the datapath counts
 * it (bpf/sess_count.bpf.h): a session that expired is counted under its
 * state until the sweeper removes it, as a session is in use until it is
 * removed (docs/design.md, "Session counters"). */
static void tally(struct sfw_summary *s, const struct sfw_view *v)
{
	s->total++;
	if (sfw_view_is_multicast(v))
		s->multicast++;
	else
		s->unicast++;
	if (v->sess->state == SFW_SESS_INVALIDATED)
		s->invalidated++;
	else
		s->valid++;
}

/* The unfiltered summary from the counters: no walk. */
static void summary_of_totals(const struct sfw_sess_totals *t, struct sfw_summary *s)
{
	s->total = t->total;
	s->multicast = t->multicast < t->total ? t->multicast : t->total;
	s->unicast = t->total - s->multicast;
	s->invalidated = t->invalidated < t->total ? t->invalidated : t->total;
	s->valid = t->total - s->invalidated;
}

static int show_visit(const struct sfw_session_key *key,
		      const struct sfw_session *sess, void *arg)
{
	struct show_state *st = arg;
	struct sfw_view v;

	if (!sfw_filter_entry(st->f, key, sess))
		return SFW_WALK_NEXT;
	sfw_view_build(&v, key, sess, st->ctx->now_ns);
	if (!sfw_filter_view(st->f, &v))
		return SFW_WALK_NEXT;
	if (st->view == SFW_VIEW_SUMMARY)
		tally(&st->sum, &v);
	else
		formatter(st->ctx)->session(st->ctx, &v,
					    st->view == SFW_VIEW_EXTENSIVE, st->count);
	st->count++;
	/* Ids are unique: once found, the rest of the table can't match. */
	return (st->f->mask & SFW_FLT_ID) ? SFW_WALK_STOP : SFW_WALK_NEXT;
}

int sfw_flow_show(struct sfw_flow_ctx *ctx, const struct sfw_filter *f,
		  enum sfw_view_kind view)
{
	const struct sfw_formatter *fmt = formatter(ctx);
	struct show_state st = { .ctx = ctx, .f = f, .view = view };
	struct sfw_walk_ops ops = { .visit = show_visit, .arg = &st };
	int err = 0;

	if (view != SFW_VIEW_SUMMARY) {
		sfw_ob_widen_pipe(ctx->out);
		fmt->list_begin(ctx);
	}
	if (view == SFW_VIEW_SUMMARY && !f->mask && ctx->totals)
		summary_of_totals(ctx->totals, &st.sum);
	else
		err = sfw_walk_sessions(ctx->sessions_fd, &ops);
	/* Close what was opened even after a failed walk: JSON stays valid. */
	if (view != SFW_VIEW_SUMMARY) {
		fmt->list_end(ctx, st.count);
	} else if (!err) {
		st.sum.failed = ctx->failed_sessions;
		st.sum.max_sessions = ctx->max_sessions ? ctx->max_sessions
							: sfw_map_capacity(ctx->sessions_fd);
		fmt->summary(ctx, &st.sum, f->mask != 0);
	}
	sfw_ob_flush(&ctx->ob);
	fflush(ctx->out);
	return err;
}

struct clear_state {
	struct sfw_flow_ctx *ctx;
	const struct sfw_filter *f;
	struct sfw_clear_row *rows;
	int n, cap;
	__u64 total;
	int err;
};

static struct sfw_clear_row *add_row(struct clear_state *st, __u32 ifindex)
{
	struct sfw_clear_row *r;

	if (st->n == st->cap) {
		int cap = st->cap ? st->cap * 2 : 16;

		r = realloc(st->rows, (size_t)cap * sizeof(*r));
		if (!r) {
			st->err = -ENOMEM;
			return NULL;
		}
		st->rows = r;
		st->cap = cap;
	}
	r = &st->rows[st->n++];
	r->ifindex = ifindex;
	r->service_set = SFW_DEFAULT_SERVICE_SET;
	r->removed = 0;
	return r;
}

static struct sfw_clear_row *find_row(struct clear_state *st, __u32 ifindex)
{
	int i;

	for (i = 0; i < st->n; i++)
		if (st->rows[i].ifindex == ifindex)
			return &st->rows[i];
	return NULL;
}

/* A session counts under the first of its wings' interfaces that has a row
 * (the In wing first: where the session was opened); under the filtered
 * interface when there is one; else a row is added for it. */
static struct sfw_clear_row *row_for(struct clear_state *st, const struct sfw_view *v)
{
	__u32 in = v->wing[SFW_WING_IN].ifindex, out = v->wing[SFW_WING_OUT].ifindex;
	struct sfw_clear_row *r;

	if (st->f->mask & SFW_FLT_IFACE)
		in = out = st->f->ifindex;
	r = find_row(st, in);
	if (!r)
		r = find_row(st, out);
	return r ? r : add_row(st, in ? in : out);
}

static int clear_visit(const struct sfw_session_key *key,
		       const struct sfw_session *sess, void *arg)
{
	struct clear_state *st = arg;
	struct sfw_view v;

	if (!sfw_filter_entry(st->f, key, sess))
		return SFW_WALK_NEXT;
	if (!sfw_filter_needs_view(st->f))
		return SFW_WALK_DELETE;
	sfw_view_build(&v, key, sess, st->ctx->now_ns);
	return sfw_filter_view(st->f, &v) ? SFW_WALK_DELETE : SFW_WALK_NEXT;
}

static void clear_deleted(const struct sfw_session_key *key,
			  const struct sfw_session *sess, void *arg)
{
	struct clear_state *st = arg;
	struct sfw_clear_row *r;
	struct sfw_view v;

	sfw_view_build(&v, key, sess, st->ctx->now_ns);
	st->total++;
	r = row_for(st, &v);
	if (r)
		r->removed++;
}

/* Rows for the attached interfaces, even those with nothing removed, as
 * Junos prints every service set; narrowed by the interface and
 * service-set filters. */
static void initial_rows(struct clear_state *st)
{
	const struct sfw_filter *f = st->f;
	int i;

	if ((f->mask & SFW_FLT_SERVICE_SET) &&
	    strcmp(f->service_set, SFW_DEFAULT_SERVICE_SET))
		return;
	if (f->mask & SFW_FLT_IFACE) {
		add_row(st, f->ifindex);
		return;
	}
	for (i = 0; i < st->ctx->n_ifaces; i++)
		add_row(st, st->ctx->ifaces[i].ifindex);
}

int sfw_flow_clear(struct sfw_flow_ctx *ctx, const struct sfw_filter *f,
		   enum sfw_clear_kind kind)
{
	struct clear_state st = { .ctx = ctx, .f = f };
	struct sfw_walk_ops ops = {
		.visit = clear_visit, .deleted = clear_deleted, .arg = &st,
		.reaper = ctx->reaper, .reason = SFW_CLOSE_CLEAR,
	};
	int err;

	initial_rows(&st);
	err = sfw_walk_sessions(ctx->sessions_fd, &ops);
	if (!err)
		err = st.err;
	/* Report what was removed even when the walk stopped early. */
	formatter(ctx)->cleared(ctx, kind, st.rows, st.n, st.total);
	sfw_ob_flush(&ctx->ob);
	fflush(ctx->out);
	free(st.rows);
	return err;
}
