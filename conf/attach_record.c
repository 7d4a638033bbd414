/* The record of the attached interfaces (conf/attach_record.h): a few
 * lines of words, one setting a line, so an operator can read it and a
 * damaged one is refused by its line number, never half read. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "attach_record.h"
#include "conf.h"
#include "conf_int.h"
#include "err.h"

#define MAX_WORDS 4

static const char header[] =
	"# The interfaces sfw is attached to: `sfw attach` and `sfw detach` write\n"
	"# this file, `sfw detach all` removes it, and `sfw restore` (at boot:\n"
	"# sfw-attach.service) attaches them again. Not to be edited.\n";

int sfw_record_root(const char *pin_root, char *buf, size_t len)
{
	size_t n = 0;

	for (const char *c = pin_root; *c; c++) {
		if (*c == '/' && (c[1] == '/' || (!c[1] && n)))
			continue;
		if (n + 1 >= len)
			return sfw_fail(ENAMETOOLONG, "pin root too long: %s", pin_root);
		buf[n++] = *c;
	}
	if (!n)
		return sfw_fail(EINVAL, "no pin root");
	buf[n] = '\0';
	return 0;
}

/* One record per pin root: an instance of its own (SFW_PIN_ROOT) in the
 * same directory never writes over the host's; the default's is plain
 * "attached", another's "attached-" and its path, '/' as '_'. */
int sfw_record_path(const char *pin_root, char *buf, size_t len)
{
	char root[SFW_RECORD_ROOT_MAX], *c;

	if (sfw_record_root(pin_root, root, sizeof(root)))
		return -EINVAL;
	if (!strcmp(root, SFW_PIN_ROOT))
		return sfw_path(buf, len, "%s/%s", sfw_conf_dir(), SFW_RECORD_FILE);
	for (c = root; *c; c++)
		if (*c == '/')
			*c = '_';
	return sfw_path(buf, len, "%s/%s-%s", sfw_conf_dir(), SFW_RECORD_FILE,
			root[0] == '_' ? root + 1 : root);
}

int sfw_record_find(const struct sfw_attach_record *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->iface[i].name, name))
			return i;
	return -1;
}

/* Splits line into at most MAX_WORDS words (in place); their count, or
 * MAX_WORDS + 1 when there are more. */
static int split(char *line, char **w)
{
	char *save = NULL;
	int n = 0;

	for (char *s = strtok_r(line, " \t", &save); s; s = strtok_r(NULL, " \t", &save))
		if (n++ < MAX_WORDS)
			w[n - 1] = s;
	return n;
}

static int copy_word(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (!n || n >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

static int parse_iface(struct sfw_attach_record *r, char **w)
{
	struct sfw_record_iface *f;

	if (r->n >= SFW_MAX_IFACES)
		return sfw_fail(EINVAL, "more than %d interfaces", SFW_MAX_IFACES);
	f = &r->iface[r->n];
	if (copy_word(f->name, sizeof(f->name), w[1]) || strchr(f->name, '/'))
		return sfw_fail(EINVAL, "'%s' is no interface name", w[1]);
	if (sfw_record_find(r, f->name) >= 0)
		return sfw_fail(EINVAL, "interface %s twice", f->name);
	if (!strcmp(w[2], "native"))
		f->mode = SFW_XDP_MODE_NATIVE;
	else if (!strcmp(w[2], "generic"))
		f->mode = SFW_XDP_MODE_GENERIC;
	else
		return sfw_fail(EINVAL, "mode '%s': expected native or generic", w[2]);
	r->n++;
	return 0;
}

static int parse_u32(const char *s, __u32 *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || *s == '-' || v == 0 || v > UINT_MAX)
		return sfw_fail(EINVAL, "'%s': expected a number 1..4294967295", s);
	*out = (__u32)v;
	return 0;
}

/* The settings besides interfaces, each once: sfw writes them so, and a
 * second is damage, not a later word to obey. */
enum { SEEN_PIN_ROOT = 1, SEEN_NETNS = 2, SEEN_MAX = 4, SEEN_FORWARD = 8 };

static int once(unsigned *seen, unsigned bit, const char *word)
{
	if (*seen & bit)
		return sfw_fail(EINVAL, "%s twice", word);
	*seen |= bit;
	return 0;
}

static int parse_line(struct sfw_attach_record *r, char **w, int n, unsigned *seen)
{
	if (n == 3 && !strcmp(w[0], "interface"))
		return parse_iface(r, w);
	if (n == 2 && !strcmp(w[0], "pin-root"))
		return once(seen, SEEN_PIN_ROOT, w[0]) ? -EINVAL :
		       copy_word(r->pin_root, sizeof(r->pin_root), w[1]) ?
		       sfw_fail(EINVAL, "pin root too long") : 0;
	if (n == 2 && !strcmp(w[0], "netns"))
		return once(seen, SEEN_NETNS, w[0]) ? -EINVAL :
		       copy_word(r->netns, sizeof(r->netns), w[1]) ?
		       sfw_fail(EINVAL, "namespace name too long") : 0;
	if (n == 2 && !strcmp(w[0], "max-sessions"))
		return once(seen, SEEN_MAX, w[0]) ? -EINVAL : parse_u32(w[1], &r->max_sessions);
	if (n == 1 && !strcmp(w[0], "forward")) {
		r->forward = true;
		return once(seen, SEEN_FORWARD, w[0]);
	}
	return sfw_fail(EINVAL, "unknown setting '%s'", w[0]);
}

/* "CONTEXT: message" for what, or for the message in force: copied first,
 * as sfw_fail writes the buffer sfw_last_error reads. */
static int with_context(const char *what, const char *fmt, ...)
{
	char msg[256], ctx[CONF_PATH_LEN + 16];
	va_list ap;

	snprintf(msg, sizeof(msg), "%s", what ? what : sfw_last_error());
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	return sfw_fail(EINVAL, "%s: %s", ctx, msg);
}

int sfw_record_parse(const char *text, struct sfw_attach_record *r)
{
	char *copy = strdup(text), *line, *next, *w[MAX_WORDS], first[512];
	int no = 0, n, err = 0;
	unsigned seen = 0;

	memset(r, 0, sizeof(*r));
	if (!copy)
		return sfw_fail(ENOMEM, "out of memory");
	/* every line, the first error kept: what is readable is attached */
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* CR LF as LF, as sfw.conf (conf/parse.c): an editor's line
		 * ends must not damage every line, the place's too */
		if (*line && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		no++;
		if (*line == '#')
			continue;
		n = split(line, w);
		if (n && (n > MAX_WORDS || parse_line(r, w, n, &seen)) && !err) {
			err = with_context(n > MAX_WORDS ? "too many words" : NULL, "line %d", no);
			snprintf(first, sizeof(first), "%s", sfw_last_error());
		}
	}
	free(copy);
	if (!err && (!r->pin_root[0] || !r->netns[0]))
		return sfw_fail(EINVAL, "no %s line", r->pin_root[0] ? "netns" : "pin-root");
	return err ? sfw_fail(EINVAL, "%s", first) : 0;
}

int sfw_record_format(const struct sfw_attach_record *r, char *buf, size_t len)
{
	size_t off = 0;
	int w;

#define OUT(...) do { \
		w = snprintf(buf + off, len - off, __VA_ARGS__); \
		if (w < 0 || (size_t)w >= len - off) \
			return -ENOSPC; \
		off += (size_t)w; \
	} while (0)
	OUT("%spin-root %s\nnetns %s\n", header, r->pin_root, r->netns);
	if (r->max_sessions)
		OUT("max-sessions %u\n", r->max_sessions);
	if (r->forward)
		OUT("forward\n");
	for (int i = 0; i < r->n; i++)
		OUT("interface %s %s\n", r->iface[i].name,
		    r->iface[i].mode == SFW_XDP_MODE_GENERIC ? "generic" : "native");
#undef OUT
	return (int)off;
}

int sfw_record_read(const char *pin_root, struct sfw_attach_record *r)
{
	char path[CONF_PATH_LEN], *text = NULL;
	size_t len = 0;
	int err;

	if (sfw_record_path(pin_root, path, sizeof(path)))
		return -ENAMETOOLONG;
	memset(r, 0, sizeof(*r));   /* (after: pin_root may be r's own) */
	if (access(path, F_OK) && errno == ENOENT)
		return -ENOENT;
	err = conf_read_file(path, &text, &len);
	if (!err && strlen(text) != len)
		err = sfw_fail(EINVAL, "%s: not a text file", path);
	if (!err && sfw_record_parse(text, r))
		err = with_context(NULL, "%s", path);
	free(text);
	return err;
}

int sfw_record_write(const struct sfw_attach_record *r)
{
	char path[CONF_PATH_LEN], *text;
	size_t size = 4096 + (size_t)r->n * 64;
	struct stat st;
	int len, err;

	if (sfw_record_path(r->pin_root, path, sizeof(path)))
		return -ENAMETOOLONG;
	if (!r->n) {
		/* (none there, on a read-only filesystem too: nothing to say) */
		if (lstat(path, &st) || !unlink(path) || errno == ENOENT)
			return 0;
		return sfw_fail(errno, "cannot remove %s: %s", path, strerror(errno));
	}
	text = malloc(size);
	if (!text)
		return sfw_fail(ENOMEM, "out of memory");
	len = sfw_record_format(r, text, size);
	err = len < 0 ? sfw_fail(ENOSPC, "the record of %d interfaces is too long", r->n)
		      : conf_make_dir(sfw_conf_dir());
	if (!err)
		err = conf_write_own_file(path, text, (size_t)len);
	free(text);
	return err;
}
