/* RLIMIT_MEMLOCK, as the plan decided. */
#include <errno.h>
#include <sys/resource.h>
#include <bpf/bpf.h>

#include "loader/memlock.h"

static rlim_t to_rlim(uint64_t v)
{
	return v == UINT64_MAX || v >= (uint64_t)RLIM_INFINITY ?
	       RLIM_INFINITY : (rlim_t)v;
}

int memlock_apply(const struct plan *plan)
{
	struct rlimit old, want;

	if (plan->memlock == MEMLOCK_IMPOSSIBLE)
		return -EPERM;
	if (plan->memlock != MEMLOCK_RAISE)
		return 0;
	if (getrlimit(RLIMIT_MEMLOCK, &old) != 0)
		return -errno;
	want.rlim_cur = to_rlim(plan->memlock_bytes);
	if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur >= want.rlim_cur)
		return 0; /* someone raised it meanwhile */
	if (old.rlim_cur == RLIM_INFINITY)
		return 0;
	want.rlim_max = old.rlim_max;
	if (want.rlim_max != RLIM_INFINITY && want.rlim_max < want.rlim_cur)
		want.rlim_max = want.rlim_cur;
	if (setrlimit(RLIMIT_MEMLOCK, &want) != 0)
		return -errno;
	return 0;
}

void memlock_unlimited(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	if (setrlimit(RLIMIT_MEMLOCK, &r) == 0 || getrlimit(RLIMIT_MEMLOCK, &r) != 0)
		return;
	r.rlim_cur = r.rlim_max;
	(void)setrlimit(RLIMIT_MEMLOCK, &r);
}

void memlock_libbpf_off(void)
{
	/* -EBUSY only if libbpf bumped already: nothing left to prevent. */
	(void)libbpf_set_memlock_rlim(0);
}
