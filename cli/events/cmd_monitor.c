/* sfw monitor security flow session [filters]: session creates and closes
 * as they happen, matching the filters of `show security flow session`;
 * and the session log lines of `show security flow status`. The monitor
 * reads its own ring (the log's belongs to the daemon) and asks for events
 * of every session while it runs (SFW_CFG_F_MONITOR). */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "commands.h"
#include "event_ring.h"
#include "filter.h"
#include "flow_status.h"
#include "loader.h"
#include "log_sink.h"
#include "maps.h"
#include "report.h"
#include "signals.h"
#include "values.h"

struct monitor {
	const struct sfw_cmdline *cl;
	struct sfw_filter f;
	struct sfw_log_env env;
	__u64 shown;
};

/* One line per event: when, what, which session, and for a close why and
 * how much it carried. */
static void print_text(struct monitor *m, const struct sfw_event *e, const struct sfw_view *v)
{
	const struct sfw_wing_view *in = &v->wing[SFW_WING_IN], *out = &v->wing[SFW_WING_OUT];
	char src[64], dst[64], ifn[IF_NAMESIZE] = "";
	struct sfw_name pol;
	char line[4096];

	sfw_addr_str(v->family, &in->src, src, sizeof(src));
	sfw_addr_str(v->family, &in->dst, dst, sizeof(dst));
	sfw_policy_name(e->sess.policy_id, &pol);
	if (!in->ifindex || !if_indextoname(in->ifindex, ifn))
		snprintf(ifn, sizeof(ifn), "%u", in->ifindex);
	/* the syslog line's timestamp, without the rest of it */
	sfw_log_syslog(line, sizeof(line), e, &m->env);
	fprintf(m->cl->out, "%.29s %s Session ID: %llu, Policy name: %s/%u, "
		"%s/%u --> %s/%u;%s, If: %s", strchr(line, ' ') + 1, sfw_log_msgid(e),
		(unsigned long long)e->sess.id, pol.name, sfw_policy_index(e->sess.policy_id), src, in->sport, dst,
		in->dport, sfw_proto_name(v->proto), ifn);
	if (e->type == SFW_EV_CLOSE)
		fprintf(m->cl->out, ", Reason: %s, In Pkts: %llu, Bytes: %llu, Out Pkts: %llu, "
			"Bytes: %llu, Duration: %llu", sfw_close_reason_text(e->reason),
			(unsigned long long)in->packets, (unsigned long long)in->bytes,
			(unsigned long long)out->packets, (unsigned long long)out->bytes,
			(unsigned long long)sfw_secs_since(e->sess.created_s, sfw_secs(e->time_ns)));
	fputc('\n', m->cl->out);
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct monitor *m = ctx;
	const struct sfw_event *e = sfw_event_of(data, len);
	struct sfw_view v;
	char line[4096];

	if (!e)
		return 0;
	sfw_view_build(&v, &e->key, &e->sess, e->time_ns);
	if (!sfw_filter_match(&m->f, &v))
		return 0;
	if (m->cl->json) {
		sfw_log_json(line, sizeof(line), e, &m->env);
		fprintf(m->cl->out, "%s\n", line);
	} else {
		print_text(m, e, &v);
	}
	fflush(m->cl->out);
	m->shown++;
	return 0;
}

static int watch(struct monitor *m)
{
	int fd = sfw_open_map(SFW_STR(SFW_MAP_MON_EVENTS)), r = 0;
	struct ring_buffer *rb;

	if (fd < 0)
		return fd;
	rb = ring_buffer__new(fd, on_event, m, NULL);
	close(fd);
	if (!rb)
		return sfw_fail(errno, "cannot read the monitor ring: %s", strerror(errno));
	while (!sfw_interrupted && (r >= 0 || r == -EINTR))
		r = ring_buffer__poll(rb, 500);
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return r < 0 && r != -EINTR ? sfw_fail(-r, "reading events: %s", strerror(-r)) : 0;
}

int sfw_cmd_monitor_session(const struct sfw_cmdline *cl)
{
	struct monitor m = { .cl = cl };
	__u64 lost_before = 0, lost_after = 0;
	int lock, err;

	if (sfw_require_loaded() || sfw_check_netns())
		return sfw_report(cl);
	lock = sfw_ring_claim(SFW_STR(SFW_MAP_MON_EVENTS), "sfw monitor");
	if (lock < 0)
		return sfw_report(cl);
	m.f = *SFW_OPTS(cl, struct sfw_filter);
	sfw_log_env_live(&m.env);
	sfw_catch_stop_signals();
	sfw_events_lost(SFW_RING_MONITOR, &lost_before);
	err = sfw_monitor_flag(true);
	if (!err)
		err = watch(&m);
	/* the last monitor out turns the events off: we hold the only lock */
	sfw_monitor_flag(false);
	close(lock);
	if (err)
		return sfw_report(cl);
	sfw_events_lost(SFW_RING_MONITOR, &lost_after);
	if (lost_after > lost_before)
		fprintf(cl->err, "sfw monitor: %llu events lost (too many to keep up with)\n",
			(unsigned long long)(lost_after - lost_before));
	return SFW_EXIT_OK;
}

static void lost_text(FILE *f)
{
	__u64 log = 0, mon = 0, deny_suppressed = 0, deny_lost = 0;

	sfw_events_lost(SFW_RING_LOG, &log);
	sfw_events_lost(SFW_RING_MONITOR, &mon);
	sfw_rate_counts(SFW_RATE_DENY_LOG, &deny_suppressed, &deny_lost);
	struct sfw_config cfg;

	if (!sfw_config_read(&cfg))
		fprintf(f, "Session log: %s\n", (cfg.flags & SFW_CFG_F_LOG_SESSIONS)
			? "every session (log-sessions)" : "where policies say then log");
	fprintf(f, "Session log events lost: %llu\n", (unsigned long long)log);
	fprintf(f, "Deny log events suppressed (deny-log-rate): %llu\n",
		(unsigned long long)deny_suppressed);
	fprintf(f, "Deny log events lost: %llu\n", (unsigned long long)deny_lost);
	fprintf(f, "Monitor events lost: %llu\n", (unsigned long long)mon);
}

static void lost_json(struct sfw_json *j)
{
	__u64 log = 0, mon = 0, deny_suppressed = 0, deny_lost = 0;

	sfw_events_lost(SFW_RING_LOG, &log);
	sfw_events_lost(SFW_RING_MONITOR, &mon);
	sfw_rate_counts(SFW_RATE_DENY_LOG, &deny_suppressed, &deny_lost);
	struct sfw_config cfg;

	sfw_json_open(j, "session-log", '{');
	if (!sfw_config_read(&cfg))
		sfw_json_bool(j, "log-sessions", cfg.flags & SFW_CFG_F_LOG_SESSIONS);
	sfw_json_num(j, "events-lost", log);
	sfw_json_num(j, "deny-events-suppressed", deny_suppressed);
	sfw_json_num(j, "deny-events-lost", deny_lost);
	sfw_json_num(j, "monitor-events-lost", mon);
	sfw_json_close(j, '}');
}

int sfw_cmd_show_flow_status(const struct sfw_cmdline *cl)
{
	return sfw_show_flow_settings(cl, lost_text, lost_json);
}
