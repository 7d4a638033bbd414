/* The source NAT session the ICMP error reviews (rvred2, rvred3) start
 * from, in tests/bpf/nat_fixture.h's veths: trust's clients behind fb's
 * address. Include after nat_fixture.h. */
#ifndef SFW_TEST_NAT_ERRORS_H
#define SFW_TEST_NAT_ERRORS_H

#define SNAT "set security nat source rule-set RS from zone trust\n" \
	     "set security nat source rule-set RS to zone untrust\n" \
	     "set security nat source rule-set RS rule R1 match source-address 198.51.100.0/24\n" \
	     "set security nat source rule-set RS rule R1 then source-nat interface\n"

/* CLIENT_A:sport -> SERVER1:53 translated to FB_ADDR:pp and its first
 * reply forwarded back (*r: that reply); *err: a port unreachable from
 * the WAN about the translated packet, quoting *quoted. Returns pp. */
static inline __u16 snat_session_with_error(__u16 sport, struct pb_spec *r,
					    struct pb_spec *quoted, struct pb_spec *err)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, sport, 53);
	struct pb_pkt in, out;
	__u16 pp;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	pp = port_at(&out, 0);
	*r = udp(SERVER1, FB_ADDR, 53, pp);
	*quoted = udp(FB_ADDR, SERVER1, pp, 53);
	*err = (struct pb_spec){ .src = "203.0.113.9", .dst = FB_ADDR, .proto = SFW_IPPROTO_ICMP,
				 .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3,
				 .inner = quoted };
	cr_assert_eq(run_at(out_if, r, &in, &out), FX_XDP_REDIRECT, "the first reply");
	return pp;
}

#endif
