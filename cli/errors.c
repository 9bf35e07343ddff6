#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "cli/errors.h"
#include "plan/plan.h"
#include "run/stop.h"
#include "report/fmt.h"
#include "probe/probe.h" /* CAP_BPF */

#define STR(x) #x
#define XSTR(x) STR(x)

struct failure {
	int set;
	enum stage stage;
	int err;
	char subject[128];
	char detail[640];
	char todo[256]; /* what to do, where the advice table's words would not fit */
};

static struct failure failure;

/* What failed, per stage; %s is the subject. */
static const char *const stage_what[] = {
	[STAGE_USAGE] = "bad usage",
	[STAGE_IFACE] = "cannot use interface %s",
	[STAGE_PICK] = "no interface given, and none to pick",
	[STAGE_BTF] = "cannot use BTF file %s",
	[STAGE_OBJECT] = "cannot use the embedded BPF object",
	[STAGE_BPF] = "cannot use BPF",
	[STAGE_PLAN] = "cannot run on this machine",
	[STAGE_MEMLOCK] = "cannot raise RLIMIT_MEMLOCK",
	[STAGE_LOAD] = "cannot load the counter program",
	[STAGE_ATTACH] = "cannot attach to %s",
	[STAGE_FOREIGN] = "refusing to attach to %s",
	[STAGE_READ] = "cannot read the counters of %s",
	[STAGE_DETACH] = "cannot detach from %s",
	[STAGE_OUTPUT] = "cannot write the output",
	[STAGE_SIGNAL] = "cannot set up signal handling",
	[STAGE_TC] = "cannot attach at tc ingress of %s",
	[STAGE_LOST] = "lost %s",
	[STAGE_LEFT] = "left a program behind on %s",
	[STAGE_STOPPED] = "stopped by %s",
	[STAGE_UNOWNED] = "will not detach from %s",
	[STAGE_METRICS] = "cannot serve metrics on %s",
	[STAGE_TEXTFILE] = "cannot write the metrics textfile %s",
};

/* Cause words and what to do, by stage and errno (stage -1: any stage;
 * err 0: any errno). The first match wins. */
struct advice {
	int stage;
	int err;
	const char *cause;
	const char *todo;
};

static const char PRIV_TODO[] = "run as root, or grant CAP_BPF and CAP_NET_ADMIN (CAP_SYS_ADMIN on kernels before 5.8)";

static const struct advice advice[] = {
	{ STAGE_USAGE, 0, NULL, "see xdpcount --help" },
	{ STAGE_UNOWNED, 0, NULL, NULL }, /* the detail says what to do */
	{ STAGE_PLAN, EPERM, NULL, NULL }, /* the plan's reasons say what to grant */
	{ STAGE_PLAN, EACCES, NULL, NULL },
	{ STAGE_IFACE, ENODEV, "no such interface", "list interfaces with `ip link` and pass one as IFACE" },
	{ STAGE_PICK, ENOENT, "there is no IPv4 default route to pick one from", "name one: xdpcount IFACE (see `ip link`)" },
	{ STAGE_IFACE, E2BIG, "too many interfaces", "count on at most 64 interfaces per run" },
	{ STAGE_BTF, ENOENT, "no such file", "pass an existing vmlinux or raw BTF file" },
	{ STAGE_BTF, ENAMETOOLONG, "the path is too long for this system", "pass a shorter path to a vmlinux or raw BTF file" },
	{ STAGE_BTF, ENOTDIR, "a part of the path is not a directory", "pass an existing vmlinux or raw BTF file" },
	{ STAGE_BTF, ELOOP, "too many symbolic links in the path", "pass an existing vmlinux or raw BTF file" },
	{ STAGE_BTF, EISDIR, "it is a directory", "pass a vmlinux or raw BTF file, not a directory" },
	{ STAGE_BTF, EACCES, "permission denied", "make the file readable, or pass another" },
	{ STAGE_BTF, ENOEXEC, "neither raw BTF nor an ELF file", "pass a vmlinux or raw BTF file, e.g. /sys/kernel/btf/vmlinux" },
	{ STAGE_BTF, ENODATA, "an ELF file without BTF (no .BTF section, or an empty one)", "pass a vmlinux built with CONFIG_DEBUG_INFO_BTF, or raw BTF" },
	{ STAGE_BTF, 0, "not a valid BTF or ELF-with-BTF file (garbage or truncated)", "pass a complete vmlinux or raw BTF file, e.g. /sys/kernel/btf/vmlinux" },
	{ STAGE_OBJECT, ENOEXEC, "no embedded object matches this host's byte order", "this build is broken: rebuild with make" },
	{ STAGE_METRICS, EADDRINUSE, "the address is already in use", "pick another port, or stop what listens there (`ss -ltnp`)" },
	{ STAGE_METRICS, EADDRNOTAVAIL, "no interface of this host has that address", "use one of this host's addresses, or give only the PORT for loopback" },
	{ STAGE_METRICS, EINVAL, "that file descriptor is not a listening socket", "pass fd://N only for a socket inherited in the listening state (systemd socket activation)" },
	{ STAGE_METRICS, EBADF, "no such file descriptor", "pass fd://N only for a socket inherited in the listening state (systemd socket activation)" },
	{ STAGE_METRICS, EACCES, "ports below 1024 need CAP_NET_BIND_SERVICE", "use a port above 1023, such as 10937" },
	{ STAGE_TEXTFILE, ENOSPC, "no space left on its file system", "free some space there, or write the file elsewhere" },
	{ STAGE_TEXTFILE, ENOENT, "its directory does not exist", "create the directory, or name one on a file system that takes files (node_exporter's --collector.textfile.directory)" },
	{ STAGE_TEXTFILE, EISDIR, "it is a directory", "name a file in it, e.g. DIR/xdpcount.prom" },
	{ STAGE_TEXTFILE, EINVAL, "it exists and is not a regular file", "name a regular file (it is replaced atomically every interval)" },
	{ STAGE_TEXTFILE, 0, NULL, "make its directory writable for xdpcount, or pass another path" },
	{ -1, ENOSYS, "this kernel (or emulator) has no bpf() syscall", "run on a kernel built with CONFIG_BPF_SYSCALL" },
	{ -1, EPERM, "operation not permitted", PRIV_TODO },
	{ -1, EACCES, "permission denied", PRIV_TODO },
	{ STAGE_MEMLOCK, 0, NULL, "run as root with CAP_SYS_RESOURCE, raise `ulimit -l`, or set systemd LimitMEMLOCK=" },
	{ STAGE_LOAD, 0, NULL, "run `xdpcount check -v` for the verifier log" },
	{ STAGE_ATTACH, EOPNOTSUPP, "the driver has no native XDP support", "use -m generic, or -m auto to fall back" },
	{ STAGE_ATTACH, EBUSY, "another XDP program is attached in another mode or through a link", "remove it first; `xdpcount detach IFACE` removes a leftover xdpcount" },
	{ STAGE_ATTACH, EEXIST, "another XDP program is already attached", "if no other xdpcount is running, `xdpcount detach IFACE` removes the leftover" },
	{ STAGE_ATTACH, ERANGE, "the MTU is too large for native XDP", "lower the MTU, or use -m generic" },
	{ STAGE_ATTACH, ENOLINK, "the kernel has no XDP bpf_link (5.9+)", "use --attach netlink, or --attach auto" },
	{ STAGE_ATTACH, EINVAL, "the kernel refused the attach request", "try -m generic or --attach netlink" },
	{ STAGE_TC, EEXIST, "a filter already sits at xdpcount's place on ingress (priority 1, handle 0x7864)",
	  "if it is not a leftover of xdpcount (`xdpcount detach IFACE` removes those), use --attach link (tcx, 6.6+) or remove it" },
	{ STAGE_TC, ENOENT, "the kernel has no clsact qdisc or cls_bpf classifier", "load them (modprobe sch_ingress cls_bpf), or use --attach link (tcx, 6.6+)" },
	{ STAGE_TC, EOPNOTSUPP, "the kernel has no clsact qdisc or cls_bpf classifier", "load them (modprobe sch_ingress cls_bpf), or use --attach link (tcx, 6.6+)" },
	{ STAGE_TC, EINVAL, "the kernel refused the tc attach request (a filter of another kind at priority 1?)",
	  "see `tc filter show dev IFACE ingress`; or use --attach link (tcx, 6.6+)" },
	{ STAGE_TC, ENOLINK, "the kernel has no tcx (6.6+)", "use --attach netlink (a clsact qdisc), or --attach auto" },
	{ STAGE_TC, 0, NULL, "see `tc qdisc show dev IFACE` and `tc filter show dev IFACE ingress`" },
	{ STAGE_FOREIGN, 0, NULL, "remove that program first (`ip link set dev IFACE xdp off`), or count on another interface" },
	{ STAGE_OUTPUT, ETIMEDOUT, "stdout took nothing for " XSTR(STOP_OUTPUT_DEADLINE_S) " s after the stop; the final lines were lost", "read the output faster, or send it to a file" },
	{ STAGE_OUTPUT, EINTR, "stdout was blocked when the stop came; the lines not yet written were lost", "read the output faster, or send it to a file" },
	{ STAGE_OUTPUT, 0, NULL, "check where stdout goes" },
	{ STAGE_STOPPED, 0, "detached first; ending as the signal asks", NULL },
	{ -1, 0, NULL, NULL },
};

static const struct advice *find_advice(enum stage stage, int err)
{
	for (const struct advice *a = advice;; a++) {
		if (a->stage == -1 && a->err == 0)
			return a;
		if ((a->stage == (int)stage || a->stage == -1) && (a->err == 0 || a->err == err))
			return a;
	}
}

const char *failure_cause(enum stage stage, int err)
{
	const struct advice *a = find_advice(stage, -err);

	return a->cause ? a->cause : strerror(-err);
}

int fail(enum stage stage, int err, const char *subject, const char *detail_fmt, ...)
{
	va_list ap;

	if (failure.set)
		return err;
	failure.set = 1;
	failure.stage = stage;
	failure.err = err;
	if (subject && strlen(subject) >= sizeof(failure.subject)) /* a 5000-byte path */
		snprintf(failure.subject, sizeof(failure.subject), "%.100s...", subject);
	else
		snprintf(failure.subject, sizeof(failure.subject), "%s", subject ? subject : "");
	failure.detail[0] = '\0';
	failure.todo[0] = '\0';
	if (detail_fmt) {
		va_start(ap, detail_fmt);
		vsnprintf(failure.detail, sizeof(failure.detail), detail_fmt, ap);
		va_end(ap);
	}
	return err;
}

void failure_todo(const char *fmt, ...)
{
	va_list ap;

	if (!failure.set)
		return;
	va_start(ap, fmt);
	vsnprintf(failure.todo, sizeof(failure.todo), fmt, ap);
	va_end(ap);
}

void failure_clear(void)
{
	failure.set = 0;
}

static int exit_code_of(const struct failure *f)
{
	switch (f->stage) {
	case STAGE_USAGE:
	case STAGE_BTF:
	case STAGE_PICK:
		return EXIT_USAGE;
	case STAGE_IFACE:
		return f->err == -ENODEV || f->err == -E2BIG ? EXIT_USAGE
										 : EXIT_FAILURE_ENV;
	default:
		return EXIT_FAILURE_ENV;
	}
}

/* The capabilities held at start, before a run dropped what it no longer
 * needs (failure_held_caps()). */
static struct {
	bool known;
	uint64_t eff;
	bool userns;
} held;

void failure_held_caps(int err, uint64_t eff, bool userns)
{
	held.known = !err;
	held.eff = eff;
	held.userns = userns;
}

/* What to grant, from the capabilities this process held at start. */
static const char *privilege_todo(void)
{
	uint64_t eff = held.eff;
	bool userns = held.userns;

	if (!held.known)
		return PRIV_TODO;
	if (userns)
		return "capabilities held inside a user namespace do not count for bpf() and XDP: "
		       "run outside it, with CAP_BPF and CAP_NET_ADMIN";
	if (eff >> CAP_SYS_ADMIN & 1 || (eff >> CAP_BPF & 1 && eff >> CAP_NET_ADMIN & 1))
		return "the capabilities are held: a seccomp filter or an LSM (SELinux, AppArmor, "
		       "lockdown) refuses";
	if (eff >> CAP_BPF & 1)
		return "grant CAP_NET_ADMIN as well (CAP_BPF is held)";
	if (eff >> CAP_NET_ADMIN & 1)
		return "grant CAP_BPF as well (CAP_NET_ADMIN is held; CAP_SYS_ADMIN on kernels before 5.8)";
	if (geteuid() == 0)
		return "this root holds neither CAP_BPF nor CAP_NET_ADMIN (a container or a "
		       "capability bounding set took them): grant both (CAP_SYS_ADMIN on kernels "
		       "before 5.8), e.g. --cap-add BPF --cap-add NET_ADMIN";
	return PRIV_TODO;
}

/* The advice's words with IFACE replaced by the real (escaped) name. */
static const char *with_name(char *buf, size_t len, const char *todo, const char *name)
{
	const char *p;
	size_t n = 0;

	if (!todo || !name[0] || !strstr(todo, "IFACE"))
		return todo;
	buf[0] = '\0';
	while ((p = strstr(todo, "IFACE")) && n < len) {
		n += (size_t)snprintf(buf + n, len - n, "%.*s%s", (int)(p - todo), todo, name);
		todo = p + 5;
	}
	if (n < len)
		snprintf(buf + n, len - n, "%s", todo);
	return buf;
}

static void format_line(char *buf, size_t len, enum stage stage, int err, const char *subject,
			const char *detail, const char *todo_given)
{
	const struct advice *a = find_advice(stage, -err);
	const char *todo = a->todo && a->todo == (const char *)PRIV_TODO ? privilege_todo() : a->todo;
	char what[512], subj[400], named[512];

	fmt_name(subj, sizeof(subj), subject ? subject : "");
	snprintf(what, sizeof(what), stage_what[stage], subj);
	if (todo_given && todo_given[0])
		todo = todo_given;
	todo = with_name(named, sizeof(named), todo, subj);
	snprintf(buf, len, "%s: %s%s%s", what,
		 detail && detail[0] ? detail : a->cause ? a->cause : err ? strerror(-err) : "failed",
		 todo ? "; " : "", todo ? todo : "");
}

void failure_format(char *buf, size_t len, enum stage stage, int err, const char *subject,
		    const char *detail)
{
	format_line(buf, len, stage, err, subject, detail, NULL);
}

void failure_note(enum stage stage, int err, const char *subject, const char *detail)
{
	char line[1024];

	failure_format(line, sizeof(line), stage, err, subject, detail);
	fprintf(stderr, "xdpcount: %s\n", line);
}

/* Stable codes for JSON consumers: never reworded, only added to. */
static const char *const stage_code[] = {
	[STAGE_USAGE] = "usage",
	[STAGE_IFACE] = "interface",
	[STAGE_PICK] = "no_interface",
	[STAGE_BTF] = "btf",
	[STAGE_OBJECT] = "object",
	[STAGE_BPF] = "bpf",
	[STAGE_PLAN] = "incompatible",
	[STAGE_MEMLOCK] = "memlock",
	[STAGE_LOAD] = "load",
	[STAGE_ATTACH] = "attach",
	[STAGE_FOREIGN] = "foreign_program",
	[STAGE_READ] = "read",
	[STAGE_DETACH] = "detach",
	[STAGE_OUTPUT] = "output",
	[STAGE_SIGNAL] = "signal",
	[STAGE_TC] = "tc_attach",
	[STAGE_LOST] = "lost",
	[STAGE_LEFT] = "left_behind",
	[STAGE_STOPPED] = "stopped",
	[STAGE_UNOWNED] = "unowned",
	[STAGE_METRICS] = "metrics",
	[STAGE_TEXTFILE] = "textfile",
};

int failure_get(struct failure_info *fi)
{
	const char *name;

	if (!failure.set)
		return 0;
	format_line(fi->message, sizeof(fi->message), failure.stage, failure.err,
		    failure.subject, failure.detail, failure.todo);
	fi->code = stage_code[failure.stage];
	name = enum_find(errno_names, -failure.err);
	if (name)
		snprintf(fi->errno_name, sizeof(fi->errno_name), "%s", name);
	else
		snprintf(fi->errno_name, sizeof(fi->errno_name), "errno%u",
			 0u - (unsigned int)failure.err);
	fi->exit_code = exit_code_of(&failure);
	return 1;
}

int failure_report(void)
{
	if (!failure.set)
		return EXIT_OK;
	char line[1024];

	format_line(line, sizeof(line), failure.stage, failure.err, failure.subject,
		    failure.detail, failure.todo);
	fprintf(stderr, "xdpcount: %s\n", line);
	return exit_code_of(&failure);
}
