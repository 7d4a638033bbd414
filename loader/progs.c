/* Loading the two BPF objects with their maps pinned by name, so that the
 * XDP and tc programs share one set of maps and a later load (another
 * interface, a new version) reuses them: no session is lost. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader_int.h"
#include "maps.h"
#include "sess_counts.h"
#include "xdp_ingress.skel.h"
#include "tc_egress.skel.h"

/* Only this file sees the skeletons: touching a BPF header recompiles it
 * (and reap.c), nothing else (docs/design.md). */
struct sfw_progs {
	struct xdp_ingress *xdp;
	struct tc_egress *tc;
};

/* The pinned map name's definition as the kernel holds it: 0, -ENOENT
 * (none pinned) or another error, said. */
static int pinned_info(const char *name, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	int fd = sfw_open_pin(name, true), err = 0;

	if (fd < 0)
		return fd;   /* said why, but for -ENOENT: a cut path, another layout */
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len))
		err = sfw_fail(errno, "cannot read %s/%s: %s", sfw_pin_root(), name,
			       strerror(errno));
	close(fd);
	return err;
}

/* The capacity to load with: the pinned table's if there is one (a map
 * cannot be resized in place), else the requested or default size. */
static int session_capacity(__u32 requested, __u32 *cap)
{
	struct bpf_map_info info;
	int err = pinned_info(SFW_STR(SFW_MAP_SESSIONS), &info);

	if (err == -ENOENT) {
		*cap = requested ? requested : SFW_DEFAULT_MAX_SESSIONS;
		return 0;
	}
	if (err)
		return err;
	if (requested && requested != info.max_entries)
		return sfw_fail(EEXIST, "the session table already exists with capacity %u; "
				"detach all interfaces to change it", info.max_entries);
	*cap = info.max_entries;
	return 0;
}

/* A zones map an older sfw pinned (2 x 256 entries, preallocated:
 * include/maps.h SFW_MAX_ZONE_BINDINGS) is loaded as it is: libbpf
 * refuses to reuse a pin whose size or flags differ from the definition,
 * and `sfw reload` after an upgrade would fail. It grows at the next
 * `detach all` and attach; meanwhile a follow keeps each generation
 * within half of it (loader/zone_ifnames.c). */
static int zones_as_pinned(struct bpf_map *xdp, struct bpf_map *tc)
{
	struct bpf_map_info info;
	int err = pinned_info(SFW_STR(SFW_MAP_ZONES), &info);

	if (err)
		return err == -ENOENT ? 0 : err;
	if (bpf_map__set_max_entries(xdp, info.max_entries) ||
	    bpf_map__set_max_entries(tc, info.max_entries) ||
	    bpf_map__set_map_flags(xdp, info.map_flags) || bpf_map__set_map_flags(tc, info.map_flags))
		return sfw_fail(EINVAL, "cannot size %s as pinned", SFW_STR(SFW_MAP_ZONES));
	return 0;
}

/* The forwarding devmap is shared through its pin like the other maps,
 * but by hand: the kernel adds BPF_F_RDONLY_PROG to every devmap, which
 * libbpf 1.1's reuse check reads as a mismatch with the definition. */
static int tx_ports_reuse(struct bpf_map *map)
{
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_TX_PORTS), true), err;

	if (fd < 0 && fd != -ENOENT)
		return fd;
	if (fd < 0)
		return 0;   /* first load: created, then pinned after load */
	err = bpf_map__reuse_fd(map, fd);
	close(fd);
	return err ? sfw_fail(-err, "cannot reuse %s/%s: %s", sfw_pin_root(),
			      SFW_STR(SFW_MAP_TX_PORTS), strerror(-err)) : 0;
}

static int tx_ports_pin(struct bpf_map *map)
{
	char path[SFW_PIN_PATH_LEN];
	int err = sfw_pin_path(path, sizeof(path), SFW_STR(SFW_MAP_TX_PORTS));

	if (err)
		return err;
	if (!access(path, F_OK))
		return 0;
	err = bpf_obj_pin(bpf_map__fd(map), path);
	return err ? sfw_fail(errno, "cannot pin %s: %s", path, strerror(errno)) : 0;
}

/* A load that fails because a pinned map was made by a version with
 * another layout (a session or the configuration grew), or planted under
 * one of sfw's names, deserves its own message: libbpf refuses to reuse
 * it and only says EINVAL. Every pinned map of the object is compared as
 * libbpf compares it (type, sizes, entries, flags), so whichever differs
 * is named. */
static bool pinned_layout_changed(const struct bpf_object *obj)
{
	const struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		const char *path = bpf_map__pin_path(m);
		struct sfw_pin_layout want = {
			.name = bpf_map__name(m), .type = bpf_map__type(m),
			.key_size = bpf_map__key_size(m), .value_size = bpf_map__value_size(m),
			.max_entries = bpf_map__max_entries(m),
			.map_flags = bpf_map__map_flags(m), .sized = true,
		};
		int fd, err;

		if (!path || (fd = bpf_obj_get(path)) < 0)
			continue;
		err = sfw_pin_layout_check(fd, path, &want);
		close(fd);
		if (err)
			return true;
	}
	return false;
}

static bool pinned(const char *name)
{
	char path[SFW_PIN_PATH_LEN];

	return !sfw_pin_path(path, sizeof(path), name) && !access(path, F_OK);
}

void sfw_progs_close(struct sfw_progs *p)
{
	if (!p)
		return;
	xdp_ingress__destroy(p->xdp);
	tc_egress__destroy(p->tc);
	free(p);
}

static int load(struct sfw_progs *p, const struct sfw_attach_opts *opts, bool *fresh)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = sfw_pin_root());
	/* counters made beside a table that already holds sessions miss
	 * those (an upgrade): loader/sess_counts.c */
	bool uncounted = pinned(SFW_STR(SFW_MAP_SESSIONS)) && !pinned(SFW_STR(SFW_MAP_SESS_STATS));
	__u32 cap = 0;
	int err = session_capacity(opts ? opts->max_sessions : 0, &cap);

	if (err)
		return err;
	p->xdp = xdp_ingress__open_opts(&oo);
	p->tc = tc_egress__open_opts(&oo);
	if (!p->xdp || !p->tc)
		return sfw_fail(errno, "cannot open the BPF objects: %s", strerror(errno));
	bpf_map__set_max_entries(p->xdp->maps.SFW_MAP_SESSIONS, cap);
	bpf_map__set_max_entries(p->tc->maps.SFW_MAP_SESSIONS, cap);
	/* two counts at most per session (bpf/limit.bpf.h) */
	bpf_map__set_max_entries(p->xdp->maps.SFW_MAP_TALLY, 2 * cap);
	bpf_map__set_max_entries(p->tc->maps.SFW_MAP_TALLY, 2 * cap);
	/* one reservation per NAT session at most (docs/nat.md), and room
	 * for one address's whole range whatever the table: not
	 * preallocated, so until ports are held only its buckets cost */
	bpf_map__set_max_entries(p->xdp->maps.SFW_MAP_NAT_PORTS, cap > 65536 ? cap : 65536);
	bpf_map__set_max_entries(p->tc->maps.SFW_MAP_NAT_PORTS, cap > 65536 ? cap : 65536);
	err = zones_as_pinned(p->xdp->maps.SFW_MAP_ZONES, p->tc->maps.SFW_MAP_ZONES);
	if (!err)
		err = tx_ports_reuse(p->xdp->maps.SFW_MAP_TX_PORTS);
	if (err)
		return err;   /* said why: the devmap sfw pins by hand is no libbpf pin */
	err = xdp_ingress__load(p->xdp);
	if (err)
		return pinned_layout_changed(p->xdp->obj) ? -EINVAL
		     : sfw_fail(-err, "cannot load the XDP program: %s", strerror(-err));
	err = tx_ports_pin(p->xdp->maps.SFW_MAP_TX_PORTS);
	if (err)
		return err;
	err = tc_egress__load(p->tc);
	if (err)
		return pinned_layout_changed(p->tc->obj) ? -EINVAL
		     : sfw_fail(-err, "cannot load the tc program: %s", strerror(-err));
	/* the host's own addresses as they are now; the daemon follows
	 * them (tc's sfw_tc_src_own: a missing one fails closed) */
	err = sfw_local_addrs_sync(bpf_map__fd(p->tc->maps.SFW_MAP_LOCAL_ADDRS));
	/* and the ports of its sockets source NAT must not give out. Not a
	 * failure of the load (no firewall at all would be worse than NAT
	 * without them): the session daemon follows them every second, and
	 * says why it cannot */
	if (!err)
		sfw_host_ports_sync(bpf_map__fd(p->xdp->maps.SFW_MAP_HOST_PORTS));
	if (!err && uncounted)
		err = sfw_sess_mark_partial();
	if (!err)
		err = sfw_config_init(opts, fresh);
	if (!err)
		err = sfw_config_set_limit(cap);
	return err;
}

int sfw_progs_load(struct sfw_progs **out, const struct sfw_attach_opts *opts, bool *fresh)
{
	struct sfw_progs *p = calloc(1, sizeof(*p));
	int err;

	*out = NULL;
	if (!p)
		return sfw_fail(ENOMEM, "cannot load the BPF objects: %s", strerror(ENOMEM));
	err = load(p, opts, fresh);
	if (err) {
		sfw_progs_close(p);
		return err;
	}
	*out = p;
	return 0;
}

struct bpf_object *sfw_progs_obj(const struct sfw_progs *p, enum sfw_prog_kind kind)
{
	return kind == SFW_PROG_TC ? p->tc->obj : p->xdp->obj;
}

int sfw_progs_prog_fd(const struct sfw_progs *p, enum sfw_prog_kind kind)
{
	return kind == SFW_PROG_TC ? bpf_program__fd(p->tc->progs.sfw_tc_egress)
				   : bpf_program__fd(p->xdp->progs.sfw_xdp_ingress);
}

int sfw_progs_map_fd(const struct sfw_progs *p, enum sfw_prog_kind kind, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(sfw_progs_obj(p, kind), name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

__u32 sfw_prog_id(int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(prog_fd, &info, &len) ? 0 : info.id;
}
