// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The shape of libxdp's dispatcher, for the integration tests on a kernel
 * without program extensions (where no real one can be built): an XDP
 * program named xdp_dispatcher whose only map is its read-only config
 * (.rodata), starting with the protocol's magic and a version. It passes
 * everything. Compiled at test time with clang -target bpf:
 *   -DVERSION=N    the dispatcher_version byte (2, 3, or one we do not know)
 *   -DDEVBOUND=0|1 whether the config has version 3's is_xdp_devbound byte
 *                  (its size: 124 bytes without, 128 with) */
#include <linux/bpf.h>

struct config {
	unsigned char magic, dispatcher_version, num_progs_enabled, is_xdp_frags;
	unsigned int chain_call_actions[10], run_prios[10], program_flags[10];
#if DEVBOUND
	unsigned char is_xdp_devbound;
#endif
};

static volatile const struct config conf = {
	.magic = 236, .dispatcher_version = VERSION, .num_progs_enabled = 1,
	.chain_call_actions = { 1U << XDP_PASS | 1U << 31 }, .run_prios = { 50 },
};

__attribute__((section("xdp"), used))
int xdp_dispatcher(struct xdp_md *ctx)
{
	return conf.num_progs_enabled < 1 ? XDP_ABORTED : XDP_PASS;
}

__attribute__((section("license"), used))
char LICENSE[] = "GPL";
