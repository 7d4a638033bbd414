/* The link-tag clash attach refuses (link_tag.h). */
#include "link_tag.h"

const struct sfw_iface_entry *sfw_link_tag_clash(const struct sfw_iface_entry *list, int n,
						 __u32 ifindex)
{
	__u16 tag = sfw_link_tag(ifindex);

	for (int i = 0; i < n; i++)
		if (list[i].ifindex != ifindex && sfw_link_tag(list[i].ifindex) == tag)
			return &list[i];
	return NULL;
}
