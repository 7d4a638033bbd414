/* Internal to the loader: waiting until no XDP or tc program still
 * judges a packet by what the maps held before (policy_write.c, between
 * generations; zone_moves.c, after taking interfaces out of their zone). */
#ifndef SFW_RCU_WAIT_H
#define SFW_RCU_WAIT_H

/* Returns once every XDP and tc program running when it was called has
 * finished; 0 or a negative errno with a message. */
int sfw_wait_datapath(void);

#endif
