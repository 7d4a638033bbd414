/* Command handlers (one file per family) and what they share: turning a
 * parsed command line into a filter and a flow context on the live maps,
 * and the one place errors become messages and exit codes. */
#ifndef SFW_CLI_COMMANDS_H
#define SFW_CLI_COMMANDS_H

#include "filter.h"
#include "flow.h"
#include "grammar.h"
#include "maps.h"

int sfw_cmd_show_session(const struct sfw_cmdline *cl);
int sfw_cmd_clear_session(const struct sfw_cmdline *cl);
int sfw_cmd_clear_services(const struct sfw_cmdline *cl);
int sfw_cmd_attach(const struct sfw_cmdline *cl);
int sfw_cmd_detach(const struct sfw_cmdline *cl);
int sfw_cmd_status(const struct sfw_cmdline *cl);
int sfw_cmd_reload(const struct sfw_cmdline *cl);
int sfw_cmd_set_flow(const struct sfw_cmdline *cl);
int sfw_cmd_set_default_policy(const struct sfw_cmdline *cl);
int sfw_cmd_show_flow_config(const struct sfw_cmdline *cl);
int sfw_cmd_help(const struct sfw_cmdline *cl);
int sfw_cmd_completion(const struct sfw_cmdline *cl);
int sfw_cmd_show_version(const struct sfw_cmdline *cl);
/* `sfw --version`: one line, the release and the build. */
int sfw_print_version(FILE *f);

/* The filters given on the command line. */
void sfw_filter_from_cmdline(const struct sfw_cmdline *cl, struct sfw_filter *f);

/* A flow context on the pinned session map with the attached interfaces
 * and the clock. Returns 0 or a negative errno (message in
 * sfw_last_error()). */
struct sfw_live_ctx {
	struct sfw_flow_ctx flow;
	struct sfw_iface_entry ifaces[SFW_MAX_IFACES];
};
int sfw_live_ctx_open(struct sfw_live_ctx *lc, const struct sfw_cmdline *cl);
/* 0 when the pinned maps exist, else "sfw is not loaded" as a negative
 * errno: commands that take the lock check it first, as sfw_lock() would
 * create an empty pin root. */
int sfw_require_loaded(void);
void sfw_live_ctx_close(struct sfw_live_ctx *lc);

/* "native" or "generic" for an SFW_XDP_MODE_*. */
const char *sfw_mode_name(__u32 mode);

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns. */
__u64 sfw_now_ns(void);

/* Print "sfw: <sfw_last_error()>" and return SFW_EXIT_FAIL. */
int sfw_report(const struct sfw_cmdline *cl);

#endif
