/* What the command handlers share. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "maps.h"

/* The addresses and ports of the In wing. */
static void tuple_filters(const struct sfw_value *v, struct sfw_filter *f)
{
	if (v[SFW_SLOT_SRC_PREFIX].set) {
		f->mask |= SFW_FLT_SRC_PREFIX;
		f->src = v[SFW_SLOT_SRC_PREFIX].pfx;
	}
	if (v[SFW_SLOT_DST_PREFIX].set) {
		f->mask |= SFW_FLT_DST_PREFIX;
		f->dst = v[SFW_SLOT_DST_PREFIX].pfx;
	}
	if (v[SFW_SLOT_SRC_PORT].set) {
		f->mask |= SFW_FLT_SRC_PORT;
		f->sport = (__u16)v[SFW_SLOT_SRC_PORT].num;
	}
	if (v[SFW_SLOT_DST_PORT].set) {
		f->mask |= SFW_FLT_DST_PORT;
		f->dport = (__u16)v[SFW_SLOT_DST_PORT].num;
	}
}

void sfw_filter_from_cmdline(const struct sfw_cmdline *cl, struct sfw_filter *f)
{
	const struct sfw_value *v = cl->v;

	memset(f, 0, sizeof(*f));
	tuple_filters(v, f);
	if (v[SFW_SLOT_ID].set) {
		f->mask |= SFW_FLT_ID;
		f->id = v[SFW_SLOT_ID].num;
	}
	if (v[SFW_SLOT_PROTO].set) {
		f->mask |= SFW_FLT_PROTO;
		f->proto = (__u8)v[SFW_SLOT_PROTO].num;
	}
	if (v[SFW_SLOT_IFACE].set) {
		f->mask |= SFW_FLT_IFACE;
		f->ifindex = (__u32)v[SFW_SLOT_IFACE].num;
	}
	if (v[SFW_SLOT_APP].set) {
		f->mask |= SFW_FLT_APP;
		f->app = v[SFW_SLOT_APP].str;
	}
	if (v[SFW_SLOT_POLICY].set) {
		f->mask |= SFW_FLT_POLICY;
		f->policy = v[SFW_SLOT_POLICY].str;
	}
	if (v[SFW_SLOT_FAMILY].set) {
		f->mask |= SFW_FLT_FAMILY;
		f->family = v[SFW_SLOT_FAMILY].num ? SFW_FAMILY_INET6 : SFW_FAMILY_INET;
	}
	if (v[SFW_SLOT_SERVICE_SET].set) {
		f->mask |= SFW_FLT_SERVICE_SET;
		f->service_set = v[SFW_SLOT_SERVICE_SET].str;
	}
}

__u64 sfw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

int sfw_report(const struct sfw_cmdline *cl)
{
	fflush(cl->out);
	fprintf(cl->err, "sfw: %s\n", sfw_last_error());
	return SFW_EXIT_FAIL;
}

/* Sessions the datapath could not create, over every attached interface. */
static __u64 failed_sessions(const struct sfw_iface_entry *ifs, int n)
{
	struct sfw_iface_stats st;
	__u64 sum = 0;
	int i;

	for (i = 0; i < n; i++)
		if (!sfw_read_iface_stats(ifs[i].ifindex, &st))
			sum += st.c[SFW_CNT_SFW_FAILED_SESSIONS];
	return sum;
}

int sfw_require_loaded(void)
{
	int fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int sfw_live_ctx_open(struct sfw_live_ctx *lc, const struct sfw_cmdline *cl)
{
	int fd, n;

	fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));
	if (fd < 0)
		return fd;
	/* Interface indexes (and so names) mean something only in the
	 * namespace the pin root serves: refuse rather than print the
	 * names of whatever interfaces have those indexes here. */
	n = sfw_check_netns();
	if (!n)
		n = sfw_list_ifaces(lc->ifaces, SFW_MAX_IFACES);
	if (n < 0) {
		close(fd);
		return n;
	}
	sfw_flow_ctx_init(&lc->flow, fd, cl->out, cl->json);
	lc->flow.ifaces = lc->ifaces;
	lc->flow.n_ifaces = n;
	lc->flow.failed_sessions = failed_sessions(lc->ifaces, n);
	/* Maximum-sessions: the limit in force (max-sessions), not the
	 * table's size, which keeps headroom the LRU needs */
	struct sfw_config cfg;

	if (!sfw_config_read(&cfg))
		lc->flow.max_sessions = cfg.max_sessions;
	lc->flow.now_ns = sfw_now_ns();
	return 0;
}

void sfw_live_ctx_close(struct sfw_live_ctx *lc)
{
	if (lc->flow.sessions_fd >= 0)
		close(lc->flow.sessions_fd);
	lc->flow.sessions_fd = -1;
}
