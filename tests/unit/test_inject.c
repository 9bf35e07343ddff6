/* selftest/: frame layout, argument checks, and (as root, in a network
 * namespace of this test's own) veth creation over rtnetlink, exact
 * injection, and selftest_run() driven by fake hooks that count with a packet
 * socket instead of BPF: its success, a refused mode, a crashing child, a
 * hanging child and a slow one that keeps going. Nothing outside the test's
 * namespaces is touched. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_packet.h>

#include "tests/unit/check.h"
#include "selftest/inject.h"
#include "selftest/netlink.h"
#include "selftest/selftest.h"

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void test_frame_layout(void)
{
	uint8_t f[128];

	CHECK_EQ_INT(inject_frame_build(f, 59, 0), -EINVAL);
	CHECK_EQ_INT(inject_frame_build(NULL, 64, 0), -EINVAL);
	CHECK_EQ_INT(inject_frame_build(f, 64, 0x01020304), 0);
	CHECK(memcmp(f, "\xff\xff\xff\xff\xff\xff", 6) == 0);
	CHECK((f[6] & 0x02) && !(f[6] & 0x01)); /* local, unicast source */
	CHECK_EQ_INT(f[12] << 8 | f[13], INJECT_ETHERTYPE);
	CHECK_EQ_INT(f[14], 1);
	CHECK_EQ_INT(f[17], 4);
}

static void test_bad_arguments(void)
{
	struct selftest_hooks none = { 0 };
	struct selftest_result r;

	CHECK_EQ_INT(inject_frames(0, 1, 64), -EINVAL);
	CHECK_EQ_INT(inject_frames(1, 1, 59), -EINVAL);
	CHECK_EQ_INT(selftest_run(&none, 10, 64, &r), -EINVAL);
	CHECK(!r.ran);
	CHECK(r.reason[0] != '\0');
	CHECK_EQ_INT(link_delete(0), -EINVAL);
}

/* Fake hooks: a packet socket per attached ifindex counts our frames. */
struct fake {
	int fd[8];
	uint64_t packets[8], bytes[8];
	int refuse_native; /* attach in native mode fails with -EOPNOTSUPP */
	int refuse_tc;     /* attach at tc fails with -ENOENT (no cls_bpf, say) */
	int crash;         /* attach aborts the process */
	int hang;          /* attach never returns */
	int hang_detach;   /* detach never returns */
	unsigned int slow_ms; /* attach and detach take this long each */
};

static void fake_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int fake_attach(void *ctx, int ifindex, enum xdp_mode mode)
{
	struct fake *f = ctx;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(INJECT_ETHERTYPE),
		.sll_ifindex = ifindex,
	};
	int big = 64 << 20;

	if (f->crash) {
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		abort();
	}
	while (f->hang)
		pause();
	fake_sleep_ms(f->slow_ms);
	if (f->refuse_native && mode == XDP_MODE_NATIVE)
		return -EOPNOTSUPP;
	if (f->refuse_tc && mode == XDP_MODE_TC)
		return -ENOENT;
	if (ifindex <= 0 || ifindex >= 8)
		return -ERANGE;
	f->fd[ifindex] = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK,
				htons(INJECT_ETHERTYPE));
	if (f->fd[ifindex] < 0)
		return -errno;
	setsockopt(f->fd[ifindex], SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (bind(f->fd[ifindex], (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

static int fake_read(void *ctx, int ifindex, uint64_t *packets, uint64_t *bytes)
{
	struct fake *f = ctx;
	char buf[2048];
	ssize_t n;

	if (ifindex <= 0 || ifindex >= 8)
		return -ERANGE;
	while (f->fd[ifindex] > 0 &&
	       (n = recv(f->fd[ifindex], buf, sizeof(buf), MSG_TRUNC)) > 0) {
		f->packets[ifindex]++;
		f->bytes[ifindex] += (uint64_t)n;
	}
	*packets = f->packets[ifindex];
	*bytes = f->bytes[ifindex];
	return 0;
}

static int fake_detach(void *ctx, int ifindex)
{
	struct fake *f = ctx;

	while (f->hang_detach)
		pause();
	fake_sleep_ms(f->slow_ms);
	if (ifindex <= 0 || ifindex >= 8 || f->fd[ifindex] <= 0)
		return -ENOENT;
	close(f->fd[ifindex]);
	f->fd[ifindex] = 0;
	return 0;
}

static struct selftest_hooks fake_hooks(struct fake *f)
{
	struct selftest_hooks h = {
		.ctx = f,
		.attach = fake_attach,
		.detach = fake_detach,
		.read = fake_read,
	};

	memset(f, 0, sizeof(*f));
	return h;
}

/* veth over our own rtnetlink, then exact injection seen by a packet socket. */
static void test_veth_and_inject(void)
{
	struct fake f = { 0 };
	int a, b, n;
	uint64_t p = 0, by = 0;

	CHECK_EQ_INT(veth_create("tva", "tvb"), 0);
	CHECK_EQ_INT(veth_create("tva", "tvc"), -EEXIST);
	a = (int)if_nametoindex("tva");
	b = (int)if_nametoindex("tvb");
	CHECK(a > 0 && b > 0);
	CHECK_EQ_INT(link_set_flags(a, IFF_UP | IFF_NOARP, IFF_UP | IFF_NOARP), 0);
	CHECK_EQ_INT(link_set_up(b), 0);
	CHECK_EQ_INT(link_set_flags(999999, IFF_UP, IFF_UP), -ENODEV);
	/* The kernel's extended ACK is kept: a name over IFNAMSIZ fails policy. */
	CHECK(veth_create("a-name-far-too-long-for-ifnamsiz", "tvx") < 0);
	CHECK(netlink_extack()[0] != '\0');
	CHECK_EQ_INT(link_delete((int)if_nametoindex("lo")), -EOPNOTSUPP);
	CHECK_EQ_INT(fake_attach(&f, a, XDP_MODE_GENERIC), 0);
	n = inject_frames(b, 3000, 100);
	CHECK_EQ_INT(n, 3000);
	usleep(100000);
	fake_read(&f, a, &p, &by);
	CHECK_EQ_U64(p, 3000);
	CHECK_EQ_U64(by, 3000 * 100);
	fake_detach(&f, a);
	CHECK_EQ_INT(link_delete(b), 0);
	CHECK_EQ_INT((int)if_nametoindex("tva"), 0); /* the pair went together */
}

static void test_selftest_counts(void)
{
	struct fake f;
	struct selftest_hooks h = fake_hooks(&f);
	struct selftest_result r;

	CHECK_EQ_INT(selftest_run(&h, 2000, 60, &r), 0);
	CHECK(r.ran);
	CHECK(r.native.ran && r.native.ok);
	CHECK(r.generic.ran && r.generic.ok);
	CHECK_EQ_U64(r.native.sent, 2000);
	CHECK_EQ_U64(r.native.counted, 2000);
	CHECK_EQ_U64(r.native.bytes_counted, 2000 * 60);
	CHECK_EQ_U64(r.generic.counted, r.generic.sent);
	CHECK_EQ_U64(r.generic.bytes_counted, r.generic.bytes_sent);
	CHECK_CONTAINS(r.reason, "exactly");
}

static void test_selftest_refused_native(void)
{
	struct fake f;
	struct selftest_hooks h = fake_hooks(&f);
	struct selftest_result r;

	f.refuse_native = 1;
	CHECK_EQ_INT(selftest_run(&h, 100, 64, &r), -EPROTO);
	CHECK(r.ran);
	CHECK(r.native.ran && !r.native.ok);
	CHECK_EQ_INT(r.native.err, -EOPNOTSUPP);
	CHECK_CONTAINS(r.native.reason, "native");
	CHECK(r.generic.ok);
	CHECK_EQ_U64(r.generic.counted, 100);
}

/* With hooks that can attach at tc, the selftest runs a third case there;
 * without, tc does not run and does not count against the result. */
static void test_selftest_tc_case(void)
{
	struct fake f;
	struct selftest_hooks h = fake_hooks(&f);
	struct selftest_result r;

	CHECK_EQ_INT(selftest_run(&h, 500, 80, &r), 0);
	CHECK(!r.tc.ran);
	CHECK(!strstr(r.reason, "tc"));

	h = fake_hooks(&f);
	h.tc = true;
	CHECK_EQ_INT(selftest_run(&h, 500, 80, &r), 0);
	CHECK(r.tc.ran && r.tc.ok);
	CHECK_EQ_U64(r.tc.sent, 500);
	CHECK_EQ_U64(r.tc.counted, 500);
	CHECK_EQ_U64(r.tc.bytes_counted, 500 * 80);
	CHECK_CONTAINS(r.reason, "native and generic mode and tc ingress counted 500 frames");

	h = fake_hooks(&f);
	h.tc = true;
	f.refuse_tc = 1;
	CHECK_EQ_INT(selftest_run(&h, 100, 64, &r), -EPROTO);
	CHECK(r.native.ok && r.generic.ok);
	CHECK(r.tc.ran && !r.tc.ok);
	CHECK_EQ_INT(r.tc.err, -ENOENT);
	CHECK_CONTAINS(r.tc.reason, "attaching in tc mode");
	CHECK_CONTAINS(r.reason, "tc mode");
}

/* A selftest of n frames whose child hangs (as f says) is killed 300 ms
 * after it last said something, and its reason names the step. */
static void check_killed(const struct selftest_hooks *h, unsigned int n, const char *step)
{
	struct selftest_result r;
	time_t t0 = time(NULL);

	CHECK_EQ_INT(selftest_run_timeout(h, n, 64, 300, &r), -ETIMEDOUT);
	CHECK(time(NULL) - t0 <= 3);
	CHECK(!r.ran); /* nothing of the child's result is taken */
	CHECK_EQ_INT(r.err, -ETIMEDOUT);
	CHECK_CONTAINS(r.reason, "no progress for 300 ms while");
	CHECK_CONTAINS(r.reason, step);
	CHECK_CONTAINS(r.reason, "killed");
}

static void test_selftest_child_dies_or_hangs(void)
{
	struct fake f;
	struct selftest_hooks h = fake_hooks(&f);
	struct selftest_result r;

	f.crash = 1;
	CHECK(selftest_run(&h, 10, 64, &r) < 0);
	CHECK(!r.ran);
	CHECK_CONTAINS(r.reason, "signal");

	h = fake_hooks(&f);
	f.hang = 1;
	check_killed(&h, 10, "attaching in native mode");
	/* A hang after steps that went well: the bound counts from the last. */
	h = fake_hooks(&f);
	f.hang_detach = 1;
	check_killed(&h, 3000, "detaching in native mode");
}

/* Slow, not stuck: attach and detach take 400 ms each, longer in all (four
 * of them, 1.6 s and more) than the 1000 ms bound on silence, which no step
 * reaches. The selftest finishes, and counts exactly. */
static void test_selftest_slow_but_going(void)
{
	struct fake f;
	struct selftest_hooks h = fake_hooks(&f);
	struct selftest_result r;
	uint64_t t0, ms;

	f.slow_ms = 400;
	t0 = mono_ms();
	CHECK_EQ_INT(selftest_run_timeout(&h, 2500, 64, 1000, &r), 0);
	ms = mono_ms() - t0;
	CHECK(ms >= 1600);
	CHECK(r.native.ok && r.generic.ok);
	CHECK_EQ_U64(r.native.counted, 2500);
	CHECK_EQ_U64(r.generic.counted, 2500);
}

int main(void)
{
	test_frame_layout();
	test_bad_arguments();
	/* The rest needs a network namespace of our own: root only. */
	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		CHECK_SKIP_PART(geteuid() != 0 ? "veth and selftest cases: not root"
				: "veth and selftest cases: cannot make a network namespace here");
		CHECK_DONE();
	}
	test_veth_and_inject();
	test_selftest_counts();
	test_selftest_refused_native();
	test_selftest_tc_case();
	test_selftest_child_dies_or_hangs();
	test_selftest_slow_but_going();
	CHECK_DONE();
}
