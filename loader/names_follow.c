/* Following interface names in the generation in force: the zones'
 * (zone_ifnames.c) and the proxy-arp/ndp entries (nat_proxy_write.c), one
 * pass for each link change the session daemon hears and at attach
 * (apply.c sfw_zones_follow). */
#include <errno.h>
#include <string.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"
#include "policy_write.h"

int sfw_names_follow(const struct sfw_policy_fds *fds)
{
	struct sfw_config cfg;
	__u32 zero = 0, gen;
	int err, perr;

	if (fds->zone_ifnames < 0)
		return 0;   /* an older sfw's datapath: nothing to follow by */
	if (bpf_map_lookup_elem(fds->config, &zero, &cfg))
		return sfw_fail(errno, "cannot read the configuration map: %s", strerror(errno));
	gen = cfg.gen & 1;
	err = sfw_zones_resolve(fds, gen, true, cfg.conf_digest);
	/* proxy-arp/ndp by the same names; -ESTALE as for the zones */
	if (err < 0 || fds->nat_proxy_names < 0)
		return err;
	perr = sfw_nat_proxies_resolve(fds, gen, cfg.conf_digest);
	return perr < 0 ? perr : err;
}
