/* The BPF feature probes. Each one issues the cheapest bpf() command that
 * exercises exactly the feature, captures errno at once and keeps it. They
 * use the raw syscall: libbpf's wrappers would hide the errno of a refused
 * load, and would bump RLIMIT_MEMLOCK on their own. Every fd is closed again
 * and nothing is ever left attached. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/resource.h>
#include <linux/bpf.h>
#include <linux/if_link.h>

#include "probe/facts.h"
#include "probe/probe.h"
#include "probe/internal.h"
#include "probe/sys.h"

#ifndef BPF_F_XDP_HAS_FRAGS
#define BPF_F_XDP_HAS_FRAGS (1U << 5)
#endif

/* A one-slot map of type with value_size bytes: its fd, or -errno. */
static int map_create(enum bpf_map_type type, __u32 value_size)
{
	return probe_sys_map_create(type, NULL, value_size, 1, 0);
}

static int xdp_prog_load(__u32 prog_flags)
{
	static const char license[] = "GPL";
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (__u64)(unsigned long)probe_sys_xdp_pass;
	attr.insn_cnt = sizeof(probe_sys_xdp_pass) / sizeof(probe_sys_xdp_pass[0]);
	attr.license = (__u64)(unsigned long)license;
	attr.prog_flags = prog_flags;
	return probe_sys_bpf(BPF_PROG_LOAD, &attr);
}

/* XDP through bpf_link: 5.9, aa8d3a716b59 "bpf, xdp: Add bpf_link-based XDP
 * attachment API". The probe asks for a link of attach type BPF_XDP on the
 * loopback device in driver mode, which lo cannot do:
 *  - with XDP links, link_create() gets through to dev_xdp_attach(), which
 *    finds no ndo_bpf on lo and fails with EOPNOTSUPP ("Underlying driver
 *    does not support XDP in native mode") before anything is installed;
 *  - without them (5.7/5.8), attach_type_to_prog_type(BPF_XDP) is unknown
 *    and link_create() fails with EINVAL; before 5.7 BPF_LINK_CREATE itself
 *    is unknown: EINVAL too.
 * A bad ifindex would not do: it gives EINVAL on every kernel. Neither would
 * a cgroup link probe: those work on 5.7/5.8, where XDP links do not. */
void probe_fact_link_xdp(struct probe *p, struct fact *f, struct probe_run *run)
{
	union bpf_attr attr;
	unsigned int lo = if_nametoindex("lo");
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (__u32)run->prog_fd;
	attr.link_create.target_ifindex = lo ? lo : 1;
	attr.link_create.attach_type = BPF_XDP;
	attr.link_create.flags = XDP_FLAGS_DRV_MODE;
	ret = probe_sys_bpf(BPF_LINK_CREATE, &attr);
	if (ret >= 0) {
		/* lo grew native XDP? Closing the only fd detaches the link. */
		close(ret);
		fact_set(f, FACT_YES, 0);
	} else if (ret == -EOPNOTSUPP) {
		fact_set(f, FACT_YES, ret);
	} else {
		fact_from_err(f, ret, EINVAL);
	}
}

/* Memory accounting of BPF objects through memcg instead of RLIMIT_MEMLOCK:
 * 5.11, 3ac1f01b43b6 "bpf: Eliminate rlimit-based memory accounting for bpf
 * progs" (and the series before it). Behavioural, like cilium/ebpf's rlimit
 * package: with the soft limit at 0, a map can be created only if the
 * kernel no longer charges RLIMIT_MEMLOCK. libbpf's helper-based guess gives
 * false positives on backports. The limit is restored right after. */
void probe_fact_memcg(struct probe *p, struct fact *f, struct probe_run *run)
{
	struct rlimit old, zero;
	int ret;

	if (getrlimit(RLIMIT_MEMLOCK, &old) != 0) {
		fact_set(f, FACT_UNKNOWN, -errno);
		return;
	}
	zero.rlim_cur = 0;
	zero.rlim_max = old.rlim_max;
	if (setrlimit(RLIMIT_MEMLOCK, &zero) != 0) {
		fact_set(f, FACT_UNKNOWN, -errno);
		return;
	}
	ret = map_create(BPF_MAP_TYPE_ARRAY, 4);
	/* Raising the soft limit back up to the unchanged hard limit never
	 * needs a capability. */
	setrlimit(RLIMIT_MEMLOCK, &old);
	if (ret >= 0) {
		close(ret);
		fact_set(f, FACT_YES, 0);
	} else if (ret == -EPERM) {
		fact_set(f, FACT_NO, ret);
	} else {
		fact_set(f, FACT_UNKNOWN, ret);
	}
}

/* When the sysctl could not be read (it is absent where the kernel has no
 * JIT, as in Debian's s390x kernels, and outside the initial network
 * namespace): a program with JITed code proves the
 * JIT is on. A JITed length of 0 beside a translated length above 0 proves it
 * runs interpreted: both lengths are hidden (0) without CAP_BPF or
 * CAP_SYS_ADMIN, so 0 and 0 proves nothing. */
void probe_fact_jit_prog(struct probe *p, struct fact *f, struct probe_run *run)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	if (f->state != FACT_UNKNOWN || run->prog_fd < 0)
		return; /* the sysctl said, or no program to ask */
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)run->prog_fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (probe_sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) != 0)
		return;
	if (info.jited_prog_len > 0)
		fact_set(f, FACT_YES, 0);
	else if (info.xlated_prog_len > 0)
		fact_set(f, FACT_NO, -EOPNOTSUPP); /* no sysctl, no JIT */
}

/* bpf() itself: 3.18, 99c55f7d47c0 "bpf: introduce BPF syscall and maps". A
 * one-slot array is the cheapest object there is, and the one unprivileged
 * users may create where the sysctl allows it. */
void probe_fact_bpf_syscall(struct probe *p, struct fact *f, struct probe_run *run)
{
	int fd = map_create(BPF_MAP_TYPE_ARRAY, 4);

	if (fd >= 0)
		close(fd);
	fact_from_err(f, fd, ENOSYS);
}

/* BPF_PROG_TYPE_XDP: 4.8, 6a773a15a1e8 "bpf: add XDP prog type for early
 * driver filter". An unknown program type is EINVAL. The program stays
 * loaded for the FACT_BY_PROG probes. */
void probe_fact_prog_type_xdp(struct probe *p, struct fact *f, struct probe_run *run)
{
	run->prog_fd = xdp_prog_load(0);
	fact_from_err(f, run->prog_fd, EINVAL);
}

void probe_run_end(struct probe_run *run)
{
	if (run->prog_fd >= 0)
		close(run->prog_fd);
	run->prog_fd = -EBADF;
}

/* A map type, one slot: the question is the type, the sizes are the memlock
 * plan's business. An unknown type is EINVAL. */
static void map_type_fact(struct fact *f, enum bpf_map_type type, __u32 value)
{
	int fd = map_create(type, value);

	fact_from_err(f, fd, EINVAL);
	if (fd >= 0)
		close(fd);
}

/* PERCPU_ARRAY: 4.6, a10423b87a7e (the counter's). */
void probe_fact_map_percpu_array(struct probe *p, struct fact *f, struct probe_run *run)
{
	map_type_fact(f, BPF_MAP_TYPE_PERCPU_ARRAY, 16);
}

/* HASH: 3.19, 0f8e4bd8a1fc (reported by check only). */
void probe_fact_map_hash(struct probe *p, struct fact *f, struct probe_run *run)
{
	map_type_fact(f, BPF_MAP_TYPE_HASH, 4);
}

/* XDP multi-buffer: 5.18, c2f2cdbeffda "bpf: introduce BPF_F_XDP_HAS_FRAGS
 * flag in prog_flags loading the ebpf program". Older kernels refuse unknown
 * prog_flags with EINVAL. */
void probe_fact_xdp_frags(struct probe *p, struct fact *f, struct probe_run *run)
{
	int fd = xdp_prog_load(BPF_F_XDP_HAS_FRAGS);

	fact_from_err(f, fd, EINVAL);
	if (fd >= 0)
		close(fd);
}
