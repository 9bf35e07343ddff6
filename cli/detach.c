/* xdpcount detach IFACE...: removes leftover xdpcount programs: XDP ones
 * (netlink) and the tc filter of a clsact run. Programs that are not ours
 * stay where they are. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>

#include "cli/commands.h"
#include "cli/errors.h"
#include "loader/attach.h"

int cmd_detach(const struct opts *o)
{
	if (o->n_ifaces == 0)
		return fail(STAGE_USAGE, EINVAL, NULL, "detach needs at least one IFACE");
	for (int i = 0; i < o->n_ifaces; i++) {
		int ifindex = (int)if_nametoindex(o->ifaces[i]);
		int n, tc;

		if (!ifindex)
			return fail(STAGE_IFACE, ENODEV, o->ifaces[i], NULL);
		n = detach_ours(ifindex);
		if (n < 0)
			return fail(STAGE_DETACH, n, o->ifaces[i], NULL);
		tc = detach_ours_tc(ifindex);
		if (tc < 0)
			return fail(STAGE_DETACH, tc, o->ifaces[i], "cannot remove the tc filter");
		n += tc;
		if (o->verbosity >= 0)
			printf("%s: removed %d xdpcount program%s\n", o->ifaces[i], n, n == 1 ? "" : "s");
	}
	return 0;
}
