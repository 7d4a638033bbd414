/* libnetfilter_conntrack's table (nfct_lib.h). */
#include "lazylib.h"
#include "nfct_lib.h"

struct sfw_nfct_fns nfct;
static struct sfw_lazylib nfct_lib =
	SFW_LAZYLIB("libnetfilter_conntrack.so.3", nfct, SFW_NFCT_FNS);

int ha_nfct_load(void)
{
	return sfw_lazylib_load(&nfct_lib);
}
