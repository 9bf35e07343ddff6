// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Start-up clock for the bench: for one process (all its threads), the time
 * of its execve(), of its first successful XDP attach through
 * bpf(BPF_LINK_CREATE), and the number of bpf() calls in between. Raw
 * tracepoints on sys_enter/sys_exit: no tracefs, no tracing of the traced
 * process by ptrace, so nothing slows it down. Host arch only (the syscall
 * numbers and where the arguments sit in pt_regs differ). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#if defined(BENCH_ARCH_x86_64)
#define NR_EXECVE 59
#define NR_BPF 321
#define ARG0_OFF 112 /* pt_regs.di */
#define ARG1_OFF 104 /* pt_regs.si */
#elif defined(BENCH_ARCH_aarch64)
#define NR_EXECVE 221
#define NR_BPF 280
#define ARG0_OFF 0 /* pt_regs.regs[0] */
#define ARG1_OFF 8
#else
#define NR_EXECVE -1
#define NR_BPF -1
#define ARG0_OFF 0
#define ARG1_OFF 8
#endif

enum { TARGET, T_EXEC, T_ATTACH, N_BPF, PENDING_T, PENDING_TID, N_SLOTS };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, N_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} startup SEC(".maps");

static __always_inline __u64 *slot(__u32 k)
{
	return bpf_map_lookup_elem(&startup, &k);
}

SEC("raw_tracepoint/sys_enter")
int startup_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u64 *target = slot(TARGET), *exec = slot(T_EXEC), *attach = slot(T_ATTACH);
	__u64 *n = slot(N_BPF), *pt = slot(PENDING_T), *ptid = slot(PENDING_TID);
	__u64 cmd = 0, attr = 0;
	__u32 type = 0;
	void *regs = (void *)ctx->args[0];

	if (!target || !exec || !attach || !n || !pt || !ptid || *target != id >> 32)
		return 0;
	if ((long)ctx->args[1] == NR_EXECVE) {
		if (!*exec)
			*exec = bpf_ktime_get_ns();
		return 0;
	}
	if ((long)ctx->args[1] != NR_BPF || *attach)
		return 0;
	bpf_probe_read_kernel(&cmd, sizeof(cmd), regs + ARG0_OFF);
	bpf_probe_read_kernel(&attr, sizeof(attr), regs + ARG1_OFF);
	if ((__u32)cmd == BPF_LINK_CREATE &&
	    bpf_probe_read_user(&type, sizeof(type), (void *)(attr + 8)) == 0 && type == BPF_XDP) {
		*pt = bpf_ktime_get_ns();
		*ptid = (__u32)id;
		return 0;
	}
	*n += 1;
	return 0;
}

SEC("raw_tracepoint/sys_exit")
int startup_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u64 *target = slot(TARGET), *attach = slot(T_ATTACH), *n = slot(N_BPF);
	__u64 *pt = slot(PENDING_T), *ptid = slot(PENDING_TID);

	if (!target || !attach || !n || !pt || !ptid || *target != id >> 32 || !*pt ||
	    *ptid != (__u32)id)
		return 0;
	if ((long)ctx->args[1] >= 0 && !*attach)
		*attach = *pt; /* the attach that worked */
	else
		*n += 1; /* a probe, or a refused attach: one more call before it */
	*pt = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
