/* Which interfaces sfw guards: their registrations in sfw_ifaces, each
 * one's counter slot, and whether its pinned XDP link still holds its
 * interface (a registration outlives a device deleted without `detach`:
 * docs/security.md "An interface that comes back"). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include <linux/if_link.h>
#include "loader_int.h"
#include "maps.h"

/* The lowest counter slot no attached interface holds (include/iface.h);
 * 0 when all are taken. Attaching holds sfw_lock(), so no two attaches
 * pick the same one. */
static __u32 free_slot(void)
{
	static struct sfw_iface_entry list[SFW_MAX_IFACES];
	bool used[SFW_MAX_IFACES + 1] = { [0] = true };
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES);

	for (int i = 0; i < n; i++)
		if (list[i].info.slot <= SFW_MAX_IFACES)
			used[list[i].info.slot] = true;
	for (__u32 s = 1; s <= SFW_MAX_IFACES; s++)
		if (!used[s])
			return s;
	return 0;
}

/* A fresh slot's counters start at zero: a detached interface left its
 * counts there. */
static int take_slot(struct sfw_iface_info *info)
{
	int fd, err = 0;

	info->slot = free_slot();
	if (!info->slot)
		return sfw_fail(ENOSPC, "no counters left: %d interfaces attached", SFW_MAX_IFACES);
	fd = sfw_open_map(SFW_STR(SFW_MAP_IFACE_STATS));
	if (fd < 0)
		return fd;
	err = sfw_iface_counters_zero(fd, info->slot);
	close(fd);
	return err ? sfw_fail(-err, "cannot create counters: %s", strerror(-err)) : 0;
}

/* Registers the interface, its counters at info->slot (given here on its
 * first sfw_registration, kept on later ones), so they exist from its first
 * packet. The slot is bound last: the datapath counts nowhere until the
 * counters are zero. */
int sfw_register_iface(__u32 ifindex, struct sfw_iface_info *info)
{
	struct sfw_iface_key key = { .ifindex = ifindex };
	int fd, err = info->slot ? 0 : take_slot(info);

	if (err)
		return err;
	fd = sfw_open_map(SFW_STR(SFW_MAP_IFACES));
	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &key, info, BPF_ANY))
		err = sfw_fail(errno, "cannot register the interface: %s", strerror(errno));
	close(fd);
	if (err || ifindex >= SFW_IFINDEX_DIRECT)
		return err;
	fd = sfw_open_map(SFW_STR(SFW_MAP_IFACE_SLOTS));
	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &ifindex, &info->slot, BPF_ANY))
		err = sfw_fail(errno, "cannot register the interface: %s", strerror(errno));
	close(fd);
	return err;
}

void sfw_unregister_iface(__u32 ifindex)
{
	struct sfw_iface_key key = { .ifindex = ifindex };
	__u32 none = 0;
	int fd = ifindex < SFW_IFINDEX_DIRECT ? sfw_open_map(SFW_STR(SFW_MAP_IFACE_SLOTS)) : -1;

	if (fd >= 0) {
		bpf_map_update_elem(fd, &ifindex, &none, BPF_ANY);
		close(fd);
	}
	fd = sfw_open_map(SFW_STR(SFW_MAP_IFACES));
	if (fd >= 0) {
		bpf_map_delete_elem(fd, &key);
		close(fd);
	}
}

/* Does sfw's pinned XDP link for ifindex still hold that interface, its
 * program the one running there? 1 yes, 0 no (the pin gone, its link
 * detached or moved, another program there), or a negative errno when
 * that cannot be told (no access, no descriptors left): then the link is
 * taken as live, never dropped on a guess. */
static int own_link_runs(__u32 ifindex)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[SFW_PIN_PATH_LEN];
	int fd, runs;

	sfw_xdp_link_path(path, sizeof(path), ifindex);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : sfw_fail(errno, "cannot open %s: %s", path,
						      strerror(errno));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		runs = sfw_fail(errno, "cannot read %s: %s", path, strerror(errno));
	else if (info.type != BPF_LINK_TYPE_XDP || info.xdp.ifindex != ifindex)
		runs = 0;
	else
		runs = sfw_xdp_prog_on(ifindex, info.prog_id);
	close(fd);
	return runs;
}

/* A sfw_registration is live while its link holds the interface. One whose
 * link holds none guards nothing: its interface was deleted without
 * `detach` and the index given again (`ip link add ... index N`), or its
 * pins were removed by hand. Answering "already attached" there left the
 * new interface unguarded (review RV48-8). A link that cannot be read is
 * live: the error is the answer. */
int sfw_registration(__u32 ifindex)
{
	struct sfw_iface_key key = { .ifindex = ifindex };
	struct sfw_iface_info info;
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_IFACES), true), runs;
	bool found;

	if (fd < 0)
		return SFW_REG_NONE;
	found = !bpf_map_lookup_elem(fd, &key, &info);
	close(fd);
	if (!found)
		return SFW_REG_NONE;
	runs = own_link_runs(ifindex);
	return runs < 0 ? runs : runs ? SFW_REG_LIVE : SFW_REG_STALE;
}

/* A stale sfw_registration gives way: its dead link's pin goes (nothing runs
 * through it) and its counters with it, as a re-created interface's own
 * (`ip -s link`) start again. */
void sfw_drop_stale(__u32 ifindex)
{
	sfw_detach_xdp(ifindex);
	sfw_unregister_iface(ifindex);
}

void sfw_ifaces_resolve(struct sfw_iface_entry *list, int n, bool *live)
{
	char name[IF_NAMESIZE];

	for (int i = 0; i < n; i++) {
		live[i] = sfw_registration(list[i].ifindex) == SFW_REG_LIVE;
		if (live[i] && if_indextoname(list[i].ifindex, name))
			snprintf(list[i].info.name, sizeof(list[i].info.name), "%s", name);
	}
}

/* Is name a live sfw_registration's (its device's name now)? */
static bool live_name(const struct sfw_iface_entry *list, int n, const bool *live,
		      const char *name)
{
	for (int i = 0; i < n; i++)
		if (live[i] && !strncmp(list[i].info.name, name, SFW_IFNAMSIZ))
			return true;
	return false;
}

/* The registrations that guard nothing (their interface deleted, or the
 * index given to another device) under ifname, or under the name a
 * guarded device has now (one renamed onto it: review2 RENAME2), `keep`
 * apart (the interface being attached): dropped. Left behind, `status`
 * listed the name twice, the record held it twice, `detach NAME` took
 * whichever came first, and a name taken from the index now (review2
 * REINDEX) put sfw on a device no one named. */
void sfw_settle_namesakes(const char *ifname, __u32 keep)
{
	struct sfw_iface_entry list[SFW_MAX_IFACES];
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES);
	bool live[SFW_MAX_IFACES];

	if (n <= 0)
		return;
	sfw_ifaces_resolve(list, n, live);
	for (int i = 0; i < n; i++)
		if (list[i].ifindex != keep && !live[i] &&
		    (!strncmp(list[i].info.name, ifname, SFW_IFNAMSIZ) ||
		     live_name(list, n, live, list[i].info.name)))
			sfw_drop_stale(list[i].ifindex);
}

int sfw_iface_guarded(__u32 ifindex)
{
	int r = sfw_registration(ifindex);

	return r < 0 ? r : r == SFW_REG_LIVE;
}
