/* Reading a configuration: one `set` statement per line, every error
 * collected (a Junos commit check lists them all), then the checks that
 * span statements. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "conf_int.h"
#include "err.h"

/* A configuration file is a few thousand lines at most; anything this big
 * is a wrong path (a log, an image), refused before reading it whole. */
#define CONF_MAX_BYTES (16u << 20)

static int parse_security(struct conf_parser *p)
{
	static const char *const words[] = {
		"address-book", "flow", "forwarding-options", "log", "nat", "policies", "screen",
		"zones", NULL
	};

	switch (conf_keyword(p, words)) {
	case 0: return conf_parse_address_book(p);
	case 1: return conf_parse_flow(p);
	case 2: return conf_parse_forwarding_options(p);
	case 3: return conf_parse_log(p);
	case 4: return conf_parse_nat(p);
	case 5: return conf_parse_policies(p);
	case 6: return conf_parse_screen(p);
	case 7: return conf_parse_zones(p);
	default: return -1;
	}
}

static int parse_statement(struct conf_parser *p)
{
	static const char *const set[] = { "set", NULL };
	static const char *const words[] = {
		"applications", "security", "services", "system", NULL
	};

	if (conf_keyword(p, set) < 0)
		return -1;
	switch (conf_keyword(p, words)) {
	case 0: return conf_parse_applications(p);
	case 1: return parse_security(p);
	case 2: return conf_parse_services(p);
	case 3: return conf_parse_system(p);
	default: return -1;
	}
}

/* A UTF-8 byte-order mark, which some editors put at the start of a file:
 * not part of the first word. */
#define CONF_BOM "\xef\xbb\xbf"

/* text is a writable copy ending in '\0' at len. */
static void parse_lines(struct conf_parser *p, char *text, size_t len)
{
	char *line = text, *end = text + len;

	if (len >= 3 && !memcmp(text, CONF_BOM, 3))
		line += 3;

	for (p->line = 1; line < end && !p->oom; p->line++) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *stop = nl ? nl : end;
		size_t n = (size_t)(stop - line);

		*stop = '\0';
		if (memchr(line, '\0', n)) {
			conf_error(p, "the line holds a NUL byte: expected text");
		} else {
			struct conf_mark mark;

			if (n && line[n - 1] == '\r')
				line[n - 1] = '\0';
			conf_mark(p->conf, &mark);
			if (!conf_tokenize(p, line) && p->n && parse_statement(p))
				conf_truncate(p->conf, &mark);
		}
		line = stop + 1;
	}
}

static long msg_line(const char *msg, size_t skip)
{
	return strlen(msg) > skip ? strtol(msg + skip, NULL, 10) : 0;
}

/* Statement errors come as lines are read, the semantic ones after: put
 * them back in line order (stable, so one line's errors keep theirs). */
static void sort_errors(struct sfw_conf_errors *errs, int from, const char *file)
{
	size_t skip = strlen(file) + 1;

	for (int k = from + 1; k < errs->n; k++) {
		char *m = errs->msg[k];
		long line = msg_line(m, skip);
		int j = k;

		for (; j > from && msg_line(errs->msg[j - 1], skip) > line; j--)
			errs->msg[j] = errs->msg[j - 1];
		errs->msg[j] = m;
	}
}

static void policy_ids(struct conf_parser *p)
{
	int err = conf_policy_ids(p->conf);

	if (err == -ENOMEM)
		p->oom = true;
	else if (err)
		conf_errors_add(p->errs, "%s: more than %d security policies", p->file,
				SFW_MAX_POLICY_INDEX - SFW_CONF_POLICY_INDEX_FIRST);
}

static int parse_text(struct sfw_conf *conf, const char *name, const char *text,
		      size_t len, struct sfw_conf_errors *errs, bool check)
{
	struct sfw_conf_errors local = { 0 };
	struct conf_parser p = { .conf = conf, .errs = errs ? errs : &local };
	int before = p.errs->n + p.errs->dropped;
	char *work = malloc(len + 1);
	int err;

	conf->path = strdup(name);
	conf->source = malloc(len + 1);
	if (!work || !conf->path || !conf->source) {
		free(work);
		return sfw_fail(ENOMEM, "%s: out of memory", name);
	}
	memcpy(work, text, len);
	work[len] = '\0';
	memcpy(conf->source, text, len);
	conf->source[len] = '\0';
	conf->source_len = len;
	p.file = conf->path;
	parse_lines(&p, work, len);
	if (!p.oom && check)
		conf_check(&p);
	if (!p.oom)
		policy_ids(&p);
	sort_errors(p.errs, before < p.errs->n ? before : p.errs->n, p.file);
	free(work);
	free(p.tok);
	if (p.oom)
		err = sfw_fail(ENOMEM, "%s: out of memory", name);
	else if (p.errs->n + p.errs->dropped > before)
		err = sfw_fail(EINVAL, "%s: %d errors", name,
			       p.errs->n + p.errs->dropped - before);
	else
		err = 0;
	sfw_conf_errors_free(&local);
	return err;
}

int sfw_conf_parse_buffer(struct sfw_conf *conf, const char *name,
			  const char *text, size_t len,
			  struct sfw_conf_errors *errs)
{
	return parse_text(conf, name, text, len, errs, true);
}

int sfw_conf_parse_statements(struct sfw_conf *conf, const char *name,
			      const char *text, size_t len,
			      struct sfw_conf_errors *errs)
{
	return parse_text(conf, name, text, len, errs, false);
}

/* Why a file that is not a regular file cannot be a configuration. */
static const char *file_kind(mode_t mode)
{
	return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
	     : S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device"
	     : S_ISSOCK(mode) ? "a socket" : "not a file";
}

int conf_read_fd(int fd, const char *path, char **out, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *buf;

	if (fstat(fd, &st))
		return sfw_fail(errno, "%s: cannot read: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sfw_fail(S_ISDIR(st.st_mode) ? EISDIR : ENODEV, "%s: cannot read: %s, "
				"expected a regular file", path, file_kind(st.st_mode));
	if ((unsigned long long)st.st_size > CONF_MAX_BYTES)
		return sfw_fail(EFBIG, "%s: cannot read: %llu bytes, more than a configuration "
				"may have (%u)", path, (unsigned long long)st.st_size,
				CONF_MAX_BYTES);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return sfw_fail(ENOMEM, "%s: cannot read: out of memory", path);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int err = r < 0 ? errno : EIO;

			free(buf);
			return sfw_fail(err, "%s: cannot read: %s", path,
					r < 0 ? strerror(err) : "the file shrank while read");
		}
		got += (size_t)r;
	}
	buf[got] = '\0';   /* readers that scan as a string stop at the end */
	*out = buf;
	*len = got;
	return 0;
}

/* O_NONBLOCK: opening a FIFO must not wait for a writer (commit holds the
 * configuration lock meanwhile); the type is checked on the open file, so
 * nothing can be swapped in between. O_NOCTTY: a terminal device given by
 * mistake does not become the controlling one. */
int conf_read_file(const char *path, char **text, size_t *len)
{
	int fd, err;

	if (!*path)
		return sfw_fail(ENOENT, "cannot read a configuration: the file name is empty");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return sfw_fail(errno, "%s: cannot read: %s", path, strerror(errno));
	err = conf_read_fd(fd, path, text, len);
	close(fd);
	return err;
}

int sfw_conf_parse_file(struct sfw_conf *conf, const char *path,
			struct sfw_conf_errors *errs)
{
	char active[4096];
	char *text = NULL;
	size_t len = 0;
	int err;

	if (!path) {
		err = sfw_conf_active_path(active, sizeof(active));
		if (err)
			return err;
		path = active;
	}
	err = conf_read_file(path, &text, &len);
	if (err)
		return err;
	err = sfw_conf_parse_buffer(conf, path, text, len, errs);
	free(text);
	return err;
}
