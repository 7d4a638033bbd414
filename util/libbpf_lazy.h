/* libbpf, loaded by the first command that calls into it instead of by
 * every start of sfw: with libelf and libz under it, it was most of what
 * `show security flow session summary` spent beyond conntrack -C
 * (docs/performance.md, "The summary without libbpf"). Include this
 * instead of <bpf/bpf.h> and <bpf/libbpf.h>, and before a skeleton.
 *
 * The calls a read-only command makes are sfw's own (util/bpf_sys.h);
 * every other libbpf function below goes through a table filled from
 * libbpf.so on first use (util/lazylib.h). A libbpf that cannot be loaded
 * ends the process with one line naming it and exit status 1: there is
 * no error to return through libbpf's own signatures, and nothing sfw
 * does without libbpf (loading, attaching, writing maps) can go on. */
#ifndef SFW_LIBBPF_LAZY_H
#define SFW_LIBBPF_LAZY_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_sys.h"
#include "lazylib.h"

#define SFW_LIBBPF_FNS(X) \
	X(bpf_, link_create) X(bpf_, link_update) X(bpf_, map_create) \
	X(bpf_, map_update_elem) X(bpf_, map_delete_elem) X(bpf_, map_lookup_batch) \
	X(bpf_, map_delete_batch) X(bpf_, obj_pin) X(bpf_, prog_test_run_opts) \
	X(bpf_, map__fd) X(bpf_, map__is_internal) X(bpf_, map__key_size) X(bpf_, map__name) \
	X(bpf_, map__pin_path) X(bpf_, map__reuse_fd) X(bpf_, map__set_max_entries) \
	X(bpf_, map__set_map_flags) X(bpf_, map__set_pin_path) X(bpf_, map__value_size) \
	X(bpf_, map__type) X(bpf_, map__max_entries) X(bpf_, map__map_flags) X(bpf_, program__fd) \
	X(bpf_, program__set_autoload) \
	X(bpf_, object__open_skeleton) X(bpf_, object__load_skeleton) \
	X(bpf_, object__attach_skeleton) X(bpf_, object__detach_skeleton) \
	X(bpf_, object__destroy_skeleton) X(bpf_, object__find_map_by_name) \
	X(bpf_, object__next_map) X(bpf_, tc_hook_create) X(bpf_, tc_attach) X(bpf_, tc_detach) \
	X(bpf_, tc_query) X(bpf_, prog_get_fd_by_id) X(bpf_, xdp_query) \
	X(ring_, buffer__new) X(ring_, buffer__add) X(ring_, buffer__poll) \
	X(ring_, buffer__consume) X(ring_, buffer__epoll_fd) X(ring_, buffer__free) \
	X(libbpf_, set_print) X(libbpf_, version_string)

struct sfw_libbpf {
	SFW_LIBBPF_FNS(SFW_LAZY_FN)
};

/* The table, libbpf loaded on the first call (or the process ended). */
const struct sfw_libbpf *sfw_libbpf(void);
/* libbpf's print function, handed to it when it is loaded. */
void sfw_libbpf_set_print(libbpf_print_fn_t fn);

#define bpf_obj_get(...) sfw_bpf_obj_get(__VA_ARGS__)
#define bpf_map_lookup_elem(...) sfw_bpf_map_lookup_elem(__VA_ARGS__)
#define bpf_map_get_next_key(...) sfw_bpf_map_get_next_key(__VA_ARGS__)
#define bpf_obj_get_info_by_fd(...) sfw_bpf_obj_get_info_by_fd(__VA_ARGS__)
#define libbpf_num_possible_cpus(...) sfw_num_possible_cpus(__VA_ARGS__)

/* One macro per name of SFW_LIBBPF_FNS (the preprocessor cannot make
 * them from the list): sfw does not link libbpf, so a call that misses
 * its macro is an undefined reference when sfw is linked. */
#define SFW_LB(name) (sfw_libbpf()->name)
#define bpf_link_create(...) SFW_LB(link_create)(__VA_ARGS__)
#define bpf_link_update(...) SFW_LB(link_update)(__VA_ARGS__)
#define bpf_map_create(...) SFW_LB(map_create)(__VA_ARGS__)
#define bpf_map_update_elem(...) SFW_LB(map_update_elem)(__VA_ARGS__)
#define bpf_map_delete_elem(...) SFW_LB(map_delete_elem)(__VA_ARGS__)
#define bpf_map_lookup_batch(...) SFW_LB(map_lookup_batch)(__VA_ARGS__)
#define bpf_map_delete_batch(...) SFW_LB(map_delete_batch)(__VA_ARGS__)
#define bpf_obj_pin(...) SFW_LB(obj_pin)(__VA_ARGS__)
#define bpf_prog_test_run_opts(...) SFW_LB(prog_test_run_opts)(__VA_ARGS__)
#define bpf_map__fd(...) SFW_LB(map__fd)(__VA_ARGS__)
#define bpf_map__is_internal(...) SFW_LB(map__is_internal)(__VA_ARGS__)
#define bpf_map__key_size(...) SFW_LB(map__key_size)(__VA_ARGS__)
#define bpf_map__name(...) SFW_LB(map__name)(__VA_ARGS__)
#define bpf_map__pin_path(...) SFW_LB(map__pin_path)(__VA_ARGS__)
#define bpf_map__reuse_fd(...) SFW_LB(map__reuse_fd)(__VA_ARGS__)
#define bpf_map__set_max_entries(...) SFW_LB(map__set_max_entries)(__VA_ARGS__)
#define bpf_map__set_map_flags(...) SFW_LB(map__set_map_flags)(__VA_ARGS__)
#define bpf_map__set_pin_path(...) SFW_LB(map__set_pin_path)(__VA_ARGS__)
#define bpf_map__value_size(...) SFW_LB(map__value_size)(__VA_ARGS__)
#define bpf_map__type(...) SFW_LB(map__type)(__VA_ARGS__)
#define bpf_map__max_entries(...) SFW_LB(map__max_entries)(__VA_ARGS__)
#define bpf_map__map_flags(...) SFW_LB(map__map_flags)(__VA_ARGS__)
#define bpf_program__fd(...) SFW_LB(program__fd)(__VA_ARGS__)
#define bpf_program__set_autoload(...) SFW_LB(program__set_autoload)(__VA_ARGS__)
#define bpf_object__open_skeleton(...) SFW_LB(object__open_skeleton)(__VA_ARGS__)
#define bpf_object__load_skeleton(...) SFW_LB(object__load_skeleton)(__VA_ARGS__)
#define bpf_object__attach_skeleton(...) SFW_LB(object__attach_skeleton)(__VA_ARGS__)
#define bpf_object__detach_skeleton(...) SFW_LB(object__detach_skeleton)(__VA_ARGS__)
#define bpf_object__destroy_skeleton(...) SFW_LB(object__destroy_skeleton)(__VA_ARGS__)
#define bpf_object__find_map_by_name(...) SFW_LB(object__find_map_by_name)(__VA_ARGS__)
#define bpf_object__next_map(...) SFW_LB(object__next_map)(__VA_ARGS__)
#define bpf_tc_hook_create(...) SFW_LB(tc_hook_create)(__VA_ARGS__)
#define bpf_tc_attach(...) SFW_LB(tc_attach)(__VA_ARGS__)
#define bpf_tc_detach(...) SFW_LB(tc_detach)(__VA_ARGS__)
#define bpf_tc_query(...) SFW_LB(tc_query)(__VA_ARGS__)
#define bpf_prog_get_fd_by_id(...) SFW_LB(prog_get_fd_by_id)(__VA_ARGS__)
#define bpf_xdp_query(...) SFW_LB(xdp_query)(__VA_ARGS__)
#define ring_buffer__new(...) SFW_LB(buffer__new)(__VA_ARGS__)
#define ring_buffer__add(...) SFW_LB(buffer__add)(__VA_ARGS__)
#define ring_buffer__poll(...) SFW_LB(buffer__poll)(__VA_ARGS__)
#define ring_buffer__consume(...) SFW_LB(buffer__consume)(__VA_ARGS__)
#define ring_buffer__epoll_fd(...) SFW_LB(buffer__epoll_fd)(__VA_ARGS__)
#define ring_buffer__free(...) SFW_LB(buffer__free)(__VA_ARGS__)
#define libbpf_set_print(...) SFW_LB(set_print)(__VA_ARGS__)
#define libbpf_version_string(...) SFW_LB(version_string)(__VA_ARGS__)

#endif
