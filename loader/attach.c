/* Attaching to and detaching from interfaces. XDP goes through a bpf_link
 * pinned under <pin root>/links, so it outlives this process and cannot be
 * replaced behind our back; tc egress through a clsact filter (libbpf 1.1
 * has no tcx links), which the kernel keeps until it is removed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "libbpf_lazy.h"
#include <linux/if_link.h>
#include "link_tag.h"
#include "loader_int.h"
#include "maps.h"
#include "sess_counts.h"

static void link_path(char *buf, size_t len, __u32 ifindex)
{
	snprintf(buf, len, "%s/links/xdp_%u", sfw_pin_root(), ifindex);
}

static int attach_xdp(int prog_fd, __u32 ifindex, enum sfw_xdp_mode *mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	char path[SFW_PIN_PATH_LEN];
	int fd, err;

	/* no mode given: native where the driver has it, else generic */
	lo.flags = *mode == SFW_XDP_MODE_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
	if (fd < 0 && !*mode && (errno == EOPNOTSUPP || errno == EINVAL)) {
		lo.flags = XDP_FLAGS_SKB_MODE;
		fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
		*mode = SFW_XDP_MODE_GENERIC;
	}
	if (fd < 0)
		return sfw_fail(errno, errno == EBUSY || errno == EEXIST
				? "another XDP program is already attached to this interface"
				: "cannot attach XDP: %s", strerror(errno));
	if (!*mode)
		*mode = SFW_XDP_MODE_NATIVE;
	link_path(path, sizeof(path), ifindex);
	err = bpf_obj_pin(fd, path) ? sfw_fail(errno, "cannot pin %s: %s", path, strerror(errno)) : 0;
	close(fd);   /* on success the pin holds the link; on failure this detaches */
	return err;
}

static int attach_tc(int prog_fd, __u32 ifindex, __u32 *prog_id)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = SFW_TC_HANDLE, .priority = SFW_TC_PRIORITY,
		    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	int err = bpf_tc_hook_create(&hook);

	if (err && err != -EEXIST)
		return sfw_fail(-err, "cannot create the clsact qdisc: %s", strerror(-err));
	err = bpf_tc_attach(&hook, &to);
	if (err)
		return sfw_fail(-err, "cannot attach tc egress: %s", strerror(-err));
	*prog_id = to.prog_id;
	return 0;
}

static void detach_tc(__u32 ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = SFW_TC_HANDLE, .priority = SFW_TC_PRIORITY);

	bpf_tc_detach(&hook, &to);   /* gone already (interface deleted) is fine */
}

static void detach_xdp(__u32 ifindex)
{
	char path[SFW_PIN_PATH_LEN];

	link_path(path, sizeof(path), ifindex);
	unlink(path);   /* the last reference: the kernel detaches the link */
}

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
 * first registration, kept on later ones), so they exist from its first
 * packet. The slot is bound last: the datapath counts nowhere until the
 * counters are zero. */
static int register_iface(__u32 ifindex, struct sfw_iface_info *info)
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

static void unregister_iface(__u32 ifindex)
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

/* Is prog_id the XDP program on ifindex (any mode)? 1, 0, or a negative
 * errno when netlink cannot say. */
static int xdp_prog_on(__u32 ifindex, __u32 prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err = bpf_xdp_query((int)ifindex, 0, &q);

	if (err)
		return sfw_fail(-err, "cannot query the XDP program of ifindex %u: %s", ifindex,
				strerror(-err));
	return prog_id && (q.prog_id == prog_id || q.drv_prog_id == prog_id ||
			   q.skb_prog_id == prog_id || q.hw_prog_id == prog_id);
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

	link_path(path, sizeof(path), ifindex);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : sfw_fail(errno, "cannot open %s: %s", path,
						      strerror(errno));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		runs = sfw_fail(errno, "cannot read %s: %s", path, strerror(errno));
	else if (info.type != BPF_LINK_TYPE_XDP || info.xdp.ifindex != ifindex)
		runs = 0;
	else
		runs = xdp_prog_on(ifindex, info.prog_id);
	close(fd);
	return runs;
}

enum registration { REG_NONE, REG_LIVE, REG_STALE };

/* A registration is live while its link holds the interface. One whose
 * link holds none guards nothing: its interface was deleted without
 * `detach` and the index given again (`ip link add ... index N`), or its
 * pins were removed by hand. Answering "already attached" there left the
 * new interface unguarded (review RV48-8). A link that cannot be read is
 * live: the error is the answer. */
static int registration(__u32 ifindex)
{
	struct sfw_iface_key key = { .ifindex = ifindex };
	struct sfw_iface_info info;
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_IFACES), true), runs;
	bool found;

	if (fd < 0)
		return REG_NONE;
	found = !bpf_map_lookup_elem(fd, &key, &info);
	close(fd);
	if (!found)
		return REG_NONE;
	runs = own_link_runs(ifindex);
	return runs < 0 ? runs : runs ? REG_LIVE : REG_STALE;
}

/* A stale registration gives way: its dead link's pin goes (nothing runs
 * through it) and its counters with it, as a re-created interface's own
 * (`ip -s link`) start again. */
static void drop_stale(__u32 ifindex)
{
	detach_xdp(ifindex);
	unregister_iface(ifindex);
}

void sfw_ifaces_resolve(struct sfw_iface_entry *list, int n, bool *live)
{
	char name[IF_NAMESIZE];

	for (int i = 0; i < n; i++) {
		live[i] = registration(list[i].ifindex) == REG_LIVE;
		if (live[i] && if_indextoname(list[i].ifindex, name))
			snprintf(list[i].info.name, sizeof(list[i].info.name), "%s", name);
	}
}

/* Is name a live registration's (its device's name now)? */
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
static void settle_namesakes(const char *ifname, __u32 keep)
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
			drop_stale(list[i].ifindex);
}

int sfw_iface_guarded(__u32 ifindex)
{
	int r = registration(ifindex);

	return r < 0 ? r : r == REG_LIVE;
}

static __u64 own_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : st.st_ino;
}

static int link_ifaces(__u32 *out, int max);

/* Interface indexes are per network namespace, so one pin root serves the
 * interfaces of one namespace; acting from another would hit whatever
 * interface has the same index there. */
int sfw_check_netns(void)
{
	struct sfw_iface_entry list[SFW_MAX_IFACES];
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES);

	/* sfw_ifaces of another layout: refused, said why (and `detach all`
	 * asks sfw_check_netns_links instead) */
	return n == -SFW_ELAYOUT ? n : sfw_check_netns_of(list, n);
}

int sfw_check_netns_links(void)
{
	__u32 ifs[SFW_MAX_IFACES];
	int n = link_ifaces(ifs, SFW_MAX_IFACES);

	return n < 0 ? n : 0;
}

int sfw_check_netns_of(const struct sfw_iface_entry *list, int n)
{
	__u64 own = own_netns();

	for (int i = 0; i < n; i++)
		if (list[i].info.netns_ino && list[i].info.netns_ino != own)
			return sfw_fail(EXDEV, "%s manages interfaces of another network namespace "
					"(net:[%llu]); run sfw there, or set SFW_PIN_ROOT for a second instance",
					sfw_pin_root(), (unsigned long long)list[i].info.netns_ino);
	return 0;
}

/* Is one interface attached, so that no program of an older load (one
 * without session counters) is left? */
static bool only_iface(void)
{
	struct sfw_iface_entry list[2];

	return sfw_list_ifaces(list, 2) == 1;
}

/* An XDP program already on ifindex (another sfw instance's, another
 * tool's) refuses the attach before anything is touched, so a failed
 * attach never strips what runs there (rv31b F1: tc went first, replaced
 * the running instance's filter at sfw's handle, and XDP's refusal then
 * deleted it). A filter at that handle with no XDP program beside it is
 * replaced, as before: what a crash or removed pins left of ours. */
static int check_free(__u32 ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!bpf_xdp_query((int)ifindex, 0, &q) && q.attach_mode != XDP_ATTACHED_NONE)
		return sfw_fail(EBUSY, "another XDP program is already attached to this interface");
	return 0;
}

/* The datapath parses frames that begin with an Ethernet header (loopback's
 * too). On a layer-3 device (WireGuard, tun, GRE, IPIP, PPP) a packet
 * begins at its IP header, which the parser would read as an unknown
 * ethertype and pass untracked: sfw there would be a firewall that lets
 * everything by, so it is not attached at all. */
static int check_ethernet(const char *ifname)
{
	struct sockaddr hw;
	int err = sfw_iface_hwaddr(ifname, &hw);

	if (err)
		return sfw_fail(-err, "%s: cannot read its link type: %s", ifname, strerror(-err));
	if (hw.sa_family != ARPHRD_ETHER && hw.sa_family != ARPHRD_LOOPBACK)
		return sfw_fail(EPROTONOSUPPORT, "%s: not an Ethernet interface (link type %u): "
				"sfw parses Ethernet frames only", ifname, hw.sa_family);
	return 0;
}

int sfw_iface_attachable(const char *ifname)
{
	__u32 ifindex = if_nametoindex(ifname);
	int err;

	if (!ifindex)
		return sfw_fail(ENODEV, "interface %s does not exist", ifname);
	err = check_ethernet(ifname);
	return err ? err : check_free(ifindex);
}

/* The n entries of list whose interface still exists, moved to its
 * front: a registration outlives a deleted interface until `detach`, and
 * an index is not given again, so a gone one holds no link (red team r47
 * RT47-9: on a host whose containers come and go, it refused a new
 * one). Returns how many. */
static int live_ifaces(struct sfw_iface_entry *list, int n)
{
	char name[IF_NAMESIZE];
	int live = 0;

	for (int i = 0; i < n; i++)
		if (if_indextoname(list[i].ifindex, name))
			list[live++] = list[i];
	return live;
}

/* A broadcast or group session's key carries the link tag of the
 * interface it came in by (include/iface.h sfw_link_tag), 16 bits of
 * the ifindex: two attached interfaces whose indexes differ by 65535
 * (a container host that made and deleted that many) would share their
 * DHCP DISCOVER or OSPFv3 hello session, and the second link's packets,
 * from another zone, would be refused while the first kept it alive. The
 * second is not attached at all, refused before anything is touched. */
static int check_link_tag(const char *ifname, __u32 ifindex)
{
	static struct sfw_iface_entry list[SFW_MAX_IFACES];
	int n = live_ifaces(list, sfw_list_ifaces(list, SFW_MAX_IFACES));
	const struct sfw_iface_entry *e = n > 0 ? sfw_link_tag_clash(list, n, ifindex) : NULL;

	if (!e)
		return 0;
	return sfw_fail(EADDRINUSE, "cannot attach %s (ifindex %u): its link tag %u is %.*s's "
			"(ifindex %u), and broadcast and multicast sessions are kept apart by link "
			"tag; detach %.*s, or re-create %s for another ifindex",
			ifname, ifindex, sfw_link_tag(ifindex), SFW_IFNAMSIZ, e->info.name,
			e->ifindex, SFW_IFNAMSIZ, e->info.name, ifname);
}

/* The programs another attached interface runs, for an attach that
 * brings one back (restore watch): a load verifies both programs anew,
 * most of a second with the new interface open meanwhile, where these
 * are already verified, share the same pinned maps and are what every
 * other interface runs. 0 with both descriptors, else -ENOENT. */
static int running_progs(__u32 except, int *xdp_fd, int *tc_fd)
{
	struct sfw_iface_entry list[SFW_MAX_IFACES];
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES);

	for (int i = 0; i < n; i++) {
		if (list[i].ifindex == except || registration(list[i].ifindex) != REG_LIVE)
			continue;
		*xdp_fd = bpf_prog_get_fd_by_id(list[i].info.xdp_prog_id);
		*tc_fd = bpf_prog_get_fd_by_id(list[i].info.tc_prog_id);
		if (*xdp_fd >= 0 && *tc_fd >= 0)
			return 0;
		if (*xdp_fd >= 0)
			close(*xdp_fd);
		if (*tc_fd >= 0)
			close(*tc_fd);
	}
	return -ENOENT;
}

/* The programs to attach: those running (opts->reuse_running, when some
 * interface runs them), else loaded from this binary into *p. */
static int attach_progs(const struct sfw_attach_opts *opts, __u32 ifindex,
			struct sfw_attach_result *res, struct sfw_progs **p, int fds[2])
{
	int err;

	*p = NULL;
	if (opts && opts->reuse_running && !running_progs(ifindex, &fds[0], &fds[1]))
		return 0;
	err = sfw_progs_load(p, opts, res ? &res->fresh : NULL);
	if (err)
		return err;
	fds[0] = sfw_progs_prog_fd(*p, SFW_PROG_XDP);
	fds[1] = sfw_progs_prog_fd(*p, SFW_PROG_TC);
	return 0;
}

static void attach_progs_close(struct sfw_progs *p, const int fds[2])
{
	if (p) {
		sfw_progs_close(p);
		return;
	}
	close(fds[0]);
	close(fds[1]);
}

int sfw_attach_iface(const char *ifname, const struct sfw_attach_opts *opts,
		     struct sfw_attach_result *res)
{
	struct sfw_iface_info info = { .xdp_mode = opts ? opts->mode : 0,
				       .netns_ino = own_netns() };
	struct sfw_progs *p = NULL;
	__u32 ifindex = if_nametoindex(ifname);
	enum sfw_xdp_mode mode = info.xdp_mode;
	int err, fds[2];

	if (!ifindex)
		return sfw_fail(ENODEV, "interface %s does not exist", ifname);
	err = check_ethernet(ifname);
	if (!err)
		err = sfw_ensure_pin_root();
	if (!err)
		err = sfw_check_netns();
	if (err)
		return err;
	err = registration(ifindex);
	if (err < 0)
		return err;
	if (err == REG_LIVE)
		return 1;
	if (err == REG_STALE)
		drop_stale(ifindex);
	settle_namesakes(ifname, ifindex);
	err = check_link_tag(ifname, ifindex);
	if (err)
		return err;
	err = attach_progs(opts, ifindex, res, &p, fds);
	if (err)
		return err;
	err = check_free(ifindex);
	if (err) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s: %s", ifname, sfw_last_error());
		attach_progs_close(p, fds);
		return sfw_fail(-err, "%s", msg);
	}
	snprintf(info.name, sizeof(info.name), "%s", ifname);
	info.xdp_prog_id = sfw_prog_id(fds[0]);
	err = register_iface(ifindex, &info);
	if (!err)
		err = attach_tc(fds[1], ifindex, &info.tc_prog_id);
	if (!err)
		err = attach_xdp(fds[0], ifindex, &mode);
	if (!err) {
		info.xdp_mode = mode;
		err = register_iface(ifindex, &info);
	}
	if (err) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s: %s", ifname, sfw_last_error());
		detach_tc(ifindex);
		detach_xdp(ifindex);
		unregister_iface(ifindex);
		err = sfw_fail(-err, "%s", msg);
	}
	attach_progs_close(p, fds);
	/* a new egress for XDP forwarding; if its features cannot be read,
	 * forwarding through it stays with the stack: not an attach failure */
	if (!err)
		sfw_forward_refresh();
	if (!err && only_iface())
		sfw_sess_adopt();
	return err;
}

/* The device named ifname now that sfw guards, else a registration under
 * that name that guards nothing (its interface gone: its namespace
 * deleted). By the name the device has now: two devices that swapped
 * names (review2 SWAP) are each detached by its own. */
static __u32 find_attached(const char *ifname)
{
	struct sfw_iface_entry list[SFW_MAX_IFACES];
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES);
	bool live[SFW_MAX_IFACES];
	__u32 dead = 0;

	if (n <= 0)
		return 0;
	sfw_ifaces_resolve(list, n, live);
	for (int i = 0; i < n; i++) {
		if (strncmp(list[i].info.name, ifname, SFW_IFNAMSIZ))
			continue;
		if (live[i])
			return list[i].ifindex;
		dead = list[i].ifindex;
	}
	return dead;
}

int sfw_detach_iface(const char *ifname)
{
	__u32 ifindex = find_attached(ifname);
	int err = sfw_check_netns();

	if (err)
		return err;
	if (!ifindex)
		return sfw_fail(ENOENT, "interface %s is not attached", ifname);
	detach_xdp(ifindex);
	detach_tc(ifindex);
	unregister_iface(ifindex);
	settle_namesakes(ifname, 0);   /* and what is left under its name */
	sfw_forward_refresh();   /* XDP no longer forwards out of it */
	return 0;
}

/* Is the pin `name` one sfw made? Named sfw_* and sfw's own map
 * (sfw_own_map_pin), as every version has pinned its maps
 * (include/maps.h). */
static bool own_map_pin(const char *name)
{
	return !strncmp(name, "sfw_", 4) && sfw_own_map_pin(name);
}

/* links/xdp_<ifindex>: the XDP links attach pinned. */
static void remove_links(int root_fd)
{
	int fd = openat(root_fd, "links", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *d;
	struct stat st;
	unsigned ifindex;
	char tail;
	DIR *dir;

	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((d = readdir(dir)))
		if (sscanf(d->d_name, "xdp_%u%c", &ifindex, &tail) == 1 &&
		    !fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode))
			unlinkat(dirfd(dir), d->d_name, 0);
	closedir(dir);
	unlinkat(root_fd, "links", AT_REMOVEDIR);   /* stays if anything else is in it */
}

/* sfw's own pins go: its maps (those of older versions too) and its links.
 * A foreign pin sharing the root stays, and so does the root itself, since
 * it is what sfw_lock() holds. */
void sfw_remove_pins(void)
{
	int fd = open(sfw_pin_root(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *d;
	DIR *dir;

	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	remove_links(fd);
	while ((d = readdir(dir)))
		if (own_map_pin(d->d_name))
			unlinkat(dirfd(dir), d->d_name, 0);
	closedir(dir);
}

/* Is prog_id the XDP program netlink finds on ifindex in this namespace,
 * in any mode? */
static bool xdp_runs(__u32 ifindex, __u32 prog_id)
{
	return xdp_prog_on(ifindex, prog_id) > 0;
}

/* The interface of one pinned XDP link (dir/name): 0 when it has none
 * left (deleted) or is no XDP link; -EXDEV when the XDP program on that
 * ifindex here is not the link's: the interface is one of another
 * namespace, which an ifindex here would miss. */
static long link_iface(const char *dir, const char *name)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	long r = 0;
	int fd;

	if (sfw_path(path, sizeof(path), "%s/%s", dir, name))
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_XDP &&
	    info.xdp.ifindex)
		r = xdp_runs(info.xdp.ifindex, info.prog_id) ? (long)info.xdp.ifindex
			: sfw_fail(EXDEV, "%s attaches interface %u of another network namespace: "
				   "run sfw detach all there", path, info.xdp.ifindex);
	close(fd);
	return r;
}

/* The attached interfaces when sfw_ifaces cannot say (a pin of another
 * layout, include/pin_layout.h: `detach all` is how an operator gets rid
 * of it, so it must not need it): those of the XDP links pinned under
 * links/, each checked to be of this namespace as sfw_check_netns would.
 * Up to max into out; the count or a negative errno. */
static int link_ifaces(__u32 *out, int max)
{
	char dir[PATH_MAX];
	struct dirent *d;
	unsigned ifindex;
	char tail;
	int n = 0;
	long r;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/links", sfw_pin_root());
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : sfw_fail(errno, "cannot read %s: %s", dir,
						      strerror(errno));
	while (n < max && (d = readdir(dp)))
		if (sscanf(d->d_name, "xdp_%u%c", &ifindex, &tail) == 1) {
			r = link_iface(dir, d->d_name);
			if (r < 0) {
				closedir(dp);
				return (int)r;
			}
			if (r > 0)
				out[n++] = (__u32)r;
		}
	closedir(dp);
	return n;
}

bool sfw_links_pinned(void)
{
	char dir[PATH_MAX];
	struct dirent *d;
	bool any = false;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/links", sfw_pin_root());
	dp = opendir(dir);
	if (!dp)
		return false;
	while (!any && (d = readdir(dp)))
		any = !strncmp(d->d_name, "xdp_", 4);
	closedir(dp);
	return any;
}

/* Detach all without sfw_ifaces (refused or missing): by the pinned
 * links, and the tc filter on each of their interfaces; then the tc
 * filters the links cannot name (a link detached outside sfw reads
 * ifindex 0, a link pin removed is gone), found by their programs' maps
 * (sfw_tc_sweep) while the pins still say which maps are this root's;
 * links whose interface is gone go with the pins. */
static int detach_unlisted(void)
{
	__u32 ifs[SFW_MAX_IFACES];
	int n = link_ifaces(ifs, SFW_MAX_IFACES);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		detach_xdp(ifs[i]);
		detach_tc(ifs[i]);
	}
	n += sfw_tc_sweep();
	sfw_remove_pins();
	return n;
}

int sfw_detach_all(void)
{
	struct sfw_iface_entry list[SFW_MAX_IFACES];
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES), err;

	if (n == -SFW_ELAYOUT || n == -ENOENT)
		return detach_unlisted();
	if (n < 0)
		return n;
	err = sfw_check_netns();
	if (err)
		return err;
	for (int i = 0; i < n; i++) {
		detach_xdp(list[i].ifindex);
		detach_tc(list[i].ifindex);
	}
	sfw_remove_pins();
	return n;
}

/* Swaps in freshly loaded programs (a new sfw version) on every attached
 * interface without detaching: the XDP link is updated in place, the tc
 * filter replaced, and the pinned maps, with every session, stay. */
int sfw_reload(const struct sfw_attach_opts *opts)
{
	struct sfw_iface_entry list[SFW_MAX_IFACES];
	struct sfw_progs *p = NULL;
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES), err = 0;

	if (n <= 0)
		return n;
	err = sfw_check_netns();
	if (!err)
		err = sfw_progs_load(&p, &(struct sfw_attach_opts){
			.fail_closed = opts && opts->fail_closed,
			.ha_secondary = opts && opts->ha_secondary }, NULL);
	if (err)
		return err;
	int xdp_fd = sfw_progs_prog_fd(p, SFW_PROG_XDP);
	int tc_fd = sfw_progs_prog_fd(p, SFW_PROG_TC);

	for (int i = 0; i < n && !err; i++) {
		struct sfw_iface_info *info = &list[i].info;
		char path[SFW_PIN_PATH_LEN];
		int link_fd;

		/* an interface deleted without detach (restore watch waits
		 * for it to come back): its link is severed, and failing on
		 * it left the interfaces after it on the old programs */
		if (registration(list[i].ifindex) == REG_STALE)
			continue;

		link_path(path, sizeof(path), list[i].ifindex);
		link_fd = bpf_obj_get(path);
		if (link_fd < 0 || bpf_link_update(link_fd, xdp_fd, NULL))
			err = sfw_fail(errno, "%s: cannot update the XDP link: %s", info->name,
				       strerror(errno));
		if (link_fd >= 0)
			close(link_fd);
		if (!err)
			err = attach_tc(tc_fd, list[i].ifindex, &info->tc_prog_id);
		info->xdp_prog_id = sfw_prog_id(xdp_fd);
		if (!err)
			err = register_iface(list[i].ifindex, info);
	}
	sfw_progs_close(p);
	/* every interface runs these programs now: the sessions older ones
	 * made can be counted (loader/sess_counts.c); failing that, readers
	 * keep walking the table */
	if (!err)
		sfw_sess_adopt();
	return err ? err : n;
}
