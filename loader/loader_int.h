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

/* links.c: the pinned XDP link of ifindex, <pin root>/links/xdp_<ifindex>. */
void sfw_xdp_link_path(char *buf, size_t len, __u32 ifindex);
/* sfw's programs off ifindex: the link's pin removed, the tc
 * egress filter removed; either gone already is fine. */
void sfw_detach_xdp(__u32 ifindex);
void sfw_detach_tc(__u32 ifindex);
/* Is prog_id the XDP program on ifindex (any mode)? 1, 0, or a negative
 * errno when netlink cannot say. */
int sfw_xdp_prog_on(__u32 ifindex, __u32 prog_id);

/* Registrations (registry.c). */
int sfw_register_iface(__u32 ifindex, struct sfw_iface_info *info);
void sfw_unregister_iface(__u32 ifindex);
/* What sfw_registration answers (or a negative errno): none, one whose
 * link holds its interface, or one that guards nothing. */
enum sfw_registration { SFW_REG_NONE, SFW_REG_LIVE, SFW_REG_STALE };
int sfw_registration(__u32 ifindex);
void sfw_drop_stale(__u32 ifindex);
void sfw_settle_namesakes(const char *ifname, __u32 keep);

/* The interfaces of the XDP links pinned under links/ (links.c). */
int sfw_link_ifaces(__u32 *out, int max);

#endif
