/* selftest: the end-to-end proof behind `xdpcount check --selftest`.
 *
 * A child process moves into a new network namespace of its own, makes a
 * veth pair there over rtnetlink, and for native then generic mode (then tc
 * ingress, when the caller can attach there) attaches
 * the caller's program to one end, injects exactly N frames from the other
 * and compares the counts; then (tc egress) attaches at the sending end's
 * egress and counts the same N frames as they leave it. The host's interfaces are never touched, and the
 * namespace (with everything in it) disappears when the child exits, on every
 * path. The parent bounds the wait and kills the child if it has to: the child
 * tells it each step it begins (namespace, veth, each mode's attach, send,
 * count, detach) and every 1000 frames it has sent, and the bound is on the
 * silence between two of these (SELFTEST_STALL_MS), not on the whole run,
 * which an emulated (TCG) or loaded machine may well make longer without any
 * step hanging. Every step has a bound of its own below it (sending: 5 s
 * without a frame through; settling: 2 s; the veth coming up: 3 s), and the
 * steps are finitely many, so the whole run is bounded too.
 *
 * The BPF side comes from the caller through hooks: the program and its maps
 * are loaded by the parent before selftest_run() forks, and the child
 * inherits their file descriptors. */
#ifndef XDPCOUNT_SELFTEST_H
#define XDPCOUNT_SELFTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "plan/plan.h"

#define SELFTEST_REASON_LEN 256
#define SELFTEST_STALL_MS 20000 /* the longest silence of the child */
#define SELFTEST_DEFAULT_FRAMES 10000
#define SELFTEST_DEFAULT_FRAME_LEN 64

/* Provided by the caller (the loader side). They run in the child, inside
 * its network namespace. Each returns 0 or -errno. */
struct selftest_hooks {
	void *ctx;
	/* Strict: XDP_MODE_NATIVE or XDP_MODE_GENERIC, no fallback; or
	 * XDP_MODE_TC (tc ingress) when tc is set. */
	int (*attach)(void *ctx, int ifindex, enum xdp_mode mode);
	int (*detach)(void *ctx, int ifindex);
	/* Counters of ifindex (map slots are per ifindex). */
	int (*read)(void *ctx, int ifindex, uint64_t *packets, uint64_t *bytes);
	bool tc; /* also run the tc ingress case, and with attach_egress the
		  * tc egress one (read then counts what ifindex transmits) */
	int (*attach_egress)(void *ctx, int ifindex);
};

struct selftest_mode {
	bool ran, ok;
	uint64_t sent, counted, bytes_sent, bytes_counted;
	int err;      /* -errno, 0 if none */
	char reason[SELFTEST_REASON_LEN];
};

struct selftest_result {
	bool ran;     /* false: veth could not be had (reason says why) */
	struct selftest_mode native, generic;
	struct selftest_mode tc; /* ran only when the hooks asked for it */
	struct selftest_mode egress; /* the same, with attach_egress */
	int err;      /* -errno, 0 if none */
	char reason[SELFTEST_REASON_LEN];
};

/* Runs the selftest with nframes frames of frame_len bytes per mode (0 picks
 * the defaults above) and fills *r. Returns 0 when it could run at all and
 * both modes counted exactly; -errno otherwise (r says what happened in every
 * case). Never hangs: the child is killed when it has said nothing for
 * SELFTEST_STALL_MS, and the reason names the step it was in. */
int selftest_run(const struct selftest_hooks *h, unsigned int nframes,
		 unsigned int frame_len, struct selftest_result *r);

/* The same with a chosen bound on the child's silence (tests use a short
 * one). */
int selftest_run_timeout(const struct selftest_hooks *h, unsigned int nframes,
			 unsigned int frame_len, unsigned int stall_ms,
			 struct selftest_result *r);

#endif
