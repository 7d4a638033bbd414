/* Writes to the names map that a refused commit takes back. The names
 * map holds no generations: a commit writes its zone, policy and tally
 * names (policy_tally.c) before the checks that can still refuse it
 * (flow_settings, the moved interfaces' sessions), so each write records
 * what it replaced, and a refusal puts that back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "policy_write.h"

struct sfw_names_old {
	struct sfw_name_key k;
	struct sfw_name v;
	bool had;              /* false: the key was absent */
};

static int remember(struct sfw_names_log *log, const struct sfw_name_key *k)
{
	struct sfw_names_old *o;

	if (log->n == log->cap) {
		int cap = log->cap ? log->cap * 2 : 64;

		o = realloc(log->old, (size_t)cap * sizeof(*o));
		if (!o)
			return sfw_fail(ENOMEM, "out of memory");
		log->old = o;
		log->cap = cap;
	}
	o = &log->old[log->n];
	memset(o, 0, sizeof(*o));
	o->k = *k;
	o->had = !bpf_map_lookup_elem(log->fd, k, &o->v);
	log->n++;
	return 0;
}

int sfw_names_put(struct sfw_names_log *log, const struct sfw_name_key *k,
		  const struct sfw_name *v)
{
	int err = remember(log, k);

	if (err)
		return err;
	if (bpf_map_update_elem(log->fd, k, v, BPF_ANY))
		return sfw_fail(errno, "cannot write the names map: %s", strerror(errno));
	return 0;
}

/* Newest first, so a key written twice ends with what it held before. */
void sfw_names_undo(struct sfw_names_log *log)
{
	for (int i = log->n - 1; i >= 0; i--) {
		const struct sfw_names_old *o = &log->old[i];

		if (o->had)
			bpf_map_update_elem(log->fd, &o->k, &o->v, BPF_ANY);
		else
			bpf_map_delete_elem(log->fd, &o->k);
	}
	log->n = 0;
}

void sfw_names_log_free(struct sfw_names_log *log)
{
	free(log->old);
	log->old = NULL;
	log->n = log->cap = 0;
}
