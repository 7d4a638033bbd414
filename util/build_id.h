/* An executable's GNU build ID (the NT_GNU_BUILD_ID note the linker
 * writes: a hash of the build's content), read from its file: two copies
 * of one build have the same, any rebuild that changed it another. */
#ifndef SFW_BUILD_ID_H
#define SFW_BUILD_ID_H

#include <stddef.h>

#define SFW_BUILD_ID_MAX 64   /* sha1's 20 bytes, with room for others */

/* The build ID of the 64-bit ELF file at path (a /proc/PID/exe reads a
 * deleted one too) into id: its length, or a negative errno (-ENOEXEC:
 * not such a file; -ENOENT: it has none). */
int sfw_build_id(const char *path, unsigned char id[SFW_BUILD_ID_MAX]);

#endif
