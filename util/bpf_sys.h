/* The bpf(2) calls a read-only command makes (show, status, the summary),
 * made by sfw itself, so that such a command never loads libbpf
 * (util/libbpf_lazy.h): opening a pin, reading an element, the next key,
 * an object's info, and the count of possible CPUs per-CPU values are
 * laid out for. Each behaves as libbpf's function of the same name less
 * the sfw_ prefix: a negative errno on failure, errno set as well. */
#ifndef SFW_BPF_SYS_H
#define SFW_BPF_SYS_H

#include <linux/types.h>

int sfw_bpf_obj_get(const char *path);
int sfw_bpf_map_lookup_elem(int fd, const void *key, void *value);
int sfw_bpf_map_get_next_key(int fd, const void *key, void *next_key);
int sfw_bpf_obj_get_info_by_fd(int fd, void *info, __u32 *info_len);
/* CPUs in /sys/devices/system/cpu/possible, read once. */
int sfw_num_possible_cpus(void);
/* The CPUs a kernel CPU list names ("0-3,8-11\n": 8), or -EINVAL. */
int sfw_cpu_list_count(const char *list);

#endif
