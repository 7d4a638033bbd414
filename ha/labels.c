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

int ha_labels_enable(void)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	int err;

	if (!nft)
		return -ENOMEM;
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	/* `add` leaves an existing table (and its rule) as it is */
	err = nft_run_cmd_from_buffer(nft, "list table inet sfw_cluster") ?
	      nft_run_cmd_from_buffer(nft, SFW_HA_NFT_TABLE) : 0;
	nft_ctx_free(nft);
	return err ? -EOPNOTSUPP : 0;
}
