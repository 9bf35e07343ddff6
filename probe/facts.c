/* The table of kernel facts (probe/facts.h), and probe_bpf(), which walks it. */
#include <errno.h>
#include <sys/resource.h>

#include "probe/facts.h"
#include "probe/internal.h"

#define F(field) offsetof(struct probe, field)

/* In probing order, which is also check's order. The probes that need the
 * kernel's answer to another come after it: bpf_syscall first (without it
 * nothing else is asked), prog_type_xdp before the FACT_BY_PROG ones, and
 * prog_type_ext's probe fills freplace_link too. */
const struct fact_desc probe_facts[] = {
	{ F(bpf_syscall), "bpf_syscall", "bpf() syscall", "3.18", FACT_NEEDED, FACT_DENIABLE,
	  "available", "missing", probe_fact_bpf_syscall, 0 },
	{ F(prog_type_xdp), "prog_type_xdp", "XDP programs", "4.8", FACT_NEEDED,
	  FACT_BY_BPF | FACT_DENIABLE, "supported", "missing", probe_fact_prog_type_xdp, 0 },
	{ F(map_percpu_array), "map_percpu_array", "per-CPU array maps", "4.6", FACT_NEEDED,
	  FACT_BY_BPF | FACT_DENIABLE, "supported", "missing", probe_fact_map_percpu_array, 0 },
	{ F(map_hash), "map_hash", NULL, "3.19", FACT_OPTIONAL, FACT_BY_BPF | FACT_DENIABLE,
	  "supported", "missing", probe_fact_map_hash, PROBE_SKIP_MAP_HASH },
	{ F(link_xdp), "bpf_link_xdp", "XDP via bpf_link", "5.9", FACT_WANTED,
	  FACT_BY_BPF | FACT_BY_PROG, "supported (5.9+)",
	  "missing: netlink attach, detached on exit", probe_fact_link_xdp, 0 },
	{ F(xdp_frags), "xdp_frags", "XDP frags", "5.18", FACT_WANTED, FACT_BY_BPF | FACT_BY_PROG,
	  "supported (5.18+)", "missing: jumbo MTUs count in generic mode", probe_fact_xdp_frags,
	  PROBE_SKIP_FRAGS },
	{ F(memcg_accounting), "memcg_accounting", "memcg accounting", "5.11", FACT_WANTED,
	  FACT_BY_BPF, "yes (5.11+): no memlock limit applies",
	  "no: BPF memory counts against RLIMIT_MEMLOCK", probe_fact_memcg, 0 },
	/* from the sysctl (probe_kernel()); the probe asks the program only
	 * when that could not be read */
	{ F(jit), "jit", "BPF JIT", "3.0", FACT_WANTED, 0,
	  "enabled", "disabled: the interpreter is slower", probe_fact_jit_prog, 0 },
	/* check prints the BTF row itself: its source and size say more;
	 * probe_btf() (btf/) fills it */
	{ F(btf_vmlinux), "btf_vmlinux", NULL, "4.18", FACT_OPTIONAL, 0, "present", "absent",
	  NULL, 0 },
	{ F(tcx), "tcx", "tcx (tc via bpf_link)", "6.6", FACT_OPTIONAL, FACT_BY_BPF,
	  "supported (6.6+)", "missing: tc ingress through a clsact qdisc", probe_fact_tcx, 0 },
	/* libxdp's dispatcher, so that other XDP programs share the hook */
	{ F(kernel_btf), "kernel_btf", NULL, "5.4", FACT_OPTIONAL, 0, "present", "absent",
	  probe_fact_kernel_btf, PROBE_SKIP_EXT },
	{ F(prog_type_ext), "prog_type_ext", "freplace (EXT)", "5.6", FACT_OPTIONAL, FACT_BY_BPF,
	  "supported (5.6+)", "missing: no XDP dispatcher, one program per hook", probe_fact_ext,
	  PROBE_SKIP_EXT },
	/* prog_type_ext's probe fills it */
	{ F(freplace_link), "freplace_link", "freplace re-attach", "5.10", FACT_OPTIONAL,
	  FACT_BY_BPF, "supported (5.10+)",
	  "missing: no program can join a running dispatcher", NULL, PROBE_SKIP_EXT },
	{ F(bpffs_writable), "bpffs_writable", "bpffs writable", "4.4", FACT_OPTIONAL, 0,
	  "yes", "no: no dispatcher state can be pinned", probe_fact_bpffs_writable,
	  PROBE_SKIP_EXT },
};

const size_t probe_n_facts = sizeof(probe_facts) / sizeof(probe_facts[0]);

const struct cap_desc probe_cap_facts[] = {
	{ F(cap_bpf), "cap_bpf" },
	{ F(cap_net_admin), "cap_net_admin" },
	/* the verifier takes the linear program's data_end - data with it
	 * (or CAP_SYS_ADMIN): the variant depends on it */
	{ F(cap_perfmon), "cap_perfmon" },
	{ F(cap_sys_admin), "cap_sys_admin" },
	{ F(cap_sys_resource), "cap_sys_resource" },
};

const size_t probe_n_cap_facts = sizeof(probe_cap_facts) / sizeof(probe_cap_facts[0]);

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

/* One row: its program-less answer, its skip, or its probe. */
static void probe_row(struct probe *p, const struct fact_desc *d, unsigned int skip,
		      struct probe_run *run)
{
	struct fact *f = fact_at(p, d);

	if (d->flags & FACT_BY_PROG && run->prog_fd < 0)
		fact_set(f, FACT_UNKNOWN, run->prog_fd);
	else if (d->skip & skip)
		fact_set(f, FACT_UNKNOWN, -ECANCELED);
	else if (d->probe)
		d->probe(p, f, run);
}

int probe_bpf(struct probe *p, unsigned int skip)
{
	struct probe_run run = { .prog_fd = -EBADF };
	struct rlimit saved;
	bool lifted;

	if (p->bpf_probed)
		return 0;
	p->bpf_probed = true;
	lifted = memlock_lift(&saved);
	for (size_t i = 0; i < probe_n_facts; i++) {
		probe_row(p, &probe_facts[i], skip, &run);
		if (fact_at(p, &probe_facts[i]) == &p->bpf_syscall &&
		    p->bpf_syscall.state != FACT_YES) {
			leave_unknown(p, p->bpf_syscall.err);
			break;
		}
	}
	probe_run_end(&run);
	if (!(skip & PROBE_SKIP_EXT))
		probe_libxdp(p);
	/* Lowering back, the hard limit included, needs no capability. */
	if (lifted)
		setrlimit(RLIMIT_MEMLOCK, &saved);
	return 0;
}
