/* The loaded objects with their skeletons, for code that reaches into
 * their maps and programs: progs.c, the BPF test fixture, the benches. */
#ifndef SFW_PROGS_SKEL_H
#define SFW_PROGS_SKEL_H

#include "progs.h"
#include "xdp_ingress.skel.h"
#include "tc_egress.skel.h"

#endif
