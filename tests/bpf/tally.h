/* Reading the limit-session counts (bpf/limit.bpf.h) back from the tally
 * map, for the tests that check them (test_limits.c, test_races.c). */
#ifndef SFW_TESTS_TALLY_H
#define SFW_TESTS_TALLY_H

#include <bpf/bpf.h>
#include "suite.h"

/* The count held for an IPv4 address in zone 1 (0: no entry). */
static SUITE_UNUSED __s32 tally(const char *addr, __u8 dir)
{
	struct pb_spec s = { .src = addr, .dst = addr, .proto = SFW_IPPROTO_UDP,
			     .sport = 1, .dport = 53 };
	struct sfw_session_key k;
	struct sfw_tally_key tk = { .family = SFW_FAMILY_INET, .dir = dir, .zone = 1 };
	struct sfw_tally t;

	fx_key(&s, &k);   /* the address, as the datapath stores it */
	memcpy(tk.addr, &k.addr_lo, 16);
	if (bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_TALLY)), &tk, &t))
		return 0;
	cr_assert_eq(memcmp(&t.key, &tk, sizeof(tk)), 0, "the entry repeats its key");
	return t.count;
}

static SUITE_UNUSED int tally_entries(void)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_TALLY)), n = 0;
	struct sfw_tally_key k, next;
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		k = next;
		first = false;
		n++;
	}
	return n;
}

#endif
