/* The record of what sfw is attached to (SFW_CONF_DIR/attached): pins do
 * not outlive a reboot, so without it a host boots unfiltered. attach and
 * detach write it, detach all removes it, and `sfw restore` (the boot
 * unit, docs/sfw-attach.service) attaches the same interfaces again, in
 * the same modes, on a table of the same size. */
#ifndef SFW_CONF_ATTACH_RECORD_H
#define SFW_CONF_ATTACH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "iface.h"
#include "maps.h"

#define SFW_RECORD_FILE "attached"
#define SFW_RECORD_ROOT_MAX 256
/* the host's own network namespace (PID 1's) in the record's netns line */
#define SFW_RECORD_HOST_NETNS "-"

struct sfw_record_iface {
	char name[SFW_IFNAMSIZ];
	__u32 mode;           /* enum sfw_xdp_mode */
};

struct sfw_attach_record {
	char pin_root[SFW_RECORD_ROOT_MAX];   /* as sfw_record_root writes it */
	/* SFW_RECORD_HOST_NETNS, or the namespace's name under /run/netns:
	 * interface names mean something in one namespace only */
	char netns[64];
	__u32 max_sessions;   /* the table's capacity; 0: the default */
	bool forward;         /* attach ... forward */
	int n;
	struct sfw_record_iface iface[SFW_MAX_IFACES];
};

/* The record's text; 0, or -EINVAL with "line N: ..." (sfw_last_error)
 * for the first line it cannot read, or "no pin-root line" ("netns"), r
 * then holding every line it could read. */
int sfw_record_parse(const char *text, struct sfw_attach_record *r);
/* The text of r into buf; its length, or -ENOSPC. */
int sfw_record_format(const struct sfw_attach_record *r, char *buf, size_t len);
/* The record of the pin root: 0, -ENOENT (none, no message) or -errno
 * with one (-EINVAL: r holds what could be read, as sfw_record_parse). */
int sfw_record_read(const char *pin_root, struct sfw_attach_record *r);
/* Writes r whole, as the record of r->pin_root (written beside it, synced,
 * renamed over it); a record of no interface removes the file. */
int sfw_record_write(const struct sfw_attach_record *r);
/* The file of the pin root's record. */
int sfw_record_path(const char *pin_root, char *buf, size_t len);
/* The pin root as records name it: its slashes doubled or trailing
 * dropped, so one directory has one name however SFW_PIN_ROOT spells it. */
int sfw_record_root(const char *pin_root, char *buf, size_t len);
/* Index of the interface named name in r, or -1. */
int sfw_record_find(const struct sfw_attach_record *r, const char *name);

#endif
