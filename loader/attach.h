/* Attaching the counter to interfaces, the one module callers use: XDP
 * (bpf_link or netlink, native or generic, the mode the kernel really uses)
 * or tc (tcx or clsact), one check and one detach for every kind, and the
 * sweep of what dead runs left. It does what the plan says; it chooses no
 * policy. The hooks themselves are loader/xdp.c and loader/tc.c. */
#ifndef XDPCOUNT_ATTACH_H
#define XDPCOUNT_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/attachment.h"
#include "loader/dispatcher.h"
#include "loader/tc.h"
#include "loader/xdp.h"

/* Attaches prog_fd to ifindex in exactly this mode (NATIVE or GENERIC) with
 * this kind (LINK or NETLINK); netlink never replaces an existing program.
 * On failure returns -errno and leaves nothing attached; the kernel's extack
 * message, if any, is in a->kmsg. */
int attach_xdp(int prog_fd, int ifindex, enum xdp_mode mode, enum attach_kind kind,
	       struct attachment *a);
/* tc ingress, or egress. LINK: a tcx link, first in line (6.6+). NETLINK: a
 * cls_bpf direct-action filter at XDPCOUNT_TC_HANDLE/PRIO on a clsact qdisc,
 * created only if absent. Never replaces a filter. On failure returns -errno
 * and leaves nothing attached (nor a qdisc it created); the kernel's extack
 * message, if any, is in a->kmsg. */
int attach_tc(int prog_fd, int ifindex, enum attach_kind kind, bool egress, struct attachment *a);
/* XDP through libxdp's dispatcher (loader/dispatcher.h): ext_fd (an
 * extension, counter_add_slot()) joins the dispatcher on ifindex at the
 * front, or holds the hook through a new one of version. Nothing stays on
 * failure; the kernel's message is kept as for the others. */
int attach_dispatcher(int ext_fd, int ifindex, enum xdp_mode mode, unsigned int version,
		      struct attachment *a);
/* Is our program still attached where we put it (XDP, tcx or clsact)? 0 yes;
 * -ENODEV the interface is gone from this namespace; -ENOENT the program is
 * no longer on it (*now_id: what sits there instead, 0 for nothing);
 * -ENOLINK our link was detached. */
int attach_check(const struct attachment *a, uint32_t *now_id);
/* The one detach, of any attachment (XDP, tc, a dispatcher slot), only if
 * our program is still the one attached. Idempotent. -ENODEV (netlink): the
 * interface left this namespace and the program may stay attached to it
 * elsewhere; a program that is no longer ours is 0. */
int detach_attachment(struct attachment *a);

/* Removes the pins of xdpcount runs that are gone and whose program is no
 * longer where the pin says (detached, the interface deleted or moved away,
 * its namespace gone), with the clsact qdisc a PIN_QDISC pin says that run
 * created if nothing is on it. A pin made in another namespace that still
 * exists is checked there (CAP_SYS_ADMIN: setns; without it, it stays). A
 * pin whose program is still attached stays: it tells the next run there
 * that the program is a leftover of ours. Returns the number of pins
 * removed, or -errno (no bpffs: 0). */
int pin_sweep(void);

#endif
