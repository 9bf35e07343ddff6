/* The raw bpf() system call and the few attrs built on it more than once. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "probe/sys.h"

int probe_sys_bpf(int cmd, union bpf_attr *attr)
{
	long ret = syscall(SYS_bpf, cmd, attr, sizeof(*attr));

	return ret < 0 ? -errno : (int)ret;
}

void probe_sys_name(char to[BPF_OBJ_NAME_LEN], const char *name)
{
	memcpy(to, name, strnlen(name, BPF_OBJ_NAME_LEN - 1));
}

int probe_sys_map_create(__u32 type, const char *name, __u32 value_size, __u32 entries,
			 __u32 flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = sizeof(__u32);
	a.value_size = value_size;
	a.max_entries = entries;
	a.map_flags = flags;
	if (name)
		probe_sys_name(a.map_name, name);
	return probe_sys_bpf(BPF_MAP_CREATE, &a);
}

const struct bpf_insn probe_sys_xdp_pass[2] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
	{ .code = BPF_JMP | BPF_EXIT },
};
