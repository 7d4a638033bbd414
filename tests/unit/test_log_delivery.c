/* A log line is in its file when sfw_sinks_write returns (the daemon lets
 * the ring record go only then), and a daemon that meets again the record
 * the last one was writing when it was killed writes its line only where
 * it is missing (docs/events.md, "Delivery"). A kill is a sfw_sinks_close
 * without sfw_sinks_unmark: the mark file keeps what was being written. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "loader.h"
#include "log_sink.h"

static char dir[64], text_log[96], json_log[96], mark[96];

static void setup(void)
{
	strcpy(dir, "/tmp/sfw-delivery-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(text_log, sizeof(text_log), "%s/log.txt", dir);
	snprintf(json_log, sizeof(json_log), "%s/log.json", dir);
	snprintf(mark, sizeof(mark), "%s/log.mark", dir);
}

static void teardown(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(log_delivery, .init = setup, .fini = teardown);

static const struct sfw_log_env env = { .hostname = "fw1" };

/* A CREATE of session `id` (its id and port tell the lines apart), every
 * byte set as in a ring record. */
static struct sfw_event event(__u64 id)
{
	struct sfw_event e;

	memset(&e, 0, sizeof(e));
	e.type = SFW_EV_CREATE;
	e.time_ns = 1000000000ull;
	e.key.family = SFW_FAMILY_INET;
	e.key.proto = 17;
	e.key.port_lo = (__u16)id;
	e.sess.id = id;
	return e;
}

/* A daemon's sinks: both files, and the mark. */
static void open_daemon(struct sfw_log_sinks *s)
{
	struct sfw_log_opts o = { .file = text_log, .json_file = json_log };

	cr_assert_eq(sfw_sinks_open(s, &o), 0, "%s", sfw_last_error());
	cr_assert_eq(sfw_sinks_mark(s, mark), 0, "%s", sfw_last_error());
}

static void put(struct sfw_log_sinks *s, __u64 id, __u64 pos)
{
	struct sfw_event e = event(id);
	struct sfw_ring_at at = { .ring = 7, .pos = pos };

	sfw_sinks_write(s, &e, &env, &at);
}

static int lines(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	int n = 0;

	cr_assert_not_null(f);
	while (fgets(buf, sizeof(buf), f))
		n += buf[strlen(buf) - 1] == '\n';
	fclose(f);
	return n;
}

/* Lines holding `"session-id":N` (JSON) or `session-id="N"` (text). */
static int lines_of(const char *path, __u64 id)
{
	char buf[4096], json[48], text[48];
	FILE *f = fopen(path, "r");
	const char *j;
	int n = 0;

	cr_assert_not_null(f);
	snprintf(json, sizeof(json), "\"session-id\":%llu", (unsigned long long)id);
	snprintf(text, sizeof(text), "session-id=\"%llu\"", (unsigned long long)id);
	while (fgets(buf, sizeof(buf), f)) {
		j = strstr(buf, json);
		n += (j && (j[strlen(json)] == ',' || j[strlen(json)] == '}')) || strstr(buf, text);
	}
	fclose(f);
	return n;
}

/* The last line cut off, as if the kill came before its write. */
static void drop_last_line(const char *path)
{
	char buf[65536];
	int fd = open(path, O_RDWR);
	ssize_t n = read(fd, buf, sizeof(buf));
	ssize_t end = n - 1;

	cr_assert_gt(n, 0);
	while (end > 0 && buf[end - 1] != '\n')
		end--;
	cr_assert_eq(ftruncate(fd, end), 0);
	close(fd);
}

static void assert_each_once(__u64 first, __u64 last)
{
	for (__u64 id = first; id <= last; id++) {
		cr_assert_eq(lines_of(text_log, id), 1, "session %llu: %d text lines", id,
			     lines_of(text_log, id));
		cr_assert_eq(lines_of(json_log, id), 1, "session %llu: %d JSON lines", id,
			     lines_of(json_log, id));
	}
	cr_assert_eq(lines(text_log), (int)(last - first + 1));
	cr_assert_eq(lines(json_log), (int)(last - first + 1));
}

Test(log_delivery, line_in_the_file_when_write_returns)
{
	struct sfw_log_opts o = { .file = text_log, .json_file = json_log };
	struct sfw_log_sinks s;
	struct sfw_event e = event(5);

	cr_assert_eq(sfw_sinks_open(&s, &o), 0, "%s", sfw_last_error());
	sfw_sinks_write(&s, &e, &env, NULL);
	/* no flush, no close: a SIGKILL now would find them there */
	cr_assert_eq(lines_of(text_log, 5), 1);
	cr_assert_eq(lines_of(json_log, 5), 1);
	sfw_sinks_close(&s);
	assert_each_once(5, 5);
}

/* Killed after writing record 2, before libbpf let it go: the next
 * daemon reads it again at the same place and writes it nowhere twice. */
Test(log_delivery, written_record_met_again_not_written_twice)
{
	struct sfw_log_sinks a, b;

	open_daemon(&a);
	put(&a, 1, 0);
	put(&a, 2, 208);
	sfw_sinks_close(&a);
	open_daemon(&b);
	put(&b, 2, 208);
	put(&b, 3, 416);
	sfw_sinks_unmark(&b);
	sfw_sinks_close(&b);
	assert_each_once(1, 3);
}

/* Killed after marking record 2, before its write: it is written. */
Test(log_delivery, marked_record_not_written_is_written)
{
	struct sfw_log_sinks a, b;

	open_daemon(&a);
	put(&a, 1, 0);
	put(&a, 2, 208);
	sfw_sinks_close(&a);
	drop_last_line(text_log);
	drop_last_line(json_log);
	open_daemon(&b);
	put(&b, 2, 208);
	sfw_sinks_close(&b);
	assert_each_once(1, 2);
}

/* Killed between the two files' writes: only the JSON line is missing. */
Test(log_delivery, one_file_written_the_other_not)
{
	struct sfw_log_sinks a, b;

	open_daemon(&a);
	put(&a, 1, 0);
	put(&a, 2, 208);
	sfw_sinks_close(&a);
	drop_last_line(json_log);
	open_daemon(&b);
	put(&b, 2, 208);
	sfw_sinks_close(&b);
	assert_each_once(1, 2);
}

/* Two records of the same bytes one after the other (two denies of one
 * tuple in one clock tick): the second's line, missing, is written
 * although the file ends with an equal one, which is the first's. */
Test(log_delivery, equal_line_before_is_another_record)
{
	struct sfw_log_sinks a, b;

	open_daemon(&a);
	put(&a, 1, 0);
	put(&a, 1, 208);
	sfw_sinks_close(&a);
	drop_last_line(text_log);
	drop_last_line(json_log);
	open_daemon(&b);
	put(&b, 1, 208);
	sfw_sinks_close(&b);
	cr_assert_eq(lines_of(text_log, 1), 2);
	cr_assert_eq(lines_of(json_log, 1), 2);
}

/* What a daemon that stopped cleanly, or another ring's record at the
 * same position, says nothing about: written. */
Test(log_delivery, mark_of_a_clean_stop_or_another_ring_skips_nothing)
{
	struct sfw_log_sinks a, b;
	struct sfw_event e = event(1);
	struct sfw_ring_at other = { .ring = 8, .pos = 0 };

	open_daemon(&a);
	put(&a, 1, 0);
	sfw_sinks_close(&a);
	open_daemon(&b);
	sfw_sinks_write(&b, &e, &env, &other);
	put(&b, 2, 208);
	sfw_sinks_unmark(&b);
	sfw_sinks_close(&b);
	open_daemon(&a);
	put(&a, 2, 208);
	sfw_sinks_close(&a);
	cr_assert_eq(lines_of(json_log, 1), 2);
	cr_assert_eq(lines_of(json_log, 2), 2);
}

/* A daemon that stopped before meeting the record the killed one was
 * writing (it never read that ring) leaves it marked for the next. */
Test(log_delivery, record_not_met_stays_marked)
{
	struct sfw_log_sinks a, b;

	open_daemon(&a);
	put(&a, 1, 0);
	sfw_sinks_close(&a);
	open_daemon(&b);
	sfw_sinks_unmark(&b);
	sfw_sinks_close(&b);
	open_daemon(&a);
	put(&a, 1, 0);
	put(&a, 2, 208);
	sfw_sinks_close(&a);
	assert_each_once(1, 2);
}
