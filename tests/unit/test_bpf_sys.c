/* The bpf(2) calls sfw makes itself so that a read-only command never
 * loads libbpf (util/bpf_sys.h, util/libbpf_lazy.h): each answers as
 * libbpf's function of the same name does, results and errors, on a map
 * made here; the CPU count is libbpf's. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include "bpf_sys.h"

static int hash_map(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "sfw_t_sys", 4, 8, 4, NULL);
	__u64 v = 40;

	cr_assert_geq(fd, 0, "bpf_map_create: %s", strerror(errno));
	for (__u32 k = 1; k <= 2; k++, v++)
		cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
	return fd;
}

Test(bpf_sys, lookup_and_next_key_as_libbpf)
{
	int fd = hash_map();
	__u32 k = 2, none = 9, a, b;
	__u64 v = 0, w = 0;

	cr_assert_eq(sfw_bpf_map_lookup_elem(fd, &k, &v), 0);
	cr_assert_eq(v, 41);
	cr_assert_eq(sfw_bpf_map_lookup_elem(fd, &none, &v), -ENOENT);
	cr_assert_eq(errno, ENOENT);
	cr_assert_eq(bpf_map_lookup_elem(fd, &none, &w), -ENOENT);
	/* the same walk, key by key, to the same end */
	cr_assert_eq(sfw_bpf_map_get_next_key(fd, NULL, &a), bpf_map_get_next_key(fd, NULL, &b));
	cr_assert_eq(a, b);
	cr_assert_eq(sfw_bpf_map_get_next_key(fd, &a, &a), bpf_map_get_next_key(fd, &b, &b));
	cr_assert_eq(a, b);
	cr_assert_eq(sfw_bpf_map_get_next_key(fd, &a, &a), -ENOENT);
	cr_assert_eq(sfw_bpf_map_lookup_elem(-1, &k, &v), -EBADF);
	close(fd);
}

Test(bpf_sys, info_and_pins_as_libbpf)
{
	int fd = hash_map(), pinned;
	struct bpf_map_info mine = { 0 }, theirs = { 0 };
	__u32 len = sizeof(mine), tlen = sizeof(theirs);
	char path[PATH_MAX];

	cr_assert_eq(sfw_bpf_obj_get_info_by_fd(fd, &mine, &len), 0);
	cr_assert_eq(bpf_obj_get_info_by_fd(fd, &theirs, &tlen), 0);
	cr_assert_eq(len, tlen);
	cr_assert_eq(mine.id, theirs.id);
	cr_assert_eq(mine.max_entries, 4);
	cr_assert_eq(mine.value_size, 8);
	snprintf(path, sizeof(path), "/sys/fs/bpf/sfw-t-sys-%d", getpid());
	cr_assert_eq(bpf_obj_pin(fd, path), 0, "pin %s: %s", path, strerror(errno));
	pinned = sfw_bpf_obj_get(path);
	unlink(path);
	cr_assert_geq(pinned, 0);
	memset(&mine, 0, sizeof(mine));
	len = sizeof(mine);
	cr_assert_eq(sfw_bpf_obj_get_info_by_fd(pinned, &mine, &len), 0);
	cr_assert_eq(mine.id, theirs.id, "the pin opens the same map");
	cr_assert_eq(sfw_bpf_obj_get(path), -ENOENT);
	cr_assert_eq(errno, ENOENT);
	close(pinned);
	close(fd);
}

Test(bpf_sys, possible_cpus_as_libbpf)
{
	cr_assert_eq(sfw_num_possible_cpus(), libbpf_num_possible_cpus());
}

Test(bpf_sys, cpu_lists)
{
	cr_assert_eq(sfw_cpu_list_count("0\n"), 1);
	cr_assert_eq(sfw_cpu_list_count("0-1\n"), 2);
	cr_assert_eq(sfw_cpu_list_count("0-3,8-11\n"), 8);
	cr_assert_eq(sfw_cpu_list_count("0,2,4-5"), 4);
	const char *bad[] = { "", "\n", "-1", "3-1", "0-3,5-4", "0-", "0,,1", "0 1", "a", "1-x" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(sfw_cpu_list_count(bad[i]), -EINVAL, "\"%s\"", bad[i]);
}
