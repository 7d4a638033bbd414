/* The bpf(2) calls of the read-only commands (bpf_sys.h). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include "bpf_sys.h"

/* The attribute up to the command's last field, as libbpf passes it: a
 * kernel older than the headers sees no tail it does not know. */
#define ATTR_SIZE(field) (offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

static int sys_bpf(enum bpf_cmd cmd, union bpf_attr *attr, size_t size)
{
	long r = syscall(__NR_bpf, cmd, attr, size);

	return r < 0 ? -errno : (int)r;
}

static __u64 ptr(const void *p)
{
	return (__u64)(uintptr_t)p;
}

int sfw_bpf_obj_get(const char *path)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(file_flags));
	a.pathname = ptr(path);
	return sys_bpf(BPF_OBJ_GET, &a, ATTR_SIZE(file_flags));
}

int sfw_bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(flags));
	a.map_fd = (__u32)fd;
	a.key = ptr(key);
	a.value = ptr(value);
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &a, ATTR_SIZE(flags));
}

int sfw_bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(next_key));
	a.map_fd = (__u32)fd;
	a.key = ptr(key);
	a.next_key = ptr(next_key);
	return sys_bpf(BPF_MAP_GET_NEXT_KEY, &a, ATTR_SIZE(next_key));
}

int sfw_bpf_obj_get_info_by_fd(int fd, void *info, __u32 *info_len)
{
	union bpf_attr a;
	int err;

	memset(&a, 0, ATTR_SIZE(info));
	a.info.bpf_fd = (__u32)fd;
	a.info.info_len = *info_len;
	a.info.info = ptr(info);
	err = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, ATTR_SIZE(info));
	if (!err)
		*info_len = a.info.info_len;
	return err;
}

int sfw_cpu_list_count(const char *s)
{
	int n = 0;

	while (*s && *s != '\n') {
		char *end;
		long lo = strtol(s, &end, 10), hi = lo;

		if (end == s || lo < 0)
			return -EINVAL;
		s = end;
		if (*s == '-') {
			hi = strtol(s + 1, &end, 10);
			if (end == s + 1 || hi < lo)
				return -EINVAL;
			s = end;
		}
		n += (int)(hi - lo + 1);
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return n > 0 ? n : -EINVAL;
}

int sfw_num_possible_cpus(void)
{
	static int cached;
	char buf[256];
	int n = __atomic_load_n(&cached, __ATOMIC_RELAXED), fd;
	ssize_t len;

	if (n > 0)
		return n;
	fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	n = len < 0 ? -errno : 0;
	close(fd);
	if (n)
		return n;
	buf[len] = '\0';
	n = sfw_cpu_list_count(buf);
	if (n > 0)
		__atomic_store_n(&cached, n, __ATOMIC_RELAXED);
	else
		errno = -n;
	return n;
}
