/* One counted interface of a run, with one lifecycle:
 *
 *   planned --attach--> attached --watched--> counting --+--> lost
 *                                                        +--> detached
 *
 * planned: the plan said how (its plan_iface is the caller's, asked for this
 * interface alone); attached: its programs are on the hooks the plan named;
 * counting: the watch follows it and each interval reports its totals; lost:
 * it went away, or our program went from it, and its final totals were
 * reported; detached: the run took its programs off and reported its final
 * totals. An interface that failed to attach stays planned (nothing of it
 * stays half-attached). Everything the run keeps of one interface is here:
 * its attachments, its watch state and its last totals. */
#ifndef XDPCOUNT_RUN_IFACE_H
#define XDPCOUNT_RUN_IFACE_H

#include <stdbool.h>

#include "bpf/stats.h"
#include "loader/attach.h"
#include "plan/plan.h"
#include "report/report.h"
#include "run/session.h"
#include "run/watch.h"

/* RUN_FREE: a slot of the run's table that holds no interface. */
enum run_state { RUN_FREE, RUN_PLANNED, RUN_ATTACHED, RUN_COUNTING, RUN_LOST, RUN_DETACHED };

struct run_iface {
	enum run_state state;
	int ifindex;
	bool rx, tx;              /* the directions counted (the plan's) */
	bool refused;             /* planned, and the plan refused it */
	bool attached;            /* its programs are on it (those of a lost one may stay) */
	bool renamed;             /* counting: renamed since the run last looked */
	bool retire;              /* lost or detached while following: freed next interval */
	struct attachment att;    /* receive: XDP or tc ingress (rx) */
	/* transmit: tc egress (tx). The run's own, beside the table (set with
	 * the slot): a run that counts only what interfaces receive never
	 * touches its 548 bytes (RSS at 1024 interfaces). */
	struct attachment *tx_att;
	struct watch_iface wi;    /* counting, lost: its current name, its fault */
	struct xdpcount_stats last, last_tx; /* the totals last read */
	double since;             /* when (monotonic) last was read: its attach, at first */
};

/* Takes pi's interface as planned (no kernel call); ri->tx_att is kept. */
void run_iface_plan(struct run_iface *ri, const struct plan_iface *pi);
/* Loads its program instances (each direction counted). 0 or -errno,
 * failure recorded. */
int run_iface_load(struct run_iface *ri, struct session *s, const struct plan_iface *pi);
/* Attaches it as pi says: what it receives (in auto mode falling back to
 * generic when the kernel refuses native, and saying why), then what it
 * transmits; reports each attachment. Nothing stays half-attached: a
 * failed egress attach detaches the receive side again. 0 (attached) or
 * -errno, failure recorded (still planned). */
int run_iface_attach(struct run_iface *ri, struct session *s, struct report *rep,
		     const struct plan_iface *pi);
/* The attachment the watch follows: receive's, or egress's when only
 * transmit is counted. */
const struct attachment *run_iface_watched(const struct run_iface *ri);
/* Hands it to the watch (attached -> counting). */
void run_iface_count(struct run_iface *ri, struct watch *w);
/* Its current name: the watch's once counting, else as planned. */
const char *run_iface_name(const struct run_iface *ri);
/* Its totals of each direction it counts, as of the counter's last read. */
int run_iface_sums(const struct run_iface *ri, struct counter *c, struct iface_stats *st);
/* Reports its totals (as of the counter's last read, at monotonic time
 * now; t is the report's wall clock time) and its rates since it last
 * reported, or since its attach: one attached between two passes gets
 * the rate of the time it counted, not of the whole interval. Keeps them
 * as its last. 0 or -errno, failure recorded. */
int run_iface_report(struct run_iface *ri, struct counter *c, struct report *rep, double t,
		     double now);
/* Takes its programs off (egress first); a netlink program on an
 * interface that was deleted went with it. 0 or -errno, failure recorded.
 * Its final totals are read and reported by run_iface_final. */
int run_iface_detach(struct run_iface *ri);
/* After the detach: reads (read: the counter was read after every detach)
 * and reports its final totals (counting -> detached). */
void run_iface_final(struct run_iface *ri, struct counter *c, struct report *rep, bool read);
/* For a death where no handler can detach: appends what of it stays where
 * (netlink programs) to note (len bytes used of size). Returns the new len. */
size_t run_iface_note_left(const struct run_iface *ri, char *note, size_t len, size_t size);

#endif
