/* Internal to the loader: what its files call of each other. */
#ifndef SFW_LOADER_INT_H
#define SFW_LOADER_INT_H

#include "loader.h"

/* The kernel's id of a loaded program (0 when it cannot be read). */
__u32 sfw_prog_id(int prog_fd);
/* The config map after a load (config.c): the defaults when it is fresh,
 * failing closed instead when asked; and the session table's limit. */
int sfw_config_init(const struct sfw_attach_opts *opts, bool *fresh);
int sfw_config_set_limit(__u32 capacity);
/* The kernel's id of the map pinned as `name` when it is sfw's own
 * (sfw_own_map_pin); 0 when it is not, or nothing is pinned there. */
__u32 sfw_own_map_id(const char *name);

/* Our tc filter's identity on clsact egress: attach_tc (attach.c) puts
 * sfw's filter there and nowhere else. */
#define SFW_TC_HANDLE 0x5f
#define SFW_TC_PRIORITY 0x5f
/* For `detach all` without sfw_ifaces (tc_sweep.c): removes sfw's tc
 * egress filter from every interface of this network namespace whose
 * program uses a map pinned under this pin root, and no other. The
 * number removed. */
int sfw_tc_sweep(void);

/* Room for element n of the growing array *v (*cap elements of size
 * each), doubling it: 0, or -ENOMEM with a message (grow.c). */
int sfw_grow(void *v, int *cap, int n, size_t size);

struct sockaddr;
/* ifname's link-layer address, its type in sa_family (ARPHRD_*), in
 * this process's namespace (iface_hw.c): 0 or -errno. */
int sfw_iface_hwaddr(const char *ifname, struct sockaddr *hw);

#endif
