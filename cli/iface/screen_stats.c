/* show security screen statistics zone Z: collect, then print. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "commands.h"
#include "conf_ops.h"
#include "iface_stats.h"
#include "maps.h"
#include "policy.h"
#include "report.h"
#include "screen_stats.h"

const char *const sfw_screen_stat_label[SFW_SCREEN_STAT_COUNT] = {
#define SFW_X(cnt, label, key) label,
	SFW_SCREEN_STAT_LIST(SFW_X)
#undef SFW_X
};

const char *const sfw_screen_stat_key[SFW_SCREEN_STAT_COUNT] = {
#define SFW_X(cnt, label, key) key,
	SFW_SCREEN_STAT_LIST(SFW_X)
#undef SFW_X
};

static const int screen_counter[SFW_SCREEN_STAT_COUNT] = {
#define SFW_X(cnt, label, key) SFW_CNT_##cnt,
	SFW_SCREEN_STAT_LIST(SFW_X)
#undef SFW_X
};

int sfw_screen_stats_collect(int zones_fd, int ifaces_fd, int stats_fd, __u32 gen,
			     __u32 zone_id, struct sfw_screen_report *r)
{
	struct sfw_zone_key k, next;
	struct sfw_iface_stats st;
	__u32 zone;
	int err = bpf_map_get_next_key(zones_fd, NULL, &next);

	memset(r->n, 0, sizeof(r->n));
	while (!err) {
		k = next;
		if (k.gen == gen && !bpf_map_lookup_elem(zones_fd, &k, &zone) && zone == zone_id) {
			int rc = sfw_iface_counters_read(stats_fd,
							 sfw_iface_slot_of(ifaces_fd, k.ifindex), &st);

			if (rc && rc != -ENOENT)
				return rc;
			for (int i = 0; !rc && i < SFW_SCREEN_STAT_COUNT; i++)
				r->n[i] += st.c[screen_counter[i]];
		}
		err = bpf_map_get_next_key(zones_fd, &k, &next);
	}
	return err == -ENOENT ? 0 : err;   /* libbpf returns -errno */
}

/* Junos's layout: values from column 47, the header's "Statistics" at 45. */
void sfw_screen_stats_print(FILE *f, bool json, const struct sfw_screen_report *r)
{
	struct sfw_obuf ob;
	struct sfw_json j;

	if (!json) {
		fprintf(f, "Screen statistics:\n\n");
		fprintf(f, "%-45s%s\n", "IDS attack type", "Statistics");
		for (int i = 0; i < SFW_SCREEN_STAT_COUNT; i++)
			fprintf(f, "  %-45s%llu\n", sfw_screen_stat_label[i],
				(unsigned long long)r->n[i]);
		return;
	}
	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "screen-statistics-information");
	sfw_json_str(&j, "zone-name", r->zone);
	sfw_json_open(&j, "screen-statistics", '{');
	for (int i = 0; i < SFW_SCREEN_STAT_COUNT; i++)
		sfw_json_num(&j, sfw_screen_stat_key[i], r->n[i]);
	sfw_json_close(&j, '}');
	sfw_json_doc_end(&j);
}

/* The zone must be in the committed configuration; its id in the datapath
 * is its configuration order (from 1). */
static int zone_id(const char *name, __u32 *id)
{
	struct sfw_conf conf;
	int i;

	if (sfw_conf_load_active(&conf, NULL))
		return sfw_fail(EINVAL, "the active configuration cannot be read");
	i = sfw_conf_find_zone(&conf, name);
	sfw_conf_free(&conf);
	if (i < 0)
		return sfw_fail(ENOENT, "security zone %s is not configured", SFW_Q(name));
	*id = (__u32)i + 1;
	return 0;
}

static int show(const struct sfw_cmdline *cl)
{
	struct sfw_screen_report r = { .zone = cl->pos[0] };
	struct sfw_config cfg;
	__u32 id = SFW_ZONE_NONE;
	int zones_fd = -1, ifaces_fd = -1, stats_fd = -1, err;

	err = sfw_check_netns();
	err = err ? err : sfw_config_read(&cfg);
	err = err ? err : zone_id(cl->pos[0], &id);
	if (err)
		return err;
	zones_fd = sfw_open_map(SFW_STR(SFW_MAP_ZONES));
	ifaces_fd = zones_fd < 0 ? zones_fd : sfw_open_map(SFW_STR(SFW_MAP_IFACES));
	stats_fd = ifaces_fd < 0 ? ifaces_fd : sfw_open_map(SFW_STR(SFW_MAP_IFACE_STATS));
	err = stats_fd < 0 ? stats_fd : sfw_screen_stats_collect(zones_fd, ifaces_fd, stats_fd,
								 cfg.gen & 1, id, &r);
	if (zones_fd >= 0)
		close(zones_fd);
	if (ifaces_fd >= 0)
		close(ifaces_fd);
	if (stats_fd >= 0)
		close(stats_fd);
	if (err < 0 && (zones_fd < 0 || ifaces_fd < 0 || stats_fd < 0))
		return err;   /* sfw_open_map said why */
	if (err < 0)
		return sfw_fail(-err, "reading the screen counters: %s", strerror(-err));
	sfw_screen_stats_print(cl->out, cl->json, &r);
	return 0;
}

int sfw_cmd_show_screen_stats(const struct sfw_cmdline *cl)
{
	if (cl->npos > 1) {
		fprintf(cl->err, "sfw: one zone at most ('%s' is the second)\n", SFW_Q(cl->pos[1]));
		return SFW_EXIT_USAGE;
	}
	return show(cl) ? sfw_report(cl) : SFW_EXIT_OK;
}
