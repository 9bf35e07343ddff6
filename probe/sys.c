/* The raw bpf() system call and the few attrs built on it more than once;
 * capget and capset. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

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

int probe_sys_capget(struct probe_capsets *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return -errno;
	c->eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	c->prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	c->inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

int probe_sys_capset(const struct probe_capsets *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	d[0].effective = (uint32_t)c->eff, d[1].effective = (uint32_t)(c->eff >> 32);
	d[0].permitted = (uint32_t)c->prm, d[1].permitted = (uint32_t)(c->prm >> 32);
	d[0].inheritable = (uint32_t)c->inh, d[1].inheritable = (uint32_t)(c->inh >> 32);
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}
