/* The run loop: attach what the plan says, count, report through the sinks
 * (stdout, /metrics, the textfile), follow what happens to each interface,
 * detach. cli/ parses the command line and calls it. */
#ifndef XDPCOUNT_RUN_H
#define XDPCOUNT_RUN_H

#include "cli/opts.h"
#include "plan/plan.h"

/* The whole run with options o. 0 or -errno with the failure recorded. */
int run_count(const struct opts *o);
/* The run's answer to a plan that refuses an interface (or the host): the
 * failure recorded, as -errno; 0 when the plan lets it run. */
int run_refusal(const struct plan *plan);

#endif
