/* Libraries only some commands use (the cluster mirror's conntrack and
 * nftables, the metrics exporter's HTTP server, the shell's line editor,
 * the configuration digest), loaded by the first command that calls them
 * instead of by every start of sfw: the dynamic loader's work for them was
 * most of what `show security flow session summary` cost
 * (docs/performance.md, "CLI start").
 *
 * A library is a table of function pointers, one per function sfw calls,
 * named as the library names it less its prefix (nfct.open for
 * nfct_open), and its list of names, an X-macro of X(prefix, name):
 *
 *   #define NFT_FNS(X) X(nft_, ctx_new) X(nft_, ctx_free)
 *   static struct { NFT_FNS(SFW_LAZY_FN) } nft;
 *   static struct sfw_lazylib nft_lib = SFW_LAZYLIB("libnftables.so.1", nft, NFT_FNS);
 *
 * The entry point of the feature calls sfw_lazylib_load(&nft_lib) before
 * any nft.x(...): the table is filled once, every name or none. */
#ifndef SFW_LAZYLIB_H
#define SFW_LAZYLIB_H

#include <stdbool.h>
#include <stddef.h>

struct sfw_lazylib {
	const char *soname;         /* "libnftables.so.1": the ABI compiled against */
	const char *const *names;   /* the table's functions, in order; NULL ends */
	void *table;                /* a struct of function pointers, one per name */
	size_t size;                /* its size: one pointer per name, checked */
	bool loaded;
};

#define SFW_LAZY_FN(prefix, name) __typeof__(prefix##name) *name;
#define SFW_LAZY_NAME(prefix, name) #prefix #name,
#define SFW_LAZYLIB(soname, table, FNS) \
	{ (soname), (const char *const[]){ FNS(SFW_LAZY_NAME) NULL }, &(table), sizeof(table), false }

/* 0 once the table is filled; else a negative errno, the table left
 * empty, and the reason in sfw_last_error(), one line naming the library
 * (and the function it lacks). A failed load is tried again by the next
 * call: a daemon that serves metrics retries, as it does a busy port. */
int sfw_lazylib_load(struct sfw_lazylib *lib);

#endif
