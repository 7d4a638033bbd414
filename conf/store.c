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

#define PATH_LEN 4096

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", path, strerror(errno));
	return 0;
}

static int write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t w = write(fd, text, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		text += w;
		len -= (size_t)w;
	}
	return 0;
}

/* DIR/.sfw.conf.XXXXXX holding text, synced; its name in tmp. */
static int write_temp(const char *dir, const char *text, size_t len, char *tmp)
{
	int fd, err;

	if (sfw_path(tmp, PATH_LEN, "%s/.%s.XXXXXX", dir, SFW_CONF_FILE))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return sfw_fail(errno, "cannot create a file in %s: %s", dir, strerror(errno));
	err = write_all(fd, text, len);
	if (!err && (fchmod(fd, 0644) || fsync(fd)))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (err) {
		unlink(tmp);
		return sfw_fail(-err, "cannot write %s: %s", tmp, strerror(-err));
	}
	return 0;
}

/* A copy, for filesystems without hard links and between filesystems:
 * written beside its destination, then renamed onto it. */
static int copy_file(const char *from, const char *to)
{
	char tmp[PATH_LEN], dir[PATH_LEN];
	const char *slash = strrchr(to, '/');
	char *text = NULL;
	size_t len = 0;
	int err = conf_read_file(from, &text, &len);

	if (err)
		return err;   /* ENOENT: no active file to keep */
	err = slash ? sfw_path(dir, sizeof(dir), "%.*s", (int)(slash - to), to)
		    : sfw_path(dir, sizeof(dir), ".");
	if (!err)
		err = write_temp(dir, text, len, tmp);
	if (!err && rename(tmp, to)) {
		err = sfw_fail(errno, "cannot rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
	}
	free(text);
	return err;
}

static int rollback_spare(const char *name, char *buf, size_t len)
{
	return sfw_path(buf, len, "%s/rollback/.%s", sfw_conf_dir(), name);
}

/* The active file as it was before the commit's rename: beside it, on its
 * filesystem, so that putting it back is a rename whatever filesystem
 * rollback/ is on. */
static int previous_path(char *buf, size_t len)
{
	return sfw_path(buf, len, "%s/.previous", sfw_conf_dir());
}

/* The active file, kept as .previous by a hard link (a copy where
 * links fail) before the candidate replaces it. Nothing in the history
 * moves yet: a commit that fails leaves rollback 1..49, and with them the
 * target of a pending commit confirmed, where they were. *had says whether
 * there was an active file to keep. */
static int keep_previous(bool *had)
{
	char active[PATH_LEN], prev[PATH_LEN];
	int err;

	*had = false;
	if ((err = sfw_conf_active_path(active, sizeof(active))) ||
	    (err = previous_path(prev, sizeof(prev))))
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
	err = copy_file(active, prev);
	*had = !err;
	return err == -ENOENT ? 0 : err;
}

/* The history's slots: [0] rollback/.oldest, [n] rollback n, [50]
 * .previous (beside the active file). */
#define SLOT_OLDEST 0
#define SLOT_PREVIOUS (SFW_CONF_ROLLBACK_MAX + 1)
typedef char history_slots[SFW_CONF_ROLLBACK_MAX + 2][PATH_LEN];

static int slot_paths(history_slots slot)
{
	int err = rollback_spare("oldest", slot[SLOT_OLDEST], PATH_LEN);

	for (int n = 1; !err && n <= SFW_CONF_ROLLBACK_MAX; n++)
		err = sfw_conf_rollback_path(n, slot[n], PATH_LEN);
	return err ? err : previous_path(slot[SLOT_PREVIOUS], PATH_LEN);
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
		if (errno == EXDEV && from[done] == SLOT_PREVIOUS) {   /* rollback/ elsewhere */
			err = copy_file(slot[SLOT_PREVIOUS], slot[1]);
			copied = !err;
			err = err == -ENOENT ? 0 : err;   /* no previous file: a first commit */
		} else
			err = sfw_fail(errno, "cannot rename %s to %s: %s", slot[from[done]],
				       slot[to[done]], strerror(errno));
	}
	if (!err) {
		unlink(slot[SLOT_OLDEST]);
		if (copied)
			unlink(slot[SLOT_PREVIOUS]);
		return 0;
	}
	done--;   /* the step that failed moved nothing */
	while (done-- > 0)   /* a gap (ENOENT) renames back to ENOENT: harmless */
		rename(slot[to[done]], slot[from[done]]);
	return err;
}

/* Does the file at a hold what the file at b holds (the same inode, or
 * the same bytes: .previous may be a copy)? */
static bool same_file(const char *a, const char *b)
{
	char *ta = NULL, *tb = NULL;
	size_t la = 0, lb = 0;
	struct stat sa, sb;
	bool same;

	if (!stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
		return true;
	same = !conf_read_file(a, &ta, &la) && !conf_read_file(b, &tb, &lb) && la == lb &&
	       !memcmp(ta, tb, la);
	free(ta);
	free(tb);
	return same;
}

static void confirm_target_moved(void);

/* A .previous left behind is a commit killed (SIGKILL, a crash)
 * between keeping the active file and the end of the history's move:
 * before its rename, .previous is the active file, thrown away; after it,
 * the move is finished, so that no configuration drops out of the history
 * and rollback 1 is the one the killed commit replaced. Under the lock. */
static int recover_killed(void)
{
	char active[PATH_LEN], prev[PATH_LEN];
	int err;

	if ((err = sfw_conf_active_path(active, sizeof(active))) ||
	    (err = previous_path(prev, sizeof(prev))))
		return err;
	if (access(prev, F_OK))
		return 0;
	if (same_file(prev, active)) {
		unlink(prev);
		return 0;
	}
	err = shift_history();
	if (!err)
		confirm_target_moved();
	return err;
}

static int lock_dir(const char *dir)
{
	char path[PATH_LEN];
	int fd;

	if (sfw_path(path, sizeof(path), "%s/.lock", dir))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			int err = sfw_fail(errno, "cannot lock %s: %s", path, strerror(errno));

			close(fd);
			return err;
		}
	}
	return fd;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	fsync(fd);
	close(fd);
	return 0;
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
	    (err = make_dir(dir)) || (err = make_dir(sub)))
		return err;
	t->lock = lock_dir(dir);
	if (t->lock < 0)
		return t->lock;
	remove_stale(dir);
	err = recover_killed();
	if (err)
		return err;
	err = write_temp(dir, text, len, t->tmp);
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
	char sub[PATH_LEN], active[PATH_LEN], prev[PATH_LEN];
	bool had;
	int err;

	if ((err = sfw_path(sub, sizeof(sub), "%s/rollback", dir)) ||
	    (err = sfw_conf_active_path(active, sizeof(active))) ||
	    (err = previous_path(prev, sizeof(prev))) ||
	    (err = keep_previous(&had)))
		return err;
	if (rename(t->tmp, active)) {
		err = sfw_fail(errno, "cannot rename %s to %s: %s", t->tmp, active, strerror(errno));
		unlink(prev);
		return err;
	}
	t->tmp[0] = '\0';
	err = shift_history();
	if (err) {
		char *why = strdup(sfw_last_error());

		if (had ? rename(prev, active) : unlink(active))
			sfw_fail(errno, "cannot put %s back: %s", active, strerror(errno));
		else if (why)
			sfw_fail(-err, "%s", why);
		free(why);
	}
	/* either way: a power cut must not bring back what was undone */
	sync_dir(sub);
	sync_dir(dir);
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
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int err;

	if (!f)
		return sfw_fail(errno, "cannot print the configuration: %s", strerror(errno));
	err = sfw_conf_print(conf, f);
	if (fclose(f) && !err)
		err = -EIO;
	if (err) {
		free(text);
		return sfw_fail(-err, "cannot print the configuration: %s", strerror(-err));
	}
	conf->source = text;
	conf->source_len = len;
	return 0;
}

/* DIR/.confirm: the token of a `commit confirmed` not confirmed yet. */
static int confirm_path(char *buf, size_t len)
{
	return sfw_path(buf, len, "%s/.confirm", sfw_conf_dir());
}

int sfw_conf_confirm_pending(char *buf, size_t len, int *depth)
{
	char path[PATH_LEN], *sp;
	int err = confirm_path(path, sizeof(path)), fd;
	ssize_t r;

	buf[0] = '\0';
	if (depth)
		*depth = 0;
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	/* "TOKEN DEPTH" */
	sp = strchr(buf, ' ');
	if (sp)
		*sp++ = '\0';
	if (depth && buf[0]) {
		*depth = sp ? atoi(sp) : 1;
		if (*depth < 1 || *depth > SFW_CONF_ROLLBACK_MAX)
			*depth = *depth < 1 ? 1 : SFW_CONF_ROLLBACK_MAX;
	}
	return 0;
}

/* "TOKEN DEPTH": the pending commit confirmed's rollback is rollback DEPTH. */
static void write_confirm(const char *path, const char *token, int depth)
{
	char line[320];
	int fd;

	snprintf(line, sizeof(line), "%s %d\n", token,
		 depth < SFW_CONF_ROLLBACK_MAX ? depth : SFW_CONF_ROLLBACK_MAX);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	if (write_all(fd, line, strlen(line)) == 0)
		fsync(fd);
	close(fd);
}

/* After the switch, under the lock: a confirmed commit leaves its token,
 * any other commit confirms (removes the file). */
static void mark_confirm(const struct sfw_conf_commit_ops *ops)
{
	char path[PATH_LEN], old[256];
	int depth = 0;

	if (confirm_path(path, sizeof(path)))
		return;
	if (!ops || !ops->arm) {
		unlink(path);
		return;
	}
	/* one pending already: this one delays its rollback, same target */
	if (sfw_conf_confirm_pending(old, sizeof(old), &depth))
		depth = 0;
	write_confirm(path, ops->arm, depth + 1);
}

/* The history gained an entry outside a commit (recover_killed): a pending
 * commit confirmed's target is one further back. */
static void confirm_target_moved(void)
{
	char path[PATH_LEN], token[256];
	int depth;

	if (confirm_path(path, sizeof(path)) ||
	    sfw_conf_confirm_pending(token, sizeof(token), &depth) || !token[0])
		return;
	write_confirm(path, token, depth + 1);
}

/* The timer's rollback goes ahead only if no commit confirmed meanwhile. */
static int still_armed(const struct sfw_conf_commit_ops *ops)
{
	char token[256];
	int err;

	if (!ops || !ops->if_armed)
		return 0;
	err = sfw_conf_confirm_pending(token, sizeof(token), NULL);
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

	if ((err = make_dir(sfw_conf_dir())) || (err = exclusive_path(path, sizeof(path))))
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
		write_all(fd, who, strlen(who));
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
	if (!err) {
		hold_signals(&t);
		if (ops && ops->apply)
			err = ops->apply(conf, ops->ctx);
		if (!err)
			err = switch_active(&t);
		if (!err)
			mark_confirm(ops);
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

int sfw_conf_load_rollback(struct sfw_conf *conf, int n, struct sfw_conf_errors *errs)
{
	char path[PATH_LEN];
	int err = sfw_conf_rollback_path(n, path, sizeof(path));

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
