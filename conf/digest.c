/* Which configuration is in force: the digest of the text the maps were
 * compiled from (sfw_config.conf_digest), against the stored file's. A
 * commit applies before it renames (docs/security.md "A configuration that
 * cannot be applied fails closed"): one killed in between leaves the
 * datapath running a text the file does not hold, and only this tells. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "conf_int.h"
#include "err.h"
#include "lazylib.h"

/* libcrypto, loaded by the commands that compare or write a digest
 * (util/lazylib.h): the others never map it. */
#define EVP_FNS(X) X(EVP_, Digest) X(EVP_, sha256)
static struct { EVP_FNS(SFW_LAZY_FN) } evp;
static struct sfw_lazylib evp_lib = SFW_LAZYLIB("libcrypto.so.3", evp, EVP_FNS);

int sfw_conf_digest(const char *text, size_t len, __u8 out[SFW_CONF_DIGEST_LEN])
{
	unsigned int n = 0;
	int err = sfw_lazylib_load(&evp_lib);

	if (err)
		return err;
	if (!evp.Digest(text, len, out, &n, evp.sha256(), NULL) || n != SFW_CONF_DIGEST_LEN)
		return sfw_fail(EIO, "cannot compute a SHA-256 digest");
	return 0;
}

int sfw_conf_stored_digest(__u8 out[SFW_CONF_DIGEST_LEN], bool *stored)
{
	char path[4096], *text = NULL;
	size_t len = 0;
	int err = sfw_conf_active_path(path, sizeof(path));

	memset(out, 0, SFW_CONF_DIGEST_LEN);
	*stored = sfw_conf_stored();
	if (err || !*stored)
		return err;
	err = conf_read_file(path, &text, &len);
	if (!err)
		err = sfw_conf_digest(text, len, out);
	free(text);
	return err;
}

/* No stored file makes no claim: the datapath keeps what it runs (the last
 * commit, or the built-in configuration) until a file says otherwise. */
int sfw_conf_sync(const struct sfw_config *cfg)
{
	__u8 want[SFW_CONF_DIGEST_LEN];
	bool stored;
	int err = sfw_conf_stored_digest(want, &stored);

	if (err)
		return err;
	if (!stored)
		return SFW_CONF_IN_SYNC;
	return memcmp(want, cfg->conf_digest, sizeof(want)) ? SFW_CONF_DIFFERS : SFW_CONF_IN_SYNC;
}
