/* show security flow statistics: the sums and their layout (flow_totals.h). */
#include "flow_totals.h"
#include "json.h"

static const enum sfw_counter_group group_of[SFW_CNT_COUNT] = {
#define SFW_X(id, grp, label, key) [SFW_CNT_##id] = grp,
	SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
};

void sfw_flow_totals_add(struct sfw_flow_totals *t, const struct sfw_iface_stats *s)
{
	for (int id = 0; id < SFW_CNT_COUNT; id++) {
		if (SFW_COUNTER_IS_OUTCOME(id, group_of[id]))
			t->v[SFW_FT_RECEIVED] += s->c[id];
		if (SFW_COUNTER_IS_DROP(id, group_of[id]))
			t->v[SFW_FT_DROPPED] += s->c[id];
	}
	t->v[SFW_FT_TRANSMITTED] += s->c[SFW_CNT_LOCAL_OUT_PKTS] + s->c[SFW_CNT_TRANSIT_OUT_PKTS];
}

static const char *const labels[SFW_FT_COUNT] = {
#define SFW_X(id, label, key) [SFW_FT_##id] = label,
	SFW_FLOW_TOTAL_LIST(SFW_X)
#undef SFW_X
};
static const char *const keys[SFW_FT_COUNT] = {
#define SFW_X(id, label, key) [SFW_FT_##id] = key,
	SFW_FLOW_TOTAL_LIST(SFW_X)
#undef SFW_X
};

void sfw_flow_totals_print(const struct sfw_flow_totals *t, bool json, FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_json j;

	if (!json) {
		/* every line indented 4, no alignment (the device's layout) */
		for (int i = 0; i < SFW_FT_COUNT; i++)
			fprintf(out, "    %s: %llu\n", labels[i], (unsigned long long)t->v[i]);
		return;
	}
	sfw_ob_init(&ob, out);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "flow-statistics");
	for (int i = 0; i < SFW_FT_COUNT; i++)
		sfw_json_num(&j, keys[i], t->v[i]);
	sfw_json_doc_end(&j);
}
