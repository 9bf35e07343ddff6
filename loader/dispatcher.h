/* Holding XDP through libxdp's multi-program dispatcher (protocol.org in
 * xdp-tools), so that libxdp users (xdp-loader, xdp-filter, bpfman, ...) add
 * their programs beside ours, and joining theirs. Our program is an
 * extension (freplace) of a dispatcher slot, at the front (run priority
 * XDPC_DISP_OUR_PRIO) and chaining on XDP_PASS, so it counts every frame
 * before the others decide and they run exactly as before. Every change
 * builds a new dispatcher with one slot more (or fewer), re-links the
 * programs already there into it, pins the state as libxdp does
 * (<bpffs>/xdp/dispatch-<ifindex>-<id>/prog<i>-prog, -link) and swaps it in
 * atomically (XDP_FLAGS_REPLACE with the old dispatcher's fd), all under an
 * exclusive flock of <bpffs>/xdp. Needs kernel BTF, freplace re-attach
 * (5.10+) and, to read a dispatcher by id, CAP_SYS_ADMIN. The program and
 * its config are loader/disp_prog.h's, the state in bpffs and reading the
 * dispatcher on a hook loader/disp_state.h's; joining and leaving it here. */
#ifndef XDPCOUNT_LOADER_DISPATCHER_H
#define XDPCOUNT_LOADER_DISPATCHER_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/attachment.h"
#include "plan/plan.h"

/* Puts ext_fd (our extension) at the front of the dispatcher on ifindex in
 * mode (NATIVE or GENERIC), or holds XDP through a new dispatcher of version
 * if none is there. -EEXIST: a program that is not a dispatcher we know sits
 * there; -ENOSPC: all slots taken; -EAGAIN: the hook changed under us too
 * often. On failure nothing changed. *disp_id: the new dispatcher's id. */
int dispatcher_add(int ext_fd, int ifindex, enum xdp_mode mode, unsigned int version,
		   uint32_t *disp_id);

/* Removes program prog_id's slot from the dispatcher on ifindex (rebuilt
 * without it, or removed with its pin directory if it was the last one).
 * 0; -ENOENT it is in no dispatcher there (nothing done). */
int dispatcher_remove(int ifindex, uint32_t prog_id);

/* The hook for the attachment module (loader/attach.h): ext_fd joins or
 * holds (dispatcher_add()), pinned first for its owner (our bpffs pin);
 * the check asks whether our slot is still there (dispatcher_find(), loader/disp_state.h); the
 * detach removes our slot (dispatcher_remove()), -ENODEV when the
 * interface left this namespace; the stale one removes the slot of a dead
 * run and its pin. */
int disp_attach(int ext_fd, int ifindex, enum xdp_mode mode, unsigned int version,
		struct attachment *a);
int disp_check(const struct attachment *a, uint32_t *now_id);
int disp_detach(struct attachment *a);
int disp_detach_stale(int ifindex, uint32_t id);

#endif
