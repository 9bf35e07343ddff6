/* Fleet identity and decoded xdp_features: no kernel. */
#include <stdio.h>

#include "check.h"
#include "report/identity.h"

static void test_xdp_features_are_named_bit_by_bit(void)
{
	char buf[160], *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct json j;

	CHECK_EQ_STR(xdp_features_str(buf, sizeof(buf), 0x23, ", "), "basic, redirect, rx-sg");
	CHECK_EQ_STR(xdp_features_str(buf, sizeof(buf), 0x7f, " "),
		     "basic redirect ndo-xmit xsk-zerocopy hw-offload rx-sg ndo-xmit-sg");
	CHECK_EQ_STR(xdp_features_str(buf, sizeof(buf), (1ULL << 40) | 8, ","), "xsk-zerocopy,bit40");
	CHECK_EQ_STR(xdp_features_str(buf, sizeof(buf), 0, ","), "");
	CHECK_EQ_STR(xdp_features_str(buf, 12, 0x7f, ","), "basic");
	json_init(&j, f);
	json_object_begin(&j);
	json_xdp_features(&j, "names", 0x21);
	json_xdp_features(&j, "none", 0);
	json_object_end(&j);
	fclose(f);
	CHECK_EQ_STR(mem, "{\"names\":[\"basic\",\"rx-sg\"],\"none\":[]}");
	free(mem);
}

static void test_identity_has_schema_version_host_and_utc_time(void)
{
	struct identity id;

	identity_get(&id);
	CHECK_EQ_INT(id.schema_version, XDPCOUNT_JSON_SCHEMA);
	CHECK(id.hostname[0] != '\0');
	CHECK_EQ_STR(id.version, xdpcount_version);
	CHECK_EQ_INT(strlen(id.timestamp), 20);
	CHECK_EQ_INT(id.timestamp[19], 'Z');
	CHECK(id.time > 1.6e9);
}

int main(void)
{
	test_xdp_features_are_named_bit_by_bit();
	test_identity_has_schema_version_host_and_utc_time();
	CHECK_DONE();
}
