/* Kernel identity, privilege and resource limits: everything probe_kernel()
 * learns without calling bpf(). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include <bpf/libbpf.h>

#include "probe/probe.h"
#include "probe/internal.h"
#include "probe/sys.h"

int probe_read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	size_t off = 0;
	int fd, err = 0;

	if (!len)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off < len - 1) {
		n = read(fd, buf + off, len - 1 - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
out:
	buf[off] = '\0';
	close(fd);
	return err ? err : (int)off;
}

int probe_read_long(const char *path, long *val)
{
	char buf[64], *end;
	int n;

	n = probe_read_text(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

/* A release is "MAJ.MIN[.PATCH]" followed by nothing or by a suffix that
 * does not start with a letter or a digit ("-1234-aws", "+", "_x").
 * "5.4x", "5", "x.y" and absurdly long numbers are refused as garbage. */
static int parse_release(const char *s, unsigned int v[3])
{
	int i;

	v[0] = v[1] = v[2] = 0;
	if (!s)
		return -EINVAL;
	while (*s == ' ' || *s == '\t')
		s++;
	for (i = 0;; i++) {
		unsigned int n = 0, digits = 0;

		while (isdigit((unsigned char)*s)) {
			if (++digits > 6)
				return -EINVAL;
			n = n * 10 + (unsigned int)(*s++ - '0');
		}
		if (!digits)
			return -EINVAL;
		v[i] = n;
		if (i == 2 || *s != '.' || !isdigit((unsigned char)s[1]))
			break;
		s++;
	}
	if (i < 1 || isalnum((unsigned char)*s) || v[0] == 0)
		return -EINVAL;
	return 0;
}

/* Ubuntu's /proc/version_signature: "Ubuntu 5.4.0-1234.1234-aws 5.4.272".
 * The last field is the upstream stable version. */
static int parse_signature(const char *sig, unsigned int v[3])
{
	char buf[256];
	char *last, *tok, *save = NULL;
	size_t n;

	if (!sig)
		return -EINVAL;
	n = strlen(sig);
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, sig, n + 1);
	last = NULL;
	for (tok = strtok_r(buf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		last = tok;
	if (!last || last == buf) /* needs at least two fields */
		return -EINVAL;
	return parse_release(last, v);
}

int kver_parse(const char *release, const char *version_signature,
	       unsigned int *maj, unsigned int *min, unsigned int *patch)
{
	unsigned int v[3] = { 0, 0, 0 };
	int err;

	err = parse_signature(version_signature, v);
	if (err)
		err = parse_release(release, v);
	if (err)
		v[0] = v[1] = v[2] = 0;
	*maj = v[0];
	*min = v[1];
	*patch = v[2];
	return err;
}

/* The initial user namespace maps all of 0..2^32-2 onto itself, in one line. */
bool probe_uid_map_nested(const char *map)
{
	unsigned long a, b, n;
	const char *nl = strchr(map, '\n');

	if (sscanf(map, "%lu %lu %lu", &a, &b, &n) != 3)
		return false;
	return !(a == 0 && b == 0 && n == 4294967295UL) || (nl && nl[1] != '\0');
}

static bool user_ns_nested(void)
{
	char map[128];

	if (probe_read_text("/proc/self/uid_map", map, sizeof(map)) <= 0)
		return false;
	return probe_uid_map_nested(map);
}

/* Effective capabilities, read with capget() (v3: 64 bits). CAP_BPF is 5.8+;
 * an older kernel simply never reports bit 39. */
int probe_caps_now(uint64_t *eff, bool *in_user_ns)
{
	struct probe_capsets c;
	int err;

	*in_user_ns = user_ns_nested();
	err = probe_sys_capget(&c);
	if (!err)
		*eff = c.eff;
	return err;
}

static void probe_caps(struct probe *p)
{
	uint64_t eff;

	if (probe_caps_now(&eff, &p->in_user_ns))
		return;
	p->cap_bpf = eff >> CAP_BPF & 1;
	p->cap_net_admin = eff >> CAP_NET_ADMIN & 1;
	p->cap_sys_admin = eff >> CAP_SYS_ADMIN & 1;
	p->cap_sys_resource = eff >> CAP_SYS_RESOURCE & 1;
	p->cap_perfmon = eff >> 38 & 1; /* CAP_PERFMON, 5.8 */
	p->caps_known = true;
	p->euid_root = geteuid() == 0;
}

static uint64_t rlim_to_u64(rlim_t r)
{
	return r == RLIM_INFINITY ? UINT64_MAX : (uint64_t)r;
}

/* net.core.bpf_jit_enable (3.0+; always 1 with CONFIG_BPF_JIT_ALWAYS_ON).
 * The file is missing when the kernel has no JIT for this arch. */
static void probe_jit_sysctl(struct probe *p)
{
	long v;
	int err;

	err = probe_read_long("/proc/sys/net/core/bpf_jit_enable", &v);
	if (err) {
		p->jit.state = FACT_UNKNOWN;
		p->jit.err = err;
		return;
	}
	p->jit.state = v ? FACT_YES : FACT_NO;
	p->jit.err = 0;
}

enum byte_order host_byte_order(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one ? BYTE_ORDER_LITTLE : BYTE_ORDER_BIG;
}

const char *byte_order_name(enum byte_order order)
{
	return order == BYTE_ORDER_BIG ? "big" : "little";
}

int probe_kernel(struct probe *p)
{
	struct utsname u;
	struct rlimit rl;
	char sig[256];
	long v;
	int n;

	if (p->kernel_probed)
		return 0;
	if (uname(&u) != 0)
		return -errno;
	p->kernel_probed = true;

	snprintf(p->release, sizeof(p->release), "%s", u.release);
	snprintf(p->machine, sizeof(p->machine), "%s", u.machine);
	n = probe_read_text("/proc/version_signature", sig, sizeof(sig));
	kver_parse(p->release, n > 0 ? sig : NULL, &p->kver_major,
		   &p->kver_minor, &p->kver_patch);
	p->host_order = host_byte_order();

	probe_caps(p);
	/* kernel.unprivileged_bpf_disabled: 4.4+; 0 allowed, 1 and 2 refuse
	 * bpf() without CAP_BPF/CAP_SYS_ADMIN (2 can be reset to 0, 5.13+). */
	if (probe_read_long("/proc/sys/kernel/unprivileged_bpf_disabled", &v))
		p->unprivileged_bpf_disabled = -1;
	else
		p->unprivileged_bpf_disabled = (int)v;

	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
		p->memlock_cur = rlim_to_u64(rl.rlim_cur);
		p->memlock_max = rlim_to_u64(rl.rlim_max);
	}

	n = libbpf_num_possible_cpus();
	p->ncpus = n > 0 ? (unsigned int)n : 0;
	v = sysconf(_SC_PAGESIZE);
	p->page_size = v > 0 ? (unsigned int)v : 0;

	probe_jit_sysctl(p);
	return 0;
}
