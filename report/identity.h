/* Who is speaking, for fleet inventories: the JSON schema version, the
 * xdpcount version, the host name and the time. Every JSON document and
 * stream carries it (check, --version --json, run's start event). */
#ifndef XDPCOUNT_IDENTITY_H
#define XDPCOUNT_IDENTITY_H

#include "report/fmt.h"
#include "report/json.h"

/* Bumped when a JSON field changes meaning or goes away; adding a field does
 * not bump it. The field lists are in README.md ("JSON output"). */
#define XDPCOUNT_JSON_SCHEMA 1

struct identity {
	int schema_version;
	const char *version;
	char hostname[256];
	double time;          /* unix seconds */
	char timestamp[FMT_LEN]; /* the same time, RFC 3339 UTC (fmt_rfc3339) */
};

/* The version string, defined in one object only: every output that names
 * the version (--version, JSON, build_info) agrees even in a build where
 * make did not recompile everything after a commit. */
extern const char xdpcount_version[];

/* Fills id from uname(2) and the real-time clock. */
void identity_get(struct identity *id);
/* Writes schema_version, version, hostname and timestamp as keys of the
 * object being written. */
void json_identity(struct json *j, const struct identity *id);
/* Names of the NETDEV_XDP_ACT_* bits set in features, as a JSON array. */
void json_xdp_features(struct json *j, const char *key, unsigned long long features);
/* The same names joined by sep into buf ("" when none). */
const char *xdp_features_str(char *buf, unsigned long cap, unsigned long long features,
			     const char *sep);

#endif
