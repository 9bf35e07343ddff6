/* One function per command; each returns 0 or -errno with the failure
 * recorded through fail(). cmd_check may return a positive exit code. */
#ifndef XDPCOUNT_COMMANDS_H
#define XDPCOUNT_COMMANDS_H

#include "cli/opts.h"
#include "plan/plan.h"

/* run: run_count() (run/run.h), the run loop. */
int cmd_check(const struct opts *o);
int cmd_objects(const struct opts *o);
int cmd_detach(const struct opts *o);
int cmd_status(const struct opts *o);

#endif
