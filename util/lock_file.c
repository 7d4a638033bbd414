/* See lock_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include "err.h"
#include "lock_file.h"

int sfw_lock_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
	while (flock(fd, LOCK_EX))
		if (errno != EINTR) {
			int err = sfw_fail(errno, "cannot lock %s: %s", path, strerror(errno));

			close(fd);
			return err;
		}
	return fd;
}
