/* The run-time configuration: one entry in a pinned array map, read by the
 * datapath on every packet, so a write takes effect at once. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader_int.h"
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
 * (sfw_conf_apply_active). A cluster's node (ha_secondary) answers no
 * proxy-arp/ndp request until its role says it is primary: the pins that
 * said so are gone with the old maps. Nothing is attached to the new maps
 * yet, so no packet sees them before this. opts may be NULL. */
int sfw_config_init(const struct sfw_attach_opts *opts, bool *fresh)
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
	if (opts && opts->fail_closed) {
		cfg.default_policy = SFW_POLICY_DENY_ALL;
		cfg.flags |= SFW_CFG_F_FAIL_CLOSED;
	}
	if (opts && opts->ha_secondary)
		cfg.flags |= SFW_CFG_F_HA_SECONDARY;
	return sfw_config_write(&cfg);
}

/* The kernel's common LRU (docs/design.md, "Capacity, max-sessions and
 * the LRU"): a CPU whose local free list is empty takes a batch of
 * target_free nodes from the shared free list, and evicts live entries to
 * make up a batch when the shared list holds fewer. Other CPUs may hold up
 * to a batch each meanwhile (free, or allocated and still pending), so
 * eviction can start once the table holds capacity - cpus * target_free.
 * target_free is the kernel's: capacity / cpus / 2, within [1, 128]. Two
 * more per CPU: first packets on every CPU may pass the max-sessions check
 * at once, and an update allocates its new node before freeing the old. */
__u32 sfw_session_headroom(__u32 capacity, __u32 cpus)
{
	__u64 n = cpus ? cpus : 1, batch = capacity / n / 2, room;

	if (batch < 1)
		batch = 1;
	if (batch > SFW_LRU_LOCAL_FREE_TARGET)
		batch = SFW_LRU_LOCAL_FREE_TARGET;
	room = n * (batch + 2);
	if (room < capacity / SFW_SESSION_HEADROOM_DIV)
		room = capacity / SFW_SESSION_HEADROOM_DIV;
	if (room < SFW_SESSION_HEADROOM_MIN)
		room = SFW_SESSION_HEADROOM_MIN;
	return room > UINT32_MAX ? UINT32_MAX : (__u32)room;
}

/* What the table of this capacity holds without the LRU ever evicting a
 * live session; max-sessions defaults to it and may not exceed it. */
__u32 sfw_session_limit(__u32 capacity, __u32 cpus)
{
	__u32 room = sfw_session_headroom(capacity, cpus);

	return capacity > room ? capacity - room : 1;
}

/* As the kernel counts them (num_possible_cpus): every one has its LRU
 * lists, online or not. */
static __u32 possible_cpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n > 0 ? (__u32)n : 1;
}

__u32 sfw_session_capacity_for(__u32 max_sessions)
{
	__u32 cpus = possible_cpus(), cap = max_sessions, limit;

	/* the headroom grows with the capacity: a few rounds settle it */
	while ((limit = sfw_session_limit(cap, cpus)) < max_sessions && cap < UINT32_MAX - 1)
		cap = cap + (max_sessions - limit) < cap ? UINT32_MAX - 1 : cap + (max_sessions - limit);
	return cap;
}

int sfw_config_set_limit(__u32 capacity)
{
	struct sfw_config cfg;
	int err = sfw_config_read(&cfg);

	if (err)
		return err;
	cfg.session_limit = sfw_session_limit(capacity, possible_cpus());
	if (!cfg.max_sessions || cfg.max_sessions > cfg.session_limit)
		cfg.max_sessions = cfg.session_limit;
	return sfw_config_write(&cfg);
}
