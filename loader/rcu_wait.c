/* Waiting out the datapath's packets in flight (rcu_wait.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "rcu_wait.h"

/* Returns once every XDP and tc program that was running when it was
 * called has finished. Those run inside RCU read-side sections, and the
 * kernel answers an update of a map-in-map only after an RCU grace
 * period (synchronize_rcu, so that user space knows no program still uses
 * the old inner map): one throwaway update is that wait, no sleep and no
 * guess at how long a packet takes. */
int sfw_wait_datapath(void)
{
	int inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "sfw_rcu_inner", 4, 4, 1, NULL);
	LIBBPF_OPTS(bpf_map_create_opts, o, .inner_map_fd = inner);
	int outer = inner < 0 ? -1 :
		bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "sfw_rcu_wait", 4, 4, 1, &o);
	__u32 zero = 0;
	int err = 0;

	if (outer < 0 || bpf_map_update_elem(outer, &zero, &inner, BPF_ANY))
		err = sfw_fail(errno, "cannot wait for the datapath to leave the old "
			       "configuration: %s", strerror(errno));
	if (outer >= 0)
		close(outer);
	if (inner >= 0)
		close(inner);
	return err;
}
