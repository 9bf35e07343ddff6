// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A second program for xdp-loader's own dispatcher in neighbour.sh's base
 * scenario: passes everything. With BTF (-g), as libxdp needs. */
#include <linux/bpf.h>

__attribute__((section("xdp"), used))
int xdp_pass_all(struct xdp_md *ctx)
{
	return XDP_PASS;
}

__attribute__((section("license"), used))
char LICENSE[] = "GPL";
