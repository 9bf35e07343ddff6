/* The run's side of --metrics and --textfile: fills the metrics module's
 * snapshot from the session and the run's interfaces, and words its
 * failures. The module itself (metrics/) knows nothing of sessions. */
#ifndef XDPCOUNT_RUN_METRICS_H
#define XDPCOUNT_RUN_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "run/session.h"
#include "loader/attach.h"
#include "run/iface.h"
#include "metrics/metrics.h"

/* Build labels, then the listener and the textfile check. 0 or -errno,
 * failure recorded. */
int run_metrics_open(struct metrics *m, const struct opts *o, const struct session *s);
/* Renders the n interfaces of ris (each as its lifecycle says: pending,
 * refused, attached how, lost) for scrapes and writes the textfile. 0 or
 * -errno, failure recorded. */
int run_metrics_publish(struct metrics *m, struct run_iface *const *ris, int n, bool up);
/* Publishes them with xdpcount_up 0 (the textfile keeps saying so) and
 * closes. */
void run_metrics_close(struct metrics *m, struct run_iface *const *ris, int n);

#endif
