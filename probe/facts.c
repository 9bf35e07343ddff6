/* The table of kernel facts (probe/facts.h). Data only. */
#include "probe/facts.h"

#define F(field) offsetof(struct probe, field)

const struct fact_desc probe_facts[] = {
	{ F(bpf_syscall), "bpf_syscall", "bpf() syscall", "3.18", FACT_NEEDED, FACT_DENIABLE,
	  "available", "missing" },
	{ F(prog_type_xdp), "prog_type_xdp", "XDP programs", "4.8", FACT_NEEDED,
	  FACT_BY_BPF | FACT_DENIABLE, "supported", "missing" },
	{ F(map_percpu_array), "map_percpu_array", "per-CPU array maps", "4.6", FACT_NEEDED,
	  FACT_BY_BPF | FACT_DENIABLE, "supported", "missing" },
	{ F(map_hash), "map_hash", NULL, "3.19", FACT_OPTIONAL, FACT_BY_BPF | FACT_DENIABLE,
	  "supported", "missing" },
	{ F(link_xdp), "bpf_link_xdp", "XDP via bpf_link", "5.9", FACT_WANTED, FACT_BY_BPF,
	  "supported (5.9+)", "missing: netlink attach, detached on exit" },
	{ F(xdp_frags), "xdp_frags", "XDP frags", "5.18", FACT_WANTED, FACT_BY_BPF,
	  "supported (5.18+)", "missing: jumbo MTUs count in generic mode" },
	{ F(memcg_accounting), "memcg_accounting", "memcg accounting", "5.11", FACT_WANTED,
	  FACT_BY_BPF, "yes (5.11+): no memlock limit applies",
	  "no: BPF memory counts against RLIMIT_MEMLOCK" },
	{ F(jit), "jit", "BPF JIT", "3.0", FACT_WANTED, 0,
	  "enabled", "disabled: the interpreter is slower" },
	/* check prints the BTF row itself: its source and size say more */
	{ F(btf_vmlinux), "btf_vmlinux", NULL, "4.18", FACT_OPTIONAL, 0, "present", "absent" },
	{ F(tcx), "tcx", "tcx (tc via bpf_link)", "6.6", FACT_OPTIONAL, FACT_BY_BPF,
	  "supported (6.6+)", "missing: tc ingress through a clsact qdisc" },
	/* libxdp's dispatcher, so that other XDP programs share the hook */
	{ F(kernel_btf), "kernel_btf", NULL, "5.4", FACT_OPTIONAL, 0, "present", "absent" },
	{ F(prog_type_ext), "prog_type_ext", "freplace (EXT)", "5.6", FACT_OPTIONAL, FACT_BY_BPF,
	  "supported (5.6+)", "missing: no XDP dispatcher, one program per hook" },
	{ F(freplace_link), "freplace_link", "freplace re-attach", "5.10", FACT_OPTIONAL,
	  FACT_BY_BPF, "supported (5.10+)",
	  "missing: no program can join a running dispatcher" },
	{ F(bpffs_writable), "bpffs_writable", "bpffs writable", "4.4", FACT_OPTIONAL, 0,
	  "yes", "no: no dispatcher state can be pinned" },
};

const size_t probe_n_facts = sizeof(probe_facts) / sizeof(probe_facts[0]);
