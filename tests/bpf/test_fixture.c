/* The fixture itself: a pin directory left under this process's pid by an
 * earlier process (a test killed between its load and its unpin, or another
 * build's run) is not reused. On a fresh CI machine a stale sfw_screens of
 * other parameters failed a whole bpf_conf_tests test (stop 21's CI run). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <bpf/bpf.h>
#include "bpf_fixture.h"
#include "maps.h"

#define STALE_DIR "/sys/fs/bpf/sfw-test-%d"

/* In the child: a map of the datapath's name but not its shape, pinned
 * where the fixture will load, then the fixture. */
static int child_with_stale_pin(void)
{
	char dir[64], path[128];
	int fd, err;

	snprintf(dir, sizeof(dir), STALE_DIR, (int)getpid());
	snprintf(path, sizeof(path), "%s/%s", dir, SFW_STR(SFW_MAP_SCREENS));
	if (mkdir(dir, 0700) && errno != EEXIST)
		return 2;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, SFW_STR(SFW_MAP_SCREENS), 4, 4, 1, NULL);
	if (fd < 0 || bpf_obj_pin(fd, path))
		return 2;
	close(fd);
	err = fx_setup();
	fx_teardown();
	return err ? 1 : 0;
}

Test(fixture, stale_pins_under_its_pid_are_not_reused)
{
	char dir[64], path[128];
	int status = -1;
	pid_t pid = fork();

	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(child_with_stale_pin());
	waitpid(pid, &status, 0);
	snprintf(dir, sizeof(dir), STALE_DIR, (int)pid);
	snprintf(path, sizeof(path), "%s/%s", dir, SFW_STR(SFW_MAP_SCREENS));
	unlink(path);
	rmdir(dir);
	cr_assert(WIFEXITED(status), "the child did not exit");
	cr_assert_neq(WEXITSTATUS(status), 2, "could not pin the stale map");
	cr_assert_eq(WEXITSTATUS(status), 0,
		     "the fixture failed over a stale pin left under its pid");
}
