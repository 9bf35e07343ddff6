#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "plan/plan.h"
#include "report/fmt.h"
#include "report/identity.h"
#include "probe/clock.h"

const char xdpcount_version[] = XDPCOUNT_VERSION;

void identity_get(struct identity *id)
{
	struct utsname u;

	memset(id, 0, sizeof(*id));
	id->schema_version = XDPCOUNT_JSON_SCHEMA;
	id->version = xdpcount_version;
	if (uname(&u) == 0)
		snprintf(id->hostname, sizeof(id->hostname), "%s", u.nodename);
	id->time = unix_now();
	fmt_rfc3339(id->timestamp, id->time);
}

void json_identity(struct json *j, const struct identity *id)
{
	json_kv_i64(j, "schema_version", id->schema_version);
	json_kv_string(j, "version", id->version);
	json_kv_string(j, "hostname", id->hostname);
	json_kv_string(j, "timestamp", id->timestamp);
}

/* The name of xdp-features bit b (plan/names.c), or "bitN" for a bit newer
 * than this build, kept visible. */
static const char *feature_name(unsigned int b, char buf[8])
{
	const char *name = b < 31 ? enum_find(xdp_feature_names, 1 << b) : NULL;

	if (name)
		return name;
	snprintf(buf, 8, "bit%u", b);
	return buf;
}

void json_xdp_features(struct json *j, const char *key, unsigned long long features)
{
	json_key(j, key);
	json_array_begin(j);
	for (unsigned int b = 0; b < 64; b++) {
		char unknown[8];

		if (features & (1ULL << b))
			json_string(j, feature_name(b, unknown));
	}
	json_array_end(j);
}

const char *xdp_features_str(char *buf, unsigned long cap, unsigned long long features,
			     const char *sep)
{
	size_t len = 0;

	if (cap)
		buf[0] = '\0';
	for (unsigned int b = 0; b < 64 && cap; b++) {
		char unknown[8];
		int n;

		if (!(features & (1ULL << b)))
			continue;
		n = snprintf(buf + len, cap - len, "%s%s", len ? sep : "", feature_name(b, unknown));
		if (n < 0 || (size_t)n >= cap - len) {
			buf[len] = '\0'; /* whole names only */
			break;
		}
		len += (size_t)n;
	}
	return buf;
}
