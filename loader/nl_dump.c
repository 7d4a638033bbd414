/* A netlink dump read to its end (loader/nl_dump.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "nl_dump.h"

/* NLMSG_OK without its signed/unsigned comparison (clang's -Wsign-compare). */
static int nl_ok(const struct nlmsghdr *nh, size_t n)
{
	return n >= sizeof(*nh) && nh->nlmsg_len >= sizeof(*nh) && nh->nlmsg_len <= n;
}

int sfw_nl_each(const void *buf, size_t len, sfw_nl_msg_fn fn, void *arg)
{
	const char *at = buf, *end = at + len;
	int err;

	while (nl_ok((const struct nlmsghdr *)at, (size_t)(end - at))) {
		const struct nlmsghdr *nh = (const struct nlmsghdr *)at;

		if (nh->nlmsg_type == NLMSG_DONE) {
			/* a dump the kernel could not make ends here too, its
			 * error in the payload (sock_diag without a protocol's
			 * handler: -ENOENT) */
			int err = 0;

			if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
				memcpy(&err, NLMSG_DATA(nh), sizeof(err));
			return err < 0 ? err : 1;
		}
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			return nh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error ? e->error
											 : -EPROTO;
		}
		if ((err = fn(nh, arg)))
			return err;
		if (NLMSG_ALIGN(nh->nlmsg_len) >= (size_t)(end - at))
			break;
		at += NLMSG_ALIGN(nh->nlmsg_len);
	}
	return 0;
}

int sfw_nl_dump(int fd, const void *req, size_t len, char *buf, sfw_nl_msg_fn fn, void *arg)
{
	ssize_t n;
	int r = 0;

	if (send(fd, req, len, 0) != (ssize_t)len)
		return -errno;
	while (!r) {
		n = recv(fd, buf, SFW_NL_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		r = n < 0 ? -errno : n == 0 ? -EPROTO : sfw_nl_each(buf, (size_t)n, fn, arg);
	}
	return r < 0 ? r : 0;
}
