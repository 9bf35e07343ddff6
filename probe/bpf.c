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
#include "probe/sys.h"

#ifndef BPF_F_XDP_HAS_FRAGS
#define BPF_F_XDP_HAS_FRAGS (1U << 5)
#endif

static void fact_set(struct fact *f, enum fact_state state, int err)
{
	f->state = state;
	f->err = err; /* -errno, 0 for none */
}

/* The usual reading of a refused probe: EPERM/EACCES mean "not allowed",
 * the errno given as "missing" means missing, anything else is unknown. */
static void fact_from_err(struct fact *f, int ret, int missing_errno)
{
	if (ret >= 0)
		fact_set(f, FACT_YES, 0);
	else if (ret == -missing_errno)
		fact_set(f, FACT_NO, ret);
	else if (ret == -EPERM || ret == -EACCES)
		fact_set(f, FACT_DENIED, ret);
	else
		fact_set(f, FACT_UNKNOWN, ret);
}

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
static void probe_link_xdp(struct probe *p, int prog_fd)
{
	union bpf_attr attr;
	unsigned int lo = if_nametoindex("lo");
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (__u32)prog_fd;
	attr.link_create.target_ifindex = lo ? lo : 1;
	attr.link_create.attach_type = BPF_XDP;
	attr.link_create.flags = XDP_FLAGS_DRV_MODE;
	ret = probe_sys_bpf(BPF_LINK_CREATE, &attr);
	if (ret >= 0) {
		/* lo grew native XDP? Closing the only fd detaches the link. */
		close(ret);
		fact_set(&p->link_xdp, FACT_YES, 0);
	} else if (ret == -EOPNOTSUPP) {
		fact_set(&p->link_xdp, FACT_YES, ret);
	} else {
		fact_from_err(&p->link_xdp, ret, EINVAL);
	}
}

/* Memory accounting of BPF objects through memcg instead of RLIMIT_MEMLOCK:
 * 5.11, 3ac1f01b43b6 "bpf: Eliminate rlimit-based memory accounting for bpf
 * progs" (and the series before it). Behavioural, like cilium/ebpf's rlimit
 * package: with the soft limit at 0, a map can be created only if the
 * kernel no longer charges RLIMIT_MEMLOCK. libbpf's helper-based guess gives
 * false positives on backports. The limit is restored right after. */
static void probe_memcg(struct probe *p)
{
	struct rlimit old, zero;
	int ret;

	if (getrlimit(RLIMIT_MEMLOCK, &old) != 0) {
		fact_set(&p->memcg_accounting, FACT_UNKNOWN, -errno);
		return;
	}
	zero.rlim_cur = 0;
	zero.rlim_max = old.rlim_max;
	if (setrlimit(RLIMIT_MEMLOCK, &zero) != 0) {
		fact_set(&p->memcg_accounting, FACT_UNKNOWN, -errno);
		return;
	}
	ret = map_create(BPF_MAP_TYPE_ARRAY, 4);
	/* Raising the soft limit back up to the unchanged hard limit never
	 * needs a capability. */
	setrlimit(RLIMIT_MEMLOCK, &old);
	if (ret >= 0) {
		close(ret);
		fact_set(&p->memcg_accounting, FACT_YES, 0);
	} else if (ret == -EPERM) {
		fact_set(&p->memcg_accounting, FACT_NO, ret);
	} else {
		fact_set(&p->memcg_accounting, FACT_UNKNOWN, ret);
	}
}

/* When the sysctl could not be read (it is absent where the kernel has no
 * JIT, as in Debian's s390x kernels, and outside the initial network
 * namespace): a program with JITed code proves the
 * JIT is on. A JITed length of 0 beside a translated length above 0 proves it
 * runs interpreted: both lengths are hidden (0) without CAP_BPF or
 * CAP_SYS_ADMIN, so 0 and 0 proves nothing. */
static void probe_jit_prog(struct probe *p, int prog_fd)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)prog_fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (probe_sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) != 0)
		return;
	if (info.jited_prog_len > 0)
		fact_set(&p->jit, FACT_YES, 0);
	else if (info.xlated_prog_len > 0)
		fact_set(&p->jit, FACT_NO, -EOPNOTSUPP); /* no sysctl, no JIT */
}

static void leave_unknown(struct probe *p, int err)
{
	for (size_t i = 0; i < probe_n_facts; i++)
		if (probe_facts[i].flags & FACT_BY_BPF)
			fact_set(fact_at(p, &probe_facts[i]), FACT_UNKNOWN, err);
}

/* Before 5.11 every object is charged to RLIMIT_MEMLOCK, checked against
 * the uid's total locked memory: as root on a 64 KiB default, systemd's own
 * cgroup programs can use it all, and then even a one-page probe map fails
 * with EPERM, which would read as "not allowed". So the probes run under the
 * highest limit this process may set (infinity with CAP_SYS_RESOURCE, else
 * the hard limit), and the original limits come back afterwards. */
static bool memlock_lift(struct rlimit *saved)
{
	struct rlimit up = { RLIM_INFINITY, RLIM_INFINITY };

	if (getrlimit(RLIMIT_MEMLOCK, saved) != 0)
		return false;
	if (setrlimit(RLIMIT_MEMLOCK, &up) == 0)
		return true;
	up.rlim_cur = up.rlim_max = saved->rlim_max;
	return setrlimit(RLIMIT_MEMLOCK, &up) == 0;
}

int probe_bpf(struct probe *p, unsigned int skip)
{
	struct rlimit saved;
	bool lifted;
	int fd, prog_fd = -1;

	if (p->bpf_probed)
		return 0;
	p->bpf_probed = true;
	lifted = memlock_lift(&saved);

	/* bpf() itself: 3.18, 99c55f7d47c0 "bpf: introduce BPF syscall and
	 * maps". A one-slot array is the cheapest object there is, and the
	 * one unprivileged users may create where the sysctl allows it. */
	fd = map_create(BPF_MAP_TYPE_ARRAY, 4);
	if (fd >= 0) {
		close(fd);
		fact_set(&p->bpf_syscall, FACT_YES, 0);
	} else if (fd == -ENOSYS) {
		fact_set(&p->bpf_syscall, FACT_NO, fd);
	} else if (fd == -EPERM || fd == -EACCES) {
		fact_set(&p->bpf_syscall, FACT_DENIED, fd);
	} else {
		fact_set(&p->bpf_syscall, FACT_UNKNOWN, fd);
	}
	if (p->bpf_syscall.state != FACT_YES) {
		leave_unknown(p, fd);
		goto out;
	}

	/* BPF_PROG_TYPE_XDP: 4.8, 6a773a15a1e8 "bpf: add XDP prog type for
	 * early driver filter". An unknown program type is EINVAL. */
	prog_fd = xdp_prog_load(0);
	fact_from_err(&p->prog_type_xdp, prog_fd, EINVAL);

	/* Map types, one slot each: the question is the type, the sizes are
	 * the memlock plan's business. PERCPU_ARRAY 4.6, a10423b87a7e (the
	 * counter's); HASH 3.19, 0f8e4bd8a1fc (reported by check only). */
	fd = map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 16);
	fact_from_err(&p->map_percpu_array, fd, EINVAL);
	if (fd >= 0)
		close(fd);
	if (skip & PROBE_SKIP_MAP_HASH) {
		fact_set(&p->map_hash, FACT_UNKNOWN, -ECANCELED);
	} else {
		fd = map_create(BPF_MAP_TYPE_HASH, 4);
		fact_from_err(&p->map_hash, fd, EINVAL);
		if (fd >= 0)
			close(fd);
	}

	/* XDP multi-buffer: 5.18, c2f2cdbeffda "bpf: introduce
	 * BPF_F_XDP_HAS_FRAGS flag in prog_flags loading the ebpf program".
	 * Older kernels refuse unknown prog_flags with EINVAL. */
	if (prog_fd >= 0) {
		if (skip & PROBE_SKIP_FRAGS) {
			fact_set(&p->xdp_frags, FACT_UNKNOWN, -ECANCELED);
		} else {
			fd = xdp_prog_load(BPF_F_XDP_HAS_FRAGS);
			fact_from_err(&p->xdp_frags, fd, EINVAL);
			if (fd >= 0)
				close(fd);
		}
		probe_link_xdp(p, prog_fd);
		if (p->jit.state == FACT_UNKNOWN)
			probe_jit_prog(p, prog_fd);
	} else {
		fact_set(&p->xdp_frags, FACT_UNKNOWN, prog_fd);
		fact_set(&p->link_xdp, FACT_UNKNOWN, prog_fd);
	}

	probe_tcx(p);
	if (skip & PROBE_SKIP_EXT) {
		fact_set(&p->prog_type_ext, FACT_UNKNOWN, -ECANCELED);
		fact_set(&p->freplace_link, FACT_UNKNOWN, -ECANCELED);
	} else {
		probe_ext(p);
	}
	probe_memcg(p);
out:
	if (prog_fd >= 0)
		close(prog_fd);
	/* Lowering back, the hard limit included, needs no capability. */
	if (lifted)
		setrlimit(RLIMIT_MEMLOCK, &saved);
	return 0;
}
