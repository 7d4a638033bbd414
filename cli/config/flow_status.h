/* show security flow status: the settings in force, read from the datapath
 * (the config map and the screens of the generation in force), laid out as
 * Junos lays out its flow status: two-space section titles, four-space
 * "Label: value" lines.
 *
 * Collecting and formatting are separate, so the golden tests format a
 * struct they fill themselves. */
#ifndef SFW_CLI_FLOW_STATUS_H
#define SFW_CLI_FLOW_STATUS_H

#include <stdio.h>
#include "config.h"
#include "conf.h"
#include "json.h"
#include "policy.h"

/* One zone's screen as the datapath holds it. */
struct sfw_zone_screen {
	__u32 zone_id;
	char zone[SFW_NAME_LEN];      /* the zone's name, or "zone-<id>" */
	char screen[SFW_NAME_LEN];    /* the screen's name; "" when unknown */
	struct sfw_screen s;
};

struct sfw_flow_status {
	struct sfw_config cfg;
	/* failing closed (SFW_CFG_F_FAIL_CLOSED): the stored file's first
	 * error, "" when it parses (the datapath refused it) */
	char conf_error[512];
	/* not failing closed, yet the datapath runs another text than the
	 * stored file (sfw_conf_sync): `attach` and `reload` apply the file */
	bool conf_differs;
	int n_screens;                /* zones with a screen, by zone id */
	struct sfw_zone_screen screens[SFW_MAX_ZONES];
};

/* The screens of generation st->cfg.gen from a screens map (sfw_screens)
 * and zone names from a names map (sfw_names; fd < 0: none); screen names
 * from conf (the committed configuration; NULL: none). A missing screens
 * map (fd < 0) means no screen. */
void sfw_flow_status_screens(struct sfw_flow_status *st, int screens_fd, int names_fd,
			     const struct sfw_conf *conf);
/* Everything from the live pinned maps and the active configuration.
 * 0 or a negative errno (message in sfw_last_error()). */
int sfw_flow_status_collect(struct sfw_flow_status *st);

void sfw_flow_status_text(FILE *f, const struct sfw_flow_status *st);
/* "drop" or "packet based": what MPLS frames meet under c's flags. */
const char *sfw_mpls_mode(const struct sfw_config *c);
/* The "zone-screens" member: one object per zone with a screen. */
void sfw_flow_status_screens_json(struct sfw_json *j, const struct sfw_flow_status *st);

/* show security flow status: the settings (cmd_flow_settings.c) followed by
 * extra lines/keys (the session log's, cmd_monitor.c). */
struct sfw_cmdline;
int sfw_show_flow_settings(const struct sfw_cmdline *cl, void (*extra_text)(FILE *),
			   void (*extra_json)(struct sfw_json *));

#endif
