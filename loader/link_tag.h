/* Internal to the loader: two attached interfaces must not share a link
 * tag (include/iface.h sfw_link_tag), or a broadcast or group session
 * opened on one is found for the other's packets, which come in by
 * another zone and are refused (docs/security.md "Tuples that every link
 * shares"). */
#ifndef SFW_LINK_TAG_H
#define SFW_LINK_TAG_H

#include "loader.h"

/* Of the attached interfaces list[n], the one whose link tag is
 * ifindex's (ifindex itself aside: attaching it again changes nothing);
 * NULL when there is none. */
const struct sfw_iface_entry *sfw_link_tag_clash(const struct sfw_iface_entry *list, int n,
						 __u32 ifindex);

#endif
