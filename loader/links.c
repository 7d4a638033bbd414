/* sfw's program on one interface, as its pinned XDP link holds it: the
 * link's pin, what runs on the interface, taking XDP and tc egress off,
 * and which interfaces the links under <pin root>/links/ hold. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include <linux/if_link.h>
#include "loader_int.h"

void sfw_xdp_link_path(char *buf, size_t len, __u32 ifindex)
{
	snprintf(buf, len, "%s/links/xdp_%u", sfw_pin_root(), ifindex);
}

void sfw_detach_xdp(__u32 ifindex)
{
	char path[SFW_PIN_PATH_LEN];

	sfw_xdp_link_path(path, sizeof(path), ifindex);
	unlink(path);   /* the last reference: the kernel detaches the link */
}

void sfw_detach_tc(__u32 ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = SFW_TC_HANDLE, .priority = SFW_TC_PRIORITY);

	bpf_tc_detach(&hook, &to);   /* gone already (interface deleted) is fine */
}

int sfw_xdp_prog_on(__u32 ifindex, __u32 prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err = bpf_xdp_query((int)ifindex, 0, &q);

	if (err)
		return sfw_fail(-err, "cannot query the XDP program of ifindex %u: %s", ifindex,
				strerror(-err));
	return prog_id && (q.prog_id == prog_id || q.drv_prog_id == prog_id ||
			   q.skb_prog_id == prog_id || q.hw_prog_id == prog_id);
}

/* Is prog_id the XDP program netlink finds on ifindex in this namespace,
 * in any mode? */
static bool xdp_runs(__u32 ifindex, __u32 prog_id)
{
	return sfw_xdp_prog_on(ifindex, prog_id) > 0;
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
int sfw_link_ifaces(__u32 *out, int max)
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
