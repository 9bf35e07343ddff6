/* Attaching the counter to interfaces: bpf_link or netlink, native or
 * generic, the mode the kernel really uses, and detaching. It does what the
 * plan says; it chooses no policy. */
#ifndef XDPCOUNT_ATTACH_H
#define XDPCOUNT_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include "plan/plan.h"

struct attachment {
	int ifindex;
	enum attach_kind kind; /* LINK or NETLINK (tc: tcx or clsact) */
	enum xdp_mode mode;    /* NATIVE or GENERIC, as the kernel reports it; TC */
	int prog_fd;
	int link_fd;           /* LINK only, else -1 */
	uint32_t flags;        /* NETLINK only: the mode flag used; tc: the program id */
	bool qdisc_created;    /* clsact only: we created the qdisc */
	bool egress;           /* TC only: the egress hook (else ingress) */
	uint32_t prog_id;      /* the kernel's id of our program */
	char pin[256];         /* NETLINK: our bpffs pin (loader/pin.h), "" if none */
	int pin_err;           /* why there is no pin (-errno), 0 if there is */
	char kmsg[256];        /* the kernel's extack message on the last attach, "" if none */
};

/* Attaches prog_fd to ifindex in exactly this mode (NATIVE or GENERIC) with
 * this kind (LINK or NETLINK); netlink never replaces an existing program.
 * On failure returns -errno and leaves nothing attached; the kernel's extack
 * message, if any, is in a->kmsg. */
int attach_xdp(int prog_fd, int ifindex, enum xdp_mode mode, enum attach_kind kind,
	       struct attachment *a);
/* An fd of program id on ifindex if it is ours (by our bpffs pin, or by
 * name), with the pin's path ("" if none); -ENOENT not ours; -EPERM cannot
 * be told. */
int attach_ours_fd(int ifindex, uint32_t id, char *pin, size_t pin_len);
/* A fresh attachment of prog_fd to ifindex, nothing attached yet (no link). */
void attach_init(struct attachment *a, int prog_fd, int ifindex, enum xdp_mode mode,
		 enum attach_kind kind);
/* The kernel's id of a loaded program (0 or -errno). */
int attach_prog_id(int prog_fd, uint32_t *id);
/* Asks the kernel which mode runs our program on a->ifindex; updates a->mode. */
int attach_query_mode(struct attachment *a);
/* Is our program still attached where we put it (XDP, tcx or clsact)? 0 yes;
 * -ENODEV the interface is gone from this namespace; -ENOENT the program is
 * no longer on it (*now_id: what sits there instead, 0 for nothing);
 * -ENOLINK our link was detached. */
int attach_check(const struct attachment *a, uint32_t *now_id);
/* Is our link (XDP or tcx) still attached? 0 yes, -ENOLINK no (or no link). */
int attach_link_alive(const struct attachment *a);
/* Detaches, only if our program is still the one attached. Idempotent.
 * Handles tc attachments too (detach_tc).
 * -ENODEV (netlink): the interface left this namespace and the program may
 * stay attached to it elsewhere; a program that is no longer ours is 0. */
int detach_xdp(struct attachment *a);
/* Lets go of what we hold of a without asking the kernel to detach (the
 * interface was deleted, and our program with it): the pin, the link fd. */
void detach_forget(struct attachment *a);

/* tc ingress, or egress (loader/tc.c). LINK: a tcx link, first in line
 * (6.6+). NETLINK: a cls_bpf direct-action filter at XDPCOUNT_TC_HANDLE/PRIO
 * on a clsact qdisc, created only if absent. Never replaces a filter. On
 * failure returns -errno and leaves nothing attached (nor a qdisc it
 * created); the kernel's extack message, if any, is in a->kmsg. */
int attach_tc(int prog_fd, int ifindex, enum attach_kind kind, bool egress, struct attachment *a);
/* Is our clsact filter still at its place (on a->egress's hook)? 0 yes;
 * -ENOENT it is gone (or the qdisc with it; *now_id: the program there
 * instead, 0 none); -ENODEV the interface is gone from this namespace. One
 * RTM_GETTFILTER. */
int attach_tc_check(const struct attachment *a, uint32_t *now_id);
/* Removes our filter (if still ours) and the qdisc if we created it and no
 * filter is left on it; closes the tcx link. Idempotent. Of an interface
 * counted both ways through clsact, detach the egress hook first: the
 * ingress attachment created the qdisc, and removes it once empty. */
int detach_tc(struct attachment *a);
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

/* Removes our own stale program id (left by an xdpcount that no longer
 * runs) from ifindex in mode, exactly that one, and its pin. 0 or -errno. */
int detach_stale(int ifindex, uint32_t id, enum xdp_mode mode);

/* Detaches whatever xdpcount program (by our bpffs pin, or by name where
 * CAP_SYS_ADMIN allows reading it) sits on ifindex, in any mode; used by
 * `xdpcount detach` after a netlink run was killed. Returns the number of
 * programs removed, or -errno. Foreign programs stay; *unknown_id is set to a
 * program that could not be recognised either way (0 if none). */
int detach_ours(int ifindex, uint32_t *unknown_id);

#endif
