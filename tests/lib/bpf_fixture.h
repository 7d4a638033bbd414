/* The BPF test fixture: both programs loaded with their maps shared through
 * a private pin directory (never the real SFW_PIN_ROOT), run on packets
 * with BPF_PROG_TEST_RUN, and the maps read back. One fixture per process:
 * Criterion runs every test in its own process, so tests never see each
 * other's sessions or counters. No Criterion here: benchmarks link it too. */
#ifndef SFW_TESTS_BPF_FIXTURE_H
#define SFW_TESTS_BPF_FIXTURE_H

#include <stdbool.h>
#include <linux/types.h>
#include "session.h"
#include "config.h"
#include "counters.h"
#include "pktbuild.h"

struct bpf_object;

/* lo: a test run needs a real device for the ingress interface, and the
 * fixture's private network namespace has only this one. */
#define FX_IFINDEX 1
/* Small, so that loading an LRU map per test stays cheap. */
#define FX_MAX_SESSIONS 4096

/* Verdicts, spelt once for tests (the UAPI names need more headers). */
#define FX_XDP_DROP 1
#define FX_XDP_PASS 2
#define FX_TC_OK 0
#define FX_TC_SHOT 2

/* How a tc test packet reached the egress hook. */
struct fx_tc_opts {
	__u32 ingress_ifindex;    /* 0: sent by the host itself */
	__u32 gso_segs;           /* 0: not GSO */
	__u32 gso_size;
};

/* Loads both programs into a private network namespace (so the FIB
 * lookup sees forwarding off and every session is local), fills the
 * config map with the loader's defaults and creates FX_IFINDEX's
 * counters. Returns 0 or a negative errno. */
int fx_setup(void);
void fx_teardown(void);

/* Run one frame; return the program's verdict or a negative errno. */
int fx_xdp(const struct pb_spec *s);
/* Test runs refuse frames shorter than an Ethernet header (-EINVAL), even
 * behind XDP metadata on current kernels; no NIC delivers such runts. */
#define FX_MIN_FRAME 14
int fx_xdp_frame(const void *data, __u32 len);
int fx_tc(const struct pb_spec *s, const struct fx_tc_opts *o);
int fx_tc_frame(const void *data, __u32 len, const struct fx_tc_opts *o);
/* The same, repeated, for benchmarks: *ns_per_run gets the kernel's mean. */
int fx_xdp_repeat(int prog_fd, const struct pb_pkt *p, __u32 repeat, __u32 *ns_per_run);

/* The normalised session key of the flow a spec describes, as the
 * datapath should build it; returns whether the spec's source is lo. */
bool fx_key(const struct pb_spec *s, struct sfw_session_key *k);
/* The session of a spec's flow: 0, or -ENOENT. */
int fx_session(const struct pb_spec *s, struct sfw_session *out);
int fx_session_count(void);
/* Pretend secs seconds passed since the session was last seen (and
 * created). -ERANGE when the clock has not run that long since boot.
 * Negative secs put the timestamps ahead of the clock, as another CPU's
 * later reading would. */
int fx_age(const struct pb_spec *s, __s64 secs);

/* One counter of FX_IFINDEX, summed over CPUs. */
__u64 fx_counter(enum sfw_counter id);

int fx_config(struct sfw_config *cfg);
int fx_set_config(const struct sfw_config *cfg);
int fx_set_timeout(enum sfw_timeout_class cls, __u32 secs);
int fx_set_policy(enum sfw_default_policy policy);
int fx_set_flags(__u32 flags);

/* Another ingress interface (a veth the test made in the fixture's
 * namespace): run a frame arriving there and read the frame back as the
 * program left it (*out_len: its length; out holds PB_MAX bytes). */
int fx_xdp_frame_at(__u32 ifindex, const void *data, __u32 len, void *out, __u32 *out_len);
/* The fixture follows the namespace's rtnetlink changes for XDP
 * forwarding's route cache before every XDP run, as `sfw daemon` does;
 * stopped: it does not, as with no daemon running. */
void fx_fib_watch_stop(bool stopped);
/* Counters for another interface, as the loader creates them on attach,
 * and one of them summed over CPUs. */
int fx_add_counters(__u32 ifindex);
__u64 fx_counter_at(__u32 ifindex, enum sfw_counter id);
/* All of an interface's counters, summed over CPUs: 0 or a negative errno. */
int fx_counters(__u32 ifindex, struct sfw_iface_stats *out);

/* The map of the host's own addresses (include/local_addr.h) made to
 * hold the fixture namespace's, as the loader and the session daemon keep
 * it: 0 or a negative errno. A test that adds an address after the load
 * calls it, as the daemon would on the notification. */
int fx_local_addrs_sync(void);
/* The ports source NAT leaves to the host synced, as the session daemon
 * does every second (loader/host_ports.c). */
int fx_host_ports_sync(void);

/* Mark an interface as attached (the loader's sfw_ifaces entry). */
int fx_mark_attached(__u32 ifindex);

/* The loaded objects and programs, for BTF checks and benchmarks. */
struct bpf_object *fx_xdp_obj(void);
struct bpf_object *fx_tc_obj(void);
int fx_xdp_prog_fd(void);
int fx_tc_prog_fd(void);
/* Map fds by name ("sfw_sessions"...) in either object, for sharing checks. */
int fx_map_fd(bool tc, const char *name);
/* The same fd, of the XDP object's map, duplicated: the opener the reaper
 * takes (sfw_reaper_open_fds), which closes what it is given. */
int fx_map_fd_dup(const char *name, void *arg);

#endif
