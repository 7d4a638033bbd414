/* Fixed-width types for headers shared by BPF and user space.
 * BPF code sees vmlinux.h; user space sees the UAPI headers. Byte order
 * lives in the type (__be16 is network order everywhere). */
#ifndef SFW_TYPES_H
#define SFW_TYPES_H

#ifdef __BPF__
#include "vmlinux.h"
#else
#include <linux/types.h>
#include <stddef.h>
#endif

#define SFW_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)

#endif
