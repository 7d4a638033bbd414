/* The record of the attached interfaces kept up to date (attach, detach,
 * reload) and shown (status), for `sfw restore` (cmd_restore.c) after a
 * reboot: pins do not outlive one, and a firewall that boots unattached
 * fails open (docs/security.md "After a reboot"). */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "attach_record.h"
#include "boot_record.h"
#include "conf.h"
#include "libbpf_lazy.h"
#include "loader.h"

static bool same_ns(const char *a, const struct stat *b)
{
	struct stat st;

	return !stat(a, &st) && st.st_dev == b->st_dev && st.st_ino == b->st_ino;
}

/* This process's network namespace as the record names it: the host's
 * own, or its name under /run/netns; -1 for one without a name (a
 * container's), which nothing can find again after a reboot. */
static int netns_name(char *buf, size_t len)
{
	char path[sizeof("/run/netns/") + 256];
	struct dirent *d;
	struct stat self;
	DIR *dir;
	int r = -1;

	if (stat("/proc/self/ns/net", &self))
		return -1;
	if (same_ns("/proc/1/ns/net", &self))
		return snprintf(buf, len, "%s", SFW_RECORD_HOST_NETNS) < 0 ? -1 : 0;
	dir = opendir("/run/netns");
	while (dir && r && (d = readdir(dir))) {
		if (d->d_name[0] == '.' || strlen(d->d_name) >= len)
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", d->d_name);
		if (same_ns(path, &self))
			r = snprintf(buf, len, "%s", d->d_name) < 0 ? -1 : 0;
	}
	if (dir)
		closedir(dir);
	return r;
}

static __u32 table_capacity(void)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SESSIONS), true);

	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.max_entries = 0;
	close(fd);
	return info.max_entries == SFW_DEFAULT_MAX_SESSIONS ? 0 : info.max_entries;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct sfw_record_iface *)a)->name,
		      ((const struct sfw_record_iface *)b)->name);
}

bool sfw_iface_present(const char *name)
{
	return if_nametoindex(name) != 0;
}

static bool named(const char *name, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* What is attached now, and what the record held besides (an interface
 * that comes late at boot, or whose attach failed there, stays recorded
 * until it is detached by name: only `detach` takes one out); detached,
 * the names this command detached. -errno when the attached interfaces
 * cannot be read: the record is then left as it is. */
static int record_now(struct sfw_attach_record *r, const struct sfw_attach_record *old,
		      const char *const *detached, int ndetached)
{
	struct sfw_iface_entry list[SFW_MAX_IFACES];
	struct sfw_config cfg;
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES);

	if (n < 0)
		return n;
	snprintf(r->pin_root, sizeof(r->pin_root), "%s", sfw_pin_root());
	r->max_sessions = table_capacity();
	r->forward = !sfw_config_read(&cfg) && (cfg.flags & SFW_CFG_F_FORWARD);
	for (int i = 0; i < n; i++) {
		snprintf(r->iface[r->n].name, SFW_IFNAMSIZ, "%s", list[i].info.name);
		r->iface[r->n++].mode = list[i].info.xdp_mode;
	}
	qsort(r->iface, (size_t)r->n, sizeof(r->iface[0]), by_name);
	if (!old || strcmp(old->pin_root, r->pin_root) || strcmp(old->netns, r->netns))
		return 0;
	for (int i = 0; i < old->n && r->n < SFW_MAX_IFACES; i++)
		if (sfw_record_find(r, old->iface[i].name) < 0 &&
		    !named(old->iface[i].name, detached, ndetached))
			r->iface[r->n++] = old->iface[i];
	return 0;
}

void sfw_record_update(FILE *err, const char *const *detached, int ndetached)
{
	struct sfw_attach_record *r = calloc(2, sizeof(*r)), *old;
	int e;

	if (!r)
		return;
	old = r + 1;
	/* a namespace without a name: no boot brings it back */
	if (netns_name(r->netns, sizeof(r->netns)))
		goto out;
	/* a damaged record is written anew: what it could read is kept
	 * (restore has said what it could not) */
	e = sfw_record_read(old);
	if (record_now(r, e && e != -EINVAL ? NULL : old, detached, ndetached)) {
		if (err)
			fprintf(err, "sfw: warning: the record of the attached interfaces is "
				"left as it was: %s\n", sfw_last_error());
	} else if (sfw_record_write(r) && err)
		fprintf(err, "sfw: warning: %s: after a reboot `sfw restore` cannot attach "
			"these interfaces again\n", sfw_last_error());
out:
	free(r);
}

void sfw_record_forget(FILE *err)
{
	struct sfw_attach_record none = { 0 };

	if (sfw_record_write(&none))
		fprintf(err, "sfw: warning: %s\n", sfw_last_error());
}

int sfw_record_check_place(const struct sfw_attach_record *r)
{
	char ns[64];

	if (strcmp(r->pin_root, sfw_pin_root()))
		return sfw_fail(EINVAL, "the record is of pin root %s, not %s: run with "
				"SFW_PIN_ROOT=%s", r->pin_root, sfw_pin_root(), r->pin_root);
	if (netns_name(ns, sizeof(ns)) || strcmp(ns, r->netns))
		return sfw_fail(EINVAL, "the record is of %s%s, not this network namespace",
				strcmp(r->netns, SFW_RECORD_HOST_NETNS) ? "network namespace " :
				"the host's network namespace", strcmp(r->netns,
				SFW_RECORD_HOST_NETNS) ? r->netns : "");
	return 0;
}

/* ---- sfw status ---------------------------------------------------------- */

void sfw_record_view_read(struct sfw_record_view *v, const struct sfw_iface_entry *ifs, int n)
{
	struct sfw_attach_record *r = calloc(1, sizeof(*r));
	int err;

	memset(v, 0, sizeof(*v));
	sfw_record_path(v->path, sizeof(v->path));
	if (!r) {
		snprintf(v->why, sizeof(v->why), "out of memory");
		return;
	}
	err = sfw_record_read(r);
	if (err == -ENOENT)
		snprintf(v->why, sizeof(v->why), "no record in %s", v->path);
	else if (err || sfw_record_check_place(r))
		snprintf(v->why, sizeof(v->why), "%s", sfw_last_error());
	else
		v->n = r->n;
	for (int i = 0; i < n && v->n_missing < SFW_MAX_IFACES; i++)
		if (!v->n || sfw_record_find(r, ifs[i].info.name) < 0)
			v->missing[v->n_missing++] = ifs[i].info.name;
	free(r);
}

void sfw_record_text(FILE *f, const struct sfw_record_view *v)
{
	if (!v->n) {
		fprintf(f, "After a reboot: nothing is attached again (%s)\n", v->why);
		return;
	}
	fprintf(f, "After a reboot: `sfw restore` attaches %d interface%s again (%s)", v->n,
		v->n == 1 ? "" : "s", v->path);
	for (int i = 0; i < v->n_missing; i++)
		fprintf(f, "%s%s", i ? ", " : "; not ", v->missing[i]);
	fprintf(f, "%s\n", v->n_missing ? ": attach it again to record it" : "");
}

void sfw_record_json(struct sfw_json *j, const struct sfw_record_view *v)
{
	sfw_json_open(j, "boot-record", '{');
	sfw_json_str(j, "file", v->path);
	sfw_json_num(j, "interfaces", (__u64)v->n);
	if (!v->n)
		sfw_json_str(j, "reason", v->why);
	sfw_json_open(j, "not-recorded", '[');
	for (int i = 0; i < v->n_missing; i++)
		sfw_json_str(j, NULL, v->missing[i]);
	sfw_json_close(j, ']');
	sfw_json_close(j, '}');
}
