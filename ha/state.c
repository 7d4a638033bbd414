/* The cluster's pinned state: the role the transitions set and the
 * daemon's figures. User space creates both maps (no BPF program reads
 * them) and pins them beside the datapath's, so `detach all` removes them
 * with the rest and `sfw status` finds them where it finds everything. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "ha_int.h"
#include "loader.h"
#include "maps.h"

const char *sfw_ha_role_name(enum sfw_ha_role role)
{
	switch (role) {
	case SFW_HA_PRIMARY:
		return "primary";
	case SFW_HA_SECONDARY:
		return "secondary";
	default:
		return "disabled";
	}
}

/* The pin `name`, created as an array of one `size`-byte value when
 * missing and create is set; one of another layout (another sfw's) is
 * refused, as sfw_open_pin refuses the datapath's (include/pin_layout.h). */
static int pinned_array(const char *name, __u32 size, bool create)
{
	const struct sfw_pin_layout want = {
		.name = name, .type = BPF_MAP_TYPE_ARRAY, .key_size = sizeof(__u32), .value_size = size
	};
	char path[SFW_PIN_PATH_LEN];
	int fd = sfw_open_pin_as(&want, true), err;

	if (fd != -ENOENT || !create)
		return fd;
	if (sfw_pin_path(path, sizeof(path), name))
		return -ENAMETOOLONG;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, sizeof(__u32), size, 1, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		close(fd);
		/* another command pinned it first: use theirs */
		return err == -EEXIST ? sfw_open_pin_as(&want, true) : err;
	}
	return fd;
}

int ha_ctl_fd(bool create)
{
	return pinned_array(SFW_STR(SFW_MAP_CLUSTER), sizeof(struct sfw_ha_ctl), create);
}

static int read_one(int fd, void *out)
{
	__u32 zero = 0;
	int err = fd < 0 ? fd : bpf_map_lookup_elem(fd, &zero, out) ? -errno : 0;

	if (fd >= 0)
		close(fd);
	return err;
}

static int write_one(int fd, const void *v)
{
	__u32 zero = 0;
	int err = fd < 0 ? fd : bpf_map_update_elem(fd, &zero, v, BPF_ANY) ? -errno : 0;

	if (fd >= 0)
		close(fd);
	return err;
}

int sfw_ha_ctl_read(struct sfw_ha_ctl *ctl)
{
	return read_one(ha_ctl_fd(false), ctl);
}

int sfw_ha_ctl_write(const struct sfw_ha_ctl *ctl)
{
	int err = write_one(ha_ctl_fd(true), ctl);

	return err ? sfw_fail(-err, "cannot record the cluster role under %s: %s",
			      sfw_pin_root(), strerror(-err)) : 0;
}

int ha_stats_fd(bool create)
{
	return pinned_array(SFW_STR(SFW_MAP_CLUSTER_STATS), sizeof(struct sfw_ha_stats), create);
}

int sfw_ha_stats_read(struct sfw_ha_stats *st)
{
	return read_one(ha_stats_fd(false), st);
}

int ha_stats_write(const struct sfw_ha_stats *st)
{
	return write_one(ha_stats_fd(true), st);
}
