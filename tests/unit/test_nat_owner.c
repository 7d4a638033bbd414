/* include/session.h struct sfw_nat_owner: the key an alias or a port
 * reservation keeps of its NAT session, packed to IPv4's words. The
 * datapath looks the session up by the key unpacked, so every byte the
 * table hashes must come back as the packet's key had it. And the events
 * of the smaller session that came with it (include/events.h). */
#include <arpa/inet.h>
#include <string.h>
#include <criterion/criterion.h>
#include "protocols.h"
#include "events.h"
#include "session.h"

static struct sfw_session_key key4(const char *lo, __u16 plo, const char *hi, __u16 phi,
				   __u8 proto, __u16 pad)
{
	struct sfw_session_key k;

	memset(&k, 0, sizeof(k));
	cr_assert_eq(inet_pton(AF_INET, lo, &k.addr_lo.v4), 1);
	cr_assert_eq(inet_pton(AF_INET, hi, &k.addr_hi.v4), 1);
	k.port_lo = htons(plo);
	k.port_hi = htons(phi);
	k.proto = proto;
	k.family = SFW_FAMILY_INET;
	k.pad = pad;
	return k;
}

static void expect_round_trip(const struct sfw_session_key *k)
{
	struct sfw_nat_owner o;
	struct sfw_session_key back;

	memset(&o, 0xa5, sizeof(o));
	memset(&back, 0xa5, sizeof(back));
	sfw_nat_owner_pack(&o, k);
	sfw_nat_owner_unpack(&back, &o);
	cr_assert_eq(memcmp(&back, k, sizeof(*k)), 0, "the key unpacked is not the key packed");
}

Test(nat_owner, every_byte_of_an_ipv4_key_comes_back)
{
	struct sfw_session_key tcp = key4("192.0.2.10", 40000, "203.0.113.7", 443,
					  SFW_IPPROTO_TCP, 0);
	struct sfw_session_key udp = key4("198.51.100.2", 53, "198.51.100.200", 65535,
					  SFW_IPPROTO_UDP, 0);

	expect_round_trip(&tcp);
	expect_round_trip(&udp);
}

/* A multicast session's key carries its link's tag in pad (bpf/zone_bind.bpf.h
 * sfw_packet_key): an owner that dropped it would name another key. */
Test(nat_owner, the_keys_pad_is_kept)
{
	struct sfw_session_key k = key4("192.0.2.1", 5353, "224.0.0.251", 5353,
					SFW_IPPROTO_UDP, 0x1234);

	expect_round_trip(&k);
}

/* What the packing saves is the point of it (docs/performance.md "Memory
 * per session"): the NAT block and the owner in 16 bytes each. */
Test(nat_owner, the_session_carries_ipv4_words)
{
	cr_expect_eq(sizeof(struct sfw_nat_owner), 16);
	cr_expect_eq(sizeof(struct sfw_sess_nat), 16);
	cr_expect_eq(sizeof(struct sfw_session), 152);
}

/* Review rvnat16 M1: an upgraded daemon opening the rings of a datapath
 * still pinned from before must not read its 240-byte events as 216-byte
 * ones (their NAT fields would be logged as zeros): a record of any other
 * size than this build's event is skipped by every reader (the daemon's
 * log, the monitor, the cluster mirror: include/events.h sfw_event_of). */
Test(event_layout, a_record_of_another_size_is_not_an_event)
{
	static unsigned char rec[512];

	cr_expect_eq(sfw_event_of(rec, sizeof(struct sfw_event)), (const void *)rec);
	cr_expect_null(sfw_event_of(rec, 240), "an older sfw's event read as ours");
	cr_expect_null(sfw_event_of(rec, 216), "the last layout's event read as ours");
	cr_expect_null(sfw_event_of(rec, sizeof(struct sfw_event) - 1));
	cr_expect_null(sfw_event_of(rec, 0));
}
