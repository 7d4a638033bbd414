/* Junos's own machine output (`| display xml`, `| display json`): a reply
 * is described once, as calls that open, fill and close elements, and
 * written by one of two backends: the RPC reply's XML, or the JSON Junos
 * derives from it (every element an array of objects, a leaf's text under
 * "data", attributes under "attributes"). docs/junos-layouts.md has the
 * shapes and where they come from. Streamed: a million sessions never sit
 * in memory. */
#ifndef SFW_CLI_JUNOS_OUT_H
#define SFW_CLI_JUNOS_OUT_H

#include <stdbool.h>
#include <linux/types.h>
#include "obuf.h"

/* What a show command prints: its text, or one of Junos's reply forms. */
enum sfw_display {
	SFW_DISPLAY_TEXT,
	SFW_DISPLAY_XML,
	SFW_DISPLAY_JSON,
	SFW_DISPLAY_SET,     /* configuration as set lines, not braces */
};

#define SFW_JX_DEPTH 16

struct sfw_jx {
	struct sfw_obuf *ob;
	enum sfw_display form;
	int depth;                            /* elements open */
	/* JSON: per open object, whether it has a member, and the name of the
	 * array of its last member (siblings of one name share one array) */
	bool has_member[SFW_JX_DEPTH + 1];
	const char *array[SFW_JX_DEPTH + 1];
};

/* sfw's release, which stands where Junos's namespaces name its release
 * (cli/core/cmd_version.c). */
extern const char sfw_release[];

/* `<rpc-reply xmlns:junos=...>` (XML) or `{` (JSON) ... `}`. */
void sfw_jx_begin(struct sfw_jx *x, struct sfw_obuf *ob, enum sfw_display form,
		  const char *release);
void sfw_jx_end(struct sfw_jx *x);
/* An element; attr/value: one attribute, or NULL. */
void sfw_jx_open(struct sfw_jx *x, const char *name, const char *attr, const char *value);
void sfw_jx_close(struct sfw_jx *x, const char *name);
void sfw_jx_leaf(struct sfw_jx *x, const char *name, const char *text);
void sfw_jx_leaf_u64(struct sfw_jx *x, const char *name, __u64 v);
void sfw_jx_leaf_hex(struct sfw_jx *x, const char *name, __u64 v);   /* 0x... */

/* Text as XML character data or attribute value: <&>"' escaped, UTF-8
 * kept, a byte that is not UTF-8 and control characters XML 1.0 cannot
 * hold become U+FFFD. */
void sfw_xml_text(struct sfw_obuf *o, const char *s);

#endif
