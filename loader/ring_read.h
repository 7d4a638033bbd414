/* Reading the daemon's rings a bounded number of records at a time.
 * libbpf's consume reads a ring until it is empty: after a burst of
 * logged events (hundreds of thousands in a full ring) the daemon stayed
 * in it for seconds and swept nothing while the table filled. A budget
 * hands control back after so many records; what is left is read on the
 * next turn of the loop, after a sweep step if one is due. */
#ifndef SFW_LOADER_RING_READ_H
#define SFW_LOADER_RING_READ_H

#include "libbpf_lazy.h"

struct sfw_ring_read {
	struct ring_buffer *rb;
	unsigned int left;   /* records this read may still hand out */
};

/* Adds a ring; rings are read in the order added, so add the small ones
 * (wake-ups, rate-limited denies) before a busy one: a read that stops
 * at its budget stops inside the ring that spent it. */
int sfw_ring_read_add(struct sfw_ring_read *r, int map_fd, ring_buffer_sample_fn fn, void *ctx);
/* Called by a callback after it has handled its record: 0, or a negative
 * value it must return so libbpf stops after this record (libbpf counts
 * the record read before it calls back). */
int sfw_ring_read_spend(struct sfw_ring_read *r);
/* Reads at most `budget` records (0: no limit). 1 when it stopped at its
 * budget (more may wait), 0 when the rings were read to their end, or a
 * callback's own negative errno. */
int sfw_ring_read(struct sfw_ring_read *r, unsigned int budget);
/* The epoll fd that becomes readable when a ring has records. */
int sfw_ring_read_fd(const struct sfw_ring_read *r);
void sfw_ring_read_free(struct sfw_ring_read *r);

#endif
