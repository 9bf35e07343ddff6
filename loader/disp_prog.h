/* A dispatcher program of libxdp's protocol (loader/dispatcher.h), built
 * from our embedded object: its config (slots' run priorities, chain
 * actions, flags), loaded and with each slot's program linked in. The one
 * on the interface is read into the same struct (loader/disp_state.h). */
#ifndef XDPCOUNT_LOADER_DISP_PROG_H
#define XDPCOUNT_LOADER_DISP_PROG_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/dispatcher.h"

/* Our slot's run priority: before libxdp's default (50) and anything a
 * user gives, so we see what later programs drop. */
#define XDPC_DISP_OUR_PRIO 0
/* The chain actions of our slot: XDP_PASS (what our program returns). */
#define XDPC_DISP_OUR_ACTIONS (1U << 2)

struct slot {
	int prog_fd;
	uint32_t prog_id;
	uint32_t prio, actions, flags; /* actions without XDPC_DISP_RETVAL */
};

struct bpf_object;

/* A dispatcher: the one on the interface (read), or one we built. */
struct disp {
	int fd;
	uint32_t id;
	unsigned int version;
	bool frags;
	unsigned int n;
	struct slot s[XDPC_DISP_SLOTS];
	int link[XDPC_DISP_SLOTS]; /* ours only: the links into a new one */
	struct bpf_object *obj;    /* ours only */
};

/* An empty one (no fd open), and making one so again (closing its fds). */
void disp_init(struct disp *d);
void disp_close(struct disp *d);

/* d (initialized here): our dispatcher of version with the n slots as in
 * s[] (their fds are dup'ed), each slot's program linked into it; with
 * frags if asked and the kernel takes it, else without. Attached nowhere.
 * On failure d holds what was made so far (disp_close() it). */
int disp_make(struct disp *d, unsigned int version, const struct slot *s, unsigned int n,
	      bool frags);

/* A dispatcher of version (2, 3) with one slot, never attached: the target
 * our extensions are loaded against before they are linked into the real
 * one (re-attaching, 5.10+). *btf_id: its prog0's BTF id. fd or -errno. */
int dispatcher_template(unsigned int version, uint32_t *btf_id);

/* A dispatcher of version with the n extensions ext_fds[] linked into its
 * slots in that order (run priority 0, chaining on XDP_PASS), attached
 * nowhere: for measuring the protocol's cost with BPF_PROG_TEST_RUN (make
 * bench). *fd: the dispatcher, valid until dispatcher_built_free(). */
int dispatcher_build(unsigned int version, const int *ext_fds, unsigned int n,
		     struct disp **out, int *fd);
void dispatcher_built_free(struct disp *d);

#endif
