/* What one attachment of our program holds, and what the XDP and tc hooks
 * (loader/xdp.c, loader/tc.c) share: its set-up, its link, letting go of it,
 * and telling whether a program on an interface is ours. The attach and
 * detach callers use are loader/attach.h's. */
#ifndef XDPCOUNT_ATTACHMENT_H
#define XDPCOUNT_ATTACHMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

struct attachment {
	int ifindex;
	enum attach_kind kind; /* LINK or NETLINK (tc: tcx or clsact), or DISPATCHER:
				* prog_id in a slot of libxdp's dispatcher */
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

/* A fresh attachment of prog_fd to ifindex, nothing attached yet (no link). */
void attach_init(struct attachment *a, int prog_fd, int ifindex, enum xdp_mode mode,
		 enum attach_kind kind);
/* Lets go of what we hold of a without asking the kernel to detach (the
 * interface was deleted, and our program with it): the pin, the link fd. */
void detach_forget(struct attachment *a);
/* Detaches and closes a's link (XDP or tcx), if it has one; works even if
 * another process holds the link. Idempotent: 0, or -errno. */
int detach_link(struct attachment *a);
/* Is our link (XDP or tcx) still attached? 0 yes, -ENOLINK no (or no link). */
int attach_link_alive(const struct attachment *a);
/* An fd of program id on ifindex if it is ours (by our bpffs pin, or by
 * name), with the pin's path ("" if none); -ENOENT not ours; -EPERM cannot
 * be told. */
int attach_ours_fd(int ifindex, uint32_t id, char *pin, size_t pin_len);

#endif
