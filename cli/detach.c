/* xdpcount detach IFACE...: removes leftover xdpcount programs: XDP ones
 * (netlink) and the tc filter of a clsact run. Programs that are not ours
 * stay where they are. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>

#include "cli/commands.h"
#include "cli/errors.h"
#include "loader/attach.h"
#include "loader/pin.h"

int cmd_detach(const struct opts *o)
{
	if (o->n_ifaces == 0)
		return fail(STAGE_USAGE, -EINVAL, NULL, "detach needs at least one IFACE");
	/* every name first: a typo in the second acts on none */
	for (int i = 0; i < o->n_ifaces; i++)
		if (!if_nametoindex(o->ifaces[i]))
			return fail(STAGE_IFACE, -ENODEV, o->ifaces[i], NULL);
	for (int i = 0; i < o->n_ifaces; i++) {
		int ifindex = (int)if_nametoindex(o->ifaces[i]);
		uint32_t unknown;
		int n, tc;

		if (!ifindex)
			return fail(STAGE_IFACE, -ENODEV, o->ifaces[i], NULL);
		n = detach_ours(ifindex, &unknown);
		if (n < 0)
			return fail(STAGE_DETACH, n, o->ifaces[i], NULL);
		tc = detach_ours_tc(ifindex);
		if (tc < 0)
			return fail(STAGE_DETACH, tc, o->ifaces[i], "cannot remove the tc filter");
		n += tc;
		if (o->verbosity >= 0)
			printf("%s: removed %d xdpcount program%s\n", o->ifaces[i], n, n == 1 ? "" : "s");
		if (unknown)
			return fail(STAGE_UNOWNED, -EPERM, o->ifaces[i],
				    "program id %u is not recognisably xdpcount's: no xdpcount pin in "
				    "%s matches it, and reading its name needs CAP_SYS_ADMIN; left in "
				    "place (if you know it is xdpcount's: `ip link set dev %s xdp off`)",
				    unknown, pin_bpffs(), o->ifaces[i]);
	}
	return 0;
}
