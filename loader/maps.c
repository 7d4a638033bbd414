/* Reading the pinned maps: what the CLI and the loader share. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "libbpf_lazy.h"
#include "loader_int.h"
#include "maps.h"
#include "pin_layout.h"

static const struct sfw_pin_layout layouts[] = {
#define SFW_X(n, t, k, v) { .name = SFW_STR(n), .type = t, .key_size = k, .value_size = v },
	SFW_PIN_LAYOUT_LIST(SFW_X)
#undef SFW_X
};

const struct sfw_pin_layout *sfw_pin_layout_of(const char *name)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (!strcmp(layouts[i].name, name))
			return &layouts[i];
	return NULL;
}

/* The map types the table names, as an operator would recognise them. */
static const char *type_name(__u32 type, char *buf, size_t len)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH: return "hash";
	case BPF_MAP_TYPE_ARRAY: return "array";
	case BPF_MAP_TYPE_PERCPU_ARRAY: return "percpu_array";
	case BPF_MAP_TYPE_LRU_HASH: return "lru_hash";
	case BPF_MAP_TYPE_LPM_TRIE: return "lpm_trie";
	case BPF_MAP_TYPE_DEVMAP_HASH: return "devmap_hash";
	case BPF_MAP_TYPE_RINGBUF: return "ringbuf";
	default:
		snprintf(buf, len, "type %u", type);
		return buf;
	}
}

/* Is fd a BPF map? A link or a program planted under a map's name has
 * info of another shape, which could pass for a map's by chance. */
static bool is_map_fd(int fd)
{
	char link[32], kind[32];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, kind, sizeof(kind) - 1);
	kind[n > 0 ? n : 0] = '\0';
	return !strcmp(kind, "anon_inode:bpf-map");
}

bool sfw_kernel_name_is(const char *kname, const char *name)
{
	size_t keep = BPF_OBJ_NAME_LEN - 1;

	return kname[0] && !strncmp(kname, name, keep) && strnlen(kname, keep + 1) ==
	       strnlen(name, keep);
}

__u32 sfw_own_map_id(const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	struct stat st;
	int fd;

	if (sfw_pin_path(path, sizeof(path), name) || lstat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (!is_map_fd(fd) || bpf_obj_get_info_by_fd(fd, &info, &len))
		info.name[0] = '\0';
	close(fd);
	return sfw_kernel_name_is(info.name, name) ? info.id : 0;
}

bool sfw_own_map_pin(const char *name)
{
	return sfw_own_map_id(name) != 0;
}

/* A layout as the line shows it: type and sizes (the first of the two
 * with its unit), and with sized the entries and flags. */
static const char *layout_text(char *buf, size_t len, __u32 type, __u32 key, __u32 value,
			       const char *unit, __u32 entries, __u32 flags, bool sized)
{
	char tn[24];
	int n = snprintf(buf, len, "%s, key %u, value %u%s", type_name(type, tn, sizeof(tn)),
			 key, value, unit);

	if (sized && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ", entries %u, flags 0x%x", entries, flags);
	return buf;
}

static bool layout_is(const struct bpf_map_info *info, const struct sfw_pin_layout *want)
{
	return info->type == want->type && info->key_size == want->key_size &&
	       info->value_size == want->value_size &&
	       (!want->sized || (info->max_entries == want->max_entries &&
				 info->map_flags == want->map_flags));
}

/* What to do depends on whose map it is: one of sfw's (its kernel name is
 * the one sfw gives it, as every version did) goes with `detach all`;
 * another's stays there (sfw_remove_pins keeps what is not sfw's), so
 * telling the operator to detach all would have them loop. */
int sfw_pin_layout_check(int fd, const char *path, const struct sfw_pin_layout *want)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char has[96], wants[96];

	if (!is_map_fd(fd))
		return sfw_fail(SFW_ELAYOUT, "the pin %s is no BPF map, so not sfw's: remove it",
				path);
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return sfw_fail(errno, "cannot read %s: %s", path, strerror(errno));
	if (layout_is(&info, want))
		return 0;
	layout_text(has, sizeof(has), info.type, info.key_size, info.value_size, " bytes",
		    info.max_entries, info.map_flags, want->sized);
	layout_text(wants, sizeof(wants), want->type, want->key_size, want->value_size, "",
		    want->max_entries, want->map_flags, want->sized);
	if (!sfw_kernel_name_is(info.name, want->name))
		return sfw_fail(SFW_ELAYOUT, "the pinned map %s has another layout (%s) than this "
				"sfw expects (%s), and it is not sfw's map (the kernel names it "
				"'%s'): remove %s by hand (`sfw detach all` leaves it), then attach "
				"again", path, has, wants, SFW_Q(info.name), path);
	return sfw_fail(SFW_ELAYOUT, "the pinned map %s has another layout (%s) than this sfw "
			"expects (%s): it comes from another sfw version; run `sfw detach all`, "
			"then attach again", path, has, wants);
}

int sfw_open_pin_as(const struct sfw_pin_layout *want, bool optional)
{
	char path[PATH_MAX];
	int fd, err;

	if (sfw_pin_path(path, sizeof(path), want->name))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	if (fd < 0 && errno == ENOENT && optional)
		return -ENOENT;
	if (fd < 0 && errno == ENOENT)
		return sfw_fail(ENOENT, "sfw is not loaded (no %s): attach an interface first", path);
	if (fd < 0)
		return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
	err = sfw_pin_layout_check(fd, path, want);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int sfw_open_pin(const char *name, bool optional)
{
	const struct sfw_pin_layout *want = sfw_pin_layout_of(name);
	char path[PATH_MAX];
	int fd;

	if (want)
		return sfw_open_pin_as(want, optional);
	/* a name the table lacks: refused when pinned (nothing could say how
	 * to read it), as missing as any when not */
	if (sfw_pin_path(path, sizeof(path), name))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		close(fd);
		return sfw_fail(SFW_ELAYOUT, "the pin %s has no layout known to this sfw "
				"(include/pin_layout.h)", path);
	}
	return sfw_open_pin_as(&(struct sfw_pin_layout){ .name = name }, optional);
}

int sfw_open_map(const char *name)
{
	return sfw_open_pin(name, false);
}

int sfw_percpu_zero(const char *map, __u32 lo, __u32 hi, size_t size, const char *what)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	void *zero;

	if (ncpu < 0)
		return sfw_fail(-ncpu, "cannot count CPUs");
	fd = sfw_open_map(map);
	if (fd < 0)
		return fd;
	/* the kernel lays per-CPU values out at 8-byte strides */
	zero = calloc((size_t)ncpu, (size + 7) & ~(size_t)7);
	if (!zero)
		err = sfw_fail(ENOMEM, "out of memory");
	for (__u32 i = lo; !err && i <= hi; i++)
		if (bpf_map_update_elem(fd, &i, zero, BPF_ANY))
			err = sfw_fail(errno, "cannot clear %s: %s", what, strerror(errno));
	free(zero);
	close(fd);
	return err;
}

static int cmp_iface(const void *a, const void *b)
{
	const struct sfw_iface_entry *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int sfw_list_ifaces(struct sfw_iface_entry *out, int max)
{
	struct sfw_iface_key key, next;
	int fd = sfw_open_map(SFW_STR(SFW_MAP_IFACES));
	int n = 0, err;

	if (fd < 0)
		return fd;
	err = bpf_map_get_next_key(fd, NULL, &next);
	while (!err && n < max) {
		key = next;
		if (!bpf_map_lookup_elem(fd, &key, &out[n].info)) {
			out[n].ifindex = key.ifindex;
			n++;
		}
		err = bpf_map_get_next_key(fd, &key, &next);
	}
	close(fd);
	qsort(out, n, sizeof(*out), cmp_iface);
	return n;
}

/* Per-CPU values are laid out at 8-byte strides; the struct is all __u64,
 * so its size already is one. */
SFW_STATIC_ASSERT(sizeof(struct sfw_iface_stats) % 8 == 0, "per-CPU stride");

int sfw_iface_counters_read(int fd, __u32 slot, struct sfw_iface_stats *out)
{
	__u32 key = slot;
	struct sfw_iface_stats *pc;
	int ncpu, err = 0;

	memset(out, 0, sizeof(*out));
	if (!slot)
		return -ENOENT;
	ncpu = libbpf_num_possible_cpus();
	pc = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*pc)) : NULL;
	if (!pc)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, pc)) {
		err = -errno;
		goto out;
	}
	for (int cpu = 0; cpu < ncpu; cpu++)
		for (int i = 0; i < SFW_CNT_COUNT; i++)
			out->c[i] += pc[cpu].c[i];
out:
	free(pc);
	return err;
}

int sfw_iface_counters_zero(int fd, __u32 slot)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_iface_stats *pc;
	int err = 0;

	if (!slot)
		return -ENOENT;
	pc = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*pc)) : NULL;
	if (!pc)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &slot, pc, BPF_EXIST))
		err = -errno;
	free(pc);
	return err;
}

int sfw_iface_counters_bind(int slots_fd, int stats_fd, __u32 ifindex, __u32 slot)
{
	int err = ifindex < SFW_IFINDEX_DIRECT ? sfw_iface_counters_zero(stats_fd, slot) : -ERANGE;

	if (!err && bpf_map_update_elem(slots_fd, &ifindex, &slot, BPF_ANY))
		err = -errno;
	return err;
}

__u32 sfw_iface_slot_of(int ifaces_fd, __u32 ifindex)
{
	struct sfw_iface_key key = { .ifindex = ifindex };
	struct sfw_iface_info info;

	return bpf_map_lookup_elem(ifaces_fd, &key, &info) ? 0 : info.slot;
}

int sfw_read_iface_stats(__u32 ifindex, struct sfw_iface_stats *out)
{
	int ifaces_fd = sfw_open_map(SFW_STR(SFW_MAP_IFACES));
	int fd = ifaces_fd < 0 ? ifaces_fd : sfw_open_map(SFW_STR(SFW_MAP_IFACE_STATS)), err;

	if (fd < 0) {
		if (ifaces_fd >= 0)
			close(ifaces_fd);
		return fd;
	}
	err = sfw_iface_counters_read(fd, sfw_iface_slot_of(ifaces_fd, ifindex), out);
	close(fd);
	close(ifaces_fd);
	if (err == -ENOMEM)
		return sfw_fail(ENOMEM, "out of memory");
	if (err)
		return sfw_fail(-err, "no counters for interface index %u", ifindex);
	return 0;
}
