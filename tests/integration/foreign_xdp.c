// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A "foreign" XDP program for the integration tests: something that is not
 * xdpcount's, already attached to an interface, which xdpcount must refuse to
 * replace. Compiled at test time with clang -target bpf; test-only. */
#include <linux/bpf.h>

__attribute__((section("xdp"), used))
int foreign_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

__attribute__((section("license"), used))
char LICENSE[] = "Dual BSD/GPL";
