/* Attaching the counter to interfaces: bpf_link or netlink, native or
 * generic, the mode the kernel really uses, and detaching. It does what the
 * plan says; it chooses no policy. */
#ifndef XDPCOUNT_ATTACH_H
#define XDPCOUNT_ATTACH_H

#include <stdint.h>

#include "plan/plan.h"

struct attachment {
	int ifindex;
	enum attach_kind kind; /* LINK or NETLINK */
	enum xdp_mode mode;    /* NATIVE or GENERIC, as the kernel reports it */
	int prog_fd;
	int link_fd;           /* LINK only, else -1 */
	uint32_t flags;        /* NETLINK only: the mode flag used */
};

/* Attaches prog_fd to ifindex in exactly this mode (NATIVE or GENERIC) with
 * this kind (LINK or NETLINK); netlink never replaces an existing program.
 * On failure returns -errno and leaves nothing attached; the kernel's extack
 * message, if any, is in log_kernel_message(). */
int attach_xdp(int prog_fd, int ifindex, enum xdp_mode mode, enum attach_kind kind,
	       struct attachment *a);
/* Asks the kernel which mode runs our program on a->ifindex; updates a->mode. */
int attach_query_mode(struct attachment *a);
/* Detaches, only if our program is still the one attached. Idempotent. */
int detach_xdp(struct attachment *a);

/* Detaches whatever xdpcount program (by ownership marker) sits on ifindex,
 * in any mode; used by `xdpcount detach` after a netlink run was killed.
 * Returns the number of programs removed, or -errno. Foreign programs stay. */
int detach_ours(int ifindex);

#endif
