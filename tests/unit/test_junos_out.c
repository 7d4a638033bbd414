/* Golden output of Junos's two reply writers (cli/core/junos_out.h): one
 * description, XML and Junos's JSON; escaping; empty elements; siblings
 * of one name sharing one JSON array. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include "json.h"
#include "junos_out.h"

struct cap {
	FILE *f;
	char *buf;
	size_t len;
	struct sfw_obuf ob;
	struct sfw_jx x;
};

static struct sfw_jx *open_cap(struct cap *c, enum sfw_display form)
{
	c->f = open_memstream(&c->buf, &c->len);
	sfw_ob_init(&c->ob, c->f);
	sfw_jx_begin(&c->x, &c->ob, form, "1.0");
	return &c->x;
}

static const char *done(struct cap *c)
{
	sfw_jx_end(&c->x);
	fclose(c->f);
	return c->buf;
}

/* The one description both writers get: two repeated elements with an
 * attribute, leaves with text that needs escaping, an empty element. */
static void describe(struct sfw_jx *x)
{
	sfw_jx_open(x, "list", "xmlns", "urn:a&b");
	sfw_jx_open(x, "item", "junos:style", "brief");
	sfw_jx_leaf(x, "name", "<a&b>\"c'd");
	sfw_jx_leaf_u64(x, "count", 42);
	sfw_jx_close(x, "item");
	sfw_jx_open(x, "item", NULL, NULL);
	sfw_jx_leaf_hex(x, "flag", 255);
	sfw_jx_close(x, "item");
	sfw_jx_leaf(x, "total", "2");
	sfw_jx_close(x, "list");
	sfw_jx_open(x, "empty", NULL, NULL);
	sfw_jx_close(x, "empty");
}

Test(junos_out, xml_tree_escaped)
{
	struct cap c;

	describe(open_cap(&c, SFW_DISPLAY_XML));
	cr_assert_str_eq(done(&c),
		"<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/1.0/junos\">\n"
		"    <list xmlns=\"urn:a&amp;b\">\n"
		"        <item junos:style=\"brief\">\n"
		"            <name>&lt;a&amp;b&gt;&quot;c&apos;d</name>\n"
		"            <count>42</count>\n"
		"        </item>\n"
		"        <item>\n"
		"            <flag>0xff</flag>\n"
		"        </item>\n"
		"        <total>2</total>\n"
		"    </list>\n"
		"    <empty>\n"
		"    </empty>\n"
		"    <cli>\n"
		"        <banner></banner>\n"
		"    </cli>\n"
		"</rpc-reply>\n");
	free(c.buf);
}

Test(junos_out, json_tree_arrays_data_attributes)
{
	struct cap c;

	describe(open_cap(&c, SFW_DISPLAY_JSON));
	cr_assert_str_eq(done(&c),
		"{\n"
		"    \"list\" : [\n"
		"    {\n"
		"        \"attributes\" : {\"xmlns\" : \"urn:a&b\"},\n"
		"        \"item\" : [\n"
		"        {\n"
		"            \"attributes\" : {\"junos:style\" : \"brief\"},\n"
		"            \"name\" : [\n"
		"            {\n"
		"                \"data\" : \"<a&b>\\\"c'd\"\n"
		"            }\n"
		"            ],\n"
		"            \"count\" : [\n"
		"            {\n"
		"                \"data\" : \"42\"\n"
		"            }\n"
		"            ]\n"
		"        },\n"
		"        {\n"
		"            \"flag\" : [\n"
		"            {\n"
		"                \"data\" : \"0xff\"\n"
		"            }\n"
		"            ]\n"
		"        }\n"
		"        ],\n"
		"        \"total\" : [\n"
		"        {\n"
		"            \"data\" : \"2\"\n"
		"        }\n"
		"        ]\n"
		"    }\n"
		"    ],\n"
		"    \"empty\" : [\n"
		"    {\n"
		"    }\n"
		"    ]\n"
		"}\n");
	free(c.buf);
}

/* JSON strings: backslash, quote, control characters, bytes that are no
 * UTF-8; XML: control characters XML 1.0 cannot hold, bad UTF-8. */
Test(junos_out, string_escaping)
{
	struct cap c;

	open_cap(&c, SFW_DISPLAY_JSON);
	sfw_jx_leaf(&c.x, "s", "a\\b\"\n\x01\xff\xc3\xa9");
	cr_assert_str_eq(done(&c),
		"{\n    \"s\" : [\n    {\n        \"data\" : \"a\\\\b\\\"\\u000a\\u0001\\ufffd\xc3\xa9\"\n"
		"    }\n    ]\n}\n");
	free(c.buf);
	open_cap(&c, SFW_DISPLAY_XML);
	sfw_jx_leaf(&c.x, "s", "a\tb\x01\xff\xc3\xa9");
	cr_assert(strstr(done(&c), "    <s>a\tb" SFW_UTF8_REPLACEMENT SFW_UTF8_REPLACEMENT
			 "\xc3\xa9</s>\n"), "got:\n%s", c.buf);
	free(c.buf);
}

Test(junos_out, empty_reply)
{
	struct cap c;

	open_cap(&c, SFW_DISPLAY_JSON);
	cr_assert_str_eq(done(&c), "{\n}\n");
	free(c.buf);
	open_cap(&c, SFW_DISPLAY_XML);
	cr_assert_str_eq(done(&c),
		"<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/1.0/junos\">\n"
		"    <cli>\n        <banner></banner>\n    </cli>\n</rpc-reply>\n");
	free(c.buf);
}

/* Numbers written straight into the buffer: the extremes as printf
 * writes them, in both forms; XML text with each escape between runs of
 * plain bytes (copied by the run). */
Test(junos_out, numbers_and_escapes_between_runs)
{
	struct cap c;

	open_cap(&c, SFW_DISPLAY_XML);
	sfw_jx_leaf_u64(&c.x, "max", ~0ULL);
	sfw_jx_leaf_u64(&c.x, "zero", 0);
	sfw_jx_leaf_hex(&c.x, "hmax", ~0ULL);
	sfw_jx_leaf_hex(&c.x, "hzero", 0);
	sfw_jx_leaf(&c.x, "t", "ab<cd>ef&gh\"ij'kl");
	cr_assert(strstr(done(&c),
			 "    <max>18446744073709551615</max>\n    <zero>0</zero>\n"
			 "    <hmax>0xffffffffffffffff</hmax>\n    <hzero>0x0</hzero>\n"
			 "    <t>ab&lt;cd&gt;ef&amp;gh&quot;ij&apos;kl</t>\n"), "got:\n%s", c.buf);
	free(c.buf);
	open_cap(&c, SFW_DISPLAY_JSON);
	sfw_jx_leaf_u64(&c.x, "max", ~0ULL);
	sfw_jx_leaf_hex(&c.x, "h", 0);
	cr_assert_str_eq(done(&c),
		"{\n    \"max\" : [\n    {\n        \"data\" : \"18446744073709551615\"\n    }\n    ],\n"
		"    \"h\" : [\n    {\n        \"data\" : \"0x0\"\n    }\n    ]\n}\n");
	free(c.buf);
}
