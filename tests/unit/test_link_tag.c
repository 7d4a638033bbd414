/* The link tag a broadcast or group session's key carries
 * (include/iface.h sfw_link_tag, the datapath's own definition) and the
 * clash attach refuses (loader/link_tag.c): interfaces whose indexes
 * differ by 65535 share a tag (red team F8). */
#include <stdio.h>
#include <string.h>
#include <criterion/criterion.h>
#include "link_tag.h"

Test(link_tag, the_host_has_none_and_every_interface_one)
{
	cr_assert_eq(sfw_link_tag(0), 0, "the host's own packet: untagged");
	cr_assert_eq(sfw_link_tag(1), 2);
	cr_assert_eq(sfw_link_tag(2), 3);
	cr_assert_eq(sfw_link_tag(65534), 65535);
	cr_assert_eq(sfw_link_tag(65535), 1, "never 0, the host's tag");
	cr_assert_eq(sfw_link_tag(0xffffffffu), (0xffffffffu % 65535) + 1);
	for (__u32 i = 1; i < 200000; i += 997)
		cr_assert_neq(sfw_link_tag(i), 0, "ifindex %u tagged as the host", i);
}

Test(link_tag, indexes_65535_apart_share_a_tag_neighbours_do_not)
{
	static const __u32 some[] = { 1, 2, 3, 4465, 65534, 65535, 65536, 70000, 131070 };

	for (size_t k = 0; k < sizeof(some) / sizeof(some[0]); k++) {
		__u32 i = some[k];

		cr_assert_eq(sfw_link_tag(i), sfw_link_tag(i + 65535), "%u and %u", i, i + 65535);
		cr_assert_eq(sfw_link_tag(i), sfw_link_tag(i + 2 * 65535), "%u and %u", i,
			     i + 2 * 65535);
		cr_assert_neq(sfw_link_tag(i), sfw_link_tag(i + 1), "%u and %u", i, i + 1);
		cr_assert_neq(sfw_link_tag(i), sfw_link_tag(i + 65536), "%u and %u", i, i + 65536);
	}
	cr_assert_eq(sfw_link_tag(2), sfw_link_tag(65537), "the finding's eth0 and eth7");
	cr_assert_eq(sfw_link_tag(4465), sfw_link_tag(70000), "the end-to-end test's pair");
}

static void entry(struct sfw_iface_entry *e, __u32 ifindex, const char *name)
{
	memset(e, 0, sizeof(*e));
	e->ifindex = ifindex;
	snprintf(e->info.name, sizeof(e->info.name), "%s", name);
}

Test(link_tag, clash_finds_the_attached_interface_of_the_same_tag)
{
	struct sfw_iface_entry list[4];
	const struct sfw_iface_entry *e;

	entry(&list[0], 1, "lo");
	entry(&list[1], 2, "eth0");
	entry(&list[2], 3, "eth1");
	entry(&list[3], 70000, "veth9");
	e = sfw_link_tag_clash(list, 4, 65537);
	cr_assert_not_null(e, "65537 is eth0's tag");
	cr_assert_eq(e->ifindex, 2);
	cr_assert_str_eq(e->info.name, "eth0");
	e = sfw_link_tag_clash(list, 4, 4465);
	cr_assert_not_null(e, "4465 is veth9's (70000) tag");
	cr_assert_eq(e->ifindex, 70000);
	e = sfw_link_tag_clash(list, 4, 2 * 65535 + 3);
	cr_assert_not_null(e, "two wraps later: eth1's");
	cr_assert_eq(e->ifindex, 3);
}

Test(link_tag, no_clash_for_free_tags_itself_or_no_list)
{
	struct sfw_iface_entry list[3];

	entry(&list[0], 2, "eth0");
	entry(&list[1], 3, "eth1");
	entry(&list[2], 65536, "veth1");
	cr_assert_null(sfw_link_tag_clash(list, 3, 4), "a tag no one has");
	cr_assert_null(sfw_link_tag_clash(list, 3, 65539), "65535 + 4: 4's tag, no one's");
	cr_assert_null(sfw_link_tag_clash(list, 3, 2), "eth0 itself: attached already");
	cr_assert_null(sfw_link_tag_clash(list, 0, 65537), "nothing attached");
	cr_assert_null(sfw_link_tag_clash(NULL, 0, 65537), "no list read");
	/* 65536's tag is 2, 1's too: lo is not in this list */
	cr_assert_null(sfw_link_tag_clash(list, 2, 65536), "veth1 among eth0 and eth1");
}
