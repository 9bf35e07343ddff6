/* The BTF of one XDP function, "int NAME(struct xdp_md *ctx)", global: what
 * the kernel needs to load a program extension (freplace) of such a
 * function, and a target for one (probe/ext.c's probe, the counter in a
 * dispatcher's slot). Built in memory, no syscall: each caller loads it with
 * its own BPF_BTF_LOAD. */
#ifndef XDPCOUNT_BTF_FUNC_H
#define XDPCOUNT_BTF_FUNC_H

#include <stddef.h>
#include <linux/btf.h>

/* The type id of the function in the blob (for func_info and
 * attach_btf_id). */
#define BTF_XDP_FUNC_ID 5
#define BTF_XDP_FUNC_NAME_MAX 16

struct btf_xdp_func {
	struct btf_header h;
	struct btf_type md;    /* [1] struct xdp_md (matched by name) */
	struct btf_type ptr;   /* [2] pointer to it */
	struct btf_type i;     /* [3] int */
	__u32 int_bits;
	struct btf_type proto; /* [4] int (struct xdp_md *ctx) */
	struct btf_param arg;
	struct btf_type func;  /* [5] the function, global */
	char strs[32 + BTF_XDP_FUNC_NAME_MAX];
};

/* Fills *b for a function named name (at most BTF_XDP_FUNC_NAME_MAX - 1
 * characters, the rest cut) and returns the blob's size in bytes. */
size_t btf_xdp_func(struct btf_xdp_func *b, const char *name);

#endif
