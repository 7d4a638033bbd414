/* Bounded reads of ring buffers (loader/ring_read.h says why). */
#include <errno.h>
#include "ring_read.h"

/* What a callback returns at the end of the budget; no callback and no
 * libbpf path returns it otherwise (callbacks return 0 or their own
 * errors, which are passed on). */
#define BUDGET_SPENT (-EALREADY)

int sfw_ring_read_add(struct sfw_ring_read *r, int map_fd, ring_buffer_sample_fn fn, void *ctx)
{
	if (r->rb)
		return ring_buffer__add(r->rb, map_fd, fn, ctx);
	r->rb = ring_buffer__new(map_fd, fn, ctx, NULL);
	return r->rb ? 0 : -errno;
}

int sfw_ring_read_spend(struct sfw_ring_read *r)
{
	if (r->left == 0)
		return 0;          /* no limit */
	return --r->left ? 0 : BUDGET_SPENT;
}

int sfw_ring_read(struct sfw_ring_read *r, unsigned int budget)
{
	int n;

	if (!r->rb)
		return 0;
	r->left = budget;
	n = ring_buffer__consume(r->rb);
	r->left = 0;
	if (n == BUDGET_SPENT)
		return 1;
	return n < 0 ? n : 0;
}

int sfw_ring_read_fd(const struct sfw_ring_read *r)
{
	return r->rb ? ring_buffer__epoll_fd(r->rb) : -1;
}

void sfw_ring_read_free(struct sfw_ring_read *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
	r->left = 0;
}
