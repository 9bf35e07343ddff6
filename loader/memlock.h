/* Carrying out the plan's RLIMIT_MEMLOCK decision: an action (setrlimit), so
 * beside the loader; the decision stays in plan/plan.c. */
#ifndef XDPCOUNT_MEMLOCK_H
#define XDPCOUNT_MEMLOCK_H

#include "plan/plan.h"

/* MEMLOCK_RAISE: sets the soft limit to plan->memlock_bytes, and the hard
 * limit too where it is lower (that needs CAP_SYS_RESOURCE). Never lowers
 * either. MEMLOCK_NONE: does nothing. MEMLOCK_IMPOSSIBLE: -EPERM.
 * Returns 0 or -errno. */
int memlock_apply(const struct plan *plan);

/* For detach, which has no plan: removing our slot from a libxdp dispatcher
 * loads a new one, checked (before 5.11) against the uid's total locked
 * memory, which other libxdp users' objects fill. Raises the soft limit to
 * infinity (the hard one too where CAP_SYS_RESOURCE allows), else to the
 * hard limit; best effort, as libxdp does. */
void memlock_unlimited(void);

/* Tells libbpf never to bump RLIMIT_MEMLOCK on its own
 * (libbpf_set_memlock_rlim(0), libbpf 0.8+), so the plan is the one
 * policy. Call it before any libbpf load; harmless when called twice. */
void memlock_libbpf_off(void);

#endif
