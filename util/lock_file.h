/* An exclusive flock on a lock file of the caller's (made 0600, never
 * through a link), waited for: the store's commits, the shared
 * candidate and the event rings' claims take turns on one each. */
#ifndef SFW_LOCK_FILE_H
#define SFW_LOCK_FILE_H

/* The locked descriptor (close it to let go), or a negative errno said
 * with the path (sfw_fail). */
int sfw_lock_file(const char *path);

#endif
