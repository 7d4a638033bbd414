/* A pinned map of another layout than this sfw's (include/pin_layout.h:
 * made by another version and kept over an upgrade, or planted under the
 * name) is refused when it is opened, with one line saying what it has,
 * what sfw expects and what to do, before any reader copies its values
 * into buffers sized for ours; one of the right layout opens. And `detach
 * all`, the way out, still works with such a pin in place (loader/attach.c
 * goes by the pinned links then). Each test pins its maps under a private
 * pin root, removed with everything in it afterwards. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include "loader.h"
#include "maps.h"
#include "pin_layout.h"
#include "commands.h"
#include "grammar.h"
#include "metrics_int.h"
#include "role_record.h"

static char root[64];

static void layout_setup(void)
{
	snprintf(root, sizeof(root), "/sys/fs/bpf/sfw-unit-layout-%d", (int)getpid());
	cr_assert_eq(mkdir(root, 0700), 0, "mkdir %s: %s", root, strerror(errno));
	setenv("SFW_PIN_ROOT", root, 1);
}

/* Whatever a test left in the root (pins, links/), then the root: a
 * failing test's leftovers too, never anything outside it. */
static void remove_tree(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *d;

	if (fd >= 0 && !dp)
		close(fd);
	while (dp && (d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (d->d_type == DT_DIR)
			remove_tree(dirfd(dp), d->d_name);
		else
			unlinkat(dirfd(dp), d->d_name, 0);
	}
	if (dp)
		closedir(dp);
	unlinkat(parent, name, AT_REMOVEDIR);
}

static void layout_teardown(void)
{
	remove_tree(AT_FDCWD, root);
	unsetenv("SFW_PIN_ROOT");
}

TestSuite(pin_layout, .init = layout_setup, .fini = layout_teardown);

/* A map of this layout pinned as `name` under the root; its fd. */
static int pin_map(const char *name, enum bpf_map_type type, __u32 key, __u32 value)
{
	char path[256];
	int fd = bpf_map_create(type, name, key, value, 4, NULL);

	cr_assert_geq(fd, 0, "bpf_map_create %s: %s", name, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", root, name);
	cr_assert_eq(bpf_obj_pin(fd, path), 0, "pin %s: %s", path, strerror(errno));
	return fd;
}

/* An interface registered in a sfw_ifaces whose values are 8 bytes
 * longer than ours: each lookup into a struct sfw_iface_info would write
 * 8 bytes past it. Refused before the first read. */
Test(pin_layout, other_value_size_refused)
{
	struct sfw_iface_key key = { .ifindex = 7 };
	char value[sizeof(struct sfw_iface_info) + 8] = { 0 };
	struct sfw_iface_entry list[4];
	int fd = pin_map(SFW_STR(SFW_MAP_IFACES), BPF_MAP_TYPE_HASH, sizeof(key), sizeof(value));

	cr_assert_eq(bpf_map_update_elem(fd, &key, value, BPF_ANY), 0);
	close(fd);
	cr_assert_eq(sfw_open_pin(SFW_STR(SFW_MAP_IFACES), true), -SFW_ELAYOUT);
	const char *e = sfw_last_error();
	char want[128];

	snprintf(want, sizeof(want), "value %zu bytes) than this sfw expects (hash, key %zu, "
		 "value %zu)", sizeof(value), sizeof(key), sizeof(struct sfw_iface_info));
	cr_assert(strstr(e, root) && strstr(e, "/sfw_ifaces") && strstr(e, want) &&
		  strstr(e, "run `sfw detach all`, then attach again") && !strchr(e, '\n'),
		  "%s", e);
	/* optional or not, and through the readers */
	cr_assert_eq(sfw_open_map(SFW_STR(SFW_MAP_IFACES)), -SFW_ELAYOUT);
	cr_assert_eq(sfw_list_ifaces(list, 4), -SFW_ELAYOUT);
	cr_assert_eq(sfw_check_netns(), -SFW_ELAYOUT);
	cr_assert_eq(sfw_check_netns_links(), 0, "no link pinned: nothing of another namespace");
}

/* The type counts as much as the sizes: a plain hash of the right sizes
 * is no sfw_sessions (an LRU hash). */
Test(pin_layout, other_type_refused)
{
	char want[128];

	close(pin_map(SFW_STR(SFW_MAP_SESSIONS), BPF_MAP_TYPE_HASH,
		      sizeof(struct sfw_session_key), sizeof(struct sfw_session)));
	cr_assert_eq(sfw_open_pin(SFW_STR(SFW_MAP_SESSIONS), true), -SFW_ELAYOUT);
	snprintf(want, sizeof(want), "(hash, key %zu, value %zu bytes) than this sfw expects "
		 "(lru_hash, key %zu, value %zu)", sizeof(struct sfw_session_key),
		 sizeof(struct sfw_session), sizeof(struct sfw_session_key),
		 sizeof(struct sfw_session));
	cr_assert(strstr(sfw_last_error(), want), "%s", sfw_last_error());
}

/* A per-CPU map's value size is one CPU's, unrounded, as the kernel
 * reports it; a ring buffer's is nothing. */
Test(pin_layout, right_layout_opens)
{
	const struct sfw_pin_layout *w = sfw_pin_layout_of(SFW_STR(SFW_MAP_IFACES));
	int fd;

	cr_assert_not_null(w);
	cr_assert_eq(w->value_size, sizeof(struct sfw_iface_info));
	close(pin_map(w->name, w->type, w->key_size, w->value_size));
	fd = sfw_open_pin(w->name, false);
	cr_assert_geq(fd, 0, "%s", sfw_last_error());
	close(fd);

	w = sfw_pin_layout_of(SFW_STR(SFW_MAP_NAT_RULE_STATS));
	cr_assert_eq(w->type, BPF_MAP_TYPE_PERCPU_ARRAY);
	cr_assert_eq(w->value_size, sizeof(struct sfw_nat_rule_stats));
	close(pin_map(w->name, w->type, w->key_size, w->value_size));
	fd = sfw_open_map(w->name);
	cr_assert_geq(fd, 0, "%s", sfw_last_error());
	close(fd);

	w = sfw_pin_layout_of(SFW_STR(SFW_MAP_EVENTS));
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, w->name, 0, 0, 4096, NULL);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, w->name);
	cr_assert_eq(bpf_obj_pin(fd, path), 0);
	close(fd);
	fd = sfw_open_map(w->name);
	cr_assert_geq(fd, 0, "%s", sfw_last_error());
	close(fd);
}

/* A pin no row describes has no way to be read safely: refused when it
 * exists, missing as usual when not. */
Test(pin_layout, unknown_name)
{
	cr_assert_null(sfw_pin_layout_of("sfw_nothing"));
	cr_assert_eq(sfw_open_pin("sfw_nothing", true), -ENOENT);
	close(pin_map("sfw_nothing", BPF_MAP_TYPE_ARRAY, 4, 4));
	cr_assert_eq(sfw_open_pin("sfw_nothing", true), -SFW_ELAYOUT);
	cr_assert(strstr(sfw_last_error(), "no layout known"), "%s", sfw_last_error());
}

/* `detach all` with that sfw_ifaces in place (no interface attached
 * here: tests/e2e/test_lifecycle.sh detaches real ones): it succeeds and
 * removes sfw's pins, the bad one with them. */
Test(pin_layout, detach_all_despite_other_layout)
{
	char path[256];

	close(pin_map(SFW_STR(SFW_MAP_IFACES), BPF_MAP_TYPE_HASH, sizeof(struct sfw_iface_key),
		      sizeof(struct sfw_iface_info) + 8));
	close(pin_map(SFW_STR(SFW_MAP_CONFIG), BPF_MAP_TYPE_ARRAY, sizeof(__u32),
		      sizeof(struct sfw_config)));
	cr_assert_eq(sfw_detach_all(), 0, "%s", sfw_last_error());
	snprintf(path, sizeof(path), "%s/%s", root, SFW_STR(SFW_MAP_IFACES));
	cr_assert_neq(access(path, F_OK), 0, "detach all left %s", path);
	snprintf(path, sizeof(path), "%s/%s", root, SFW_STR(SFW_MAP_CONFIG));
	cr_assert_neq(access(path, F_OK), 0, "detach all left %s", path);
}

/* Review rv24, finding 5: a map of another layout under one of sfw's names
 * whose kernel name is not the one sfw gives it is no sfw version's:
 * sfw_remove_pins keeps it, so `detach all` (what the message used to say
 * for every layout error) leaves it there and the operator loops. The
 * message says to remove it by hand instead; one with sfw's kernel name
 * still says to detach all, which removes it. */
Test(pin_layout, foreign_map_of_another_layout_says_remove_it_by_hand)
{
	char path[256], want[384];
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "theirs", sizeof(struct sfw_iface_key),
				sizeof(struct sfw_iface_info) + 8, 4, NULL);

	cr_assert_geq(fd, 0, "%s", strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", root, SFW_STR(SFW_MAP_IFACES));
	cr_assert_eq(bpf_obj_pin(fd, path), 0, "%s", strerror(errno));
	close(fd);
	cr_assert_eq(sfw_open_pin(SFW_STR(SFW_MAP_IFACES), true), -SFW_ELAYOUT);
	snprintf(want, sizeof(want), "it is not sfw's map (the kernel names it 'theirs'): "
		 "remove %s by hand", path);
	cr_assert(strstr(sfw_last_error(), want) && strstr(sfw_last_error(), "another layout") &&
		  !strstr(sfw_last_error(), "run `sfw detach all`") &&
		  !strchr(sfw_last_error(), '\n'), "%s", sfw_last_error());
	/* what the message says: detach all would leave it */
	sfw_remove_pins();
	cr_assert_eq(access(path, F_OK), 0, "sfw_remove_pins removed a map not sfw's");
	unlink(path);
	/* sfw's own name, cut as the kernel cuts it: detach all, which removes it */
	close(pin_map(SFW_STR(SFW_MAP_NAT_DRULE_STATS), BPF_MAP_TYPE_ARRAY, sizeof(__u32), 8));
	cr_assert_eq(sfw_open_pin(SFW_STR(SFW_MAP_NAT_DRULE_STATS), true), -SFW_ELAYOUT);
	cr_assert(strstr(sfw_last_error(), "run `sfw detach all`, then attach again"), "%s",
		  sfw_last_error());
	sfw_remove_pins();
	snprintf(path, sizeof(path), "%s/%s", root, SFW_STR(SFW_MAP_NAT_DRULE_STATS));
	cr_assert_neq(access(path, F_OK), 0, "sfw_remove_pins left sfw's own map");
}

/* Review rv24, finding 2: `request chassis cluster-role` (keepalived's
 * notify hook) takes any failure of sfw_require_loaded for "sfw is not
 * attached": with a sfw_sessions of another layout pinned (an upgrade
 * that changed it, before `detach all`; the old programs still attached
 * and answering proxy-arp/ndp) it records the role, prints "sfw is not
 * attached" and exits 0, so a node told to be secondary keeps answering
 * and keepalived is told all went well. Only -ENOENT means not attached;
 * anything else should be reported (cli/ha/cmd_cluster.c, the
 * `if (sfw_require_loaded())` branch). Fails on this tree: disabled. */
static char conf_dir[] = "/tmp/sfw-unit-hconf-XXXXXX";
static char run_dir[] = "/tmp/sfw-unit-hrun-XXXXXX";

static void rm_flat(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dp = opendir(dir);

	while (dp && (d = readdir(dp)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			unlink(path);
		}
	if (dp)
		closedir(dp);
	rmdir(dir);
}

Test(pin_layout, cluster_role_hook_reports_a_datapath_of_another_layout, .disabled = true)
{
	static const char conf[] =
		"set chassis cluster cluster-id 9\n"
		"set chassis cluster node 0\n"
		"set chassis cluster redundancy-group 1 node 0 priority 200\n"
		"set chassis cluster redundancy-group 1 node 1 priority 100\n"
		"set chassis cluster redundancy-group 1 virtual-address 198.51.100.1/24 "
		"interface sfwtest0\n"
		"set chassis cluster fabric interface sfwtest1\n"
		"set chassis cluster fabric local-address 192.0.2.1\n"
		"set chassis cluster fabric peer-address 192.0.2.2\n";
	struct sfw_cmdline cl = { 0 };
	char path[256], *out = NULL, *err = NULL;
	size_t olen = 0, elen = 0;
	FILE *f;
	int rc;

	cr_assert_not_null(mkdtemp(conf_dir));
	cr_assert_not_null(mkdtemp(run_dir));
	setenv("SFW_CONF_DIR", conf_dir, 1);
	setenv("SFW_RUN_DIR", run_dir, 1);
	snprintf(path, sizeof(path), "%s/cluster.conf", conf_dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(conf, f);
	fclose(f);
	/* the old version's session table, still in use by its programs */
	close(pin_map(SFW_STR(SFW_MAP_SESSIONS), BPF_MAP_TYPE_LRU_HASH,
		      sizeof(struct sfw_session_key), sizeof(struct sfw_session) - 8));
	cl.pos[0] = "secondary";
	cl.npos = 1;
	cl.out = open_memstream(&out, &olen);
	cl.err = open_memstream(&err, &elen);
	rc = sfw_cmd_request_cluster_role(&cl);
	fclose(cl.out);
	fclose(cl.err);
	rm_flat(conf_dir);
	rm_flat(run_dir);
	unsetenv("SFW_CONF_DIR");
	unsetenv("SFW_RUN_DIR");
	cr_expect_neq(rc, SFW_EXIT_OK, "exit 0; said: %s", out);
	cr_expect(strstr(err, "another layout"), "stderr: '%s', stdout: '%s'", err, out);
	free(out);
	free(err);
}

/* Review rv24, finding 4: the exporter's status map (cli/metrics/metrics.c
 * status_map) is still opened with a raw bpf_obj_get and checked by its
 * value size alone, not by the layout table's rule (type, key, value): a
 * per-CPU array of the same value size under its name has
 * sfw_metrics_status_read copy one value per CPU into the one struct the
 * caller gave (`sfw status`, cli/metrics/metrics_status.c, on its stack).
 * status_map now opens it by sfw_open_pin_as with its own layout (type,
 * key and value), as ha/state.c does. */
Test(pin_layout, metrics_status_map_of_another_type_refused)
{
	struct {
		struct sfw_metrics_info info;
		unsigned char canary[4096];
	} buf;
	unsigned char want[sizeof(buf.canary)];
	int rc;

	cr_assert_gt(libbpf_num_possible_cpus(), 1, "needs two possible CPUs to show it");
	close(pin_map(SFW_STR(SFW_MAP_METRICS), BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
		      sizeof(struct sfw_metrics_info)));
	memset(buf.canary, 0xa5, sizeof(buf.canary));
	memset(want, 0xa5, sizeof(want));
	rc = sfw_metrics_status_read(&buf.info);
	cr_expect(memcmp(buf.canary, want, sizeof(want)) == 0,
		  "the per-CPU values were written past the struct (rc %d)", rc);
	cr_expect_neq(rc, 0, "a status map of another type was read");
}

/* Review rv24, finding 1: keepalived's hook and an attach are not ordered
 * by the lock. `sfw attach` reads the role record before sfw_lock()
 * (cli/system/cmd_attach.c: opts.ha_secondary = sfw_role_attach_silent()),
 * and `request chassis cluster-role` writes the record and decides "sfw
 * is not attached" without the lock (cli/ha/cmd_cluster.c). So a hook
 * that runs while an attach is between its read and the pinning of the
 * maps (waiting for the lock, or loading) is lost: the hook says "recorded"
 * and exits 0, the attach makes the config map from the record it read
 * before. Record primary, then `detach all` and attach (an upgrade) while
 * keepalived hands the role to the peer: the node answers proxy ARP/NDP
 * beside the new primary; the other way round a primary stays silent, and
 * keepalived runs no hook again. Here a process holds the lock, as an
 * attach does while it makes the maps: the hook must wait for it (and the
 * attach must read the record only once it holds the lock), not return at
 * once. Fails on this tree (returns in about 0 s): disabled. */
Test(pin_layout, cluster_role_hook_waits_for_an_attach_holding_the_lock, .disabled = true)
{
	static const char conf[] =
		"set chassis cluster cluster-id 9\n"
		"set chassis cluster node 0\n"
		"set chassis cluster redundancy-group 1 node 0 priority 200\n"
		"set chassis cluster redundancy-group 1 node 1 priority 100\n"
		"set chassis cluster redundancy-group 1 virtual-address 198.51.100.1/24 "
		"interface sfwtest0\n"
		"set chassis cluster fabric interface sfwtest1\n"
		"set chassis cluster fabric local-address 192.0.2.1\n"
		"set chassis cluster fabric peer-address 192.0.2.2\n";
	struct sfw_cmdline cl = { 0 };
	struct timespec t0, t1;
	char path[256], c;
	int ready[2], rc;
	double took;
	pid_t pid;
	FILE *f;

	cr_assert_not_null(mkdtemp(conf_dir));
	cr_assert_not_null(mkdtemp(run_dir));
	setenv("SFW_CONF_DIR", conf_dir, 1);
	setenv("SFW_RUN_DIR", run_dir, 1);
	snprintf(path, sizeof(path), "%s/cluster.conf", conf_dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(conf, f);
	fclose(f);
	cr_assert_eq(pipe(ready), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {   /* the attach: holds the lock for a second */
		int fd = open(root, O_RDONLY | O_DIRECTORY);

		if (fd < 0 || flock(fd, LOCK_EX))
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		sleep(1);
		_exit(0);
	}
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1, "the lock holder did not start");
	cl.pos[0] = "secondary";
	cl.npos = 1;
	cl.out = fopen("/dev/null", "w");
	cl.err = fopen("/dev/null", "w");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = sfw_cmd_request_cluster_role(&cl);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fclose(cl.out);
	fclose(cl.err);
	waitpid(pid, NULL, 0);
	rm_flat(conf_dir);
	rm_flat(run_dir);
	unsetenv("SFW_CONF_DIR");
	unsetenv("SFW_RUN_DIR");
	took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_expect_geq(took, 0.5, "the hook returned (exit %d) after %.3f s while an attach held "
		      "the lock", rc, took);
}
