#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "run/caps.h"
#include "plan/plan.h"
#include "probe/probe.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

struct capsets {
	uint64_t eff, prm, inh;
};

static int caps_get(struct capsets *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return -errno;
	c->eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	c->prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	c->inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

static int caps_set(const struct capsets *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	d[0].effective = (uint32_t)c->eff, d[1].effective = (uint32_t)(c->eff >> 32);
	d[0].permitted = (uint32_t)c->prm, d[1].permitted = (uint32_t)(c->prm >> 32);
	d[0].inheritable = (uint32_t)c->inh, d[1].inheritable = (uint32_t)(c->inh >> 32);
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

#define BIT(c) (1ULL << (c))

int caps_drop_all_in_this_thread(void)
{
	static const struct capsets none;

	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return caps_set(&none);
}

int caps_drop_after_attach(bool need_net_admin, bool need_dispatcher,
			   int (*still_works)(void *ctx), void *ctx, uint64_t *kept)
{
	struct capsets now = { 0 }, want;
	uint64_t keep;
	int err = caps_get(&now);

	*kept = 0;
	if (err)
		return err;
	keep = plan_caps_keep(now.prm, need_net_admin, need_dispatcher, false);
	want = now;
	want.eff = keep;
	err = caps_set(&want);
	if (err)
		return err;
	if (still_works(ctx)) /* this kernel checks bpf() capabilities on every call */
		keep = plan_caps_keep(now.prm, need_net_admin, need_dispatcher, true);
	want.eff = want.prm = keep;
	want.inh = 0;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	err = caps_set(&want);
	if (err) {
		caps_set(&now); /* back to what worked */
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
