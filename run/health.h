/* The run loop's watch over what it counts: each interval it asks
 * run/watch whether every interface and our program on it are still
 * there, reports renames, and reports a loss as a JSON event plus one human
 * line (counting -> lost). Without --keep-going a loss stops the run
 * (exit 1). */
#ifndef XDPCOUNT_HEALTH_H
#define XDPCOUNT_HEALTH_H

#include <stdbool.h>

#include "loader/counter.h"
#include "report/report.h"
#include "run/iface.h"
#include "run/watch.h"

struct health {
	struct watch w;
	int n, lost; /* interfaces watched so far, lost so far */
	bool keep_going;
	bool follow; /* a selector that follows: a loss never stops the run */
	struct report *rep;
	struct counter *counter;
	struct watch_iface **wis; /* the watch's view of them, cap of room */
	int cap;
};

void health_init(struct health *h, struct report *rep, struct counter *c, bool keep_going);
/* Watches ri (attached) from now on (attached -> counting). */
void health_add(struct health *h, struct run_iface *ri);
/* Looks at the n interfaces of ris, and reports news. 0 to go on; -errno
 * (failure recorded) to stop. */
int health_step(struct health *h, struct run_iface *const *ris, int n);
/* Between two steps (a run that follows, woken by link notifications):
 * reads them (watch_drain), the news of other interfaces into h->w.news;
 * what they say of ris is reported by the next health_step. 0 or -errno
 * (failure recorded). */
int health_drain(struct health *h, struct run_iface *const *ris, int n);
void health_close(struct health *h);

#endif
