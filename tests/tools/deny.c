/* deny WHAT ERRNO CMD [ARG...]: runs CMD under a seccomp filter that makes
 * one kind of system call fail with ERRNO (ENOSYS, EPERM, EACCES or a
 * number). Everything else is allowed. A test tool for the integration suite.
 *
 *   bpf   the bpf() syscall, the way an emulator without BPF, or a container
 *         runtime's profile, hides it:   deny bpf ENOSYS xdpcount check --json
 *   genl  socket(AF_NETLINK, *, NETLINK_GENERIC), which hides the netdev
 *         family and so the driver's xdp-features, as on kernels before 6.3
 *   bind  every bind(): xdpcount then has no link notifications (its only
 *         bind in link mode, without --metrics)
 *   join  setsockopt(*, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP): a netlink
 *         socket joins no group after bind (xdpcount's tc notifications)
 *   userns unshare() and clone() with CLONE_NEWUSER, as in a chroot or under
 *         a container's default profile; clone3() answers ENOSYS (its flags
 *         are in memory a filter cannot read), so libc falls back to clone()
 *         (the way container runtimes do it):   deny userns EPERM make test
 *   sleep clock_nanosleep() and nanosleep(); with TRAP for ERRNO, the call
 *         raises SIGSYS instead (a real fault, as seccomp raises it): the
 *         first sleep of xdpcount's counting loop dies there
 *   rename rename(), renameat() and renameat2(); with TRAP, a death at the
 *         first rename (what a kill -9 there would leave)
 */
#include <errno.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h> /* CLONE_NEWUSER */
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NOBPF_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NOBPF_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define NOBPF_ARCH AUDIT_ARCH_I386
#elif defined(__arm__)
#define NOBPF_ARCH AUDIT_ARCH_ARM
#elif defined(__s390x__)
#define NOBPF_ARCH AUDIT_ARCH_S390X
#elif defined(__riscv) && __riscv_xlen == 64
#define NOBPF_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NOBPF_ARCH AUDIT_ARCH_PPC64LE
#endif

#ifndef __NR_bind
#define __NR_bind 0xffffffff /* no such syscall here: never matches */
#endif
#ifndef __NR_setsockopt
#define __NR_setsockopt 0xffffffff
#endif
#ifndef __NR_clone3
#define __NR_clone3 435 /* the same number on every arch */
#endif
/* clone()'s flags: its first argument, but the second on s390 */
#if defined(__s390__)
#define CLONE_FLAGS_ARG 1
#else
#define CLONE_FLAGS_ARG 0
#endif
#ifndef __NR_nanosleep
#define __NR_nanosleep 0xffffffff
#endif
#ifndef __NR_rename
#define __NR_rename 0xffffffff
#endif
#ifndef __NR_renameat
#define __NR_renameat 0xffffffff
#endif
#ifndef __NR_renameat2
#define __NR_renameat2 0xffffffff
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int parse_errno(const char *s)
{
	static const struct { const char *name; int value; } names[] = {
		{ "ENOSYS", ENOSYS }, { "EPERM", EPERM }, { "EACCES", EACCES },
		{ "EINVAL", EINVAL },
	};
	unsigned int i;
	char *end;
	long v;

	if (!strcmp(s, "TRAP"))
		return 0; /* SECCOMP_RET_TRAP */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].value;
	v = strtol(s, &end, 10);
	if (end == s || *end || v <= 0 || v > 4095)
		return -EINVAL;
	return (int)v;
}

enum what { DENY_BPF, DENY_GENL, DENY_BIND, DENY_JOIN, DENY_USERNS, DENY_SLEEP, DENY_RENAME };

static int install(enum what what, int err)
{
	const unsigned int deny = err ? SECCOMP_RET_ERRNO | (unsigned int)err : SECCOMP_RET_TRAP;
	struct sock_filter f[] = {
#ifdef NOBPF_ARCH
		/* Another syscall ABI (e.g. x32 or compat): leave it alone. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NOBPF_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
#endif
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* userns: clone3 (ENOSYS), unshare and clone with CLONE_NEWUSER */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, what == DENY_USERNS ? SECCOMP_RET_ERRNO | ENOSYS : SECCOMP_RET_ALLOW),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 3, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[CLONE_FLAGS_ARG])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, what == DENY_USERNS ? deny : SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* bpf */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, what == DENY_BPF ? deny : SECCOMP_RET_ALLOW),
		/* bind */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bind, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, what == DENY_BIND ? deny : SECCOMP_RET_ALLOW),
		/* sleep */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clock_nanosleep, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_nanosleep, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, what == DENY_SLEEP ? deny : SECCOMP_RET_ALLOW),
		/* rename */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rename, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_renameat, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_renameat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, what == DENY_RENAME ? deny : SECCOMP_RET_ALLOW),
		/* join: setsockopt(any, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP) */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_setsockopt, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOL_NETLINK, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NETLINK_ADD_MEMBERSHIP, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, what == DENY_JOIN ? deny : SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* genl: socket(AF_NETLINK, any, NETLINK_GENERIC), low 32 bits */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NETLINK_GENERIC, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, what == DENY_GENL ? deny : SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = (unsigned short)(sizeof(f) / sizeof(f[0])),
		.filter = f,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	enum what what;
	int err;

	if (argc < 4 || (strcmp(argv[1], "bpf") && strcmp(argv[1], "genl") && strcmp(argv[1], "bind") &&
			 strcmp(argv[1], "join") && strcmp(argv[1], "userns") && strcmp(argv[1], "sleep") &&
			 strcmp(argv[1], "rename"))) {
		fprintf(stderr, "usage: deny bpf|genl|bind|join|userns|sleep|rename ENOSYS|EPERM|EACCES|TRAP|N "
			"CMD [ARG...]\n");
		return 2;
	}
	what = !strcmp(argv[1], "bpf")	  ? DENY_BPF
	       : !strcmp(argv[1], "genl") ? DENY_GENL
	       : !strcmp(argv[1], "bind") ? DENY_BIND
	       : !strcmp(argv[1], "join") ? DENY_JOIN
	       : !strcmp(argv[1], "userns") ? DENY_USERNS
	       : !strcmp(argv[1], "rename") ? DENY_RENAME
					  : DENY_SLEEP;
	err = parse_errno(argv[2]);
	if (err < 0) {
		fprintf(stderr, "deny: bad errno %s\n", argv[2]);
		return 2;
	}
	err = install(what, err);
	if (err) {
		fprintf(stderr, "deny: seccomp: %s\n", strerror(-err));
		return 1;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "deny: %s: %s\n", argv[3], strerror(errno));
	return 127;
}
