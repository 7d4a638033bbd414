/* The cluster mirror and NAT (docs/nat.md "Not built yet"): a NAT
 * session is not mirrored (the peer would load it untranslated, without
 * its alias) and an alias is no session: walks of the table for the
 * mirror and the replica's count skip it. */
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include <unistd.h>
#include "ha_int.h"
#include "protocols.h"
#include "session.h"

static struct sfw_session_key key(__u16 port)
{
	struct sfw_session_key k = { .proto = SFW_IPPROTO_UDP, .family = SFW_FAMILY_INET };

	k.addr_lo.v4 = htonl(0xc0000201);   /* 192.0.2.1 */
	k.addr_hi.v4 = htonl(0xc6336402);   /* 198.51.100.2 */
	k.port_lo = htons(port);
	k.port_hi = htons(53);
	return k;
}

Test(ha_nat, nat_sessions_and_aliases_are_not_mirrored)
{
	struct sfw_session_key k = key(40000);
	struct sfw_session s = { .id = 1 };

	cr_assert(ha_mirrored(&k, &s), "a plain UDP session is mirrored");
	s.flags = SFW_SESS_F_NAT;
	cr_assert_not(ha_mirrored(&k, &s), "a NAT session");
	s.flags = SFW_SESS_F_NAT_ALIAS;
	cr_assert_not(ha_mirrored(&k, &s), "a NAT alias");
}

static int count(const struct sfw_session_key *k, const struct sfw_session *s, void *arg)
{
	(void)k;
	(void)s;
	++*(int *)arg;
	return 0;
}

Test(ha_nat, walks_skip_aliases)
{
	struct sfw_session_key k1 = key(40000), k2 = key(40001);
	struct sfw_session s = { .id = 1, .flags = SFW_SESS_F_NAT };
	struct sfw_session a = { .id = 1, .flags = SFW_SESS_F_NAT_ALIAS };
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "ha_nat", sizeof(k1), sizeof(s), 16, NULL);
	int n = 0;

	cr_assert_geq(fd, 0);
	cr_assert_eq(bpf_map_update_elem(fd, &k1, &s, BPF_ANY), 0);
	cr_assert_eq(bpf_map_update_elem(fd, &k2, &a, BPF_ANY), 0);
	cr_assert_eq(ha_walk(fd, count, &n), 0);
	cr_assert_eq(n, 1, "the session, not its alias");
	close(fd);
}
