/* An interface's link-layer address and type, as the kernel reports them
 * (SIOCGIFHWADDR) in the namespace of the calling process. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "loader_int.h"

int sfw_iface_hwaddr(const char *ifname, struct sockaddr *hw)
{
	struct ifreq r = { 0 };
	size_t len = strlen(ifname);
	int fd, err = 0;

	if (len >= sizeof(r.ifr_name))
		return -ENODEV;
	memcpy(r.ifr_name, ifname, len);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFHWADDR, &r))
		err = -errno;
	else
		*hw = r.ifr_hwaddr;
	close(fd);
	return err;
}
