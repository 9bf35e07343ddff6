#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "report/identity.h"

const char xdpcount_version[] = XDPCOUNT_VERSION;

void identity_get(struct identity *id)
{
	struct utsname u;
	struct timespec ts;
	struct tm tm;

	memset(id, 0, sizeof(*id));
	id->schema_version = XDPCOUNT_JSON_SCHEMA;
	id->version = xdpcount_version;
	if (uname(&u) == 0)
		snprintf(id->hostname, sizeof(id->hostname), "%s", u.nodename);
	clock_gettime(CLOCK_REALTIME, &ts);
	id->time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	gmtime_r(&ts.tv_sec, &tm);
	strftime(id->timestamp, sizeof(id->timestamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void json_identity(struct json *j, const struct identity *id)
{
	json_kv_i64(j, "schema_version", id->schema_version);
	json_kv_string(j, "version", id->version);
	json_kv_string(j, "hostname", id->hostname);
	json_kv_string(j, "timestamp", id->timestamp);
}

/* The kernel's names (Documentation/netlink/specs/netdev.yaml, xdp-act),
 * bit by bit from NETDEV_XDP_ACT_BASIC (6.3+). */
static const char *const feature_names[] = {
	"basic", "redirect", "ndo-xmit", "xsk-zerocopy", "hw-offload", "rx-sg", "ndo-xmit-sg",
};
#define N_FEATURES (sizeof(feature_names) / sizeof(feature_names[0]))

void json_xdp_features(struct json *j, const char *key, unsigned long long features)
{
	json_key(j, key);
	json_array_begin(j);
	for (unsigned int b = 0; b < 64; b++) {
		char unknown[16];

		if (!(features & (1ULL << b)))
			continue;
		if (b < N_FEATURES) {
			json_string(j, feature_names[b]);
		} else { /* a bit newer than this build: keep it visible */
			snprintf(unknown, sizeof(unknown), "bit%u", b);
			json_string(j, unknown);
		}
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
		int n;

		if (!(features & (1ULL << b)))
			continue;
		if (b < N_FEATURES)
			n = snprintf(buf + len, cap - len, "%s%s", len ? sep : "", feature_names[b]);
		else
			n = snprintf(buf + len, cap - len, "%sbit%u", len ? sep : "", b);
		if (n < 0 || (size_t)n >= cap - len) {
			buf[len] = '\0'; /* whole names only */
			break;
		}
		len += (size_t)n;
	}
	return buf;
}
