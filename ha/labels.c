/* Conntrack labels exist in a network namespace only once something there
 * uses them (the kernel's labels_used count): until then ctnetlink drops
 * the labels of every entry written, without an error. An nftables rule
 * that sets a label is such a user; this one sits in a chain nothing
 * jumps to, so it never runs. But any such rule also turns the kernel's
 * connection tracking on for the namespace's traffic, which would then
 * fill the table (and the sync link) with the stack's own entries: the
 * two raw chains exempt every packet, so the table holds the mirror's
 * entries and nothing else (docs/ha.md, "The node's kernel"). Loaded
 * through libnftables, as `nft -f` would, and left in place. */
#include <errno.h>
#include <nftables/libnftables.h>
#include "ha_int.h"
#include "err.h"
#include "lazylib.h"

#define SFW_HA_NFT_TABLE \
	"table inet sfw_cluster {\n" \
	"	comment \"conntrack labels for the sfw cluster mirror, no tracking (docs/ha.md)\"\n" \
	"	chain labels {\n" \
	"		ct label set 127\n" \
	"	}\n" \
	"	chain prerouting {\n" \
	"		type filter hook prerouting priority raw; policy accept;\n" \
	"		notrack\n" \
	"	}\n" \
	"	chain output {\n" \
	"		type filter hook output priority raw; policy accept;\n" \
	"		notrack\n" \
	"	}\n" \
	"}\n"

/* libnftables, loaded when a cluster node starts (util/lazylib.h). */
#define NFT_FNS(X) X(nft_, ctx_new) X(nft_, ctx_free) X(nft_, ctx_buffer_output) \
	X(nft_, ctx_buffer_error) X(nft_, run_cmd_from_buffer)
static struct { NFT_FNS(SFW_LAZY_FN) } nft;
static struct sfw_lazylib nft_lib = SFW_LAZYLIB("libnftables.so.1", nft, NFT_FNS);

int ha_labels_enable(void)
{
	struct nft_ctx *ctx;
	int err = sfw_lazylib_load(&nft_lib);

	if (err)
		return err;
	ctx = nft.ctx_new(NFT_CTX_DEFAULT);
	if (!ctx)
		return sfw_fail(ENOMEM, "cannot set up libnftables");
	nft.ctx_buffer_output(ctx);
	nft.ctx_buffer_error(ctx);
	/* `add` leaves an existing table (and its rule) as it is */
	err = nft.run_cmd_from_buffer(ctx, "list table inet sfw_cluster") ?
	      nft.run_cmd_from_buffer(ctx, SFW_HA_NFT_TABLE) : 0;
	nft.ctx_free(ctx);
	if (err)
		return sfw_fail(EOPNOTSUPP, "cannot keep conntrack labels in this network "
				"namespace (nftables: table inet sfw_cluster)");
	return 0;
}
