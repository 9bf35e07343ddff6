/* The tc hooks, ingress and egress (loader/tc.c). LINK: a tcx link, first in
 * line (6.6+). NETLINK: a cls_bpf direct-action filter at
 * XDPCOUNT_TC_HANDLE/PRIO on a clsact qdisc, created only if absent. */
#ifndef XDPCOUNT_LOADER_TC_H
#define XDPCOUNT_LOADER_TC_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/attachment.h"

/* attach_tc() without the kernel's message (loader/attach.h). */
int tc_attach(int prog_fd, int ifindex, enum attach_kind kind, bool egress,
	      struct attachment *a);
/* Is our clsact filter still at its place (on a->egress's hook)? 0 yes;
 * -ENOENT it is gone (or the qdisc with it; *now_id: the program there
 * instead, 0 none); -ENODEV the interface is gone from this namespace. One
 * RTM_GETTFILTER. */
int attach_tc_check(const struct attachment *a, uint32_t *now_id);
/* detach_attachment() of a tc attachment: closes the tcx link, or removes our
 * filter (if still ours) and the qdisc if we created it and no filter is
 * left on it. Idempotent. Of an interface counted both ways through clsact,
 * detach the egress hook first: the ingress attachment created the qdisc,
 * and removes it once empty. */
int tc_detach(struct attachment *a);
/* Removes the clsact qdisc on ifindex if no filter at all is on it (nor a
 * qdisc there: 0). 0 or -errno. */
int detach_empty_clsact(int ifindex);
/* `xdpcount detach`: removes the xdpcount cls_bpf filters left at our place
 * on ingress and egress, and the clsact qdisc if nothing else is on it.
 * Returns the number of filters removed (0 to 2), or -errno. */
int detach_ours_tc(int ifindex);
/* Removes our stale filter on one hook, program id, left by an xdpcount
 * that no longer runs (kill -9 in clsact mode), and the clsact qdisc if
 * nothing else is on it. 0, -ENOENT when it is no longer there, or -errno. */
int detach_stale_tc(int ifindex, bool egress, uint32_t id);

#endif
