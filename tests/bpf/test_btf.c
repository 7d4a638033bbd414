/* The shared ABI: the include/ structs user space compiles must have the
 * sizes and member offsets the BPF objects were built with (their BTF),
 * and both programs must really share one set of maps. */
#include <stddef.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "daemon.h"
#include "frag.h"
#include "iface.h"
#include "maps.h"
#include "suite.h"

TestSuite(btf, .init = suite_setup, .fini = suite_teardown);

struct abi_type {
	const char *name;
	int kind;
	size_t size;
};

#define STRUCT(name) { #name, BTF_KIND_STRUCT, sizeof(struct name) }
#define UNION(name) { #name, BTF_KIND_UNION, sizeof(union name) }

static const struct abi_type abi_types[] = {
	UNION(sfw_addr),
	STRUCT(sfw_session_key),
	STRUCT(sfw_wing),
	STRUCT(sfw_session),
	STRUCT(sfw_config),
	STRUCT(sfw_iface_key),
	STRUCT(sfw_iface_info),
	STRUCT(sfw_iface_stats),
	STRUCT(sfw_id_block),
	STRUCT(sfw_frag_key),
	STRUCT(sfw_frag),
	STRUCT(sfw_daemon_info),
};

struct abi_member {
	const char *type, *member;
	size_t offset;
};

#define M(type, member) { #type, #member, offsetof(struct type, member) }

static const struct abi_member abi_members[] = {
	M(sfw_session_key, addr_lo), M(sfw_session_key, addr_hi), M(sfw_session_key, port_lo),
	M(sfw_session_key, port_hi), M(sfw_session_key, proto), M(sfw_session_key, family),
	M(sfw_session_key, pad),
	M(sfw_session, id), M(sfw_session, created_s), M(sfw_session, last_seen_s),
	M(sfw_session, timeout_s), M(sfw_session, policy_id), M(sfw_session, app_id),
	M(sfw_session, state), M(sfw_session, tcp_state), M(sfw_session, flags),
	M(sfw_session, wing),
	M(sfw_wing, packets), M(sfw_wing, bytes), M(sfw_wing, ifindex), M(sfw_wing, seq_end),
	M(sfw_wing, fin_seq), M(sfw_wing, ack), M(sfw_wing, prev_syn_len), M(sfw_wing, wscale),
	M(sfw_wing, tcp_flags), M(sfw_wing, isn),
	M(sfw_config, timeout_s), M(sfw_config, default_policy), M(sfw_config, flags),
	M(sfw_config, conf_digest),
	M(sfw_iface_info, name), M(sfw_iface_info, xdp_mode), M(sfw_iface_info, xdp_prog_id),
	M(sfw_iface_info, tc_prog_id), M(sfw_iface_info, zone_id), M(sfw_iface_info, slot),
	M(sfw_id_block, next), M(sfw_id_block, end),
	M(sfw_frag_key, src), M(sfw_frag_key, dst), M(sfw_frag_key, id), M(sfw_frag_key, proto),
	M(sfw_frag_key, family), M(sfw_frag, sess), M(sfw_frag, sess_id), M(sfw_frag, expires_ns),
	M(sfw_frag, dir), M(sfw_frag, l4_end),
	M(sfw_daemon_info, wake_armed), M(sfw_daemon_info, started_s),
	M(sfw_daemon_info, sinks), M(sfw_daemon_info, last_pass_end_ns),
};

static void check_sizes(const struct btf *btf, const char *obj)
{
	for (size_t i = 0; i < sizeof(abi_types) / sizeof(abi_types[0]); i++) {
		const struct abi_type *t = &abi_types[i];
		int id = btf__find_by_name_kind(btf, t->name, t->kind);

		cr_assert_gt(id, 0, "%s: %s missing from BTF", obj, t->name);
		cr_assert_eq(btf__resolve_size(btf, id), (long long)t->size,
			     "%s: sizeof %s is %lld in BPF, %zu in user space", obj, t->name,
			     (long long)btf__resolve_size(btf, id), t->size);
	}
}

/* Bit offset of a named member in the BTF struct, or -1. */
static long member_offset(const struct btf *btf, const char *type, const char *member)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	const struct btf_member *m = t ? btf_members(t) : NULL;

	for (int i = 0; t && i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return btf_member_bit_offset(t, i);
	return -1;
}

static void check_offsets(const struct btf *btf, const char *obj)
{
	for (size_t i = 0; i < sizeof(abi_members) / sizeof(abi_members[0]); i++) {
		const struct abi_member *m = &abi_members[i];
		long bits = member_offset(btf, m->type, m->member);

		cr_assert_eq(bits, (long)(m->offset * 8), "%s: %s.%s at bit %ld, user space %zu",
			     obj, m->type, m->member, bits, m->offset * 8);
	}
}

Test(btf, xdp_object_matches_headers)
{
	const struct btf *btf = bpf_object__btf(fx_xdp_obj());

	cr_assert_not_null(btf);
	check_sizes(btf, "xdp_ingress");
	check_offsets(btf, "xdp_ingress");
}

Test(btf, tc_object_matches_headers)
{
	const struct btf *btf = bpf_object__btf(fx_tc_obj());

	cr_assert_not_null(btf);
	check_sizes(btf, "tc_egress");
	check_offsets(btf, "tc_egress");
}

static __u32 map_id(bool tc, const char *name)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);
	int fd = fx_map_fd(tc, name);

	cr_assert_geq(fd, 0, "map %s missing", name);
	cr_assert_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	return info.id;
}

/* Sessions opened at tc must be visible at XDP: one map, not two. */
Test(btf, programs_share_maps)
{
	const char *names[] = {
		SFW_STR(SFW_MAP_SESSIONS), SFW_STR(SFW_MAP_CONFIG), SFW_STR(SFW_MAP_IFACE_STATS),
		SFW_STR(SFW_MAP_IFACES), SFW_STR(SFW_MAP_ID_NEXT), SFW_STR(SFW_MAP_ID_BLOCK),
		SFW_STR(SFW_MAP_FRAGS), SFW_STR(SFW_MAP_NAT_FRAGS), SFW_STR(SFW_MAP_IFACE_SLOTS),
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_assert_eq(map_id(false, names[i]), map_id(true, names[i]),
			     "%s is not shared", names[i]);
}

Test(btf, map_key_and_value_sizes)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	cr_assert_eq(bpf_obj_get_info_by_fd(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)),
					    &info, &len), 0);
	cr_assert_eq(info.key_size, sizeof(struct sfw_session_key));
	cr_assert_eq(info.value_size, sizeof(struct sfw_session));
	cr_assert_eq(info.max_entries, FX_MAX_SESSIONS);
	memset(&info, 0, sizeof(info));
	cr_assert_eq(bpf_obj_get_info_by_fd(fx_map_fd(false, SFW_STR(SFW_MAP_CONFIG)),
					    &info, &len), 0);
	cr_assert_eq(info.value_size, sizeof(struct sfw_config));
	memset(&info, 0, sizeof(info));
	cr_assert_eq(bpf_obj_get_info_by_fd(fx_map_fd(false, SFW_STR(SFW_MAP_IFACE_STATS)),
					    &info, &len), 0);
	cr_assert_eq(info.key_size, sizeof(struct sfw_iface_key));
	cr_assert_eq(info.value_size, sizeof(struct sfw_iface_stats));
}
