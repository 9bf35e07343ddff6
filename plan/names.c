/* The {name, value} tables of the plan's enums: one spelling shared by the
 * option parser, the human output and JSON. Each table ends with {NULL}. */
#include <errno.h>
#include <string.h>

#include "bpf/stats.h"
#include "plan/plan.h"
#include "probe/status.h"

const struct enum_name xdp_mode_names[] = {
	{ "auto", XDP_MODE_AUTO },
	{ "native", XDP_MODE_NATIVE },
	{ "generic", XDP_MODE_GENERIC },
	{ "tc", XDP_MODE_TC },
	{ NULL, 0 },
};

const struct enum_name attach_kind_names[] = {
	{ "auto", ATTACH_AUTO },
	{ "link", ATTACH_LINK },
	{ "netlink", ATTACH_NETLINK },
	{ "dispatcher", ATTACH_DISPATCHER },
	{ "shared", ATTACH_SHARED },
	{ NULL, 0 },
};

const struct enum_name variant_names[] = {
	{ "linear", VARIANT_LINEAR },
	{ "frags", VARIANT_FRAGS },
	{ "tc", VARIANT_TC },
	{ "egress", VARIANT_EGRESS },
	{ NULL, 0 },
};

const struct enum_name direction_names[] = {
	{ "in", DIRECTION_IN },
	{ "out", DIRECTION_OUT },
	{ "both", DIRECTION_BOTH },
	{ NULL, 0 },
};

bool plan_counts_rx(enum direction d)
{
	return d != DIRECTION_OUT;
}

bool plan_counts_tx(enum direction d)
{
	return d == DIRECTION_OUT || d == DIRECTION_BOTH;
}

const char *plan_variant_prog(enum variant v)
{
	static const char *const progs[VARIANT_COUNT] = {
		[VARIANT_LINEAR] = XDPCOUNT_PROG_LINEAR, [VARIANT_FRAGS] = XDPCOUNT_PROG_FRAGS,
		[VARIANT_TC] = XDPCOUNT_PROG_TC, [VARIANT_EGRESS] = XDPCOUNT_PROG_EGRESS,
	};

	return (unsigned int)v < VARIANT_COUNT ? progs[v] : XDPCOUNT_PROG_LINEAR;
}

/* "raised" is the JSON contract's spelling of the action (issue 3). */
const struct enum_name memlock_action_names[] = {
	{ "none", MEMLOCK_NONE },
	{ "raised", MEMLOCK_RAISE },
	{ "impossible", MEMLOCK_IMPOSSIBLE },
	{ NULL, 0 },
};

const struct enum_name verdict_names[] = {
	{ "ok", VERDICT_OK },
	{ "degraded", VERDICT_DEGRADED },
	{ "incompatible", VERDICT_INCOMPATIBLE },
	{ NULL, 0 },
};

const struct enum_name fact_state_names[] = {
	{ "unknown", FACT_UNKNOWN },
	{ "yes", FACT_YES },
	{ "no", FACT_NO },
	{ "denied", FACT_DENIED },
	{ NULL, 0 },
};

const struct enum_name share_names[] = {
	{ "yes", SHARE_YES },
	{ "blocked", SHARE_BLOCKED },
	{ "foreign", SHARE_FOREIGN },
	{ NULL, 0 },
};

const struct enum_name disp_version_from_names[] = {
	{ "default", DISP_VERSION_DEFAULT },
	{ "option", DISP_VERSION_OPTION },
	{ "dispatcher", DISP_VERSION_DISPATCHER },
	{ "library", DISP_VERSION_LIBRARY },
	{ NULL, 0 },
};

/* The kernel's names of the NETDEV_XDP_ACT_* bits a driver reports (6.3+;
 * Documentation/netlink/specs/netdev.yaml, xdp-act). */
const struct enum_name xdp_feature_names[] = {
	{ "basic", XDPC_XDP_ACT_BASIC },
	{ "redirect", XDPC_XDP_ACT_REDIRECT },
	{ "ndo-xmit", XDPC_XDP_ACT_NDO_XMIT },
	{ "xsk-zerocopy", XDPC_XDP_ACT_XSK_ZEROCOPY },
	{ "hw-offload", XDPC_XDP_ACT_HW_OFFLOAD },
	{ "rx-sg", XDPC_XDP_ACT_RX_SG },
	{ "ndo-xmit-sg", XDPC_XDP_ACT_NDO_XMIT_SG },
	{ NULL, 0 },
};

const struct enum_name status_mode_names[] = {
	{ "native", STATUS_NATIVE },
	{ "generic", STATUS_GENERIC },
	{ "offload", STATUS_OFFLOAD },
	{ "tc", STATUS_TC },
	{ "tc_egress", STATUS_TC_EGRESS },
	{ NULL, 0 },
};

/* errno names, by the positive value: one table for the plan's reasons and
 * the error event's "errno" (ENOTSUPP, 524, is the kernel's own). */
const struct enum_name errno_names[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EIO", EIO }, { "ENXIO", ENXIO },
	{ "E2BIG", E2BIG }, { "ENOEXEC", ENOEXEC }, { "EBADF", EBADF }, { "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EFAULT", EFAULT }, { "EBUSY", EBUSY },
	{ "EEXIST", EEXIST }, { "ENODEV", ENODEV }, { "ENOTDIR", ENOTDIR }, { "EISDIR", EISDIR },
	{ "EINVAL", EINVAL }, { "ENOSPC", ENOSPC }, { "EROFS", EROFS }, { "EPIPE", EPIPE },
	{ "ERANGE", ERANGE }, { "ENAMETOOLONG", ENAMETOOLONG }, { "ENOSYS", ENOSYS },
	{ "ENODATA", ENODATA }, { "ENOLINK", ENOLINK }, { "EPROTO", EPROTO },
	{ "ENOTSOCK", ENOTSOCK }, { "EOPNOTSUPP", EOPNOTSUPP }, { "EADDRINUSE", EADDRINUSE },
	{ "EADDRNOTAVAIL", EADDRNOTAVAIL }, { "ETIMEDOUT", ETIMEDOUT },
	{ "EMEDIUMTYPE", EMEDIUMTYPE }, { "ECANCELED", ECANCELED }, { "ENOTSUPP", 524 },
	{ NULL, 0 },
};

const char *enum_find(const struct enum_name *table, int value)
{
	for (; table && table->name; table++)
		if (table->value == value)
			return table->name;
	return NULL;
}

const char *enum_name(const struct enum_name *table, int value)
{
	const char *name = enum_find(table, value);

	return name ? name : "?";
}

int enum_parse(const struct enum_name *table, const char *name)
{
	if (!name)
		return -EINVAL;
	for (; table && table->name; table++)
		if (strcmp(table->name, name) == 0)
			return table->value;
	return -EINVAL;
}

const char *plan_hook_name(enum xdp_mode mode)
{
	return mode == XDP_MODE_TC ? "tc" : "xdp";
}

const char *plan_attach_name(enum xdp_mode mode, enum attach_kind attach)
{
	if (mode == XDP_MODE_TC)
		return attach == ATTACH_LINK ? "tcx" : "clsact";
	return enum_name(attach_kind_names, attach);
}

bool plan_uses_tc(const struct plan *plan)
{
	for (unsigned int i = 0; i < plan->n_ifaces; i++)
		if (!plan->ifaces[i].refuse &&
		    (plan->ifaces[i].mode == XDP_MODE_TC || plan->ifaces[i].tx))
			return true;
	return false;
}
