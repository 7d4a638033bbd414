/* Commit storage: the active configuration file and its predecessors, as
 * Junos keeps rollback 0..49, and the commit around the datapath's apply.
 * The new file is written beside the active one and synced before
 * anything is applied, then renamed over it, so a reader (or a crash) sees
 * the old file or the new one, whole, and a disk that fails the write
 * fails the commit before the datapath took anything. From the apply to
 * the rename the signals that end a session are held (docs/security.md
 * "A configuration that cannot be applied fails closed"). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "candidate.h"
#include "conf_int.h"
#include "err.h"
#include "lock_file.h"

#define PATH_LEN CONF_PATH_LEN

static int rollback_spare(const char *name, char *buf, size_t len)
{
	return sfw_path(buf, len, "%s/rollback/.%s", sfw_conf_dir(), name);
}

/* The active file as it was before the commit's rename: beside it, on its
 * filesystem, so that putting it back is a rename whatever filesystem
 * rollback/ is on. It is .kept until the candidate is the active file,
 * .previous from then until the history has moved, and .copying while it
 * is copied to rollback 1 on another filesystem: what a commit killed in
 * between left is told by the name, never by the text (a commit may store
 * the text already active, or the text rollback 1 holds: rv34 F4, rv35 F3). */
#define KEPT ".kept"
#define PREVIOUS ".previous"
#define COPYING ".copying"

static int journal_path(char *buf, size_t len, const char *name)
{
	return sfw_path(buf, len, "%s/%s", sfw_conf_dir(), name);
}

/* The active file, kept by a hard link (a copy where links fail) before
 * the candidate replaces it. Nothing in the history moves yet: a commit
 * that fails leaves rollback 1..49 where they were. *had says whether
 * there was an active file to keep. */
static int keep_previous(bool *had)
{
	char active[PATH_LEN], prev[PATH_LEN];
	int err;

	*had = false;
	if ((err = sfw_conf_active_path(active, sizeof(active))) ||
	    (err = journal_path(prev, sizeof(prev), KEPT)))
		return err;
	if (unlink(prev) && errno != ENOENT)
		return sfw_fail(errno, "cannot remove %s: %s", prev, strerror(errno));
	if (!link(active, prev)) {
		*had = true;
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	if (errno != EPERM && errno != EXDEV && errno != EOPNOTSUPP && errno != EMLINK)
		return sfw_fail(errno, "cannot link %s: %s", prev, strerror(errno));
	err = conf_copy_file(active, prev);
	*had = !err;
	return err == -ENOENT ? 0 : err;
}

/* The history's slots: [0] rollback/.oldest, [n] rollback n, [50]
 * .previous and [51] .copying (beside the active file). */
#define SLOT_OLDEST 0
#define SLOT_PREVIOUS (SFW_CONF_ROLLBACK_MAX + 1)
#define SLOT_COPYING (SFW_CONF_ROLLBACK_MAX + 2)
typedef char history_slots[SFW_CONF_ROLLBACK_MAX + 3][PATH_LEN];

static int slot_paths(history_slots slot)
{
	int err = rollback_spare("oldest", slot[SLOT_OLDEST], PATH_LEN);

	for (int n = 1; !err && n <= SFW_CONF_ROLLBACK_MAX; n++)
		err = sfw_conf_rollback_path(n, slot[n], PATH_LEN);
	if (!err)
		err = journal_path(slot[SLOT_PREVIOUS], PATH_LEN, PREVIOUS);
	return err ? err : journal_path(slot[SLOT_COPYING], PATH_LEN, COPYING);
}

/* rollback/ on another filesystem: .previous is copied to rollback 1 as
 * .copying, so that a commit killed between the copy and the removal of its
 * source is not taken for a move not begun (the history moved twice). */
static int copy_previous(history_slots slot, bool *copied)
{
	int err;

	if (rename(slot[SLOT_PREVIOUS], slot[SLOT_COPYING]))   /* none: a first commit */
		return errno == ENOENT ? 0 : sfw_fail(errno, "cannot rename %s: %s",
						      slot[SLOT_PREVIOUS], strerror(errno));
	err = conf_copy_file(slot[SLOT_COPYING], slot[1]);
	if (err)
		rename(slot[SLOT_COPYING], slot[SLOT_PREVIOUS]);
	*copied = !err;
	return err;
}

/* The history moves once the candidate is the active file: n to n+1 from
 * the first free slot down (rollback 49 to rollback/.oldest first when
 * none is free), then .previous to 1. A step that fails undoes the ones
 * before it, so the history is whole either way. The same moves finish
 * the history of a commit killed after its rename (recover_killed). */
static int shift_history(void)
{
	static history_slots slot;
	int from[SFW_CONF_ROLLBACK_MAX + 2], to[SFW_CONF_ROLLBACK_MAX + 2];
	int steps = 0, done, free_slot = SFW_CONF_ROLLBACK_MAX + 1, err = slot_paths(slot);
	bool copied = false;   /* .previous copied to rollback 1 (another filesystem) */

	if (err)
		return err;
	for (int n = 1; n <= SFW_CONF_ROLLBACK_MAX && free_slot > SFW_CONF_ROLLBACK_MAX; n++)
		if (access(slot[n], F_OK) && errno == ENOENT)
			free_slot = n;
	if (free_slot > SFW_CONF_ROLLBACK_MAX) {
		from[steps] = SFW_CONF_ROLLBACK_MAX, to[steps++] = SLOT_OLDEST;
		free_slot = SFW_CONF_ROLLBACK_MAX;
	}
	for (int n = free_slot - 1; n >= 1; n--)
		from[steps] = n, to[steps++] = n + 1;
	from[steps] = SLOT_PREVIOUS, to[steps++] = 1;
	for (done = 0; done < steps && !err; done++) {
		if (!rename(slot[from[done]], slot[to[done]]) || errno == ENOENT)
			continue;
		if (errno == EXDEV && from[done] == SLOT_PREVIOUS)   /* rollback/ elsewhere */
			err = copy_previous(slot, &copied);
		else
			err = sfw_fail(errno, "cannot rename %s to %s: %s", slot[from[done]],
				       slot[to[done]], strerror(errno));
	}
	if (!err) {
		unlink(slot[SLOT_OLDEST]);
		if (copied)
			unlink(slot[SLOT_COPYING]);
		return 0;
	}
	done--;   /* the step that failed moved nothing */
	while (done-- > 0)   /* a gap (ENOENT) renames back to ENOENT: harmless */
		rename(slot[to[done]], slot[from[done]]);
	return err;
}

/* What a commit killed (SIGKILL, a crash) left, finished under the lock:
 * .kept is a commit killed before its rename (or a commit of the text
 * already active, whose history had not begun to move), thrown away; after
 * the rename (.kept then differs, or it is .previous) the move is
 * finished, so that no configuration drops out of the history and
 * rollback 1 is the one the killed commit replaced; .copying is the move's
 * last step, a copy onto another filesystem, made if rollback 1 is not
 * there yet (the copy is renamed into place whole). */
static int recover_killed(void)
{
	char active[PATH_LEN], kept[PATH_LEN], prev[PATH_LEN], copying[PATH_LEN], one[PATH_LEN];
	int err;

	if ((err = sfw_conf_active_path(active, sizeof(active))) ||
	    (err = journal_path(kept, sizeof(kept), KEPT)) ||
	    (err = journal_path(prev, sizeof(prev), PREVIOUS)) ||
	    (err = journal_path(copying, sizeof(copying), COPYING)) ||
	    (err = sfw_conf_rollback_path(1, one, sizeof(one))))
		return err;
	if (!access(copying, F_OK)) {
		if (access(one, F_OK) && (err = conf_copy_file(copying, one)))
			return err;
		unlink(copying);
		return 0;
	}
	if (!access(kept, F_OK)) {
		if (conf_same_file(kept, active))
			unlink(kept);
		else if (rename(kept, prev))
			return sfw_fail(errno, "cannot rename %s: %s", kept, strerror(errno));
	}
	return access(prev, F_OK) ? 0 : shift_history();
}

static int lock_dir(const char *dir)
{
	char path[PATH_LEN];

	if (sfw_path(path, sizeof(path), "%s/.lock", dir))
		return -ENAMETOOLONG;
	return sfw_lock_file(path);
}

/* Temporary files of a commit that died before its rename: harmless, but
 * they would pile up. Called under the directory's lock. */
static void remove_stale(const char *dir)
{
	char prefix[64], path[PATH_LEN];
	DIR *d = opendir(dir);
	struct dirent *e;

	snprintf(prefix, sizeof(prefix), ".%s.", SFW_CONF_FILE);
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)) &&
		    !sfw_path(path, sizeof(path), "%s/%s", dir, e->d_name))
			unlink(path);
	if (d)
		closedir(d);
}

/* A commit in progress: the lock on the directory, the candidate written
 * and synced beside the active file, the signal mask to give back. */
struct txn {
	int lock;
	char tmp[PATH_LEN];
	sigset_t saved;
	bool held;
};

static int stage(struct txn *t, const char *text, size_t len)
{
	const char *dir = sfw_conf_dir();
	char sub[PATH_LEN];
	int err;

	t->lock = -1;
	t->tmp[0] = '\0';
	t->held = false;
	if ((err = sfw_path(sub, sizeof(sub), "%s/rollback", dir)) ||
	    (err = conf_make_dir(dir)) || (err = conf_make_dir(sub)))
		return err;
	t->lock = lock_dir(dir);
	if (t->lock < 0)
		return t->lock;
	remove_stale(dir);
	remove_stale(sub);   /* a copy killed on its way into rollback/ */
	err = recover_killed();
	if (err)
		return err;
	err = conf_write_temp(dir, text, len, t->tmp);
	if (err)
		t->tmp[0] = '\0';
	return err;
}

/* Ctrl-C, a closed SSH session (SIGHUP) or a plain kill between the apply
 * and the rename would leave the datapath running a text the file does not
 * hold: they wait until the commit is whole, either way. */
static void hold_signals(struct txn *t)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	t->held = !sigprocmask(SIG_BLOCK, &set, &t->saved);
}

/* The candidate becomes the active file, the active one rollback 1: the
 * rename first, so a rename that fails has moved nothing; a history that
 * cannot move then puts the previous file back. */
static int switch_active(struct txn *t)
{
	const char *dir = sfw_conf_dir();
	char sub[PATH_LEN], active[PATH_LEN], kept[PATH_LEN], prev[PATH_LEN];
	const char *back = prev;   /* where the previous file is, to put back */
	bool had;
	int err;

	if ((err = sfw_path(sub, sizeof(sub), "%s/rollback", dir)) ||
	    (err = sfw_conf_active_path(active, sizeof(active))) ||
	    (err = journal_path(kept, sizeof(kept), KEPT)) ||
	    (err = journal_path(prev, sizeof(prev), PREVIOUS)) || (err = keep_previous(&had)))
		return err;
	if (rename(t->tmp, active)) {
		err = sfw_fail(errno, "cannot rename %s to %s: %s", t->tmp, active, strerror(errno));
		unlink(kept);
		return err;
	}
	t->tmp[0] = '\0';
	if (had && rename(kept, prev)) {
		err = sfw_fail(errno, "cannot rename %s to %s: %s", kept, prev, strerror(errno));
		back = kept;
	} else
		err = shift_history();
	if (err) {
		char *why = strdup(sfw_last_error());

		if (had ? rename(back, active) : unlink(active))
			sfw_fail(errno, "cannot put %s back: %s", active, strerror(errno));
		else if (why)
			sfw_fail(-err, "%s", why);
		free(why);
	}
	/* either way: a power cut must not bring back what was undone */
	conf_sync_dir(sub);
	conf_sync_dir(dir);
	return err;
}

static void finish(struct txn *t)
{
	if (t->tmp[0])
		unlink(t->tmp);
	if (t->held)
		sigprocmask(SIG_SETMASK, &t->saved, NULL);
	if (t->lock >= 0)
		close(t->lock);
}

/* Built in memory rather than read: its canonical form is what is stored,
 * and what the datapath's digest is of. */
static int give_source(struct sfw_conf *conf)
{
	char *text;
	size_t len;
	int err = conf_print_text(conf, &text, &len);

	if (err)
		return err;
	conf->source = text;
	conf->source_len = len;
	return 0;
}

/* The timer's rollback goes ahead only if no commit confirmed meanwhile. */
static int still_armed(const struct sfw_conf_commit_ops *ops)
{
	char token[256];
	int err;

	if (!ops || !ops->if_armed)
		return 0;
	err = sfw_conf_confirm_pending(token, sizeof(token));
	if (err)
		return sfw_fail(-err, "cannot read the confirmation file: %s", strerror(-err));
	if (strcmp(token, ops->if_armed))
		return sfw_fail(ECANCELED, "the commit was confirmed");
	return 0;
}

/* `configure exclusive` (docs/cli.md): an flock on DIR/.exclusive, held by
 * the shell in that mode. This process may commit through it when it is
 * the holder (or a child of it: the lock is the shell's open file) or the
 * commit confirmed timer, whose rollback goes ahead whoever edits. */
static bool exclusive_own;
/* `configure private`: its commit is refused while the shared candidate
 * has changes nobody committed (docs/cli.md "configure private"). */
static bool private_commit;
/* The shell's commit of the shared candidate: it holds the changes, and
 * they are gone once committed. */
static bool shared_commit;
/* The shell's check, under the lock, that what it commits is still what
 * it read (cli/shell/cfgshared.c). */
static int (*commit_check)(void *arg);
static void *commit_check_arg;

void sfw_conf_private_commit(bool on)
{
	private_commit = on;
}

void sfw_conf_shared_commit(bool on)
{
	shared_commit = on;
}

void sfw_conf_commit_check(int (*fn)(void *arg), void *arg)
{
	commit_check = fn;
	commit_check_arg = arg;
}

/* Junos has no commit beside the candidate: a file commit or a rollback
 * from the shell's prompt waits until the shared candidate's changes are
 * committed or discarded (docs/cli.md "One candidate for every shell").
 * The timer of commit confirmed goes ahead: its rollback resets them. */
static int shared_allows(const struct sfw_conf_commit_ops *ops)
{
	int pending;

	if (shared_commit || (ops && ops->if_armed))
		return 0;
	pending = conf_shared_pending();
	if (pending < 0)
		return pending;
	if (pending && private_commit)
		return sfw_fail(EBUSY, "shared configuration database modified: "
				"commit or roll back the shared candidate first (configure)");
	if (pending)
		return sfw_fail(EBUSY, "the shared candidate has uncommitted changes (configure; "
				"show | compare): commit or discard them first");
	return 0;
}

void sfw_conf_exclusive_own(bool own)
{
	exclusive_own = own;
}

static int exclusive_path(char *buf, size_t len)
{
	return sfw_path(buf, len, "%s/.exclusive", sfw_conf_dir());
}

static void holder_of(int fd, char *holder, size_t len)
{
	ssize_t r = pread(fd, holder, len - 1, 0);

	holder[r > 0 ? r : 0] = '\0';
	holder[strcspn(holder, "\n")] = '\0';
	if (!holder[0])
		snprintf(holder, len, "another session");
}

int sfw_conf_exclusive_take(const char *who, char *holder, size_t len)
{
	char path[PATH_LEN];
	int err, fd;

	if ((err = conf_make_dir(sfw_conf_dir())) || (err = exclusive_path(path, sizeof(path))))
		return err;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		holder_of(fd, holder, len);
		close(fd);
		return err;
	}
	if (ftruncate(fd, 0) == 0)
		conf_write_all(fd, who, strlen(who));
	return fd;
}

void sfw_conf_exclusive_release(int fd)
{
	if (fd >= 0)
		close(fd);    /* the lock goes with it */
}

/* Under the store's lock: refused while another session holds
 * `configure exclusive`. */
int sfw_conf_exclusive_free(void)
{
	char path[PATH_LEN], holder[128];
	int fd;

	if (exclusive_own || exclusive_path(path, sizeof(path)))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK) {
		holder_of(fd, holder, sizeof(holder));
		close(fd);
		return sfw_fail(EBUSY, "configuration database locked by %s (configure exclusive)",
				holder);
	}
	close(fd);
	return 0;
}

int sfw_conf_commit(struct sfw_conf *conf, const struct sfw_conf_commit_ops *ops)
{
	struct conf_confirm_undo undo;
	struct txn t;
	int err = sfw_conf_nat_refuse(conf);   /* nothing stored, nothing applied */

	if (!err && !conf->source)
		err = give_source(conf);

	if (err)
		return err;
	err = stage(&t, conf->source, conf->source_len);
	if (!err)
		err = still_armed(ops);
	if (!err)
		err = sfw_conf_exclusive_free();
	if (!err)
		err = shared_allows(ops);
	/* the timer (forked by the shell's commit, with its check) rolls back
	 * whatever the candidate holds */
	if (!err && commit_check && !(ops && ops->if_armed))
		err = commit_check(commit_check_arg);
	/* the token before the apply: a commit confirmed killed after it
	 * still leaves its timer a target */
	if (!err)
		err = conf_confirm_arm(ops, &undo);
	if (!err) {
		hold_signals(&t);
		if (ops && ops->apply)
			err = ops->apply(conf, ops->ctx);
		if (!err)
			err = switch_active(&t);
		if (err)
			conf_confirm_undo(&undo);
		else
			conf_confirm_done(ops);
		/* committed, or commit confirmed rolled back: the changes made
		 * on top of what it undoes go with it, as on Junos */
		if (!err && (shared_commit || (ops && ops->if_armed)))
			sfw_shared_reset();
		/* the apply may have flipped the datapath before it failed */
		if (err && ops && ops->apply && ops->restore) {
			char *why = strdup(sfw_last_error());

			ops->restore(ops->ctx);
			if (why)
				sfw_fail(-err, "%s", why);   /* the commit's error, not the restore's */
			free(why);
		}
	}
	finish(&t);
	return err;
}

int sfw_conf_store(const struct sfw_conf *conf)
{
	struct sfw_conf copy = *conf;   /* shares the model: only a source is added */
	int err = sfw_conf_commit(&copy, NULL);

	if (copy.source != conf->source)
		free(copy.source);
	return err;
}

int sfw_conf_recover(void)
{
	const char *dir = sfw_conf_dir();
	int lock, err;

	if (access(dir, W_OK))   /* a reader who may not write finds it as it is */
		return 0;
	lock = lock_dir(dir);
	if (lock < 0)
		return lock;
	err = recover_killed();
	close(lock);
	return err;
}

int sfw_conf_load_rollback(struct sfw_conf *conf, int n, struct sfw_conf_errors *errs)
{
	char path[PATH_LEN];
	int err = sfw_conf_rollback_path(n, path, sizeof(path));

	if (!err)
		err = sfw_conf_recover();
	if (err)
		return err;
	if (access(path, F_OK))
		return sfw_fail(errno, "rollback %d: %s: %s", n, path,
				errno == ENOENT ? "no such configuration" : strerror(errno));
	return sfw_conf_parse_file(conf, path, errs);
}

int sfw_conf_commit_file(const char *path, const struct sfw_conf_commit_ops *ops,
			 struct sfw_conf *out, struct sfw_conf_errors *errs)
{
	struct sfw_conf conf;
	int err = sfw_conf_init(&conf);

	if (!err)
		err = sfw_conf_parse_file(&conf, path, errs);
	if (!err)
		err = sfw_conf_commit(&conf, ops);
	if (!err && out)
		*out = conf;
	else
		sfw_conf_free(&conf);
	return err;
}
