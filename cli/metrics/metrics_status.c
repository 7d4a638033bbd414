/* The exporter in `sfw status`: what the running daemon published. */
#include "json.h"
#include "metrics_int.h"

static const char *state_word(__u32 state)
{
	return state == SFW_METRICS_SERVING ? "serving" :
	       state == SFW_METRICS_FAILED ? "failed" : "off";
}

void sfw_metrics_status_text(FILE *f)
{
	struct sfw_metrics_info i;

	if (sfw_metrics_status_read(&i) || i.state == SFW_METRICS_OFF)
		return;
	if (i.state == SFW_METRICS_FAILED) {
		fprintf(f, "  Metrics: not served: %s (tried again every %d s)\n", i.error,
			SFW_METRICS_RETRY_S);
		return;
	}
	fprintf(f, "  Metrics: http://%s/metrics; %llu scrapes, the last took %llu.%03llu ms\n",
		i.listen, (unsigned long long)i.scrapes,
		(unsigned long long)(i.last_scrape_ns / 1000000),
		(unsigned long long)(i.last_scrape_ns / 1000 % 1000));
}

void sfw_metrics_status_json(struct sfw_json *j)
{
	struct sfw_metrics_info i;

	if (sfw_metrics_status_read(&i))
		memset(&i, 0, sizeof(i));
	sfw_json_open(j, "metrics", '{');
	sfw_json_str(j, "state", state_word(i.state));
	if (i.state != SFW_METRICS_OFF)
		sfw_json_str(j, "listen", i.listen);
	if (i.state == SFW_METRICS_SERVING) {
		sfw_json_num(j, "scrapes", i.scrapes);
		sfw_json_num(j, "last-scrape-usec", i.last_scrape_ns / 1000);
	}
	if (i.state == SFW_METRICS_FAILED)
		sfw_json_str(j, "error", i.error);
	sfw_json_close(j, '}');
}
