/* The run loop's watch over what it counts: each interval it asks
 * loader/watch whether every interface and our program on it are still
 * there, reports renames, and reports a loss as a JSON event plus one human
 * line. Without --keep-going a loss stops the run (exit 1). */
#ifndef XDPCOUNT_HEALTH_H
#define XDPCOUNT_HEALTH_H

#include <stdbool.h>

#include "loader/counter.h"
#include "run/watch.h"
#include "report/report.h"
#include "probe/probe.h"

struct health {
	struct watch w;
	struct watch_iface wi[PROBE_MAX_IFACES];
	int n, lost;
	bool keep_going;
	struct report *rep;
	struct counter *counter;
};

void health_init(struct health *h, struct report *rep, struct counter *c, bool keep_going);
/* Watches interface i (in the order of the run) from now on: att, and
 * tx_att, its tc egress attachment, when it counts both ways (else NULL). */
void health_add(struct health *h, int i, const struct attachment *att,
		const struct attachment *tx_att, const char *name);
/* Looks, and reports news. 0 to go on; -errno (failure recorded) to stop. */
int health_step(struct health *h);
/* The current name of interface i. */
const char *health_name(const struct health *h, int i);
/* The fault of interface i, WATCH_OK while it counts. */
enum watch_fault health_fault(const struct health *h, int i);
const struct watch_iface *health_iface(const struct health *h, int i);
void health_close(struct health *h);

#endif
