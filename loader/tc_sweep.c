/* sfw's tc egress filters found without sfw_ifaces, for `detach all`'s
 * fallback (detach_all.c detach_unlisted). The pinned XDP links name the
 * interfaces they attach, but not after an XDP link was detached outside
 * sfw (it reads ifindex 0 then) or its pin removed, and the tc filter
 * beside it stays. Such a filter is told from everyone else's by its
 * program: sfw's from this pin root uses the maps pinned here. Another
 * tool's filter, or another sfw instance's (another pin root, the same
 * handle and priority), uses none of them and stays. */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader_int.h"

/* More than the maps sfw pins (include/pin_layout.h, the cluster's and
 * the exporter's), and than any program of sfw uses. */
#define SWEEP_MAX_MAPS 128

/* The ids of sfw's own maps pinned under the pin root (sfw_own_map_id:
 * a map planted under one of sfw's names by another tool names no
 * program of ours). Up to max; the count. */
static int own_map_ids(__u32 *ids, int max)
{
	DIR *dir = opendir(sfw_pin_root());
	struct dirent *d;
	int n = 0;

	if (!dir)
		return 0;
	while (n < max && (d = readdir(dir)))
		if (!strncmp(d->d_name, "sfw_", 4) && (ids[n] = sfw_own_map_id(d->d_name)))
			n++;
	closedir(dir);
	return n;
}

/* Does program prog_id use any of the n maps ids? */
static bool prog_uses(__u32 prog_id, const __u32 *ids, int n)
{
	__u32 used[SWEEP_MAX_MAPS];
	struct bpf_prog_info info = { .nr_map_ids = SWEEP_MAX_MAPS,
				      .map_ids = (__u64)(unsigned long)used };
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id);
	bool hit = false;

	if (fd < 0)
		return false;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		for (__u32 i = 0; i < info.nr_map_ids && i < SWEEP_MAX_MAPS && !hit; i++)
			for (int j = 0; j < n && !hit; j++)
				hit = used[i] == ids[j];
	close(fd);
	return hit;
}

/* Removes the filter at sfw's handle and priority on ifindex's egress
 * when its program is this pin root's: true when it did. Only there:
 * attach_tc puts sfw's filter nowhere else. */
static bool detach_own_tc(__u32 ifindex, const __u32 *ids, int n)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = SFW_TC_HANDLE, .priority = SFW_TC_PRIORITY);
	LIBBPF_OPTS(bpf_tc_opts, del, .handle = SFW_TC_HANDLE, .priority = SFW_TC_PRIORITY);

	if (bpf_tc_query(&hook, &q) || !prog_uses(q.prog_id, ids, n))
		return false;
	return bpf_tc_detach(&hook, &del) == 0;
}

/* Every interface of this network namespace: the interfaces sfw attached
 * cannot be named any more (their links' ifindex is lost, sfw_ifaces is
 * missing or refused), and a tc hook is reached through netlink, which
 * sees this namespace alone; detach all runs in the one sfw attached in
 * (link_ifaces refuses links of another). */
int sfw_tc_sweep(void)
{
	__u32 ids[SWEEP_MAX_MAPS];
	int n = own_map_ids(ids, SWEEP_MAX_MAPS), removed = 0;
	struct if_nameindex *ifs, *i;

	if (!n || !(ifs = if_nameindex()))
		return 0;   /* no map of ours: no program of ours to look for */
	for (i = ifs; i->if_index; i++)
		removed += detach_own_tc(i->if_index, ids, n);
	if_freenameindex(ifs);
	return removed;
}
