/* Output formatting: JSON escaping and shape, sizes and rates. */
#include <stdlib.h>

#include "out/fmt.h"
#include "out/json.h"
#include "out/report.h"
#include "tests/unit/check.h"

/* Runs fn on a memory stream and returns what it wrote (caller frees). */
static char *capture(void (*fn)(FILE *f))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f);
	fclose(f);
	return buf;
}

static void write_escapes(FILE *f)
{
	struct json j;

	json_init(&j, f);
	json_object_begin(&j);
	json_kv_string(&j, "s", "a\"b\\c\n\t\x01\x1f\x7f");
	json_kv_string(&j, "n", NULL);
	json_key(&j, "arr");
	json_array_begin(&j);
	json_u64(&j, 18446744073709551615ULL);
	json_i64(&j, -3);
	json_double(&j, 1.5);
	json_double(&j, 1796000000.125);
	json_double(&j, 0.0 / 0.0);
	json_bool(&j, true);
	json_array_end(&j);
	json_key(&j, "o");
	json_object_begin(&j);
	json_object_end(&j);
	json_object_end(&j);
	json_line_end(&j);
}

static void write_events(FILE *f)
{
	struct report r;
	struct iface_stats s = { "veth0", 7, 10000, 640000, 1000.5, 512000 };

	report_init(&r, f, true, false);
	report_attached(&r, "veth0", 7, XDP_MODE_NATIVE, ATTACH_LINK, "why");
	report_stats(&r, 1700000000.5, &s);
	report_detached(&r, "veth0", 10000, 640000);
}

static void write_tc_attached(FILE *f)
{
	struct report r;

	report_init(&r, f, true, false);
	report_attached(&r, "veth0", 7, XDP_MODE_TC, ATTACH_NETLINK, "behind");
	report_init(&r, f, false, false);
	report_attached(&r, "veth0", 7, XDP_MODE_TC, ATTACH_LINK, "behind");
}

static void test_tc_attached_event_says_hook_tc(void)
{
	char *out = capture(write_tc_attached);

	CHECK_EQ_STR(out,
		     "{\"event\":\"attached\",\"iface\":\"veth0\",\"ifindex\":7,\"hook\":\"tc\","
		     "\"mode\":\"tc\",\"attach\":\"clsact\",\"reason\":\"behind\"}\n"
		     "attached to veth0 (ifindex 7): tc ingress via tcx (counts what XDP passed)\n");
	free(out);
}

static void write_human(FILE *f)
{
	struct report r;
	struct iface_stats s = { "veth0", 7, 10000, 640000, 1000, 512000 };

	report_init(&r, f, false, false);
	report_stats(&r, 0, &s);
}

static void test_json_escapes_every_control_byte(void)
{
	char *out = capture(write_escapes);

	CHECK_EQ_STR(out, "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\\u007f\",\"n\":null,"
			  "\"arr\":[18446744073709551615,-3,1.5,1796000000.125,null,true],\"o\":{}}\n");
	free(out);
}

static void test_json_lines_events_keep_the_contract(void)
{
	char *out = capture(write_events);

	CHECK_EQ_STR(out,
		     "{\"event\":\"attached\",\"iface\":\"veth0\",\"ifindex\":7,\"hook\":\"xdp\","
		     "\"mode\":\"native\",\"attach\":\"link\",\"reason\":\"why\"}\n"
		     "{\"event\":\"stats\",\"time\":1700000000.5,\"iface\":\"veth0\",\"ifindex\":7,"
		     "\"packets\":10000,\"bytes\":640000,\"pps\":1000.5,\"bps\":512000}\n"
		     "{\"event\":\"detached\",\"iface\":\"veth0\",\"packets\":10000,\"bytes\":640000}\n");
	free(out);
}

static void test_human_line_has_name_totals_and_rates(void)
{
	char *out = capture(write_human);

	CHECK_CONTAINS(out, "veth0");
	CHECK_CONTAINS(out, "packets        10000");
	CHECK_CONTAINS(out, "bytes          640000");
	CHECK_CONTAINS(out, "625 KiB");
	CHECK_CONTAINS(out, "1.00 kpps");
	CHECK_CONTAINS(out, "512 kbit/s");
	free(out);
}

static void test_sizes_and_rates(void)
{
	char b[FMT_LEN];

	CHECK_EQ_STR(fmt_bytes(b, 0), "0 B");
	CHECK_EQ_STR(fmt_bytes(b, 1023), "1023 B");
	CHECK_EQ_STR(fmt_bytes(b, 1536), "1.50 KiB");
	CHECK_EQ_STR(fmt_bytes(b, 640000), "625 KiB");
	CHECK_EQ_STR(fmt_bytes(b, 5ULL << 30), "5.00 GiB");
	CHECK_EQ_STR(fmt_rate(b, 999, "pps"), "999 pps");
	CHECK_EQ_STR(fmt_rate(b, 1234567, "pps"), "1.23 Mpps");
	CHECK_EQ_STR(fmt_rate(b, 9.6e9, "bit/s"), "9.60 Gbit/s");
	CHECK_EQ_STR(fmt_rate(b, -5, "pps"), "0 pps");
}

int main(void)
{
	test_json_escapes_every_control_byte();
	test_json_lines_events_keep_the_contract();
	test_human_line_has_name_totals_and_rates();
	test_tc_attached_event_says_hook_tc();
	test_sizes_and_rates();
	CHECK_DONE();
}
