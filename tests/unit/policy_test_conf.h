/* The configuration the policy command tests share: two zones (trust with
 * ping to the host), an address set over both families, a port-range
 * application, zone-pair, junos-host and global policies, deny-all. */
#ifndef SFW_TEST_POLICY_CONF_H
#define SFW_TEST_POLICY_CONF_H

#include <stdio.h>
#include <stdlib.h>

#define POLICY_TEST_CONF                                                                  \
	"set security zones security-zone trust interfaces veth0\n"                      \
	"set security zones security-zone trust host-inbound-traffic system-services ping\n" \
	"set security zones security-zone untrust interfaces [ veth1 veth2 ]\n"          \
	"set security address-book global address web-servers 203.0.113.0/24\n"         \
	"set security address-book global address v6net 2001:db8:2::/64\n"              \
	"set security address-book global address-set servers address [ web-servers v6net ]\n" \
	"set applications application my-web protocol tcp destination-port 8000-8080 "   \
	"inactivity-timeout 600\n"                                                        \
	"set security policies from-zone trust to-zone untrust policy allow-web match "   \
	"source-address any destination-address servers application [ junos-http my-web ]\n" \
	"set security policies from-zone trust to-zone untrust policy allow-web then permit\n" \
	"set security policies from-zone trust to-zone untrust policy allow-web then log " \
	"session-init session-close\n"                                                    \
	"set security policies from-zone trust to-zone untrust policy allow-web then count\n" \
	"set security policies from-zone trust to-zone untrust policy deny-rest match "   \
	"source-address any destination-address any application any\n"                  \
	"set security policies from-zone trust to-zone untrust policy deny-rest then reject\n" \
	"set security policies from-zone untrust to-zone junos-host policy no-ssh match " \
	"source-address any-ipv4 destination-address any application junos-ssh\n"        \
	"set security policies from-zone untrust to-zone junos-host policy no-ssh then deny\n" \
	"set security policies global policy ping-all match source-address any "         \
	"destination-address any application junos-icmp-ping\n"                          \
	"set security policies global policy ping-all match from-zone trust\n"           \
	"set security policies global policy ping-all then permit\n"                     \
	"set security policies default-policy deny-all\n"

/* Output captured in memory. */
struct cap {
	FILE *f;
	char *buf;
	size_t len;
};

static inline FILE *cap_open(struct cap *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	return c->f;
}

/* Closes the stream; the text stays until cap_free. */
static inline const char *cap_text(struct cap *c)
{
	if (c->f)
		fclose(c->f);
	c->f = NULL;
	return c->buf ? c->buf : "";
}

static inline void cap_free(struct cap *c)
{
	cap_text(c);
	free(c->buf);
	c->buf = NULL;
}

#endif
