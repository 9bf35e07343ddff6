/* probe/sys: the raw bpf() system call, in one place for the probes and the
 * loader. The raw call keeps the exact errno of a refusal (captured at once)
 * and never runs libbpf's own RLIMIT_MEMLOCK bump behind our back. And the
 * capability sets of this thread, read (the probes) and set (the run's
 * drop), through capget/capset version 3. */
#ifndef XDPCOUNT_PROBE_SYS_H
#define XDPCOUNT_PROBE_SYS_H

#include <stdint.h>
#include <linux/bpf.h>

/* bpf(cmd, attr): its result (an fd, 0), or -errno. */
int probe_sys_bpf(int cmd, union bpf_attr *attr);
/* Copies a map or program name: 15 characters and a NUL (4.15+). */
void probe_sys_name(char to[BPF_OBJ_NAME_LEN], const char *name);
/* A map with __u32 keys, named name (NULL: none): its fd, or -errno. */
int probe_sys_map_create(__u32 type, const char *name, __u32 value_size, __u32 entries,
			 __u32 flags);
/* A thread's capability sets, 64 bits each (CAP_BPF is bit 39, 5.8+). */
struct probe_capsets {
	uint64_t eff, prm, inh;
};
/* capget() of this thread: 0 or -errno. */
int probe_sys_capget(struct probe_capsets *c);
/* capset() of this thread: 0 or -errno. */
int probe_sys_capset(const struct probe_capsets *c);
/* r0 = XDP_PASS; exit: the smallest XDP program, for probes. */
extern const struct bpf_insn probe_sys_xdp_pass[2];

#endif
