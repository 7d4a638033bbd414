/* Internal to the loader: the loaded BPF objects. The skeletons are only
 * named here: what reaches into them includes progs_skel.h, so touching a
 * BPF header recompiles only that (docs/design.md). */
#ifndef SFW_PROGS_H
#define SFW_PROGS_H

#include "loader.h"

struct xdp_ingress;
struct tc_egress;

struct sfw_progs {
	struct xdp_ingress *xdp;
	struct tc_egress *tc;
};

/* Loads both objects, reusing the pinned maps; *fresh (may be NULL): the
 * config map was new (fresh maps). opts may be NULL (the defaults). */
int sfw_progs_load(struct sfw_progs *p, const struct sfw_attach_opts *opts, bool *fresh);
void sfw_progs_close(struct sfw_progs *p);
__u32 sfw_prog_id(int prog_fd);
/* The program fds of a loaded pair. */
int sfw_progs_xdp_fd(const struct sfw_progs *p);
int sfw_progs_tc_fd(const struct sfw_progs *p);
/* sfw's own pins under the pin root go (its maps, of any version, and its
 * links); a foreign pin and the root itself stay. */
void sfw_remove_pins(void);
int sfw_config_init(bool fail_closed, bool *fresh);
int sfw_config_set_limit(__u32 capacity);

#endif
