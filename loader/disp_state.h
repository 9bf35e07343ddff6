/* The state of libxdp's dispatcher protocol (loader/dispatcher.h) outside
 * the kernel's programs: under <bpffs>/xdp, its exclusive flock, and per
 * dispatcher dispatch-<ifindex>-<id>/prog<i>-prog, -link (the pins
 * libxdp's tools read); and reading the dispatcher on a hook through them. */
#ifndef XDPCOUNT_LOADER_DISP_STATE_H
#define XDPCOUNT_LOADER_DISP_STATE_H

#include <stdint.h>

#include "loader/disp_prog.h"
#include "plan/plan.h"

/* The exclusive lock every user of the protocol takes on <bpffs>/xdp (made
 * if missing, 0700 as libxdp makes it): its fd or -errno. */
int disp_lock_take(void);
void disp_lock_drop(int fd);

/* The dispatcher on ifindex now: the program in drv or skb mode (*mode),
 * its config and its slots' pinned programs. d->id 0: XDP is free. -EEXIST:
 * what sits there is not a dispatcher we know; -EPROTO: its state in bpffs
 * is incomplete (not ours to repair). Call with the lock held. */
int disp_read(int ifindex, struct disp *d, enum xdp_mode *mode);

/* Pins d's slots (prog<i>-link and prog<i>-prog) as dispatcher d->id on
 * ifindex; on failure none is left. disp_unpin() removes the n slots'
 * pins of dispatcher id and its directory. */
int disp_pin(int ifindex, const struct disp *d);
void disp_unpin(int ifindex, uint32_t id, unsigned int n);

/* Is prog_id in a slot of the dispatcher on ifindex now? 0 yes (*mode,
 * *disp_id set); -ENOENT no (*disp_id: what holds XDP there, 0 nothing);
 * -ENODEV the interface is gone; other -errno could not tell. */
int dispatcher_find(int ifindex, uint32_t prog_id, enum xdp_mode *mode, uint32_t *disp_id);

#endif
