/* The run command's side of --metrics and --textfile: fills the metrics
 * module's snapshot from the session and the attachments, and words its
 * failures. The module itself (metrics/) knows nothing of sessions. */
#ifndef XDPCOUNT_RUN_METRICS_H
#define XDPCOUNT_RUN_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "run/session.h"
#include "loader/attach.h"
#include "metrics/metrics.h"

/* Build labels and the planned interfaces (refused where the plan refuses),
 * then the listener and the textfile check. 0 or -errno, failure recorded. */
int run_metrics_open(struct metrics *m, const struct opts *o, const struct session *s);
/* Interface i (the plan's index) attached as rx (receive) and tx (tc egress)
 * say, either NULL where that direction is not counted, or was refused
 * (err). */
void run_metrics_attached(struct metrics *m, int i, int err, const struct attachment *rx,
			  const struct attachment *tx);
/* Interface i's current name, whether it was lost (sticky), and its totals
 * received and transmitted (where counted). */
void run_metrics_counts(struct metrics *m, int i, const char *name, bool lost, uint64_t packets,
			uint64_t bytes, uint64_t tx_packets, uint64_t tx_bytes);
/* Renders for scrapes and writes the textfile. 0 or -errno, failure recorded. */
int run_metrics_publish(struct metrics *m, bool up);
/* Publishes xdpcount_up 0 (the textfile keeps saying so) and closes. */
void run_metrics_close(struct metrics *m);

#endif
