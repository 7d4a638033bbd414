/* Conntrack labels exist in a network namespace only once something there
 * uses them (the kernel's labels_used count): until then ctnetlink drops
 * the labels of every entry written, without an error. An nftables rule
 * that sets a label is such a user; this one sits in a chain nothing
 * jumps to, so it never runs. Loaded through libnftables, as `nft -f`
 * would, and left in place: the peer's conntrackd needs the labels too. */
#include <errno.h>
#include <nftables/libnftables.h>
#include "ha_int.h"

#define SFW_HA_NFT_TABLE \
	"table inet sfw_cluster {\n" \
	"	comment \"keeps conntrack labels for the sfw cluster mirror (docs/ha.md)\"\n" \
	"	chain labels {\n" \
	"		ct label set 127\n" \
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
