/* show interfaces flow-statistics, text and JSON, from a report's values.
 * Every counter line comes from counters.h's list: its label, its JSON key
 * and its group; here are only the block titles and the column rules of
 * the reference (docs/junos-layouts.md, "show interfaces flow-statistics"). */
#include <string.h>
#include "iface_stats.h"

static const struct {
	enum sfw_counter_group grp;
	const char *label, *key;
} counter[SFW_CNT_COUNT] = {
#define SFW_X(id, g, l, k) [SFW_CNT_##id] = { .grp = g, .label = l, .key = k },
	SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
};

/* Junos's Traffic/Local/Transit counters: right-aligned in a field of
 * this width after the label's colon (docs/junos-layouts.md). */
#define TRAFFIC_FIELD 21

/* The blocks after Traffic statistics, in print order. Traffic statistics
 * itself reuses the Local group's labels and keys with the kernel's values. */
static const struct block {
	enum sfw_counter_group grp;
	const char *title, *key;
	int indent, col;      /* label indentation; column values start at */
	int field;            /* >0: right-aligned in this width after the label */
} blocks[] = {
	{ SFW_GRP_LOCAL, "  Local statistics:\n", "local-statistics", 3, 0, TRAFFIC_FIELD },
	{ SFW_GRP_TRANSIT, "  Transit statistics:\n", "transit-statistics", 3, 0, TRAFFIC_FIELD },
	{ SFW_GRP_FLOW_IN, "    Flow Input statistics :\n", "flow-input-statistics", 6, 41, 0 },
	{ SFW_GRP_FLOW_OUT, "    Flow Output statistics:\n", "flow-output-statistics", 6, 41, 0 },
	{ SFW_GRP_FLOW_ERR, "    Flow error statistics (Packets dropped due to):\n",
	  "flow-error-statistics", 6, 41, 0 },
	{ SFW_GRP_SFW, "    sfw statistics:\n", "sfw-statistics", 6, 41, 0 },
};
#define N_BLOCKS (sizeof(blocks) / sizeof(blocks[0]))
#define FIRST_FLOW_BLOCK 2    /* the zone lines come before it */

static const struct block traffic = {
	SFW_GRP_LOCAL, "  Traffic statistics:\n", "traffic-statistics", 3, 0, TRAFFIC_FIELD,
};

/* The kernel's counters in the Local group's slots, so Traffic statistics
 * prints through the same list. */
static void link_as_counters(const struct sfw_link_stats *l, struct sfw_iface_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->c[SFW_CNT_LOCAL_IN_BYTES] = l->rx_bytes;
	st->c[SFW_CNT_LOCAL_OUT_BYTES] = l->tx_bytes;
	st->c[SFW_CNT_LOCAL_IN_PKTS] = l->rx_packets;
	st->c[SFW_CNT_LOCAL_OUT_PKTS] = l->tx_packets;
}

static void spaces(struct sfw_obuf *o, int n)
{
	for (; n > 0; n--)
		sfw_ob_mem(o, " ", 1);
}

static void text_block(struct sfw_obuf *o, const struct block *b,
		       const struct sfw_iface_stats *st)
{
	sfw_ob_str(o, b->title);
	for (int id = 0; id < SFW_CNT_COUNT; id++) {
		if (counter[id].grp != b->grp)
			continue;
		int pad = b->col - b->indent - (int)strlen(counter[id].label);
		char num[24];

		if (b->field)
			pad = b->field - snprintf(num, sizeof(num), "%llu",
						  (unsigned long long)st->c[id]);
		spaces(o, b->indent);
		sfw_ob_str(o, counter[id].label);
		/* at least one space, even after a label as wide as the column */
		spaces(o, pad > 0 ? pad : 1);
		sfw_ob_u64(o, st->c[id]);
		sfw_ob_mem(o, "\n", 1);
	}
}

/* Junos's `Allowed host-inbound traffic : ` (space, colon, space) and the
 * services one space apart; no line for a zone that admits none. */
static void host_inbound_line(struct sfw_obuf *o, const struct sfw_iface_report *r)
{
	if (!r->n_host_inbound)
		return;
	sfw_ob_str(o, "\n    Allowed host-inbound traffic :");
	for (int k = 0; k < r->n_host_inbound; k++) {
		sfw_ob_mem(o, " ", 1);
		sfw_ob_str(o, r->host_inbound[k]);
	}
}

static void text_one(struct sfw_obuf *o, const struct sfw_iface_report *r)
{
	struct sfw_iface_stats kern;

	link_as_counters(&r->link, &kern);
	sfw_ob_str(o, "Physical interface: ");
	sfw_ob_str(o, r->link.name);
	sfw_ob_str(o, r->link.admin_up ? ", Enabled" : ", Disabled");
	sfw_ob_str(o, r->link.link_up ? ", Physical link is Up\n" : ", Physical link is Down\n");
	text_block(o, &traffic, &kern);
	for (size_t i = 0; i < N_BLOCKS; i++) {
		if (i == FIRST_FLOW_BLOCK) {
			sfw_ob_str(o, "    Security: Zone: ");
			sfw_ob_str(o, r->zone ? r->zone : "Null");
			host_inbound_line(o, r);
			sfw_ob_str(o, "\n    Flow Statistics :\n");
		}
		text_block(o, &blocks[i], &r->flow);
	}
}

static void json_block(struct sfw_json *j, const struct block *b,
		       const struct sfw_iface_stats *st)
{
	sfw_json_open(j, b->key, '{');
	for (int id = 0; id < SFW_CNT_COUNT; id++)
		if (counter[id].grp == b->grp)
			sfw_json_num(j, counter[id].key, st->c[id]);
	sfw_json_close(j, '}');
}

/* Junos's XML element names: admin-status and oper-status are up/down. */
static void json_one(struct sfw_json *j, const struct sfw_iface_report *r)
{
	struct sfw_iface_stats kern;

	link_as_counters(&r->link, &kern);
	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "name", r->link.name);
	sfw_json_str(j, "admin-status", r->link.admin_up ? "up" : "down");
	sfw_json_str(j, "oper-status", r->link.link_up ? "up" : "down");
	json_block(j, &traffic, &kern);
	for (size_t i = 0; i < N_BLOCKS; i++) {
		if (i == FIRST_FLOW_BLOCK) {
			sfw_json_str(j, "zone", r->zone ? r->zone : "Null");
			sfw_json_open(j, "allowed-host-inbound-traffic", '[');
			for (int k = 0; k < r->n_host_inbound; k++)
				sfw_json_str(j, NULL, r->host_inbound[k]);
			sfw_json_close(j, ']');
		}
		json_block(j, &blocks[i], &r->flow);
	}
	sfw_json_close(j, '}');
}

void sfw_iface_out_begin(struct sfw_iface_out *o, FILE *f, bool json)
{
	sfw_ob_init(&o->ob, f);
	o->json = json;
	o->count = 0;
	if (!json)
		return;
	sfw_json_init(&o->j, &o->ob);
	sfw_json_doc_begin(&o->j, "interface-information");
	sfw_json_open(&o->j, "physical-interface", '[');
}

void sfw_iface_out_one(struct sfw_iface_out *o, const struct sfw_iface_report *r)
{
	if (o->json) {
		json_one(&o->j, r);
	} else {
		if (o->count)
			sfw_ob_mem(&o->ob, "\n", 1);
		text_one(&o->ob, r);
	}
	o->count++;
}

void sfw_iface_out_end(struct sfw_iface_out *o)
{
	if (o->json) {
		sfw_json_close(&o->j, ']');
		sfw_json_doc_end(&o->j);   /* flushes */
		return;
	}
	sfw_ob_flush(&o->ob);
}
