/* A netlink dump read to its end: what loader/local_addrs.c (rtnetlink)
 * and loader/host_ports.c (sock_diag) share. */
#ifndef SFW_NL_DUMP_H
#define SFW_NL_DUMP_H

#include <stddef.h>
#include <linux/netlink.h>

/* The buffer a dump's datagrams are read into: the kernel fills up to a
 * page-ish each; ample. */
#define SFW_NL_BUF 32768

/* What is done with one message of a dump: 0 to go on, or a negative
 * errno that ends it. */
typedef int (*sfw_nl_msg_fn)(const struct nlmsghdr *nh, void *arg);

/* Calls fn for each message of one datagram (buf[0..len)): 1 at the
 * dump's end (NLMSG_DONE), 0 for more to read, or a negative errno (the
 * kernel's error, fn's). */
int sfw_nl_each(const void *buf, size_t len, sfw_nl_msg_fn fn, void *arg);

/* Sends req (len bytes) on fd and reads the dump through sfw_nl_each to
 * its end, into buf (SFW_NL_BUF bytes). 0 or a negative errno. */
int sfw_nl_dump(int fd, const void *req, size_t len, char *buf, sfw_nl_msg_fn fn, void *arg);

#endif
