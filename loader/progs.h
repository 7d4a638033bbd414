/* Internal to the loader: the loaded BPF objects. */
#ifndef SFW_PROGS_H
#define SFW_PROGS_H

#include "loader.h"
#include "xdp_ingress.skel.h"
#include "tc_egress.skel.h"

struct sfw_progs {
	struct xdp_ingress *xdp;
	struct tc_egress *tc;
};

int sfw_progs_load(struct sfw_progs *p, __u32 max_sessions);
void sfw_progs_close(struct sfw_progs *p);
__u32 sfw_prog_id(int prog_fd);
int sfw_config_init(void);
int sfw_config_set_limit(__u32 capacity);

#endif
