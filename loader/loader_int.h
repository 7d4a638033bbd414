/* Internal to the loader: what its files call of each other. */
#ifndef SFW_LOADER_INT_H
#define SFW_LOADER_INT_H

#include "loader.h"

/* The kernel's id of a loaded program (0 when it cannot be read). */
__u32 sfw_prog_id(int prog_fd);
/* The config map after a load (config.c): the defaults when it is fresh,
 * failing closed instead when asked; and the session table's limit. */
int sfw_config_init(const struct sfw_attach_opts *opts, bool *fresh);
int sfw_config_set_limit(__u32 capacity);

#endif
