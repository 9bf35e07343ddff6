/* xdpcount status [--json] [IFACE...]: which XDP programs are attached
 * where, ours and others'. Read-only. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/errors.h"
#include "probe/status.h"
#include "report/status_report.h"
#include "probe/probe.h"

#define STATUS_MAX_IFACES 1024

int cmd_status(const struct opts *o)
{
	static struct status_iface ifs[STATUS_MAX_IFACES];
	struct identity id;
	unsigned int n = 0;

	if (o->n_ifaces > STATUS_MAX_IFACES)
		return fail(STAGE_IFACE, -E2BIG, NULL, NULL);
	for (int i = 0; i < o->n_ifaces; i++) {
		int ifindex = (int)if_nametoindex(o->ifaces[i]);

		if (!ifindex)
			return fail(STAGE_IFACE, -ENODEV, o->ifaces[i], NULL);
		snprintf(ifs[n].name, sizeof(ifs[n].name), "%s", o->ifaces[i]);
		ifs[n++].ifindex = ifindex;
	}
	if (!o->n_ifaces) {
		struct if_nameindex *all = if_nameindex(), *p;

		if (!all)
			return fail(STAGE_IFACE, -errno, "(all)", "cannot list the interfaces");
		for (p = all; p->if_index && n < STATUS_MAX_IFACES; p++) {
			snprintf(ifs[n].name, sizeof(ifs[n].name), "%s", p->if_name);
			ifs[n++].ifindex = (int)p->if_index;
		}
		if_freenameindex(all);
	}
	status_query(ifs, n);
	if (o->json) {
		identity_get(&id);
		status_print_json(stdout, &id, ifs, n);
	} else {
		status_print_human(stdout, ifs, n, o->n_ifaces == 0);
	}
	return 0;
}
