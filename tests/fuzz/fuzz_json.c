/* The JSON writer (cli/core/json.c): the input is a program of writer calls
 * (open an object or array, close, a string of any bytes, a number, a
 * boolean, null), each byte an operation and strings taken from the input.
 * Calls are made as the API requires (keys in objects only, closes
 * matching, at most SFW_JSON_DEPTH - 1 levels); whatever the values, the
 * output is one valid JSON value (json_check.h). */
#include <string.h>
#include "fuzz.h"
#include "json.h"
#include "json_check.h"

struct prog {
	const uint8_t *p, *end;
	char str[256];
};

/* The next string: up to a NUL or 255 bytes of the input. */
static const char *next_str(struct prog *g)
{
	size_t n = 0;

	while (g->p < g->end && *g->p && n < sizeof(g->str) - 1)
		g->str[n++] = (char)*g->p++;
	if (g->p < g->end)
		g->p++;
	g->str[n] = '\0';
	return g->str;
}

static __u64 next_num(struct prog *g)
{
	__u64 v = 0;

	for (int k = 0; k < 8 && g->p < g->end; k++)
		v = v << 8 | *g->p++;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prog g = { data, data + size, "" };
	char kinds[SFW_JSON_DEPTH];   /* '{' or '[' per open level */
	int depth = 0;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct sfw_obuf ob;
	struct sfw_json j;
	const char *why;

	if (!f)
		abort();
	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_open(&j, NULL, '{');
	kinds[depth++] = '{';
	while (g.p < g.end) {
		unsigned op = *g.p++ % 7;
		const char *key = kinds[depth - 1] == '{' ? "k" : NULL;

		if (op == 0 && depth < SFW_JSON_DEPTH - 1) {
			sfw_json_open(&j, key, '{');
			kinds[depth++] = '{';
		} else if (op == 1 && depth < SFW_JSON_DEPTH - 1) {
			sfw_json_open(&j, key, '[');
			kinds[depth++] = '[';
		} else if (op == 2 && depth > 1) {
			sfw_json_close(&j, kinds[--depth] == '{' ? '}' : ']');
		} else if (op == 3) {
			sfw_json_str(&j, key, next_str(&g));
		} else if (op == 4) {
			sfw_json_num(&j, key, next_num(&g));
		} else if (op == 5) {
			sfw_json_bool(&j, key, g.p < g.end && (*g.p++ & 1));
		} else if (op == 6) {
			sfw_json_null(&j, key);
		}
	}
	while (depth)
		sfw_json_close(&j, kinds[--depth] == '{' ? '}' : ']');
	fclose(f);
	if ((why = json_check(out, len)))
		fuzz_fail("the writer's output is not JSON (%s):\n%s", why, out);
	free(out);
	return 0;
}
