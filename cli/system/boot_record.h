/* The record of the attached interfaces, kept by attach, detach and
 * reload (cli/system/boot_record.c, conf/attach_record.h). */
#ifndef SFW_CLI_BOOT_RECORD_H
#define SFW_CLI_BOOT_RECORD_H

#include <stdio.h>
#include "attach_record.h"
#include "json.h"
#include "loader.h"

/* Writes the record from what is attached now (detached: the names this
 * command detached); a failure is a warning on err (NULL: none), never
 * the command's. */
void sfw_record_update(FILE *err, const char *const *detached, int ndetached);
/* detach all: nothing to restore. */
void sfw_record_forget(FILE *err);
/* This instance's place: the pin root as records name it, and the
 * network namespace; -1 (netns empty) in a namespace without a name. */
int sfw_record_place(struct sfw_attach_record *r);
/* r, read from here's pin root, as this instance's: a damaged pin-root
 * or netns line taken as here's (the file is the pin root's own,
 * sfw_record_path); 0 when it is here's place, else -EINVAL with a
 * message: a record is never applied elsewhere. */
int sfw_record_own(struct sfw_attach_record *r, const struct sfw_attach_record *here);
/* detach of an interface that is not attached: 1 when the record held
 * it, and no longer does. */
int sfw_record_drop(const char *name);

/* Is name in this instance's record, read as far as it reads? */
bool sfw_record_holds(const char *name);

/* `sfw status`: does the record bring back what is attached now? */
struct sfw_record_view {
	char path[4096];
	int n;                          /* interfaces recorded; 0: see why */
	char why[4200];
	char damage[4200];              /* a line restore cannot read */
	int n_missing;                  /* attached, not recorded */
	const char *missing[SFW_MAX_IFACES];   /* names in the entries read */
};
void sfw_record_view_read(struct sfw_record_view *v, const struct sfw_iface_entry *ifs, int n);
void sfw_record_text(FILE *f, const struct sfw_record_view *v);
void sfw_record_json(struct sfw_json *j, const struct sfw_record_view *v);

#endif
