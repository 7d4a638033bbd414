/* The shared candidate seen from configuration mode (docs/cli.md "One
 * candidate for every shell"): plain `configure` and `configure
 * exclusive` read the store's shared candidate before every command that
 * reads it, and change it under the store's lock (read, change, write
 * back: two shells setting at once both keep their change); `configure
 * private` keeps a copy of its own. */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cfgmode.h"
#include "cfgmode_int.h"
#include "conf_ops.h"
#include "err.h"

/* The canonical text of the active configuration, or NULL (said why). */
char *cfg_active_text(void)
{
	struct sfw_conf conf;
	struct sfw_cand c;
	int err;

	if (sfw_conf_load_active(&conf, stderr))
		return NULL;
	err = sfw_cand_from_conf(&c, &conf);
	sfw_conf_free(&conf);
	if (err) {
		fprintf(stderr, "error: cannot read the configuration: %s\n", strerror(-err));
		return NULL;
	}
	return c.text;
}

static bool global(const struct sfw_cfgmode *m)
{
	return m->form != SFW_CFG_PRIVATE;
}

/* rollback's load replaces the candidate: a damaged one too (the way
 * out docs/cli.md "A damaged shared candidate" gives). */
static bool replacing;
/* cfg_shared_state's read: the entry says it once, with its refresh. */
static bool quiet;

/* Under the lock: the active text and the shared candidate. */
static int load(struct sfw_shared *s, char **active)
{
	int err;

	*active = cfg_active_text();
	if (!*active)
		return -EIO;
	err = sfw_shared_read(s, *active);
	if (err == -EBADMSG && replacing) {
		s->base = strdup(*active);
		s->cand = strdup(*active);
		err = s->base && s->cand ? 0 : -ENOMEM;
		if (err)
			sfw_shared_free(s);
	}
	if (err && !quiet)
		fprintf(stderr, "error: %s\n", err == -ENOMEM ? strerror(ENOMEM) : sfw_last_error());
	if (err) {
		free(*active);
		*active = NULL;
	}
	return err;
}

static int take(struct sfw_cfgmode *m, struct sfw_shared *s, char *active)
{
	sfw_cand_free(&m->cand);
	free(m->active);
	m->active = active;
	m->cand.text = s->cand;
	m->cand.len = strlen(s->cand);
	s->cand = NULL;
	sfw_shared_free(s);
	return 0;
}

int cfg_shared_state(bool *changed)
{
	struct sfw_shared s;
	char *active;
	int lock = sfw_conf_lock(), err;

	if (lock < 0) {
		fprintf(stderr, "error: %s\n", sfw_last_error());
		return lock;
	}
	quiet = true;
	err = load(&s, &active);
	quiet = false;
	sfw_conf_unlock(lock);
	*changed = err == -EBADMSG;   /* said: entering lets rollback 0 discard it */
	if (err)
		return *changed ? 0 : err;
	*changed = sfw_shared_changed(&s);
	sfw_shared_free(&s);
	free(active);
	return 0;
}

int cfg_refresh(struct sfw_cfgmode *m)
{
	struct sfw_shared s;
	char *active;
	int lock, err;

	if (!global(m))
		return 0;
	if ((lock = sfw_conf_lock()) < 0) {
		fprintf(stderr, "error: %s\n", sfw_last_error());
		return lock;
	}
	err = load(&s, &active);
	sfw_conf_unlock(lock);
	return err ? err : take(m, &s, active);
}

int cfg_edit(struct sfw_cfgmode *m, cfg_edit_fn fn, void *arg)
{
	struct sfw_shared s;
	char *active, *base;
	int lock, err, r;

	if (!global(m)) {
		r = fn(&m->cand, arg);
		m->edited |= r >= 0;
		return r;
	}
	if ((lock = sfw_conf_lock()) < 0) {
		fprintf(stderr, "error: %s\n", sfw_last_error());
		return lock;
	}
	/* another session's configure exclusive: nobody else changes it */
	if ((err = sfw_conf_exclusive_free()) || (err = load(&s, &active))) {
		if (err == -EBUSY)
			fprintf(stderr, "error: %s\n", sfw_last_error());
		sfw_conf_unlock(lock);
		return err == -EBUSY ? err : -EIO;      /* said (load) */
	}
	base = s.base;        /* what the file keeps beside the new candidate */
	s.base = NULL;
	take(m, &s, active);
	r = fn(&m->cand, arg);
	if (r >= 0) {
		struct sfw_shared out = { .base = base, .cand = m->cand.text };

		if ((err = sfw_shared_write(&out))) {
			fprintf(stderr, "error: %s\n", sfw_last_error());
			r = err;
		}
		m->edited |= r >= 0;
	}
	free(base);
	sfw_conf_unlock(lock);
	return r;
}

int cfg_edit_replace(struct sfw_cfgmode *m, cfg_edit_fn fn, void *arg)
{
	int r;

	replacing = true;
	r = cfg_edit(m, fn, arg);
	replacing = false;
	return r;
}

/* What the commit's child checks under the store's lock (it inherits
 * this): the candidate it commits is still the shared one (a set or a
 * delete from another shell since the read would be lost), or, for
 * configure private, the active text is still the one it copied. */
static struct {
	const struct sfw_cfgmode *m;
	const char *text;
} guard;

static int still_current(void *arg)
{
	struct sfw_shared s;
	char *active;
	int err;

	(void)arg;
	if (!global(guard.m)) {
		if (!(active = cfg_active_text()))
			return -EIO;
		err = strcmp(active, guard.m->active ? guard.m->active : "") ? -ESTALE : 0;
		free(active);
		return err ? sfw_fail(ESTALE, "configuration committed by another session since "
				      "configure private: 'rollback 0' loads it (your changes go)") : 0;
	}
	quiet = true;            /* the commit says why, once */
	err = load(&s, &active);
	quiet = false;
	if (err)
		return err == -ENOMEM ? sfw_fail(ENOMEM, "%s", strerror(ENOMEM)) : err;
	err = strcmp(s.cand, guard.text) ? -ESTALE : 0;
	sfw_shared_free(&s);
	free(active);
	return err ? sfw_fail(ESTALE, "the shared candidate changed since this commit read it "
			      "(another session's edit): review it (show | compare) and commit again") : 0;
}

void cfg_commit_guard(const struct sfw_cfgmode *m, const char *text)
{
	guard.m = m;
	guard.text = text;
	sfw_conf_commit_check(m ? still_current : NULL, NULL);
	sfw_conf_shared_commit(m && global(m));
	sfw_conf_private_commit(m && !global(m));
}

int cfg_shared_discard(const struct sfw_cfgmode *m)
{
	int lock, err;

	if (m->form != SFW_CFG_EXCLUSIVE || (lock = sfw_conf_lock()) < 0)
		return 0;
	err = sfw_shared_reset();
	sfw_conf_unlock(lock);
	return err;
}

/* Junos's `status` line: who, where, since when, and the level. */
int cfg_editor_enter(void)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *tty = ttyname(STDIN_FILENO);
	char line[256], since[64];
	time_t now = time(NULL);
	struct tm tm;

	strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S %Z", localtime_r(&now, &tm));
	snprintf(line, sizeof(line), "  %s terminal %s (pid %d) on since %s\n      [edit]\n",
		 pw ? pw->pw_name : "user", tty ? (strncmp(tty, "/dev/", 5) ? tty : tty + 5) : "-",
		 (int)getpid(), since);
	return sfw_editor_enter(line);
}
