/* No path is ever cut short: a cut path names another file (or socket),
 * which is worse than an error. sfw_path() fails instead, with one line. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "loader.h"
#include "log_sink.h"

Test(paths, sfw_path_fails_instead_of_cutting)
{
	char buf[16];

	cr_assert_eq(sfw_path(buf, sizeof(buf), "%s/%s", "/tmp", "0123456789"), 0);
	cr_assert_str_eq(buf, "/tmp/0123456789");
	cr_assert_eq(sfw_path(buf, sizeof(buf), "%s/%s", "/tmp", "01234567890"), -ENAMETOOLONG);
	cr_assert_str_eq(sfw_last_error(), "path too long: /tmp/0123456789 (16 bytes, at most 15)");
}

/* A syslog socket named by the first 107 bytes of a longer path exists: a
 * cut name would reach it and log there. */
Test(paths, syslog_socket_name_longer_than_sun_path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/sfw-sock-XXXXXX", longer[256];
	struct sfw_log_opts o = { .syslog = true };
	struct sfw_log_sinks s;
	size_t room = sizeof(sa.sun_path) - 1;
	int fd;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(longer, sizeof(longer), "%s/", dir);
	memset(longer + strlen(longer), 's', sizeof(longer) - strlen(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(sa.sun_path, longer, room);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "%s", strerror(errno));
	o.syslog_path = longer;
	cr_assert_eq(sfw_sinks_open(&s, &o), -ENAMETOOLONG, "connected to a cut name");
	cr_assert(!strncmp(sfw_last_error(), "path too long: ", 15), "%s", sfw_last_error());
	o.syslog_path = sa.sun_path;
	cr_assert_eq(sfw_sinks_open(&s, &o), 0, "%s", sfw_last_error());
	sfw_sinks_close(&s);
	close(fd);
	unlink(sa.sun_path);
	rmdir(dir);
}

/* Every "open a pinned map" goes through sfw_open_pin: a pin root too long
 * for the path fails with one line instead of opening a cut path, and a
 * missing optional pin is quiet (-ENOENT, the last message kept). */
Test(paths, open_pin_checks_length_and_missing)
{
	char dir[] = "/tmp/sfw-pin-XXXXXX", root[256];

	cr_assert_not_null(mkdtemp(dir));
	snprintf(root, sizeof(root), "%s/", dir);
	memset(root + strlen(root), 'r', sizeof(root) - strlen(root) - 1);
	root[sizeof(root) - 1] = '\0';
	setenv("SFW_PIN_ROOT", root, 1);
	cr_assert_eq(sfw_open_pin("sfw_sessions", true), -ENAMETOOLONG);
	cr_assert(strstr(sfw_last_error(), "pin root"), "%s", sfw_last_error());

	setenv("SFW_PIN_ROOT", dir, 1);
	sfw_fail(EINVAL, "earlier");
	cr_assert_eq(sfw_open_pin("sfw_sessions", true), -ENOENT);
	cr_assert_str_eq(sfw_last_error(), "earlier");
	cr_assert_eq(sfw_open_pin("sfw_sessions", false), -ENOENT);
	cr_assert(strstr(sfw_last_error(), "sfw is not loaded"), "%s", sfw_last_error());
	cr_assert_eq(sfw_open_map("sfw_sessions"), -ENOENT);
	unsetenv("SFW_PIN_ROOT");
	rmdir(dir);
}

static void *fail_elsewhere(void *arg)
{
	sfw_fail(EIO, "the cluster worker's failure");
	*(int *)arg = strcmp(sfw_last_error(), "the cluster worker's failure");
	return NULL;
}

/* The cluster worker opens pins with sfw_open_pin beside the command's
 * thread: its failures are its own, never the line a command prints. */
Test(paths, error_line_is_per_thread)
{
	pthread_t t;
	int other = -1;

	sfw_fail(EINVAL, "the command's failure");
	cr_assert_eq(pthread_create(&t, NULL, fail_elsewhere, &other), 0);
	pthread_join(t, NULL);
	cr_assert_eq(other, 0);
	cr_assert_str_eq(sfw_last_error(), "the command's failure");
}
