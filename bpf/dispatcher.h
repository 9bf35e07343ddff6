/* libxdp's multi-program dispatcher protocol (protocol.org in xdp-tools),
 * as xdpcount speaks it: the config that the dispatcher program reads from
 * its frozen .rodata, shared by bpf/dispatcher.bpf.c and user space
 * (loader/disp_prog.c writes it, loader/disp_state.c reads it). Written
 * from the protocol's description. Version 2 (libxdp 1.3-1.5) is 124
 * bytes; version 3 (libxdp 1.6) adds one byte after program_flags, padded
 * to 128. Fixed-width fields only. */
#ifndef XDPCOUNT_DISPATCHER_H
#define XDPCOUNT_DISPATCHER_H

#include <linux/types.h>

#define XDPC_DISP_MAGIC 236      /* 'X' + 'D' + 'P' */
#define XDPC_DISP_SLOTS 10
/* What an empty slot returns: the top bit of every chain_call_actions, so
 * the chain always goes on past a slot nobody fills. */
#define XDPC_DISP_RETVAL 31

struct xdpc_disp_config {
	__u8 magic;
	__u8 dispatcher_version;
	__u8 num_progs_enabled;
	__u8 is_xdp_frags;
	__u32 chain_call_actions[XDPC_DISP_SLOTS]; /* bit n: action n goes on */
	__u32 run_prios[XDPC_DISP_SLOTS];
	__u32 program_flags[XDPC_DISP_SLOTS];      /* BPF_F_XDP_HAS_FRAGS, ... */
#if !defined(XDPC_DISP_VERSION) || XDPC_DISP_VERSION >= 3
	__u8 is_xdp_devbound;                     /* version 3 only */
#endif
};

#endif
