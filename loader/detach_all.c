/* `detach all`, and the pins it leaves behind: sfw's own maps and XDP
 * links go, a foreign pin under the same root stays. Works from the
 * pinned links alone when sfw_ifaces cannot say (another layout). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "loader_int.h"
#include "maps.h"

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

/* Detach all without sfw_ifaces (refused or missing): by the pinned
 * links, and the tc filter on each of their interfaces; then the tc
 * filters the links cannot name (a link detached outside sfw reads
 * ifindex 0, a link pin removed is gone), found by their programs' maps
 * (sfw_tc_sweep) while the pins still say which maps are this root's;
 * links whose interface is gone go with the pins. */
static int detach_unlisted(void)
{
	__u32 ifs[SFW_MAX_IFACES];
	int n = sfw_link_ifaces(ifs, SFW_MAX_IFACES);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		sfw_detach_xdp(ifs[i]);
		sfw_detach_tc(ifs[i]);
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
		sfw_detach_xdp(list[i].ifindex);
		sfw_detach_tc(list[i].ifindex);
	}
	sfw_remove_pins();
	return n;
}
