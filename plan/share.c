/* Being a good XDP neighbour: can other XDP programs share a hook with ours
 * through libxdp's multi-program dispatcher (protocol.org in xdp-tools), and
 * could a libxdp user (xdp-loader, xdp-filter, bpfman, ...) still attach after
 * us on each interface? Pure, like the rest of the plan: the answers come
 * from the probes of probe/ext.c and probe/dispatcher.c. */
#include <errno.h>
#include <stdio.h>

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
			   "extension");
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
	if (p->caps_known && !p->cap_sys_admin) {
		reason_set(buf, len, "no CAP_SYS_ADMIN, which reading a dispatcher by id needs");
		return buf;
	}
	return NULL;
}

void plan_dispatcher_desc(const struct probe_xdp_prog *x, const char *mode, char *buf,
			  size_t len)
{
	if (probe_dispatcher_known(x))
		reason_set(buf, len, "libxdp dispatcher id %u (version %u, %u programs, %s mode)",
			   x->id, x->dispatcher_version, x->dispatcher_progs, mode);
	else
		reason_set(buf, len, "dispatcher id %u of unknown version (%s mode)", x->id, mode);
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

/* Why our program holds XDP alone on a kernel that could host a dispatcher. */
static const char *plain_why(const struct plan_request *req, const struct probe_iface *it,
			     const struct plan_iface *pi, char *buf, size_t len)
{
	if (req->attach == ATTACH_LINK || req->attach == ATTACH_NETLINK)
		reason_set(buf, len, "--attach %s asked for our program alone (without it, xdpcount "
			   "holds XDP through libxdp's dispatcher)", enum_name(attach_kind_names,
									 req->attach));
	else if (pi->variant == VARIANT_FRAGS)
		reason_set(buf, len, "MTU %u needs the multi-buffer program, which a dispatcher slot "
			   "cannot be", it->mtu);
	else
		reason_set(buf, len, "it could not be held through libxdp's dispatcher");
	return buf;
}

static void share_iface(const struct plan_request *req, const struct plan *plan,
			const struct probe_iface *it, struct plan_iface *pi)
{
	const struct probe_xdp_prog *x = xdp_holder(it);
	char *r = pi->share_reason, why[PLAN_REASON_LEN];
	const size_t len = PLAN_REASON_LEN;

	pi->share = SHARE_YES;
	if (x && !x->ours) {
		if (pi->attach == ATTACH_DISPATCHER && !pi->refuse)
			reason_set(r, len, "yes: xdpcount joins libxdp's dispatcher (version %u), "
				 "and libxdp users go on adding their programs to it",
				 x->dispatcher_version);
		else if (probe_dispatcher_known(x))
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
		reason_set(r, len, "yes: xdpcount counts at tc ingress and leaves XDP free%s",
			   req->attach == ATTACH_SHARED && req->mode != XDP_MODE_TC ?
			   " (--attach shared: where no dispatcher can hold XDP, never our "
			   "program alone)" : "");
		return;
	}
	if (pi->attach == ATTACH_DISPATCHER) {
		reason_set(r, len, "yes: xdpcount holds XDP through libxdp's dispatcher (version "
			 "%u, %s), and libxdp users of that version (%s) add their programs beside "
			 "ours", pi->disp_version, plan->disp_version_src,
			 plan_disp_generation(pi->disp_version));
		return;
	}
	pi->share = SHARE_BLOCKED;
	reason_set(r, len, "no: our program holds XDP alone (libxdp will not replace it): %s; "
		   "--attach shared or --mode tc leaves XDP free",
		   plan->dispatcher_possible ? plain_why(req, it, pi, why, sizeof(why))
					     : plan->dispatcher_reason);
}

/* Joins the known dispatcher holding XDP on it, where this kernel and the
 * request allow: our program in its front slot. false: the caller plans as
 * for any foreign program (tc behind it, or a refusal), whose reason says why
 * not (plan_no_join()). */
bool plan_join(const struct probe *p, const struct plan_request *req,
	       const struct probe_iface *it, const struct plan *plan, struct plan_iface *pi)
{
	const struct probe_xdp_prog *x = xdp_holder(it);
	enum xdp_mode m;

	if (!x || !x->dispatcher || !probe_dispatcher_known(x) || !plan->dispatcher_possible ||
	    it->hw.id || it->disp.err || it->disp.devbound)
		return false;
	if (req->attach != ATTACH_AUTO && req->attach != ATTACH_DISPATCHER &&
	    req->attach != ATTACH_SHARED)
		return false;
	m = x == &it->drv ? XDP_MODE_NATIVE : XDP_MODE_GENERIC;
	if (req->mode == XDP_MODE_TC || (req->mode != XDP_MODE_AUTO && req->mode != m))
		return false;
	pi->stale_slot_id = 0;
	for (unsigned int i = 0; i < it->disp.n; i++) {
		const struct probe_disp_slot *s = &it->disp.slot[i];

		if (!s->ours)
			continue;
		if (s->alive || !s->pid) {
			pi->refuse = true;
			pi->refusal = REFUSE_OURS;
			if (s->alive)
				reason_set(pi->reason, PLAN_REASON_LEN, "xdpcount pid %d counts on it "
					 "already (program id %u in slot %u of dispatcher id %u)",
					 s->pid, s->id, i, x->id);
			else
				reason_set(pi->reason, PLAN_REASON_LEN, "an xdpcount program (id %u) is "
					 "in slot %u of dispatcher id %u already, and no pin of ours "
					 "tells who put it there", s->id, i, x->id);
			return true;
		}
		pi->stale_slot_id = s->id;
		pi->stale_slot_pid = s->pid;
	}
	if (x->dispatcher_progs - (pi->stale_slot_id ? 1 : 0) >= XDPC_DISPATCHER_SLOTS)
		return false;
	pi->mode = m;
	pi->fallback_generic = false;
	pi->attach = ATTACH_DISPATCHER;
	pi->join_id = x->id;
	pi->disp_version = x->dispatcher_version;
	pi->variant = VARIANT_LINEAR;
	reason_set(pi->variant_reason, PLAN_REASON_LEN, "linear: an extension in a dispatcher slot "
		 "(freplace), data_end - data");
	reason_set(pi->reason, PLAN_REASON_LEN, "joins libxdp dispatcher id %u (version %u, %u "
		 "programs, %s mode) in its front slot (priority %u, chaining on XDP_PASS): counts "
		 "every frame before the others decide, and they run as before", x->id,
		 x->dispatcher_version, x->dispatcher_progs, m == XDP_MODE_NATIVE ? "native" :
		 "generic", 0u);
	if (pi->stale_slot_id) {
		reason_cat(pi->reason, PLAN_REASON_LEN, "; removes our stale slot (program "
			 "id %u) first", pi->stale_slot_id);
	}
	return true;
}

const char *plan_no_join(const struct probe_iface *it, const struct plan *plan)
{
	const struct probe_xdp_prog *x = xdp_holder(it);

	if (!plan->dispatcher_possible)
		return plan->dispatcher_reason;
	if (x && x->dispatcher_progs >= XDPC_DISPATCHER_SLOTS)
		return "all of its slots are taken";
	if (it->disp.devbound)
		return "it is bound to the device (XDP hints), which xdpcount does not do";
	if (it->disp.err == -ENOENT)
		return "its slots are not pinned in our bpffs (xdp/dispatch-IFINDEX-ID): give "
		       "xdpcount libxdp's bpffs (LIBXDP_BPFFS or XDPCOUNT_BPFFS)";
	if (it->disp.err)
		return "its slots' pins could not be read";
	return "it runs in another mode than the one asked for";
}

void plan_dispatcher(const struct probe *p, struct plan *plan)
{
	char why[PLAN_REASON_LEN];
	const char *missing = dispatcher_missing(p, why, sizeof(why));

	plan->dispatcher_possible = !missing;
	if (missing)
		reason_set(plan->dispatcher_reason, PLAN_REASON_LEN, "%s", missing);
	else
		reason_set(plan->dispatcher_reason, PLAN_REASON_LEN, "the kernel can host libxdp's "
			 "dispatcher: kernel BTF, program extensions (5.6+) that re-attach to a "
			 "running dispatcher (5.10+), a writable bpffs and CAP_SYS_ADMIN");
}

void plan_share(const struct probe *p, const struct plan_request *req, struct plan *plan)
{
	for (unsigned int i = 0; i < plan->n_ifaces; i++)
		share_iface(req, plan, &p->ifaces[i], &plan->ifaces[i]);
}

/* "libxdp 1.3-1.5" or "libxdp 1.6+": the generation that writes version v. */
const char *plan_disp_generation(unsigned int v)
{
	return v == 2 ? "libxdp 1.3-1.5" : "libxdp 1.6+";
}

/* Which version a dispatcher of ours speaks decides which libxdp users can
 * join it (each generation refuses the other's), so it follows the host: a
 * libxdp dispatcher running here (on an interface of this run first, else
 * any whose state is in libxdp's bpffs) gives its own; else the installed
 * library's (1.6+ writes 3, 1.3-1.5 write 2); else 2. --dispatcher-version
 * wins over all. */
void plan_dispatcher_version(const struct probe *p, const struct plan_request *req,
			     struct plan *plan)
{
	const struct probe_libxdp *l = &p->libxdp;
	char *src = plan->disp_version_src;
	const size_t slen = sizeof(plan->disp_version_src);
	unsigned int v = PLAN_DISPATCHER_VERSION;
	bool on_iface = false; /* else a dispatcher known by its state in libxdp's bpffs */
	char eb[24];

	plan->disp_version_from = DISP_VERSION_DEFAULT;
	if (req->dispatcher_version) {
		v = req->dispatcher_version;
		plan->disp_version_from = DISP_VERSION_OPTION;
		reason_set(src, slen, "--dispatcher-version");
		goto out;
	}
	for (unsigned int i = 0; i < p->n_ifaces; i++) {
		const struct probe_xdp_prog *x = xdp_holder(&p->ifaces[i]);

		if (x && probe_dispatcher_known(x)) {
			v = x->dispatcher_version;
			plan->disp_version_from = DISP_VERSION_DISPATCHER;
			on_iface = true;
			reason_set(src, slen, "as libxdp's dispatcher id %u on %s", x->id,
				   p->ifaces[i].name);
			goto out;
		}
	}
	if (l->disp_n[2] || l->disp_n[3]) {
		v = l->disp_n[3] >= l->disp_n[2] ? 3 : 2;
		plan->disp_version_from = DISP_VERSION_DISPATCHER;
		reason_set(src, slen, "as libxdp's dispatcher id %u here", l->disp_id[v]);
		goto out;
	}
	if (l->lib_found) {
		v = l->lib_minor >= PLAN_LIBXDP_V3_MINOR ? 3 : 2;
		plan->disp_version_from = DISP_VERSION_LIBRARY;
		reason_set(src, slen, "as the installed libxdp 1.%u.%u", l->lib_minor,
			   l->lib_patch);
		goto out;
	}
	reason_set(src, slen, "no libxdp here");
out:
	plan->disp_version = v;
	reason_set(plan->disp_version_reason, PLAN_REASON_LEN, "a dispatcher of ours speaks "
		   "version %u, which %s users join: ", v, plan_disp_generation(v));
	switch (plan->disp_version_from) {
	case DISP_VERSION_OPTION:
		reason_cat(plan->disp_version_reason, PLAN_REASON_LEN, "--dispatcher-version");
		break;
	case DISP_VERSION_DISPATCHER:
		reason_cat(plan->disp_version_reason, PLAN_REASON_LEN, "%s", src);
		if (!on_iface)
			reason_cat(plan->disp_version_reason, PLAN_REASON_LEN, " (ifindex %d, its "
				   "state in libxdp's bpffs)", l->disp_ifindex[v]);
		if (l->disp_n[2] && l->disp_n[3])
			reason_cat(plan->disp_version_reason, PLAN_REASON_LEN, "; the more common "
				   "version of the %u of version 2 and %u of 3 running here",
				   l->disp_n[2], l->disp_n[3]);
		break;
	case DISP_VERSION_LIBRARY:
		reason_cat(plan->disp_version_reason, PLAN_REASON_LEN, "the version the installed "
			   "libxdp 1.%u.%u writes (%s)", l->lib_minor, l->lib_patch, l->lib_path);
		break;
	case DISP_VERSION_DEFAULT:
	default:
		reason_cat(plan->disp_version_reason, PLAN_REASON_LEN, "the default, as no libxdp "
			   "dispatcher runs here and no libxdp.so.1.N is installed");
		break;
	}
	if ((plan->disp_version_from == DISP_VERSION_LIBRARY ||
	     plan->disp_version_from == DISP_VERSION_DEFAULT) && l->disp_err && l->disp_err != -ENOENT)
		reason_cat(plan->disp_version_reason, PLAN_REASON_LEN, "; libxdp's dispatchers "
			   "could not be read in its bpffs (%s)", plan_errno_name(l->disp_err, eb,
										sizeof(eb)));
}
