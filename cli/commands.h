/* One function per command; each returns 0 or -errno with the failure
 * recorded through fail(). cmd_check may return a positive exit code. */
#ifndef XDPCOUNT_COMMANDS_H
#define XDPCOUNT_COMMANDS_H

#include "cli/opts.h"
#include "plan/plan.h"

int cmd_run(const struct opts *o);
int cmd_check(const struct opts *o);
int cmd_objects(const struct opts *o);
int cmd_detach(const struct opts *o);
int cmd_status(const struct opts *o);
/* The run's answer to a plan that refuses an interface (or the host): the
 * failure recorded, as -errno; 0 when the plan lets it run. */
int run_refusal(const struct plan *plan);

#endif
