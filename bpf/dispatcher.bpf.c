// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A dispatcher of libxdp's multi-program protocol (protocol.org in
 * xdp-tools), so that xdpcount can hold the XDP hook and still let
 * xdp-loader, xdp-filter and every libxdp user add their programs beside
 * ours. Built once per protocol version (XDPC_DISP_VERSION 2 or 3: the config
 * differs by one byte), with BTF: every slot is a global function that a
 * program extension (freplace) replaces, and libxdp refuses a dispatcher
 * without BTF. Its only map is the frozen .rodata holding the config. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "dispatcher.h"

static volatile const struct xdpc_disp_config conf = {};

/* An empty slot: returns XDPC_DISP_RETVAL, which every slot's
 * chain_call_actions carries, so the chain goes on. The no-op
 * bpf_xdp_adjust_tail() makes the verifier treat the slot as one that may
 * change packet data, so a program that does may replace it. */
#define SLOT(i)                                                    \
	__attribute__((noinline)) int prog##i(struct xdp_md *ctx) \
	{                                                          \
		volatile int ret = XDPC_DISP_RETVAL;               \
		if (!ctx)                                          \
			return XDP_ABORTED;                        \
		bpf_xdp_adjust_tail(ctx, 0);                       \
		return ret;                                        \
	}

SLOT(0) SLOT(1) SLOT(2) SLOT(3) SLOT(4) SLOT(5) SLOT(6) SLOT(7) SLOT(8) SLOT(9)

/* Slot i runs if enabled; its return value ends the chain unless its bit
 * is among the slot's chain actions. The verifier sees num_progs_enabled as
 * a constant and drops the slots beyond it. */
#define CALL(i)                                               \
	if (n < (i) + 1)                                      \
		goto out;                                     \
	ret = prog##i(ctx);                                   \
	if (!((1U << ret) & conf.chain_call_actions[i]))      \
		return ret;

SEC("xdp")
int xdp_dispatcher(struct xdp_md *ctx)
{
	__u8 n = conf.num_progs_enabled;
	int ret;

	CALL(0) CALL(1) CALL(2) CALL(3) CALL(4) CALL(5) CALL(6) CALL(7) CALL(8) CALL(9)
out:
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
