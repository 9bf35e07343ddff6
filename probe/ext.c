/* The preconditions of libxdp's multi-program dispatcher (protocol.org in
 * xdp-tools), which lets several XDP programs share one hook: the kernel's
 * own BTF, program extensions (freplace, BPF_PROG_TYPE_EXT) that replace a
 * global function of an XDP program, re-attaching such an extension to
 * another program (what adding a program to a running dispatcher does), and
 * a bpffs we may write (where the dispatcher's state lives). Like libxdp's
 * own compatibility check, the probe loads a real XDP program with function
 * BTF and an extension of it; nothing is attached to any interface, every fd
 * is closed again. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <linux/bpf.h>
#include <linux/btf.h>

#include "btf/func.h"
#include "probe/pin.h"
#include "probe/probe.h"
#include "probe/internal.h"
#include "probe/sys.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

/* The running kernel's own BTF, which the verifier needs to type an XDP
 * function's ctx argument (struct xdp_md) and to check an extension against
 * its target: 5.4, 341dfcf8d78e "btf: expose BTF info through sysfs"
 * (CONFIG_DEBUG_INFO_BTF). */
#define KERNEL_BTF_PATH "/sys/kernel/btf/vmlinux"

#define EXT_FUNC_ID BTF_XDP_FUNC_ID

static int ext_btf_load(void)
{
	struct btf_xdp_func b;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.btf_size = (__u32)btf_xdp_func(&b, "xdpc_probe");
	attr.btf = (__u64)(unsigned long)&b;
	return probe_sys_bpf(BPF_BTF_LOAD, &attr);
}

/* An XDP program (target_fd < 0) or an extension of target_fd's function,
 * both with the function's BTF, both r0 = XDP_PASS; exit. */
static int ext_prog_load(int btf_fd, int target_fd)
{
	static const char license[] = "GPL";
	struct bpf_func_info fi = { .insn_off = 0, .type_id = EXT_FUNC_ID };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = target_fd < 0 ? BPF_PROG_TYPE_XDP : BPF_PROG_TYPE_EXT;
	attr.insns = (__u64)(unsigned long)probe_sys_xdp_pass;
	attr.insn_cnt = sizeof(probe_sys_xdp_pass) / sizeof(probe_sys_xdp_pass[0]);
	attr.license = (__u64)(unsigned long)license;
	attr.prog_btf_fd = (__u32)btf_fd;
	attr.func_info_rec_size = sizeof(fi);
	attr.func_info = (__u64)(unsigned long)&fi;
	attr.func_info_cnt = 1;
	if (target_fd >= 0) {
		attr.attach_prog_fd = (__u32)target_fd;
		attr.attach_btf_id = EXT_FUNC_ID;
	}
	return probe_sys_bpf(BPF_PROG_LOAD, &attr);
}

/* The errno given as "missing" and ENOTSUPP (524, the kernel's "no
 * trampoline / not supported here") mean missing. EPERM/EACCES: not allowed
 * (an extension needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN); with them
 * held, the kernel itself refuses (its configuration, or an LSM): missing,
 * with the errno kept. Anything else is unknown. */
static void ext_fact(const struct probe *p, struct fact *f, int ret, int missing)
{
	bool held = p->caps_known && !p->in_user_ns &&
		    (p->cap_sys_admin || (p->cap_bpf && p->cap_perfmon));

	if (ret >= 0)
		fact_set(f, FACT_YES, 0);
	else if (ret == -missing || ret == -524 /* ENOTSUPP */ || ret == -EOPNOTSUPP)
		fact_set(f, FACT_NO, ret);
	else if (ret == -EPERM || ret == -EACCES)
		fact_set(f, held ? FACT_NO : FACT_DENIED, ret);
	else
		fact_set(f, FACT_UNKNOWN, ret);
}

/* The bpffs in use (XDPCOUNT_BPFFS, else /sys/fs/bpf; libxdp's LIBXDP_BPFFS
 * is its own): mounted, not read-only, and writable by us. Read-only: the
 * xdp/ directory of the protocol is only made when it is used. */
void probe_fact_bpffs_writable(struct probe *p, struct fact *f, struct probe_run *run)
{
	const char *fs = pin_bpffs();
	struct statfs st;
	struct statvfs sv;

	if (statfs(fs, &st) != 0) {
		fact_set(f, errno == ENOENT ? FACT_NO : FACT_UNKNOWN, -errno);
		return;
	}
	if ((unsigned long)st.f_type != (unsigned long)BPF_FS_MAGIC) {
		fact_set(f, FACT_NO, -EMEDIUMTYPE);
		return;
	}
	if (statvfs(fs, &sv) == 0 && (sv.f_flag & ST_RDONLY)) {
		fact_set(f, FACT_NO, -EROFS);
		return;
	}
	if (access(fs, W_OK) != 0) {
		fact_set(f, FACT_DENIED, -errno);
		return;
	}
	fact_set(f, FACT_YES, 0);
}

/* KERNEL_BTF_PATH (above) can be read. */
void probe_fact_kernel_btf(struct probe *p, struct fact *f, struct probe_run *run)
{
	if (access(KERNEL_BTF_PATH, R_OK) == 0)
		fact_set(f, FACT_YES, 0);
	else
		fact_set(f, errno == ENOENT ? FACT_NO : FACT_UNKNOWN, -errno);
}

/* Fills prog_type_ext (f) and freplace_link: an XDP program with function
 * BTF, an extension of it, and that extension linked to a second one. */
void probe_fact_ext(struct probe *p, struct fact *f, struct probe_run *run)
{
	int btf_fd = -1, tgt = -1, tgt2 = -1, ext = -1, link;
	union bpf_attr attr;

	/* BTF loading: 4.18, 69b693f0aefa "bpf: btf: Introduce BPF Type Format
	 * (BTF)"; global function linkage 5.6, 51c39bb1d5d1 "bpf: Introduce
	 * function-by-function verification". Refused (EINVAL) before them:
	 * no extension can exist there either. */
	btf_fd = ext_btf_load();
	if (btf_fd < 0) {
		ext_fact(p, &p->prog_type_ext, btf_fd, EINVAL);
		fact_set(&p->freplace_link, p->prog_type_ext.state, btf_fd);
		goto out;
	}
	tgt = ext_prog_load(btf_fd, -1);
	tgt2 = tgt >= 0 ? ext_prog_load(btf_fd, -1) : tgt;
	if (tgt2 < 0) {
		/* the kernel would not take an XDP program with function BTF
		 * (without kernel BTF it cannot type struct xdp_md) */
		ext_fact(p, &p->prog_type_ext, tgt2, EINVAL);
		fact_set(&p->freplace_link, p->prog_type_ext.state, tgt2);
		goto out;
	}
	/* BPF_PROG_TYPE_EXT: 5.6, be8704ff07d2 "bpf: Introduce dynamic program
	 * extensions". An unknown program type is EINVAL. */
	ext = ext_prog_load(btf_fd, tgt);
	ext_fact(p, &p->prog_type_ext, ext, EINVAL);
	if (ext < 0) {
		fact_set(&p->freplace_link, p->prog_type_ext.state, ext);
		goto out;
	}
	/* Linking an extension to a program other than the one it was loaded
	 * for (target_fd, target_btf_id): 5.10, 4a1e7c0c63e0 "bpf: Support
	 * attaching freplace programs to multiple attach points". Before it,
	 * BPF_LINK_CREATE reads attach type 0 as a cgroup one: EINVAL. This is
	 * also where an arch without BPF trampolines says ENOTSUPP. The link
	 * joins two programs that run nowhere; closing it undoes it. */
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (__u32)ext;
	attr.link_create.target_fd = (__u32)tgt2;
	attr.link_create.attach_type = 0;
	attr.link_create.target_btf_id = EXT_FUNC_ID;
	link = probe_sys_bpf(BPF_LINK_CREATE, &attr);
	ext_fact(p, &p->freplace_link, link, EINVAL);
	if (link >= 0)
		close(link);
out:
	if (ext >= 0)
		close(ext);
	if (tgt2 >= 0 && tgt2 != tgt)
		close(tgt2);
	if (tgt >= 0)
		close(tgt);
	if (btf_fd >= 0)
		close(btf_fd);
}
