/* libnetfilter_conntrack for the cluster mirror (ha/), loaded when a node
 * takes a role or purges its entries (util/lazylib.h): `nfct.open(...)`
 * calls nfct_open. Its entry points (ha_mirror_open, ha_replica_open,
 * ha_ct_purge) load it; the codec is reached only through them. */
#ifndef SFW_HA_NFCT_LIB_H
#define SFW_HA_NFCT_LIB_H

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include "lazylib.h"

#define SFW_NFCT_FNS(X) \
	X(nfct_, open) X(nfct_, close) X(nfct_, fd) X(nfct_, query) X(nfct_, catch) \
	X(nfct_, callback_register) X(nfct_, callback_unregister) \
	X(nfct_, new) X(nfct_, clone) X(nfct_, destroy) X(nfct_, setobjopt) \
	X(nfct_, attr_is_set) X(nfct_, get_attr) X(nfct_, get_attr_u8) \
	X(nfct_, get_attr_u16) X(nfct_, get_attr_u32) X(nfct_, set_attr) \
	X(nfct_, set_attr_u8) X(nfct_, set_attr_u16) X(nfct_, set_attr_u32) \
	X(nfct_, bitmask_new) X(nfct_, bitmask_maxbit) X(nfct_, bitmask_set_bit) \
	X(nfct_, bitmask_test_bit) \
	X(nfct_, filter_create) X(nfct_, filter_destroy) X(nfct_, filter_add_attr) \
	X(nfct_, filter_attach) \
	X(nfct_, filter_dump_create) X(nfct_, filter_dump_destroy) X(nfct_, filter_dump_set_attr)

struct sfw_nfct_fns {
	SFW_NFCT_FNS(SFW_LAZY_FN)
};
extern struct sfw_nfct_fns nfct;

/* 0, or a negative errno with the reason recorded (util/err.h). */
int ha_nfct_load(void);

#endif
