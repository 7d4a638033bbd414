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
#include "flow.h"
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

int sfw_record_place(struct sfw_attach_record *r)
{
	if (sfw_record_root(sfw_pin_root(), r->pin_root, sizeof(r->pin_root)))
		return -1;
	return netns_name(r->netns, sizeof(r->netns));
}

/* A damaged pin-root or netns line (empty) read as here's: the file is
 * the pin root's own (sfw_record_path). */
static void fill_place(struct sfw_attach_record *r, const struct sfw_attach_record *here)
{
	if (!r->pin_root[0])
		memcpy(r->pin_root, here->pin_root, sizeof(r->pin_root));
	if (!r->netns[0])
		memcpy(r->netns, here->netns, sizeof(r->netns));
}

/* "the host's network namespace", "network namespace fw" */
static void netns_words(char *buf, size_t len, const char *netns)
{
	if (!netns[0])
		snprintf(buf, len, "a network namespace without a name");
	else if (!strcmp(netns, SFW_RECORD_HOST_NETNS))
		snprintf(buf, len, "the host's network namespace");
	else
		snprintf(buf, len, "network namespace %s", netns);
}

int sfw_record_own(struct sfw_attach_record *r, const struct sfw_attach_record *here)
{
	char theirs[128], ours[128];

	fill_place(r, here);
	if (strcmp(r->pin_root, here->pin_root))
		return sfw_fail(EINVAL, "the record is of pin root %s, not %s: run with "
				"SFW_PIN_ROOT=%s", r->pin_root, here->pin_root, r->pin_root);
	if (strcmp(r->netns, here->netns)) {
		netns_words(theirs, sizeof(theirs), r->netns);
		netns_words(ours, sizeof(ours), here->netns);
		return sfw_fail(EINVAL, "the record is of %s, not of this one (%s)", theirs, ours);
	}
	return 0;
}

static __u32 table_capacity(void)
{
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SESSIONS), true);
	__u32 cap = fd < 0 ? 0 : sfw_map_capacity(fd);

	if (fd >= 0)
		close(fd);
	return cap == SFW_DEFAULT_MAX_SESSIONS ? 0 : cap;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct sfw_record_iface *)a)->name,
		      ((const struct sfw_record_iface *)b)->name);
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
 * cannot be read, 1 when they are another namespace's: the record is
 * then left as it is. */
static int record_now(struct sfw_attach_record *r, const struct sfw_attach_record *old,
		      const char *const *detached, int ndetached)
{
	struct sfw_iface_entry list[SFW_MAX_IFACES];
	bool live[SFW_MAX_IFACES];
	struct sfw_config cfg;
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES);

	if (n < 0)
		return n;
	/* by the names the devices have now (renamed since they were
	 * attached: review2 SWAP) */
	sfw_ifaces_resolve(list, n, live);
	/* pins of another namespace (an attach refused here): its record,
	 * not ours */
	if (sfw_check_netns_of(list, n))
		return 1;
	r->max_sessions = table_capacity();
	r->forward = !sfw_config_read(&cfg) && (cfg.flags & SFW_CFG_F_FORWARD);
	/* (a name registered twice, a device renamed away: recorded once) */
	for (int i = 0; i < n; i++) {
		if (sfw_record_find(r, list[i].info.name) >= 0)
			continue;
		snprintf(r->iface[r->n].name, SFW_IFNAMSIZ, "%s", list[i].info.name);
		r->iface[r->n++].mode = list[i].info.xdp_mode;
	}
	qsort(r->iface, (size_t)r->n, sizeof(r->iface[0]), by_name);
	/* another namespace's: the pins were made anew there */
	if (!old || strcmp(old->netns, r->netns))
		return 0;
	/* a default table where one of the recorded size was refused (a
	 * restore's fallback): the next boot tries that size again */
	if (!r->max_sessions)
		r->max_sessions = old->max_sessions;
	for (int i = 0; i < old->n && r->n < SFW_MAX_IFACES; i++)
		if (sfw_record_find(r, old->iface[i].name) < 0 &&
		    !named(old->iface[i].name, detached, ndetached))
			r->iface[r->n++] = old->iface[i];
	return 0;
}

/* The record file of this pin root, holding another's (two roots whose
 * names map to one file): left alone. */
static bool anothers(const struct sfw_attach_record *old, const struct sfw_attach_record *r,
		     FILE *err)
{
	char path[4096];

	if (!old->pin_root[0] || !strcmp(old->pin_root, r->pin_root))
		return false;
	sfw_record_path(r->pin_root, path, sizeof(path));
	if (err)
		fprintf(err, "sfw: warning: %s holds the record of pin root %s: not written, "
			"after a reboot `sfw restore` cannot attach these interfaces again\n",
			path, old->pin_root);
	return true;
}

void sfw_record_update(FILE *err, const char *const *detached, int ndetached)
{
	struct sfw_attach_record *r = calloc(2, sizeof(*r)), *old;
	int e, now;

	if (!r)
		return;
	old = r + 1;
	/* a namespace without a name: no boot brings it back */
	if (sfw_record_place(r))
		goto out;
	/* a damaged record is written anew: what it could read is kept
	 * (restore has said what it could not), a damaged place as this one */
	e = sfw_record_read(r->pin_root, old);
	if ((!e || e == -EINVAL) && anothers(old, r, err))
		goto out;
	if (e == -EINVAL)
		fill_place(old, r);
	now = record_now(r, e && e != -EINVAL ? NULL : old, detached, ndetached);
	if (now < 0) {
		if (err)
			fprintf(err, "sfw: warning: the record of the attached interfaces is "
				"left as it was: %s\n", sfw_last_error());
	} else if (!now && sfw_record_write(r) && err) {
		fprintf(err, "sfw: warning: %s: after a reboot `sfw restore` cannot attach "
			"these interfaces again\n", sfw_last_error());
	}
out:
	free(r);
}

/* The record of here's pin root into r, when it is here's namespace's
 * too (a damaged place taken as here's, as restore does): 0; -ENOENT, or
 * 1 for another place's (another namespace's, or another pin root's of
 * the same file name), which detach and detach all leave alone. */
static int read_own(const struct sfw_attach_record *here, struct sfw_attach_record *r)
{
	int e = sfw_record_read(here->pin_root, r);

	if (e && e != -EINVAL)
		return e;
	return sfw_record_own(r, here) ? 1 : 0;
}

void sfw_record_forget(FILE *err)
{
	struct sfw_attach_record *r = calloc(2, sizeof(*r));

	if (!r)
		return;
	sfw_record_place(r);
	if (read_own(r, r + 1) <= 0)
		if (sfw_record_write(r))
			fprintf(err, "sfw: warning: %s\n", sfw_last_error());
	free(r);
}

int sfw_record_drop(const char *name)
{
	struct sfw_attach_record *r = calloc(2, sizeof(*r));
	char *said = strdup(sfw_last_error());
	int i, found = 0;

	/* (the read clears what it reads into: the place apart) */
	if (r && said && !sfw_record_place(r + 1) && !read_own(r + 1, r) &&
	    (i = sfw_record_find(r, name)) >= 0) {
		memmove(&r->iface[i], &r->iface[i + 1], (size_t)(--r->n - i) * sizeof(r->iface[0]));
		found = !sfw_record_write(r);
	}
	/* not dropped: the caller's error stands, not the record's */
	if (!found && said)
		sfw_fail(ENOENT, "%s", said);
	free(said);
	free(r);
	return found;
}

bool sfw_record_holds(const char *name)
{
	struct sfw_attach_record *r = calloc(2, sizeof(*r));
	bool holds = r && !sfw_record_place(r + 1) && !read_own(r + 1, r) &&
		     sfw_record_find(r, name) >= 0;

	free(r);
	return holds;
}

/* ---- sfw status ---------------------------------------------------------- */

void sfw_record_view_read(struct sfw_record_view *v, const struct sfw_iface_entry *ifs, int n)
{
	struct sfw_attach_record *r = calloc(2, sizeof(*r)), *here = r + 1;
	int err;

	memset(v, 0, sizeof(*v));
	/* (a namespace without a name: its netns is empty, no record's) */
	if (!r || (sfw_record_place(here) && !here->pin_root[0])) {
		snprintf(v->why, sizeof(v->why), "%s", r ? sfw_last_error() : "out of memory");
		free(r);
		return;
	}
	sfw_record_path(here->pin_root, v->path, sizeof(v->path));
	err = sfw_record_read(here->pin_root, r);
	if (err == -ENOENT) {
		snprintf(v->why, sizeof(v->why), "no record in %s", v->path);
	} else if (err && err != -EINVAL) {
		snprintf(v->why, sizeof(v->why), "%s", sfw_last_error());
	} else {
		/* restore attaches what it reads, a damaged place as this one */
		if (err)
			snprintf(v->damage, sizeof(v->damage), "%s", sfw_last_error());
		if (sfw_record_own(r, here))
			snprintf(v->why, sizeof(v->why), "%s", sfw_last_error());
		else if (!(v->n = r->n) && !err)   /* only an edited file is so */
			snprintf(v->why, sizeof(v->why), "no interface in %s", v->path);
	}
	for (int i = 0; i < n && v->n_missing < SFW_MAX_IFACES; i++)
		if (!v->n || sfw_record_find(r, ifs[i].info.name) < 0)
			v->missing[v->n_missing++] = ifs[i].info.name;
	free(r);
}

void sfw_record_text(FILE *f, const struct sfw_record_view *v)
{
	if (!v->n) {
		fprintf(f, "After a reboot: nothing is attached again (%s)\n",
			v->why[0] ? v->why : v->damage);
		return;
	}
	fprintf(f, "After a reboot: `sfw restore` attaches %d interface%s again (%s%s%s)", v->n,
		v->n == 1 ? "" : "s", v->path, v->damage[0] ? "; damaged: " : "", v->damage);
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
		sfw_json_str(j, "reason", v->why[0] ? v->why : v->damage);
	else if (v->damage[0])
		sfw_json_str(j, "damage", v->damage);
	sfw_json_open(j, "not-recorded", '[');
	for (int i = 0; i < v->n_missing; i++)
		sfw_json_str(j, NULL, v->missing[i]);
	sfw_json_close(j, ']');
	sfw_json_close(j, '}');
}
