/* The run-time configuration: one entry in a pinned array map, read by the
 * datapath on every packet, so a write takes effect at once. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "loader.h"
#include "maps.h"
#include "ratelimit.h"

void sfw_config_defaults(struct sfw_config *cfg)
{
	static const __u32 timeouts[SFW_TO_COUNT] = {
#define SFW_X(name, secs, word) [SFW_TO_##name] = secs,
		SFW_TIMEOUT_LIST(SFW_X)
#undef SFW_X
	};

	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->timeout_s, timeouts, sizeof(timeouts));
	cfg->default_policy = SFW_POLICY_PERMIT_ALL;
	cfg->deny_log_rate = SFW_DENY_LOG_RATE_DEFAULT;
	cfg->reply_rate = SFW_REPLY_RATE_DEFAULT;
}

static int config_rw(struct sfw_config *cfg, bool write)
{
	__u32 zero = 0;
	int fd = sfw_open_map(SFW_STR(SFW_MAP_CONFIG));
	int err = 0;

	if (fd < 0)
		return fd;
	if (write ? bpf_map_update_elem(fd, &zero, cfg, BPF_ANY)
		  : bpf_map_lookup_elem(fd, &zero, cfg))
		err = sfw_fail(errno, "cannot %s the configuration map: %s",
			       write ? "write" : "read", strerror(errno));
	close(fd);
	return err;
}

int sfw_config_read(struct sfw_config *cfg)
{
	return config_rw(cfg, false);
}

int sfw_config_write(const struct sfw_config *cfg)
{
	for (int i = 0; i < SFW_TO_COUNT; i++)
		if (cfg->timeout_s[i] == 0)
			return sfw_fail(EINVAL, "a timeout of 0 seconds would expire every session at once");
	return config_rw((struct sfw_config *)cfg, true);
}

/* A config map fresh from load is all zeroes: give it the defaults. When a
 * configuration is stored (the caller says: fail_closed), the defaults
 * would be more permissive than it (permit-all): the datapath fails closed
 * instead until the command that loaded it applies the configuration
 * (sfw_conf_apply_active). Nothing is attached to the new maps yet, so no
 * packet sees them before this. */
int sfw_config_init(bool fail_closed, bool *fresh)
{
	struct sfw_config cfg;
	int err = sfw_config_read(&cfg);

	if (fresh)
		*fresh = false;
	if (err)
		return err;
	if (cfg.timeout_s[SFW_TO_TCP_ESTABLISHED])
		return 0;
	if (fresh)
		*fresh = true;
	sfw_config_defaults(&cfg);
	if (fail_closed) {
		cfg.default_policy = SFW_POLICY_DENY_ALL;
		cfg.flags |= SFW_CFG_F_FAIL_CLOSED;
	}
	return sfw_config_write(&cfg);
}

/* What the table of this capacity holds without the LRU ever evicting a
 * live session; max-sessions defaults to it and may not exceed it. */
__u32 sfw_session_limit(__u32 capacity)
{
	return capacity > SFW_SESSION_HEADROOM(capacity) ? capacity - SFW_SESSION_HEADROOM(capacity) : 1;
}

int sfw_config_set_limit(__u32 capacity)
{
	struct sfw_config cfg;
	int err = sfw_config_read(&cfg);

	if (err)
		return err;
	cfg.session_limit = sfw_session_limit(capacity);
	if (!cfg.max_sessions || cfg.max_sessions > cfg.session_limit)
		cfg.max_sessions = cfg.session_limit;
	return sfw_config_write(&cfg);
}
