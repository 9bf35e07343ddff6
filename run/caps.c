#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <linux/capability.h>

#include "run/caps.h"
#include "plan/plan.h"
#include "probe/probe.h"
#include "probe/sys.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

#define BIT(c) (1ULL << (c))

int caps_drop_all_in_this_thread(void)
{
	static const struct probe_capsets none;

	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return probe_sys_capset(&none);
}

int caps_drop_after_attach(bool need_net_admin, bool need_dispatcher,
			   int (*still_works)(void *ctx), void *ctx, uint64_t *kept)
{
	struct probe_capsets now = { 0 }, want;
	uint64_t keep;
	int err = probe_sys_capget(&now);

	*kept = 0;
	if (err)
		return err;
	keep = plan_caps_keep(now.prm, need_net_admin, need_dispatcher, false);
	want = now;
	want.eff = keep;
	err = probe_sys_capset(&want);
	if (err)
		return err;
	if (still_works(ctx)) /* this kernel checks bpf() capabilities on every call */
		keep = plan_caps_keep(now.prm, need_net_admin, need_dispatcher, true);
	want.eff = want.prm = keep;
	want.inh = 0;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	err = probe_sys_capset(&want);
	if (err) {
		probe_sys_capset(&now); /* back to what worked */
		return err;
	}
	*kept = keep;
	return 0;
}

const char *caps_names(uint64_t caps, char *buf, unsigned int len)
{
	static const struct { int cap; const char *name; } names[] = {
		{ CAP_NET_ADMIN, "CAP_NET_ADMIN" }, { CAP_BPF, "CAP_BPF" },
		{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" }, { CAP_PERFMON, "CAP_PERFMON" },
	};

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (caps & BIT(names[i].cap))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? " " : "",
				 names[i].name);
	if (!buf[0])
		snprintf(buf, len, "none");
	return buf;
}
