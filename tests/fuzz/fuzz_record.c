/* The record of the attached interfaces (conf/attach_record.h), which
 * `sfw restore` reads at boot: whatever the file holds, no crash; what it
 * keeps is bounded, named and moded as attach would take it; a record that
 * reads whole prints back to a text that reads to the same record. */
#include <errno.h>
#include <string.h>
#include "attach_record.h"
#include "fuzz.h"

static void check_kept(const struct sfw_attach_record *r)
{
	if (r->n < 0 || r->n > SFW_MAX_IFACES)
		fuzz_fail("%d interfaces", r->n);
	for (int i = 0; i < r->n; i++) {
		size_t len = strnlen(r->iface[i].name, sizeof(r->iface[i].name));

		if (!len || len == sizeof(r->iface[i].name) || strchr(r->iface[i].name, '/') ||
		    strpbrk(r->iface[i].name, " \t\n"))
			fuzz_fail("interface %d: a name attach would not take", i);
		if (r->iface[i].mode != SFW_XDP_MODE_NATIVE &&
		    r->iface[i].mode != SFW_XDP_MODE_GENERIC)
			fuzz_fail("interface %s: mode %u", r->iface[i].name, r->iface[i].mode);
		if (sfw_record_find(r, r->iface[i].name) != i)
			fuzz_fail("interface %s twice", r->iface[i].name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sfw_attach_record r, back;
	static char text[64 * 1024];
	char *in = fuzz_cstr(data, size);
	int rc = sfw_record_parse(in, &r), len;

	free(in);
	if (rc && rc != -EINVAL)
		fuzz_fail("parse returned %d", rc);
	check_kept(&r);
	if (rc)
		return 0;
	len = sfw_record_format(&r, text, sizeof(text));
	if (len < 0)
		fuzz_fail("a record read whole does not print");
	if (sfw_record_parse(text, &back) || memcmp(&r, &back, sizeof(r)))
		fuzz_fail("the printed record does not read back the same:\n%s", text);
	return 0;
}
