/* Being a good XDP neighbour: can other XDP programs share a hook with ours
 * through libxdp's multi-program dispatcher (protocol.org in xdp-tools), and
 * could a libxdp user (xdp-loader, xdp-filter, bpfman, ...) still attach after
 * us on each interface? Pure, like the rest of the plan: the answers come
 * from the probes of probe/ext.c and probe/dispatcher.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan/internal.h"

/* Why this kernel cannot host a dispatcher, or NULL if it can. The first
 * missing precondition in the order the kernel would trip over them. */
static const char *dispatcher_missing(const struct probe *p, char *buf, size_t len)
{
	const struct fact *ext = &p->prog_type_ext, *link = &p->freplace_link;
	char eb[24];

	if (p->kernel_btf.state == FACT_NO) {
		reason_set(buf, len, "the kernel has no BTF of its own (/sys/kernel/btf/vmlinux, "
			   "CONFIG_DEBUG_INFO_BTF), which the verifier needs to check a program "
			   "extension against the dispatcher");
		return buf;
	}
	if (ext->state == FACT_DENIED || link->state == FACT_DENIED) {
		reason_set(buf, len, "loading a program extension (freplace) was not allowed (%s): "
			   "it needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)",
			   plan_errno_name(ext->state == FACT_DENIED ? ext->err : link->err, eb,
					 sizeof(eb)));
		return buf;
	}
	if (ext->state == FACT_NO) {
		if (ext->err == -EPERM || ext->err == -EACCES)
			reason_set(buf, len, "this kernel refuses program extensions (freplace: %s "
				   "with CAP_BPF and CAP_PERFMON held)", plan_errno_name(ext->err, eb,
											sizeof(eb)));
		else if (ext->err == -EINVAL)
			reason_set(buf, len, "this kernel has no program extensions (freplace, "
				   "BPF_PROG_TYPE_EXT, 5.6+)");
		else
			reason_set(buf, len, "this kernel cannot load program extensions (freplace, "
				   "BPF_PROG_TYPE_EXT: %s)", plan_errno_name(ext->err, eb, sizeof(eb)));
		return buf;
	}
	if (ext->state != FACT_YES) {
		reason_set(buf, len, "whether this kernel has program extensions (freplace) could "
			   "not be told (%s)", plan_errno_name(ext->err, eb, sizeof(eb)));
		return buf;
	}
	if (link->state == FACT_NO) {
		if (link->err == -EINVAL)
			reason_set(buf, len, "this kernel (%s) cannot link a program extension to "
				   "a running dispatcher (5.10+)", p->release[0] ? p->release : "?");
		else
			reason_set(buf, len, "this kernel cannot attach program extensions on %s "
				   "(%s: no BPF trampoline)", p->machine[0] ? p->machine : "this arch",
				   plan_errno_name(link->err, eb, sizeof(eb)));
		return buf;
	}
	if (link->state != FACT_YES) {
		reason_set(buf, len, "whether this kernel can link a program extension to a "
			   "running dispatcher (5.10+) could not be told (%s)",
			   plan_errno_name(link->err, eb, sizeof(eb)));
		return buf;
	}
	if (p->bpffs_writable.state != FACT_YES) {
		int e = p->bpffs_writable.err;

		reason_set(buf, len, "the dispatcher's state lives in bpffs, and %s",
			   e == -EMEDIUMTYPE || e == -ENOENT
				 ? "none is mounted where xdpcount looks ($XDPCOUNT_BPFFS, else "
				   "/sys/fs/bpf)"
			   : e == -EROFS ? "the bpffs is mounted read-only"
			   : p->bpffs_writable.state == FACT_DENIED ? "this process may not write it"
								  : "whether it is writable is unknown");
		return buf;
	}
	return NULL;
}

void plan_dispatcher_desc(const struct probe_xdp_prog *x, const char *mode, char *buf,
			  size_t len)
{
	if (plan_dispatcher_known(x))
		reason_set(buf, len, "libxdp dispatcher id %u (version %u, %u programs, %s mode)",
			   x->id, x->dispatcher_version, x->dispatcher_progs, mode);
	else
		reason_set(buf, len, "dispatcher id %u of unknown version (%s mode)", x->id, mode);
}

bool plan_dispatcher_known(const struct probe_xdp_prog *x)
{
	return x->dispatcher && !x->dispatcher_err && x->dispatcher_size_ok &&
	       dispatcher_config_size(x->dispatcher_version) &&
	       x->dispatcher_progs <= XDPC_DISPATCHER_SLOTS;
}

/* Why a program named xdp_dispatcher is not one xdpcount knows. */
static const char *dispatcher_unknown(const struct probe_xdp_prog *x, char *buf, size_t len)
{
	char eb[24];

	if (x->dispatcher_err)
		reason_set(buf, len, "its config map could not be read (%s)",
			   plan_errno_name(x->dispatcher_err, eb, sizeof(eb)));
	else if (!x->dispatcher_version)
		reason_set(buf, len, "its config has no version magic (version 1, libxdp before 1.3)");
	else if (!dispatcher_config_size(x->dispatcher_version))
		reason_set(buf, len, "version %u, which xdpcount does not know (it knows 2 and 3)",
			   x->dispatcher_version);
	else if (!x->dispatcher_size_ok)
		reason_set(buf, len, "version %u, but its config is not that version's %u bytes",
			   x->dispatcher_version, dispatcher_config_size(x->dispatcher_version));
	else
		reason_set(buf, len, "it claims %u programs, more than the protocol's %u slots",
			   x->dispatcher_progs, XDPC_DISPATCHER_SLOTS);
	return buf;
}

/* The program holding XDP on it (native first), or NULL. */
static const struct probe_xdp_prog *xdp_holder(const struct probe_iface *it)
{
	return it->drv.id ? &it->drv : it->skb.id ? &it->skb : it->hw.id ? &it->hw : NULL;
}

static void share_iface(const struct plan *plan, const struct probe_iface *it,
			struct plan_iface *pi)
{
	const struct probe_xdp_prog *x = xdp_holder(it);
	char *r = pi->share_reason, why[PLAN_REASON_LEN];
	const size_t len = PLAN_REASON_LEN;

	pi->share = SHARE_YES;
	if (x && !x->ours) {
		if (plan_dispatcher_known(x))
			reason_set(r, len, "yes: libxdp's dispatcher (version %u, %u programs) stays on "
				   "XDP, and libxdp users add their programs to it", x->dispatcher_version,
				   x->dispatcher_progs);
		else if (x->dispatcher)
			reason_set(r, len, "as before xdpcount: dispatcher id %u stays on XDP, "
				   "untouched: %s", x->id, dispatcher_unknown(x, why, sizeof(why)));
		else {
			pi->share = SHARE_FOREIGN;
			reason_set(r, len, "no, as before xdpcount: XDP program id %u%s%s%s is not a "
				   "libxdp dispatcher, and libxdp will not replace it", x->id,
				   x->name[0] ? " \"" : "", x->name, x->name[0] ? "\"" : "");
		}
		return;
	}
	if (pi->refuse) {
		reason_set(r, len, "xdpcount does not attach here");
		return;
	}
	if (pi->mode == XDP_MODE_TC) {
		reason_set(r, len, "yes: xdpcount counts at tc ingress and leaves XDP free");
		return;
	}
	pi->share = SHARE_BLOCKED;
	reason_set(r, len, "no: our program holds XDP alone (libxdp replaces only its own "
		   "dispatcher): %s; --mode tc leaves XDP free",
		   plan->dispatcher_possible ? "xdpcount does not hold it through a dispatcher yet"
					   : plan->dispatcher_reason);
}

void plan_share(const struct probe *p, struct plan *plan)
{
	char why[PLAN_REASON_LEN];
	const char *missing = dispatcher_missing(p, why, sizeof(why));

	plan->dispatcher_possible = !missing;
	if (missing)
		reason_set(plan->dispatcher_reason, PLAN_REASON_LEN, "%s", missing);
	else
		reason_set(plan->dispatcher_reason, PLAN_REASON_LEN, "the kernel can host libxdp's "
			   "dispatcher: kernel BTF, program extensions (5.6+) that re-attach to a "
			   "running dispatcher (5.10+), and a writable bpffs");
	for (unsigned int i = 0; i < plan->n_ifaces; i++)
		share_iface(plan, &p->ifaces[i], &plan->ifaces[i]);
}
