/* The XDP hook: a bpf_link or a netlink attachment, native or generic, the
 * mode the kernel really uses, and removing what xdpcount left there. */
#ifndef XDPCOUNT_LOADER_XDP_H
#define XDPCOUNT_LOADER_XDP_H

#include "loader/attachment.h"

/* attach_xdp() without the kernel's message (loader/attach.h). */
int xdp_attach(int prog_fd, int ifindex, enum xdp_mode mode, enum attach_kind kind,
	       struct attachment *a);
/* Asks the kernel which mode runs our program on a->ifindex; updates a->mode. */
int attach_query_mode(struct attachment *a);
/* attach_check() of a netlink XDP attachment. */
int xdp_check(const struct attachment *a, uint32_t *now_id);
/* detach_attachment() of an XDP attachment: its link, or its netlink
 * program. */
int xdp_detach(struct attachment *a);

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
