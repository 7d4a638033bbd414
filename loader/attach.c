/* Attaching to and detaching from interfaces. XDP goes through a bpf_link
 * pinned under <pin root>/links, so it outlives this process and cannot be
 * replaced behind our back; tc egress through a clsact filter (libbpf 1.1
 * has no tcx links), which the kernel keeps until it is removed. */
#include <errno.h>
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
	sfw_xdp_link_path(path, sizeof(path), ifindex);
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

static __u64 own_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : st.st_ino;
}

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
	int n = sfw_link_ifaces(ifs, SFW_MAX_IFACES);

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
 * front: a sfw_registration outlives a deleted interface until `detach`, and
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
		if (list[i].ifindex == except || sfw_registration(list[i].ifindex) != SFW_REG_LIVE)
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
	err = sfw_registration(ifindex);
	if (err < 0)
		return err;
	if (err == SFW_REG_LIVE)
		return 1;
	if (err == SFW_REG_STALE)
		sfw_drop_stale(ifindex);
	sfw_settle_namesakes(ifname, ifindex);
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
	err = sfw_register_iface(ifindex, &info);
	if (!err)
		err = attach_tc(fds[1], ifindex, &info.tc_prog_id);
	if (!err)
		err = attach_xdp(fds[0], ifindex, &mode);
	if (!err) {
		info.xdp_mode = mode;
		err = sfw_register_iface(ifindex, &info);
	}
	if (err) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s: %s", ifname, sfw_last_error());
		sfw_detach_tc(ifindex);
		sfw_detach_xdp(ifindex);
		sfw_unregister_iface(ifindex);
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

/* The device named ifname now that sfw guards, else a sfw_registration under
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
	sfw_detach_xdp(ifindex);
	sfw_detach_tc(ifindex);
	sfw_unregister_iface(ifindex);
	sfw_settle_namesakes(ifname, 0);   /* and what is left under its name */
	sfw_forward_refresh();   /* XDP no longer forwards out of it */
	return 0;
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
		if (sfw_registration(list[i].ifindex) == SFW_REG_STALE)
			continue;

		sfw_xdp_link_path(path, sizeof(path), list[i].ifindex);
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
			err = sfw_register_iface(list[i].ifindex, info);
	}
	sfw_progs_close(p);
	/* every interface runs these programs now: the sessions older ones
	 * made can be counted (loader/sess_counts.c); failing that, readers
	 * keep walking the table */
	if (!err)
		sfw_sess_adopt();
	return err ? err : n;
}
