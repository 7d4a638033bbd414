/* What the command handlers share. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "live.h"
#include "loader.h"
#include "maps.h"
#include "clock.h"
#include "report.h"

int sfw_report(const struct sfw_cmdline *cl)
{
	fflush(cl->out);
	fprintf(cl->err, "sfw: %s\n", sfw_last_error());
	return SFW_EXIT_FAIL;
}

/* Sessions the datapath could not create, over every attached interface:
 * their counter slots are in the list, so one open of the counters. */
static __u64 failed_sessions(const struct sfw_iface_entry *ifs, int n)
{
	struct sfw_iface_stats st;
	__u64 sum = 0;
	int fd = n > 0 ? sfw_open_pin(SFW_STR(SFW_MAP_IFACE_STATS), true) : -1;

	if (fd < 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (!sfw_iface_counters_read(fd, ifs[i].info.slot, &st))
			sum += st.c[SFW_CNT_SFW_FAILED_SESSIONS];
	close(fd);
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
	n = sfw_list_ifaces(lc->ifaces, SFW_MAX_IFACES);
	if (n >= 0 && sfw_check_netns_of(lc->ifaces, n))
		n = -EXDEV;
	if (n < 0) {
		close(fd);
		return n;
	}
	sfw_flow_ctx_init(&lc->flow, fd, cl->out, cl->json);
	lc->flow.display = cl->display;
	lc->flow.ifaces = lc->ifaces;
	lc->flow.n_ifaces = n;
	lc->flow.failed_sessions = failed_sessions(lc->ifaces, n);
	/* Maximum-sessions: the limit in force (max-sessions), not the
	 * table's size, which keeps headroom the LRU needs */
	struct sfw_config cfg;

	if (!sfw_config_read(&cfg))
		lc->flow.max_sessions = cfg.max_sessions;
	lc->flow.now_ns = sfw_mono_ns();
	return 0;
}

void sfw_live_ctx_close(struct sfw_live_ctx *lc)
{
	if (lc->flow.sessions_fd >= 0)
		close(lc->flow.sessions_fd);
	lc->flow.sessions_fd = -1;
}
