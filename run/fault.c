/* The words of a watched interface's fault (run/fault.h). */
#include <errno.h>
#include <stdio.h>

#include "cli/errors.h"
#include "probe/netns.h"
#include "report/fmt.h"
#include "run/fault.h"
#include "run/watch.h"

void fault_words(char *buf, size_t len, const struct watch_iface *w)
{
	const struct attachment *a = w->tx_fault ? w->tx_att : w->att;
	bool tc = a->mode == XDP_MODE_TC, egress = a->egress;

	switch (w->fault) {
	case WATCH_DELETED:
		snprintf(buf, len, "the interface was deleted (and our program with it)");
		return;
	case WATCH_MOVED:
		if (w->new_nsid >= 0)
			snprintf(buf, len, "the interface moved to the network namespace with nsid %d "
				 "(ifindex %d there)", w->new_nsid, w->new_ifindex);
		else
			snprintf(buf, len, "the interface moved to another network namespace");
		return;
	case WATCH_GONE:
		snprintf(buf, len, "the interface left this network namespace (deleted or moved)");
		return;
	case WATCH_PROG_GONE:
		if (tc && w->now_id) /* clsact */
			snprintf(buf, len, "our tc %sfilter was replaced by program id %u",
				 egress ? "egress " : "", w->now_id);
		else if (tc)
			snprintf(buf, len, "our tc %sfilter was removed from the interface (tc filter "
				 "del, or its clsact qdisc deleted)", egress ? "egress " : "");
		else if (w->now_id)
			snprintf(buf, len, "our XDP program was replaced by program id %u", w->now_id);
		else
			snprintf(buf, len, "our XDP program was removed from the interface "
				 "(xdpcount detach, or ip link set ... xdp off)");
		return;
	case WATCH_LINK_GONE:
		snprintf(buf, len, "our %s link was detached from the interface by someone else",
			 !tc ? "XDP" : egress ? "tcx egress" : "tcx");
		return;
	case WATCH_OK:
		break;
	}
	snprintf(buf, len, "nothing happened");
}

int fail_left_behind(const char *raw_iface, const struct watch_iface *w, unsigned int prog_id)
{
	char iface[FMT_NAME_LEN];
	const char *off = w && w->att->mode == XDP_MODE_GENERIC ? "xdpgeneric off" : "xdpdrv off";
	char ns[256];

	fmt_name(iface, sizeof(iface), raw_iface);
	failure_clear(); /* this says more than "lost": it is the one line to print */
	if (w && w->fault == WATCH_MOVED && w->new_nsid >= 0) {
		if (netns_name(w->new_nsid, ns, sizeof(ns)) == 0)
			return fail(STAGE_LEFT, -ENODEV, raw_iface,
				    "our program (id %u) stays attached: %s moved to network namespace "
				    "%s (nsid %d, ifindex %d there), where it cannot be detached from "
				    "here; remove it with `ip -n %s link set dev %s %s`", prog_id, iface,
				    ns, w->new_nsid, w->new_ifindex, ns, iface, off);
		return fail(STAGE_LEFT, -ENODEV, raw_iface,
			    "our program (id %u) stays attached: %s moved to the network namespace "
			    "with nsid %d (ifindex %d there), where it cannot be detached from here; "
			    "remove it there with `ip link set dev %s %s` (`ip netns list-id` names "
			    "nsid %d)", prog_id, iface, w->new_nsid, w->new_ifindex, iface, off,
			    w->new_nsid);
	}
	return fail(STAGE_LEFT, -ENODEV, raw_iface,
		    "%s left this network namespace; if it moved, our program (id %u) stays "
		    "attached to it there: remove it there with `ip link set dev %s %s`",
		    iface, prog_id, iface, off);
}
