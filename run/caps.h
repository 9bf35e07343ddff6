/* Dropping capabilities once the counter is attached: the rest of a run
 * needs at most CAP_NET_ADMIN (to detach a netlink program at exit), and on
 * kernels that refuse bpf() map reads without it, CAP_BPF (or CAP_SYS_ADMIN
 * before 5.8). */
#ifndef XDPCOUNT_CAPS_H
#define XDPCOUNT_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/* Keeps only need_net_admin's CAP_NET_ADMIN (need_dispatcher's CAP_NET_ADMIN,
 * CAP_SYS_ADMIN, CAP_BPF and CAP_PERFMON: what leaving a dispatcher needs),
 * plus the bpf capabilities if
 * still_works() fails without them (tried with the effective set only, which
 * can be undone). Permitted, effective, inheritable and ambient sets all
 * shrink. Returns 0 or -errno; *kept receives the capabilities kept. */
int caps_drop_after_attach(bool need_net_admin, bool need_dispatcher,
			   int (*still_works)(void *ctx), void *ctx,
			   uint64_t *kept);
/* Capabilities are a thread's: a helper thread that needs none (the stdout
 * writer) gives them all up at its start, so that the process holds no more
 * than the run loop keeps. 0 or -errno. */
int caps_drop_all_in_this_thread(void);
/* "CAP_NET_ADMIN", "CAP_NET_ADMIN CAP_BPF" or "none", for -v. */
const char *caps_names(uint64_t caps, char *buf, unsigned int len);

#endif
