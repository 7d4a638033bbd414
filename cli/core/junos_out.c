/* The two writers of a Junos reply (junos_out.h). */
#include "json.h"
#include "junos_out.h"

#define XML_INDENT 4     /* Junos's XML and JSON indent by 4 */

static void indent(struct sfw_jx *x, int level)
{
	static const char spaces[] = "                                                  ";
	size_t n = (size_t)level * XML_INDENT;

	sfw_ob_mem(x->ob, spaces, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1);
}

void sfw_xml_text(struct sfw_obuf *o, const char *s)
{
	/* printable ASCII but <>&"' : copied by the run, not a byte at a time */
	static const bool plain[256] = {
		[0x20 ... 0x21] = true, [0x23 ... 0x25] = true, [0x28 ... 0x3b] = true,
		[0x3d] = true, [0x3f ... 0x7f] = true,
	};

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t run = 0;
		int n;

		while (plain[(unsigned char)s[run]])
			run++;
		if (run) {
			sfw_ob_mem(o, s, run);
			s += run - 1;
			continue;
		}
		switch (c) {
		case '<': sfw_ob_str(o, "&lt;"); continue;
		case '>': sfw_ob_str(o, "&gt;"); continue;
		case '&': sfw_ob_str(o, "&amp;"); continue;
		case '"': sfw_ob_str(o, "&quot;"); continue;
		case '\'': sfw_ob_str(o, "&apos;"); continue;
		}
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			sfw_ob_str(o, SFW_UTF8_REPLACEMENT);
		else if (c < 0x80)
			sfw_ob_mem(o, s, 1);
		else if ((n = sfw_utf8_seq(s)) != 0)
			sfw_ob_mem(o, s, (size_t)n), s += n - 1;
		else
			sfw_ob_str(o, SFW_UTF8_REPLACEMENT);
	}
}

/* JSON: a member of the object open at x->depth: a new array, or one
 * more object in the array its previous sibling of that name opened. */
static void json_member(struct sfw_jx *x, const char *name)
{
	int d = x->depth;

	if (x->array[d] && !strcmp(x->array[d], name)) {
		sfw_ob_str(x->ob, ",\n");
	} else {
		if (x->array[d]) {
			sfw_ob_mem(x->ob, "\n", 1);
			indent(x, d);
			sfw_ob_mem(x->ob, "]", 1);
		}
		sfw_ob_str(x->ob, x->has_member[d] ? ",\n" : "\n");
		indent(x, d);
		sfw_json_quote(x->ob, name);
		sfw_ob_str(x->ob, " : [\n");
		x->array[d] = name;
		x->has_member[d] = true;
	}
	indent(x, d);
	sfw_ob_mem(x->ob, "{", 1);
}

/* JSON: the end of the object open at x->depth (its arrays first). */
static void json_end_object(struct sfw_jx *x, int level)
{
	int d = x->depth;

	if (x->array[d]) {
		sfw_ob_mem(x->ob, "\n", 1);
		indent(x, d);
		sfw_ob_mem(x->ob, "]", 1);
	}
	sfw_ob_mem(x->ob, "\n", 1);
	indent(x, level);
	sfw_ob_mem(x->ob, "}", 1);
}

static void push(struct sfw_jx *x)
{
	if (x->depth < SFW_JX_DEPTH)
		x->depth++;
	x->has_member[x->depth] = false;
	x->array[x->depth] = NULL;
}

void sfw_jx_begin(struct sfw_jx *x, struct sfw_obuf *ob, enum sfw_display form,
		  const char *release)
{
	x->ob = ob;
	x->form = form;
	x->depth = 0;
	if (form == SFW_DISPLAY_XML) {
		sfw_ob_str(ob, "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/");
		sfw_xml_text(ob, release);
		sfw_ob_str(ob, "/junos\">\n");
	} else {
		sfw_ob_mem(ob, "{", 1);
	}
	push(x);
}

void sfw_jx_end(struct sfw_jx *x)
{
	if (x->form == SFW_DISPLAY_XML) {
		/* what the Junos CLI adds to every reply: the prompt banner */
		sfw_jx_open(x, "cli", NULL, NULL);
		sfw_jx_leaf(x, "banner", "");
		sfw_jx_close(x, "cli");
		sfw_ob_str(x->ob, "</rpc-reply>\n");
	} else {
		json_end_object(x, 0);
		sfw_ob_mem(x->ob, "\n", 1);
	}
	x->depth = 0;
	sfw_ob_flush(x->ob);
}

void sfw_jx_open(struct sfw_jx *x, const char *name, const char *attr, const char *value)
{
	if (x->form == SFW_DISPLAY_XML) {
		indent(x, x->depth);
		sfw_ob_mem(x->ob, "<", 1);
		sfw_ob_str(x->ob, name);
		if (attr) {
			sfw_ob_mem(x->ob, " ", 1);
			sfw_ob_str(x->ob, attr);
			sfw_ob_str(x->ob, "=\"");
			sfw_xml_text(x->ob, value);
			sfw_ob_mem(x->ob, "\"", 1);
		}
		sfw_ob_str(x->ob, ">\n");
		push(x);
		return;
	}
	json_member(x, name);
	push(x);
	if (attr) {
		sfw_ob_mem(x->ob, "\n", 1);
		indent(x, x->depth);
		sfw_ob_str(x->ob, "\"attributes\" : {");
		sfw_json_quote(x->ob, attr);
		sfw_ob_str(x->ob, " : ");
		sfw_json_quote(x->ob, value);
		sfw_ob_mem(x->ob, "}", 1);
		x->has_member[x->depth] = true;
	}
}

void sfw_jx_close(struct sfw_jx *x, const char *name)
{
	if (x->form == SFW_DISPLAY_XML) {
		x->depth--;
		indent(x, x->depth);
		sfw_ob_str(x->ob, "</");
		sfw_ob_str(x->ob, name);
		sfw_ob_str(x->ob, ">\n");
		return;
	}
	json_end_object(x, x->depth - 1);
	x->depth--;
}

/* A leaf is written as begin, its value, end: XML's <name>...</name>,
 * JSON's member with the value under "data". */
static void leaf_begin(struct sfw_jx *x, const char *name)
{
	if (x->form == SFW_DISPLAY_XML) {
		indent(x, x->depth);
		sfw_ob_mem(x->ob, "<", 1);
		sfw_ob_str(x->ob, name);
		sfw_ob_mem(x->ob, ">", 1);
		return;
	}
	json_member(x, name);
	sfw_ob_mem(x->ob, "\n", 1);
	indent(x, x->depth + 1);
	sfw_ob_str(x->ob, "\"data\" : ");
}

static void leaf_end(struct sfw_jx *x, const char *name)
{
	if (x->form == SFW_DISPLAY_XML) {
		sfw_ob_str(x->ob, "</");
		sfw_ob_str(x->ob, name);
		sfw_ob_str(x->ob, ">\n");
		return;
	}
	sfw_ob_mem(x->ob, "\n", 1);
	indent(x, x->depth);
	sfw_ob_mem(x->ob, "}", 1);
}

/* JSON's quotes around a value that needs no escaping (a number). */
static void leaf_quote(struct sfw_jx *x)
{
	if (x->form != SFW_DISPLAY_XML)
		sfw_ob_mem(x->ob, "\"", 1);
}

void sfw_jx_leaf(struct sfw_jx *x, const char *name, const char *text)
{
	leaf_begin(x, name);
	if (x->form == SFW_DISPLAY_XML)
		sfw_xml_text(x->ob, text);
	else
		sfw_json_quote(x->ob, text);
	leaf_end(x, name);
}

/* Numbers straight into the buffer, with no text to escape: a listing
 * writes some 20 a session. */
void sfw_jx_leaf_u64(struct sfw_jx *x, const char *name, __u64 v)
{
	leaf_begin(x, name);
	leaf_quote(x);
	sfw_ob_u64(x->ob, v);
	leaf_quote(x);
	leaf_end(x, name);
}

void sfw_jx_leaf_hex(struct sfw_jx *x, const char *name, __u64 v)
{
	leaf_begin(x, name);
	leaf_quote(x);
	sfw_ob_hex(x->ob, v);
	leaf_quote(x);
	leaf_end(x, name);
}
