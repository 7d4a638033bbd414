/* show interfaces flow-statistics [IFACE] and clear interfaces statistics
 * IFACE|all: collect from the live maps and the kernel, then format. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "commands.h"
#include "conf_ops.h"
#include "flow_totals.h"
#include "iface_stats.h"
#include "loader.h"
#include "maps.h"
#include "policy.h"
#include "report.h"
#include "session_walk.h"

struct iface_ctx {
	struct sfw_iface_entry ifs[SFW_MAX_IFACES];
	int n;
	int stats_fd, zones_fd, names_fd;
	__u32 gen;
	/* the active configuration, for the zones' host-inbound-traffic
	 * (show only; not loaded: no `Allowed host-inbound` line) */
	struct sfw_conf conf;
	bool has_conf;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Every caller closes, whatever ctx_open returned: each fd is closed once.
 * The zone and name maps come with the configuration work and may not be
 * pinned yet: their absence is "no zone", not an error. */
static void ctx_close(struct iface_ctx *c)
{
	close_fd(&c->stats_fd);
	close_fd(&c->zones_fd);
	close_fd(&c->names_fd);
}

static int ctx_open(struct iface_ctx *c)
{
	struct sfw_config cfg;
	int err;

	c->stats_fd = c->zones_fd = c->names_fd = -1;
	/* ifindexes are per namespace: another one's would name other devices */
	err = sfw_check_netns();
	if (err)
		return err;
	c->n = sfw_list_ifaces(c->ifs, SFW_MAX_IFACES);
	if (c->n < 0)
		return c->n;
	c->stats_fd = sfw_open_map(SFW_STR(SFW_MAP_IFACE_STATS));
	if (c->stats_fd < 0)
		return c->stats_fd;
	err = sfw_config_read(&cfg);
	if (err)
		return err;
	c->gen = cfg.gen;
	c->zones_fd = sfw_open_pin(SFW_STR(SFW_MAP_ZONES), true);
	c->names_fd = sfw_open_pin(SFW_STR(SFW_MAP_NAMES), true);
	/* absent: no zones yet; of another layout: refused, said why */
	return c->zones_fd == -SFW_ELAYOUT || c->names_fd == -SFW_ELAYOUT ? -SFW_ELAYOUT : 0;
}

/* The attached interface a name stands for now, by the kernel's index. */
static int find_iface(const struct iface_ctx *c, const char *name)
{
	unsigned int ifindex = if_nametoindex(name);

	if (!ifindex)
		return sfw_fail(ENODEV, "interface %s does not exist", SFW_Q(name));
	for (int i = 0; i < c->n; i++)
		if (c->ifs[i].ifindex == ifindex)
			return i;
	return sfw_fail(ENOENT, "interface %s is not attached", SFW_Q(name));
}

static int collect(const struct iface_ctx *c, const struct sfw_iface_entry *e,
		   struct sfw_iface_report *r, char *zone, size_t zlen)
{
	int err = sfw_link_stats_read(e->ifindex, &r->link);

	if (err == -ENODEV) {
		/* deleted behind sfw's back: no kernel counters, link down */
		snprintf(r->link.name, sizeof(r->link.name), "%.*s", IF_NAMESIZE - 1, e->info.name);
	} else if (err) {
		return sfw_fail(-err, "reading the kernel's counters of %.*s: %s",
				SFW_IFNAMSIZ, e->info.name, strerror(-err));
	}
	err = sfw_iface_counters_read(c->stats_fd, e->info.slot, &r->flow);
	if (err)
		return sfw_fail(-err, "reading the flow counters of %s: %s", r->link.name,
				strerror(-err));
	r->zone = sfw_iface_zone(c->zones_fd, c->names_fd, c->gen, e->ifindex, zone, zlen);
	r->n_host_inbound = 0;
	if (c->has_conf && r->zone) {
		int z = sfw_conf_find_zone(&c->conf, r->zone);

		if (z >= 0)
			r->n_host_inbound = sfw_conf_host_services_list(&c->conf.zones[z],
									r->host_inbound,
									SFW_IFACE_HOST_INBOUND_MAX);
	}
	return 0;
}

/* Everything is collected before anything is printed, so a failure never
 * leaves half a JSON document. */
static int show(const struct sfw_cmdline *cl, struct iface_ctx *c)
{
	static struct sfw_iface_report r[SFW_MAX_IFACES];
	static char zone[SFW_MAX_IFACES][SFW_NAME_LEN];
	struct sfw_iface_out out;
	int first = 0, last = c->n, i, err = 0;

	if (cl->npos) {
		first = find_iface(c, cl->pos[0]);
		if (first < 0)
			return first;
		last = first + 1;
	}
	for (i = first; i < last && !err; i++)
		err = collect(c, &c->ifs[i], &r[i], zone[i], sizeof(zone[i]));
	if (err)
		return err;
	sfw_iface_out_begin(&out, cl->out, cl->json);
	for (i = first; i < last; i++)
		sfw_iface_out_one(&out, &r[i]);
	sfw_iface_out_end(&out);
	return 0;
}

int sfw_cmd_show_iface_flow(const struct sfw_cmdline *cl)
{
	static struct iface_ctx c;
	int err;

	if (cl->npos > 1) {
		fprintf(cl->err, "sfw: one interface at most ('%s' is the second)\n",
			SFW_Q(cl->pos[1]));
		return SFW_EXIT_USAGE;
	}
	err = ctx_open(&c);
	/* a damaged active file says so at commit and attach; here it only
	 * leaves the host-inbound line out */
	c.has_conf = !err && sfw_conf_load_active(&c.conf, NULL) == SFW_EXIT_OK;
	if (!err)
		err = show(cl, &c);
	if (c.has_conf)
		sfw_conf_free(&c.conf);
	ctx_close(&c);
	return err ? sfw_report(cl) : SFW_EXIT_OK;
}

/* Every attached interface's counters summed, and the sessions in use:
 * all read before anything is printed. */
static int flow_totals(const struct iface_ctx *c, struct sfw_flow_totals *t)
{
	struct sfw_iface_stats s;
	int fd, err = 0;

	memset(t, 0, sizeof(*t));
	for (int i = 0; i < c->n && !err; i++) {
		err = sfw_iface_counters_read(c->stats_fd, c->ifs[i].info.slot, &s);
		if (err)
			return sfw_fail(-err, "reading the flow counters of %.*s: %s", SFW_IFNAMSIZ,
					c->ifs[i].info.name, strerror(-err));
		sfw_flow_totals_add(t, &s);
	}
	fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));
	if (fd < 0)
		return fd;
	err = sfw_sessions_in_use(fd, &t->v[SFW_FT_SESSIONS]);
	close(fd);
	return err ? sfw_fail(-err, "reading the session table: %s", strerror(-err)) : 0;
}

int sfw_cmd_show_flow_statistics(const struct sfw_cmdline *cl)
{
	static struct iface_ctx c;
	struct sfw_flow_totals t;
	int err = ctx_open(&c);

	if (!err)
		err = flow_totals(&c, &t);
	ctx_close(&c);
	if (err)
		return sfw_report(cl);
	sfw_flow_totals_print(&t, cl->json, cl->out);
	return SFW_EXIT_OK;
}

static int clear_one(const struct iface_ctx *c, const struct sfw_iface_entry *e)
{
	int err = sfw_iface_counters_zero(c->stats_fd, e->info.slot);

	if (err)
		return sfw_fail(-err, "clearing the counters of %.*s: %s", SFW_IFNAMSIZ,
				e->info.name, strerror(-err));
	return 0;
}

/* Every name is checked before any counter is cleared. The grammar keeps
 * `all` and interface names apart. */
static int clear(const struct sfw_cmdline *cl, const struct iface_ctx *c)
{
	int idx[SFW_MAX_WORDS], i, err = 0;

	if (SFW_OPTS(cl, struct sfw_all_opts)->all) {
		for (i = 0; i < c->n && !err; i++)
			err = clear_one(c, &c->ifs[i]);
		return err;
	}
	for (i = 0; i < cl->npos; i++) {
		idx[i] = find_iface(c, cl->pos[i]);
		if (idx[i] < 0)
			return idx[i];
	}
	for (i = 0; i < cl->npos && !err; i++)
		err = clear_one(c, &c->ifs[idx[i]]);
	return err;
}

int sfw_cmd_clear_iface_stats(const struct sfw_cmdline *cl)
{
	static struct iface_ctx c;
	int err = sfw_lock();

	if (err)
		return sfw_report(cl);
	err = ctx_open(&c);
	if (!err)
		err = clear(cl, &c);
	ctx_close(&c);
	sfw_unlock();
	return err ? sfw_report(cl) : SFW_EXIT_OK;
}
