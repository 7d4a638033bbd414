/* The map walk when sessions vanish under it: a key deleted by someone
 * else between the lookup and our delete is skipped, not counted, and the
 * walk goes on. Both the batched and the portable walk. */
#include <criterion/criterion.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "flow_fixture.h"
#include "protocols.h"
#include "session_walk.h"

struct race {
	int fd;
	int visited, deleted;
};

/* Plays the datapath's LRU eviction: removes every other session itself
 * just before asking the walker to delete it. */
static int racing_visit(const struct sfw_session_key *k, const struct sfw_session *s,
			void *arg)
{
	struct race *r = arg;

	if (s->id % 2 == 0)
		bpf_map_delete_elem(r->fd, k);
	r->visited++;
	return SFW_WALK_DELETE;
}

static void count_deleted(const struct sfw_session_key *k, const struct sfw_session *s,
			  void *arg)
{
	(void)k;
	(void)s;
	((struct race *)arg)->deleted++;
}

static void run(bool batched)
{
	const int n = SFW_WALK_BATCH + 500;
	struct race r = { 0 };
	struct sfw_walk_ops ops = {
		.visit = racing_visit, .deleted = count_deleted, .arg = &r,
	};
	int i;

	r.fd = uf_map((__u32)n);
	cr_assert_geq(r.fd, 0);
	for (i = 0; i < n; i++) {
		struct uf_spec s = {
			.id = (__u64)i + 1, .src = "192.0.2.1", .dst = "192.0.2.2",
			.sport = (__u16)(i + 1), .dport = 80, .proto = SFW_IPPROTO_TCP,
			.timeout_s = 60,
		};
		cr_assert_eq(uf_add(r.fd, &s), 0);
	}
	sfw_walk_no_batch = !batched;
	cr_assert_eq(sfw_walk_sessions(r.fd, &ops), 0);
	sfw_walk_no_batch = false;
	cr_assert_eq(r.visited, n);
	cr_assert_eq(r.deleted, n / 2);
	cr_assert_eq(uf_count(r.fd), 0);
	close(r.fd);
}

Test(session_walk, vanished_keys_batched)
{
	run(true);
}

Test(session_walk, vanished_keys_portable)
{
	run(false);
}

static int stop_at_first(const struct sfw_session_key *k, const struct sfw_session *s,
			 void *arg)
{
	(void)k;
	(void)s;
	(*(int *)arg)++;
	return SFW_WALK_STOP;
}

Test(session_walk, stop_ends_the_walk)
{
	int fd = uf_map(64), seen = 0, i;
	struct sfw_walk_ops ops = { .visit = stop_at_first, .arg = &seen };

	for (i = 0; i < 10; i++) {
		struct uf_spec s = { .id = (__u64)i + 1, .src = "192.0.2.1", .dst = "192.0.2.2",
				     .sport = (__u16)(i + 1), .proto = SFW_IPPROTO_UDP };
		cr_assert_eq(uf_add(fd, &s), 0);
	}
	cr_assert_eq(sfw_walk_sessions(fd, &ops), 0);
	cr_assert_eq(seen, 1);
	sfw_walk_no_batch = true;
	cr_assert_eq(sfw_walk_sessions(fd, &ops), 0);
	sfw_walk_no_batch = false;
	cr_assert_eq(seen, 2);
	close(fd);
}

Test(session_walk, bad_fd_is_an_error_not_a_crash)
{
	int seen = 0;
	struct sfw_walk_ops ops = { .visit = stop_at_first, .arg = &seen };

	cr_assert_lt(sfw_walk_sessions(-1, &ops), 0);
	cr_assert_eq(seen, 0);
}
