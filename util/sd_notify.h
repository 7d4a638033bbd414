/* systemd's readiness protocol (sd_notify(3)), without libsystemd: the
 * session daemon's READY=1 and STOPPING=1, and `sfw restore watch`'s. */
#ifndef SFW_SD_NOTIFY_H
#define SFW_SD_NOTIFY_H

/* Sends state to the socket at path (NOTIFY_SOCKET's value: a file, or
 * an abstract name after '@'); nothing when path is NULL or not one. */
void sfw_sd_notify(const char *path, const char *state);

#endif
