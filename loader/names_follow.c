/* Following interface names in the generation in force: the zones'
 * (zone_ifnames.c) and the proxy-arp/ndp entries (nat_proxy_write.c), one
 * pass for each link change the session daemon hears and at attach
 * (apply.c sfw_zones_follow). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"
#include "policy_write.h"

/* r, and the message it left when it is not 0, into said. */
static int kept(int r, char said[SFW_FOLLOW_SAID])
{
	snprintf(said, SFW_FOLLOW_SAID, "%s", r ? sfw_last_error() : "");
	return r;
}

int sfw_follow_failed(struct sfw_followed *out, int err)
{
	memset(out, 0, sizeof(*out));
	out->before = err != 0;
	return out->zones = kept(err, out->zones_said);
}

int sfw_names_follow(const struct sfw_policy_fds *fds, struct sfw_followed *out)
{
	struct sfw_config cfg;
	__u32 zero = 0, gen;

	/* an older sfw's datapath: nothing to follow by */
	if (fds->zone_ifnames < 0)
		return sfw_follow_failed(out, 0);
	if (bpf_map_lookup_elem(fds->config, &zero, &cfg))
		return sfw_follow_failed(out, sfw_fail(errno, "cannot read the configuration "
							 "map: %s", strerror(errno)));
	memset(out, 0, sizeof(*out));
	gen = cfg.gen & 1;
	out->zones = kept(sfw_zones_resolve(fds, gen, true, cfg.conf_digest), out->zones_said);
	/* proxy-arp/ndp by the same names, whatever the zones gave (a
	 * count left in no zone is said all the same); -ESTALE as theirs */
	if (out->zones >= 0 && fds->nat_proxy_names >= 0)
		out->proxies = kept(sfw_nat_proxies_resolve(fds, gen, cfg.conf_digest),
				    out->proxies_said);
	return out->zones < 0 ? out->zones : out->proxies < 0 ? out->proxies : out->zones;
}
