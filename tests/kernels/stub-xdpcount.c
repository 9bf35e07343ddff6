/* tests/kernels/stub-xdpcount.c - STUB standing in for xdpcount in the kernel
 * matrix (tests/kernels/run.sh --stub) until the real binary exists.
 *
 * It is not xdpcount, but what it reports it measures for real in the guest,
 * with raw syscalls only (no libbpf, no kernel headers):
 *   - bpf(): map create, an XDP program (hand-written bytecode) through the
 *     verifier, BPF_PROG_TEST_RUN, bpf_link XDP attach, the xdp.frags flag;
 *   - memlock: whether map creation needs RLIMIT_MEMLOCK (pre-memcg kernels)
 *     and whether raising it helps;
 *   - selftest: generic XDP on lo and native XDP on a veth pair, counting
 *     frames of a private ethertype sent through AF_PACKET;
 *   - BTF: /sys/kernel/btf/vmlinux.
 *
 *   stub-xdpcount check [--selftest] [--json]
 *   stub-xdpcount --json [-m generic|native] [-c COUNT] [-i SECONDS] IFACE
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netpacket/packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define ETH_TEST 0x88B5 /* IEEE local experimental ethertype */
#define SELFTEST_N 64

struct insn {
	uint8_t code;
	uint8_t regs; /* dst:4 (low), src:4 (high) on LE; swapped on BE */
	int16_t off;
	int32_t imm;
};

static struct insn I(uint8_t code, int dst, int src, int16_t off, int32_t imm)
{
	struct insn i = {code, 0, off, imm};
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	i.regs = (uint8_t)((dst << 4) | (src & 0xf));
#else
	i.regs = (uint8_t)((src << 4) | (dst & 0xf));
#endif
	return i;
}

static long sys_bpf(int cmd, void *attr, unsigned size)
{
	return syscall(SYS_bpf, cmd, attr, size);
}

static int map_create(void)
{
	uint32_t a[16] = {0};
	a[0] = 2;  /* BPF_MAP_TYPE_ARRAY */
	a[1] = 4;  /* key */
	a[2] = 16; /* value: packets, bytes */
	a[3] = 1;
	return (int)sys_bpf(0, a, sizeof a);
}

static int map_read(int fd, uint64_t v[2])
{
	uint32_t key = 0;
	uint64_t a[4] = {0};
	uint32_t ufd = (uint32_t)fd; /* u32 map_fd at offset 0, any byte order */
	memcpy(&a[0], &ufd, 4);
	a[1] = (uintptr_t)&key;
	a[2] = (uintptr_t)v;
	return (int)sys_bpf(1 /* LOOKUP */, a, sizeof a);
}

static int map_zero(int fd)
{
	uint32_t key = 0;
	uint64_t v[2] = {0, 0};
	uint64_t a[4] = {0};
	uint32_t ufd = (uint32_t)fd; /* u32 map_fd at offset 0, any byte order */
	memcpy(&a[0], &ufd, 4);
	a[1] = (uintptr_t)&key;
	a[2] = (uintptr_t)v;
	return (int)sys_bpf(2 /* UPDATE */, a, sizeof a);
}

static char vlog[65536];
static int prog_insns;

/* XDP counter: counts packets/bytes (of ethertype 'et' if et != 0), XDP_PASS. */
static int prog_load(int map_fd, uint16_t et, uint32_t prog_flags, int *err)
{
	struct insn p[32];
	int n = 0;
	uint16_t et_raw = 0;
	if (et) { /* the ethertype as a native-endian u16 load sees it */
		uint8_t b[2] = {(uint8_t)(et >> 8), (uint8_t)et};
		memcpy(&et_raw, b, 2);
	}
	p[n++] = I(0x61, 6, 1, 0, 0);        /* r6 = *(u32 *)(r1 + 0)  data */
	p[n++] = I(0x61, 7, 1, 4, 0);        /* r7 = *(u32 *)(r1 + 4)  data_end */
	p[n++] = I(0xbf, 2, 6, 0, 0);        /* r2 = r6 */
	p[n++] = I(0x07, 2, 0, 0, 14);       /* r2 += 14 */
	int jbound = n;
	p[n++] = I(0x2d, 2, 7, 0, 0);        /* if r2 > r7 goto pass */
	int jet = -1;
	if (et) {
		p[n++] = I(0x69, 3, 6, 12, 0);   /* r3 = *(u16 *)(r6 + 12) */
		jet = n;
		p[n++] = I(0x55, 3, 0, 0, et_raw); /* if r3 != et goto pass */
	}
	p[n++] = I(0xbf, 8, 7, 0, 0);        /* r8 = r7 */
	p[n++] = I(0x1f, 8, 6, 0, 0);        /* r8 -= r6  (length) */
	p[n++] = I(0x62, 10, 0, -4, 0);      /* *(u32 *)(r10 - 4) = 0 */
	p[n++] = I(0xbf, 2, 10, 0, 0);       /* r2 = r10 */
	p[n++] = I(0x07, 2, 0, 0, -4);       /* r2 += -4 */
	p[n++] = I(0x18, 1, 1, 0, map_fd);   /* r1 = map (ld_imm64, pseudo fd) */
	p[n++] = I(0x00, 0, 0, 0, 0);
	p[n++] = I(0x85, 0, 0, 0, 1);        /* call map_lookup_elem */
	int jnull = n;
	p[n++] = I(0x15, 0, 0, 0, 0);        /* if r0 == 0 goto pass */
	p[n++] = I(0xb7, 1, 0, 0, 1);        /* r1 = 1 */
	p[n++] = I(0xdb, 0, 1, 0, 0);        /* lock *(u64 *)(r0 + 0) += r1 */
	p[n++] = I(0xdb, 0, 8, 8, 0);        /* lock *(u64 *)(r0 + 8) += r8 */
	int pass = n;
	p[n++] = I(0xb7, 0, 0, 0, 2);        /* pass: r0 = XDP_PASS */
	p[n++] = I(0x95, 0, 0, 0, 0);        /* exit */
	p[jbound].off = (int16_t)(pass - jbound - 1);
	if (jet >= 0)
		p[jet].off = (int16_t)(pass - jet - 1);
	p[jnull].off = (int16_t)(pass - jnull - 1);
	prog_insns = n;

	uint8_t a[128] = {0};
	uint32_t u;
	uint64_t q;
	u = 6; memcpy(a + 0, &u, 4);                         /* BPF_PROG_TYPE_XDP */
	u = (uint32_t)n; memcpy(a + 4, &u, 4);
	q = (uintptr_t)p; memcpy(a + 8, &q, 8);
	q = (uintptr_t)"GPL"; memcpy(a + 16, &q, 8);
	u = 1; memcpy(a + 24, &u, 4);                        /* log_level */
	u = sizeof vlog; memcpy(a + 28, &u, 4);
	q = (uintptr_t)vlog; memcpy(a + 32, &q, 8);
	memcpy(a + 44, &prog_flags, 4);
	memcpy(a + 48, "xdpcount_stub", 14);
	vlog[0] = 0;
	int fd = (int)sys_bpf(5 /* BPF_PROG_LOAD */, a, 72);
	if (fd < 0 && errno == ENOSPC) { /* log too small: retry without log */
		memset(a + 24, 0, 16);
		fd = (int)sys_bpf(5, a, 72);
	}
	*err = fd < 0 ? errno : 0;
	return fd;
}

static int test_run(int prog_fd, int *retval)
{
	uint8_t pkt[64] = {0};
	uint8_t a[80] = {0};
	uint32_t u;
	uint64_t q;
	u = (uint32_t)prog_fd; memcpy(a + 0, &u, 4);
	u = sizeof pkt; memcpy(a + 8, &u, 4);
	q = (uintptr_t)pkt; memcpy(a + 16, &q, 8);
	u = 1; memcpy(a + 32, &u, 4);                        /* repeat */
	int rc = (int)sys_bpf(10 /* BPF_PROG_TEST_RUN */, a, sizeof a);
	memcpy(&u, a + 4, 4);
	*retval = (int)u;
	return rc;
}

/* bpf_link for XDP; flags: 2 = SKB (generic), 4 = DRV (native). */
static int link_xdp(int prog_fd, int ifindex, uint32_t flags)
{
	uint32_t a[16] = {0};
	a[0] = (uint32_t)prog_fd;
	a[1] = (uint32_t)ifindex;
	a[2] = 37; /* BPF_XDP */
	a[3] = flags;
	return (int)sys_bpf(28 /* BPF_LINK_CREATE */, a, sizeof a);
}

/* ---- rtnetlink: create a veth pair ---------------------------------- */
struct nlbuf {
	char b[1024];
	size_t len;
};

static void *nl_put(struct nlbuf *m, uint16_t type, const void *data, size_t dlen)
{
	uint16_t rlen = (uint16_t)(4 + dlen);
	char *p = m->b + m->len;
	memcpy(p, &rlen, 2);
	memcpy(p + 2, &type, 2);
	if (data)
		memcpy(p + 4, data, dlen);
	m->len += (rlen + 3) & ~3u;
	return p;
}

static void nl_end(struct nlbuf *m, void *start)
{
	uint16_t rlen = (uint16_t)(m->b + m->len - (char *)start);
	memcpy(start, &rlen, 2);
}

static int veth_create(const char *a, const char *b)
{
	struct nlbuf m = {{0}, 0};
	struct {
		uint32_t len;
		uint16_t type, flags;
		uint32_t seq, pid;
	} hdr = {0, 16 /* RTM_NEWLINK */, 1 | 4 | 0x400 | 0x200, 1, 0};
	/* NLM_F_REQUEST|ACK|CREATE|EXCL */
	struct {
		uint8_t family, pad;
		uint16_t type;
		int32_t index;
		uint32_t flags, change;
	} ifi = {0};
	m.len = 16;
	memcpy(m.b + m.len, &ifi, sizeof ifi);
	m.len += sizeof ifi;
	nl_put(&m, 3 /* IFLA_IFNAME */, a, strlen(a) + 1);
	void *li = nl_put(&m, 18 /* IFLA_LINKINFO */, NULL, 0);
	nl_put(&m, 1 /* IFLA_INFO_KIND */, "veth", 5);
	void *ld = nl_put(&m, 2 /* IFLA_INFO_DATA */, NULL, 0);
	void *peer = nl_put(&m, 1 /* VETH_INFO_PEER */, NULL, 0);
	memcpy(m.b + m.len, &ifi, sizeof ifi);
	m.len += sizeof ifi;
	nl_put(&m, 3, b, strlen(b) + 1);
	nl_end(&m, peer);
	nl_end(&m, ld);
	nl_end(&m, li);
	hdr.len = (uint32_t)m.len;
	memcpy(m.b, &hdr, 16);

	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0 /* NETLINK_ROUTE */);
	if (s < 0)
		return -errno;
	struct timeval tv = {2, 0};
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (send(s, m.b, m.len, 0) < 0) {
		int e = errno;
		close(s);
		return -e;
	}
	char r[1024];
	ssize_t n = recv(s, r, sizeof r, 0);
	close(s);
	if (n < 36)
		return n < 0 ? -errno : -EIO;
	int32_t err;
	memcpy(&err, r + 16, 4); /* NLMSG_ERROR payload */
	return err;
}

static int if_up(const char *name)
{
	struct ifreq ifr = {0};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	rc = rc ? -errno : 0;
	close(s);
	return rc;
}

static void wfile(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0) { /* best effort */ }
		close(fd);
	}
}

static void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static long long netstat(const char *ifname, const char *what)
{
	char p[128], buf[32] = "";
	snprintf(p, sizeof p, "/sys/class/net/%s/statistics/%s", ifname, what);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return atoll(buf);
}

static int oper_up(const char *ifname)
{
	char p[128], buf[16] = "";
	snprintf(p, sizeof p, "/sys/class/net/%s/operstate", ifname);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return n >= 2 && memcmp(buf, "up", 2) == 0;
}

struct st {
	int ran, ok;
	uint64_t sent, counted;
	char reason[256];
};

/* Attach the ethertype-filtered counter to ifindex in mode, send n frames of
 * ETH_TEST out of 'tx_if' (its own XDP-attached rx for lo; the peer for veth). */
static void selftest(struct st *r, int rx_ifindex, int tx_ifindex, uint32_t mode_flag)
{
	int err, map = map_create(), prog = -1, link = -1, s = -1;
	r->ran = 1;
	if (map < 0) {
		snprintf(r->reason, sizeof r->reason, "map_create: %s", strerror(errno));
		return;
	}
	prog = prog_load(map, ETH_TEST, 0, &err);
	if (prog < 0) {
		snprintf(r->reason, sizeof r->reason, "prog_load: %s", strerror(err));
		goto out;
	}
	link = link_xdp(prog, rx_ifindex, mode_flag);
	if (link < 0) {
		snprintf(r->reason, sizeof r->reason, "attach: %s", strerror(errno));
		goto out;
	}
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (s < 0) {
		snprintf(r->reason, sizeof r->reason, "packet socket: %s", strerror(errno));
		goto out;
	}
	uint8_t f[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1,
			 ETH_TEST >> 8, ETH_TEST & 0xff};
	struct sockaddr_ll ll = {0};
	ll.sll_family = AF_PACKET;
	ll.sll_ifindex = tx_ifindex;
	ll.sll_halen = 6;
	memset(ll.sll_addr, 0xff, 6);
	for (int i = 0; i < SELFTEST_N; i++) {
		f[14] = (uint8_t)i;
		if (sendto(s, f, sizeof f, 0, (struct sockaddr *)&ll, sizeof ll) == (ssize_t)sizeof f)
			r->sent++;
	}
	uint64_t v[2] = {0, 0};
	for (int t = 0; t < 300; t++) { /* up to 3 s for NAPI to drain */
		if (map_read(map, v) == 0 && v[0] >= r->sent)
			break;
		msleep(10);
	}
	r->counted = v[0];
	r->ok = r->sent == SELFTEST_N && r->counted == r->sent;
	if (r->ok) {
		snprintf(r->reason, sizeof r->reason, "counted every frame");
	} else {
		char rx[IF_NAMESIZE] = "?", tx[IF_NAMESIZE] = "?";
		if_indextoname((unsigned)rx_ifindex, rx);
		if_indextoname((unsigned)tx_ifindex, tx);
		snprintf(r->reason, sizeof r->reason,
			 "count mismatch; %s tx_dropped=%lld, %s rx_packets=%lld rx_dropped=%lld",
			 tx, netstat(tx, "tx_dropped"), rx, netstat(rx, "rx_packets"),
			 netstat(rx, "rx_dropped"));
	}
out:
	if (s >= 0)
		close(s);
	if (link >= 0)
		close(link);
	if (prog >= 0)
		close(prog);
	close(map);
}

static const char *b(int v) { return v ? "true" : "false"; }

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void st_json(const struct st *r)
{
	if (!r->ran) {
		printf("null");
		return;
	}
	printf("{\"ok\":%s,\"sent\":%llu,\"counted\":%llu,\"reason\":", b(r->ok),
	       (unsigned long long)r->sent, (unsigned long long)r->counted);
	json_str(r->reason);
	printf("}");
}

static int cmd_check(int selftest_wanted)
{
	struct utsname u;
	uname(&u);
	const char *bo = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? "big" : "little";
	struct stat sb;
	int btf = stat("/sys/kernel/btf/vmlinux", &sb) == 0;

	/* memlock: can a map be created with RLIMIT_MEMLOCK at 0? */
	struct rlimit orig, zero = {0, 0};
	getrlimit(RLIMIT_MEMLOCK, &orig);
	int needed = 0, memcg = 0;
	const char *action = "none";
	int bpf_ok = 0;
	struct rlimit low = {0, orig.rlim_max};
	setrlimit(RLIMIT_MEMLOCK, &low);
	(void)zero;
	int fd = map_create();
	if (fd >= 0) {
		memcg = 1;
		bpf_ok = 1;
		close(fd);
		setrlimit(RLIMIT_MEMLOCK, &orig);
	} else if (errno == EPERM) {
		needed = 1;
		struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY};
		if (setrlimit(RLIMIT_MEMLOCK, &inf) == 0 && (fd = map_create()) >= 0) {
			action = "raised";
			bpf_ok = 1;
			close(fd);
		} else {
			action = "impossible";
			setrlimit(RLIMIT_MEMLOCK, &orig);
		}
	} else {
		setrlimit(RLIMIT_MEMLOCK, &orig);
	}
	struct rlimit cur;
	getrlimit(RLIMIT_MEMLOCK, &cur);

	int map = map_create(), err = 0, retval = -1, tr_ok = 0, link_ok = 0, frags = 0;
	int prog = map >= 0 ? prog_load(map, 0, 0, &err) : -1;
	if (map < 0)
		err = errno;
	int insns = prog_insns;
	if (prog >= 0) {
		tr_ok = test_run(prog, &retval) == 0 && retval == 2;
		int l = link_xdp(prog, (int)if_nametoindex("lo"), 2);
		if (l >= 0) {
			link_ok = 1;
			close(l);
		}
		int e2, p2 = prog_load(map, 0, 1u << 5 /* BPF_F_XDP_HAS_FRAGS */, &e2);
		if (p2 >= 0) {
			frags = 1;
			close(p2);
		}
	}

	struct st gen = {0}, nat = {0};
	char sreason[160] = "not requested";
	int lo = (int)if_nametoindex("lo");
	if (selftest_wanted && prog >= 0) {
		selftest(&gen, lo, lo, 2);
		wfile("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
		int vr = veth_create("xst0", "xst1");
		if (vr == 0 || vr == -EEXIST) {
			if_up("xst0");
			if_up("xst1");
			/* Until linkwatch activates the qdisc (operstate "up"),
			 * the first-opened end drops every frame in noop_qdisc
			 * while sendto() reports success: wait for it. */
			for (int t = 0; t < 500 && !(oper_up("xst0") && oper_up("xst1")); t++)
				msleep(10);
			selftest(&nat, (int)if_nametoindex("xst1"), (int)if_nametoindex("xst0"), 4);
		} else {
			nat.ran = 1;
			snprintf(nat.reason, sizeof nat.reason, "veth: %s", strerror(-vr));
		}
		snprintf(sreason, sizeof sreason, "stub: generic on lo, native on veth xst0->xst1");
	} else if (selftest_wanted) {
		snprintf(sreason, sizeof sreason, "no XDP program");
	}

	int ok = bpf_ok && prog >= 0 && tr_ok && (!selftest_wanted || (gen.ok && nat.ok));
	printf("{\"verdict\":\"%s\",\"reasons\":[\"stub: not the real xdpcount\"],", ok ? "ok" : "incompatible");
	printf("\"kernel\":{\"release\":");
	json_str(u.release);
	printf(",\"arch\":");
	json_str(u.machine);
	printf(",\"byte_order\":\"%s\"},", bo);
	printf("\"object\":{\"byte_order\":\"%s\",\"sha256\":\"stub\",\"variant\":\"stub\"},", bo);
	printf("\"features\":{\"bpf_syscall\":%s,\"prog_type_xdp\":%s,\"bpf_link_xdp\":%s,"
	       "\"xdp_frags\":%s,\"memcg_accounting\":%s},",
	       b(bpf_ok), b(prog >= 0), b(link_ok), b(frags), b(memcg));
	printf("\"memlock\":{\"needed\":%s,\"action\":\"%s\",\"current\":", b(needed), action);
	if (cur.rlim_cur == RLIM_INFINITY)
		printf("null},");
	else
		printf("%llu},", (unsigned long long)cur.rlim_cur);
	printf("\"btf\":{\"available\":%s,\"source\":%s},", b(btf),
	       btf ? "\"/sys/kernel/btf/vmlinux\"" : "null");
	printf("\"verifier\":{\"loaded\":%s,\"insns\":%d,\"error\":", b(prog >= 0), insns);
	if (prog >= 0) {
		printf("null},");
	} else {
		json_str(strerror(err));
		printf("},");
	}
	printf("\"test_run\":{\"ok\":%s,\"retval\":", b(tr_ok));
	if (prog >= 0)
		printf("%d},", retval);
	else
		printf("null},");
	printf("\"interfaces\":[{\"name\":\"lo\",\"ifindex\":%d,\"mode\":\"generic\",\"attach\":\"%s\","
	       "\"reason\":\"loopback has no native XDP\"}],", lo, link_ok ? "link" : "netlink");
	printf("\"selftest\":{\"ran\":%s,\"native\":", b(selftest_wanted && prog >= 0));
	st_json(&nat);
	printf(",\"generic\":");
	st_json(&gen);
	printf(",\"reason\":");
	json_str(sreason);
	printf("}}\n");
	if (prog >= 0)
		close(prog);
	if (map >= 0)
		close(map);
	if (!ok && prog < 0 && vlog[0])
		fprintf(stderr, "verifier log:\n%s\n", vlog);
	return ok ? 0 : 2;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_run(const char *mode, int count, double interval, const char *iface)
{
	struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY};
	setrlimit(RLIMIT_MEMLOCK, &inf);
	int ifindex = (int)if_nametoindex(iface), err;
	if (!ifindex) {
		fprintf(stderr, "stub-xdpcount: no interface %s\n", iface);
		return 1;
	}
	int map = map_create();
	int prog = map >= 0 ? prog_load(map, 0, 0, &err) : -1;
	if (prog < 0) {
		fprintf(stderr, "stub-xdpcount: load: %s\n%s\n", strerror(map < 0 ? errno : err), vlog);
		return 1;
	}
	map_zero(map);
	int link = link_xdp(prog, ifindex, strcmp(mode, "native") == 0 ? 4 : 2);
	if (link < 0) {
		fprintf(stderr, "stub-xdpcount: attach %s: %s\n", iface, strerror(errno));
		return 1;
	}
	uint64_t last[2] = {0, 0}, v[2];
	double t_last = mono();
	for (int i = 0; count <= 0 || i < count; i++) {
		msleep((int)(interval * 1000));
		if (map_read(map, v) != 0)
			return 1;
		double t = mono(), dt = t - t_last;
		struct timespec rt;
		clock_gettime(CLOCK_REALTIME, &rt);
		printf("{\"event\":\"stats\",\"time\":%.3f,\"iface\":", rt.tv_sec + rt.tv_nsec / 1e9);
		json_str(iface);
		printf(",\"ifindex\":%d,\"packets\":%llu,\"bytes\":%llu,\"pps\":%.1f,\"bps\":%.1f}\n",
		       ifindex, (unsigned long long)v[0], (unsigned long long)v[1],
		       dt > 0 ? (v[0] - last[0]) / dt : 0.0, dt > 0 ? (v[1] - last[1]) * 8 / dt : 0.0);
		fflush(stdout);
		memcpy(last, v, sizeof last);
		t_last = t;
	}
	close(link);
	return 0;
}

int main(int argc, char **argv)
{
	int json = 0, self = 0, count = 0, check = 0;
	double interval = 1.0;
	const char *mode = "generic", *iface = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "check"))
			check = 1;
		else if (!strcmp(a, "--selftest"))
			self = 1;
		else if (!strcmp(a, "--json"))
			json = 1;
		else if (!strcmp(a, "-m") && i + 1 < argc)
			mode = argv[++i];
		else if (!strcmp(a, "-c") && i + 1 < argc)
			count = atoi(argv[++i]);
		else if (!strcmp(a, "-i") && i + 1 < argc)
			interval = atof(argv[++i]);
		else if (a[0] != '-')
			iface = a;
		else {
			fprintf(stderr, "stub-xdpcount: unknown option %s\n", a);
			return 64;
		}
	}
	(void)json;
	if (check)
		return cmd_check(self);
	if (!iface) {
		fprintf(stderr, "usage: stub-xdpcount check [--selftest] [--json] | [--json] [-m MODE] [-c N] [-i S] IFACE\n");
		return 64;
	}
	return cmd_run(mode, count, interval, iface);
}
