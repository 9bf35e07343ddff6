/* The selftest: a veth pair in a network namespace of a child's own. */
#define _GNU_SOURCE
#include "selftest/selftest.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "selftest/inject.h"
#include "selftest/netlink.h"
#include "probe/clock.h"

#define VETH_XDP "xdpcst0"  /* carries the program */
#define VETH_SRC "xdpcst1"  /* the frames come from here */
#define SETTLE_MS 2000      /* how long counts may take to arrive */
#define QUIET_MS 50         /* no change for this long: counts are final */
#define PROGRESS_FRAMES 1000 /* frames sent between two progress reports */

/* The child tells the parent each step it begins, one byte (mode << 4 | step;
 * mode 1-4 as in mode_names[], 0 for none) on the pipe, and every
 * PROGRESS_FRAMES frames it has sent; then STEP_RESULT and the result. The
 * parent's bound is on the silence between two of them. */
enum step {
	STEP_START, STEP_NETNS, STEP_VETH, STEP_UP,
	STEP_ATTACH, STEP_SEND, STEP_COUNT, STEP_DETACH,
	STEP_RESULT = 0xff,
};

static const char *const mode_names[] = { "", "native", "generic", "tc", "tc egress" };

static void say(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, SELFTEST_REASON_LEN, fmt, ap);
	va_end(ap);
}

static uint64_t now_ms(void)
{
	return mono_now_ns() / 1000000;
}

/* In the child: tells the parent that step (of mode) begins. */
static void progress(int pfd, unsigned int mode, enum step step)
{
	uint8_t b = (uint8_t)(mode << 4 | step);

	while (write(pfd, &b, 1) < 0 && errno == EINTR)
		;
}

/* In the parent: what the child was doing when it last said, for a message. */
static void step_say(char *buf, size_t len, uint8_t b)
{
	static const char *const steps[] = {
		[STEP_START] = "starting",
		[STEP_NETNS] = "making its network namespace",
		[STEP_VETH] = "making its veth pair",
		[STEP_UP] = "bringing its veth pair up",
		[STEP_ATTACH] = "attaching",
		[STEP_SEND] = "sending frames",
		[STEP_COUNT] = "reading the counts",
		[STEP_DETACH] = "detaching",
	};
	unsigned int mode = b >> 4, step = b & 0xf;

	if (step >= sizeof(steps) / sizeof(steps[0]) || !steps[step] ||
	    mode >= sizeof(mode_names) / sizeof(mode_names[0]))
		snprintf(buf, len, "at step 0x%02x", b);
	else if (mode)
		snprintf(buf, len, "%s in %s mode", steps[step], mode_names[mode]);
	else
		snprintf(buf, len, "%s", steps[step]);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Writes "1" to /proc/sys/net/ipv6/conf/<ifname>/disable_ipv6 of the current
 * namespace. A kernel without IPv6 has no such file, and needs nothing. */
static void ipv6_disable(const char *ifname)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1\n", 2) < 0) {
		/* best effort: the counts will tell if noise got through */
	}
	close(fd);
}

/* Reads until the counts reach want packets and then stay still for QUIET_MS,
 * or SETTLE_MS has passed. */
static int read_settled(const struct selftest_hooks *h, int ifindex,
			uint64_t want, uint64_t *packets, uint64_t *bytes)
{
	uint64_t start = now_ms(), still_since = start, p = 0, b = 0;
	int err;

	for (;;) {
		err = h->read(h->ctx, ifindex, packets, bytes);
		if (err)
			return err;
		if (*packets != p || *bytes != b) {
			p = *packets;
			b = *bytes;
			still_since = now_ms();
		}
		if (p >= want && now_ms() - still_since >= QUIET_MS)
			return 0;
		if (now_ms() - start >= SETTLE_MS)
			return 0;
		sleep_ms(5);
	}
}

/* Sends n frames out of if_src (through its qdisc for egress), saying so to
 * the parent every PROGRESS_FRAMES. Returns n or -errno. */
static int send_frames(int pfd, unsigned int mi, bool egress, int if_src,
		       unsigned int n, unsigned int len, unsigned int *resent)
{
	unsigned int sent = 0, k;
	int rc;

	while (sent < n) {
		progress(pfd, mi, STEP_SEND);
		k = n - sent < PROGRESS_FRAMES ? n - sent : PROGRESS_FRAMES;
		rc = egress ? inject_frames_qdisc(if_src, k, len, resent) :
			      inject_frames(if_src, k, len);
		if (rc < 0)
			return rc;
		sent += (unsigned int)rc;
	}
	return (int)sent;
}

/* One mode: the program on if_xdp, N frames from if_src; or (egress) the
 * program at if_src's tc egress, the N frames sent through it. */
static void run_mode(const struct selftest_hooks *h, int pfd, enum xdp_mode mode,
		     bool egress, int if_xdp, int if_src, unsigned int n,
		     unsigned int len, struct selftest_mode *m)
{
	const unsigned int mi = egress ? 4 : mode == XDP_MODE_NATIVE ? 1 :
				mode == XDP_MODE_TC ? 3 : 2;
	const char *name = mode_names[mi];
	uint64_t p0 = 0, b0 = 0, p1 = 0, b1 = 0;
	unsigned int resent = 0;
	int err, sent;

	m->ran = true;
	if (egress)
		if_xdp = if_src; /* where the count is, from here on */
	progress(pfd, mi, STEP_ATTACH);
	err = egress ? h->attach_egress(h->ctx, if_src) : h->attach(h->ctx, if_xdp, mode);
	if (err) {
		m->err = err;
		say(m->reason, "attaching in %s mode to veth failed: %s", name,
		    strerror(-err));
		return;
	}
	/* Baseline after attach: the slot may hold counts of an earlier mode. */
	err = h->read(h->ctx, if_xdp, &p0, &b0);
	if (err) {
		m->err = err;
		say(m->reason, "reading the counters failed: %s", strerror(-err));
		goto out;
	}
	sent = send_frames(pfd, mi, egress, if_src, n, len, &resent);
	if (sent < 0) {
		m->err = sent;
		say(m->reason, "injecting %u frames failed: %s", n,
		    strerror(-sent));
		goto out;
	}
	m->sent = (uint64_t)sent;
	m->bytes_sent = (uint64_t)sent * len;
	progress(pfd, mi, STEP_COUNT);
	err = read_settled(h, if_xdp, p0 + m->sent, &p1, &b1);
	if (err) {
		m->err = err;
		say(m->reason, "reading the counters failed: %s", strerror(-err));
		goto out;
	}
	m->counted = p1 - p0;
	m->bytes_counted = b1 - b0;
	if (m->counted == m->sent && m->bytes_counted == m->bytes_sent) {
		m->ok = true;
		say(m->reason, "counted %llu of %llu frames, %llu of %llu bytes",
		    (unsigned long long)m->counted, (unsigned long long)m->sent,
		    (unsigned long long)m->bytes_counted,
		    (unsigned long long)m->bytes_sent);
	} else {
		say(m->reason,
		    "count mismatch in %s mode: %llu of %llu frames, %llu of %llu bytes%s",
		    name, (unsigned long long)m->counted,
		    (unsigned long long)m->sent,
		    (unsigned long long)m->bytes_counted,
		    (unsigned long long)m->bytes_sent,
		    resent ? " (the veth refused some frames after tc egress, and they "
			     "were sent again)" : "");
	}
out:
	progress(pfd, mi, STEP_DETACH);
	err = h->detach(h->ctx, if_xdp);
	if (err && m->ok) {
		m->ok = false;
		m->err = err;
		say(m->reason, "detaching in %s mode failed: %s", name,
		    strerror(-err));
	}
}

/* Waits until the kernel says the interface is operationally up (carrier
 * and operstate): until then a veth end drops what it is given while
 * sendto() still reports success. Seen on slow emulated kernels. */
static int wait_running(const char *name, unsigned int timeout_ms)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = -ETIMEDOUT;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	for (unsigned int waited = 0; waited <= timeout_ms; waited += 5) {
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
			err = -errno;
			break;
		}
		if (ifr.ifr_flags & IFF_RUNNING) {
			err = 0;
			break;
		}
		usleep(5000);
	}
	close(fd);
	return err;
}

/* The child's whole job, in its own network namespace. */
static void child_run(const struct selftest_hooks *h, int pfd, unsigned int n,
		      unsigned int len, struct selftest_result *r)
{
	int err, if_xdp = 0, if_src = 0;
	const unsigned int flags = IFF_UP | IFF_NOARP;

	progress(pfd, 0, STEP_NETNS);
	if (unshare(CLONE_NEWNET) < 0) {
		r->err = -errno;
		say(r->reason, "cannot create a network namespace: %s%s",
		    strerror(errno),
		    errno == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		return;
	}
	err = link_set_up((int)if_nametoindex("lo"));
	if (err) {
		r->err = err;
		say(r->reason, "cannot bring lo up in the namespace: %s",
		    strerror(-err));
		return;
	}
	/* New interfaces inherit "default"; set both ends again below. */
	ipv6_disable("default");
	progress(pfd, 0, STEP_VETH);
	err = veth_create(VETH_XDP, VETH_SRC);
	if (err) {
		r->err = err;
		say(r->reason, "cannot create a veth pair: %s%s%s",
		    strerror(-err), netlink_extack()[0] ? ": " : "",
		    netlink_extack());
		return;
	}
	if_xdp = (int)if_nametoindex(VETH_XDP);
	if_src = (int)if_nametoindex(VETH_SRC);
	if (!if_xdp || !if_src) {
		r->err = -ENODEV;
		say(r->reason, "the new veth pair has no ifindex");
		goto out;
	}
	ipv6_disable(VETH_XDP);
	ipv6_disable(VETH_SRC);
	progress(pfd, 0, STEP_UP);
	err = link_set_flags(if_src, flags, flags);
	if (!err)
		err = link_set_flags(if_xdp, flags, flags);
	if (err) {
		r->err = err;
		say(r->reason, "cannot set the veth pair up: %s", strerror(-err));
		goto out;
	}
	err = wait_running(VETH_SRC, 3000);
	if (!err)
		err = wait_running(VETH_XDP, 3000);
	if (err) {
		r->err = err;
		say(r->reason, "the veth pair did not come up: %s", strerror(-err));
		goto out;
	}
	r->ran = true;
	run_mode(h, pfd, XDP_MODE_NATIVE, false, if_xdp, if_src, n, len, &r->native);
	run_mode(h, pfd, XDP_MODE_GENERIC, false, if_xdp, if_src, n, len, &r->generic);
	if (h->tc)
		run_mode(h, pfd, XDP_MODE_TC, false, if_xdp, if_src, n, len, &r->tc);
	if (h->tc && h->attach_egress)
		run_mode(h, pfd, XDP_MODE_TC, true, if_xdp, if_src, n, len, &r->egress);
	if (r->native.ok && r->generic.ok && (!h->tc || r->tc.ok) &&
	    (!r->egress.ran || r->egress.ok))
		say(r->reason, "native and generic mode%s%s counted %u frames of %u bytes exactly",
		    h->tc ? " and tc ingress" : "", r->egress.ran ? " and egress" : "", n, len);
	else
		say(r->reason, "%s", !r->native.ok ? r->native.reason :
				     !r->generic.ok ? r->generic.reason :
				     h->tc && !r->tc.ok ? r->tc.reason : r->egress.reason);
out:
	link_delete(if_xdp); /* the namespace goes with the child anyway */
}

static void child_main(const struct selftest_hooks *h, unsigned int n,
		       unsigned int len, int wfd)
{
	struct selftest_result r;
	const char *p = (const char *)&r;
	size_t left = sizeof(r);
	uint8_t tag = STEP_RESULT;
	ssize_t w;

	/* If the parent dies, so do we (and with us the namespace). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	memset(&r, 0, sizeof(r));
	child_run(h, wfd, n, len, &r);
	while (write(wfd, &tag, 1) < 0 && errno == EINTR)
		;
	while (left) {
		w = write(wfd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		left -= (size_t)w;
	}
	_exit(left ? 1 : 0); /* never run the parent's atexit handlers */
}

/* Reads the child's progress and then its result, for as long as no more
 * than stall_ms pass without a byte from it; *step is the step it said it
 * began last. Returns 0, -ETIMEDOUT, or -EPIPE if the child went away before
 * it wrote a whole result. */
static int read_result(int rfd, unsigned int stall_ms, uint8_t *step,
		       struct selftest_result *r)
{
	struct pollfd pfd = { .fd = rfd, .events = POLLIN };
	uint64_t now, deadline = now_ms() + stall_ms;
	char *p = (char *)r;
	bool result = false; /* STEP_RESULT came: the rest is the result */
	size_t got = 0;
	uint8_t b;
	ssize_t n;
	int rc;

	while (got < sizeof(*r)) {
		now = now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		rc = poll(&pfd, 1, (int)(deadline - now));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -errno;
		if (rc == 0)
			return -ETIMEDOUT;
		n = result ? read(rfd, p + got, sizeof(*r) - got) : read(rfd, &b, 1);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -EPIPE;
		deadline = now_ms() + stall_ms;
		if (result)
			got += (size_t)n;
		else if (b == STEP_RESULT)
			result = true;
		else
			*step = b;
	}
	return 0;
}

/* Reaps the child, killing it if it has not gone by the deadline. */
static int reap(pid_t pid, uint64_t deadline, int *status)
{
	pid_t w;

	for (;;) {
		w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (now_ms() >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}
		sleep_ms(5);
	}
}

int selftest_run_timeout(const struct selftest_hooks *h, unsigned int nframes,
			 unsigned int frame_len, unsigned int stall_ms,
			 struct selftest_result *r)
{
	struct selftest_result got;
	int fds[2] = { -1, -1 }, status = 0, err;
	uint8_t step = STEP_START;
	char doing[64];
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (!h || !h->attach || !h->detach || !h->read) {
		err = -EINVAL;
		r->err = -EINVAL;
		say(r->reason, "selftest: no BPF hooks given");
		goto out;
	}
	if (!nframes)
		nframes = SELFTEST_DEFAULT_FRAMES;
	if (!frame_len)
		frame_len = SELFTEST_DEFAULT_FRAME_LEN;
	if (frame_len < INJECT_MIN_LEN || frame_len > INJECT_MAX_LEN) {
		err = -EINVAL;
		r->err = -EINVAL;
		say(r->reason, "selftest: frame length %u out of range", frame_len);
		goto out;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		err = -errno;
		r->err = -errno;
		say(r->reason, "selftest: pipe: %s", strerror(errno));
		goto out;
	}
	fflush(NULL); /* nothing buffered may be written twice */
	pid = fork();
	if (pid < 0) {
		err = -errno;
		r->err = -errno;
		say(r->reason, "selftest: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(h, nframes, frame_len, fds[1]);
	}
	close(fds[1]);
	fds[1] = -1;
	err = read_result(fds[0], stall_ms, &step, &got);
	/* On a timeout kill at once; otherwise the child is on its way out. */
	reap(pid, err == -ETIMEDOUT ? 0 : now_ms() + 1000, &status);
	if (err == -ETIMEDOUT) {
		r->err = -ETIMEDOUT;
		step_say(doing, sizeof(doing), step);
		say(r->reason, "selftest made no progress for %u ms while %s; its process was killed",
		    stall_ms, doing);
		goto out;
	}
	if (err) {
		r->err = err;
		if (WIFSIGNALED(status))
			say(r->reason, "selftest process died of signal %d (%s)",
			    WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			say(r->reason, "selftest process exited (status %d) without a result",
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto out;
	}
	*r = got;
	r->reason[sizeof(r->reason) - 1] = '\0';
	r->native.reason[sizeof(r->native.reason) - 1] = '\0';
	r->generic.reason[sizeof(r->generic.reason) - 1] = '\0';
	r->tc.reason[sizeof(r->tc.reason) - 1] = '\0';
	r->egress.reason[sizeof(r->egress.reason) - 1] = '\0';
	if (!r->ran)
		err = r->err ? r->err : -EOPNOTSUPP;
	else if (!r->native.ok || !r->generic.ok || (h->tc && !r->tc.ok) ||
		 (r->egress.ran && !r->egress.ok))
		err = -EPROTO;
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return err;
}

int selftest_run(const struct selftest_hooks *h, unsigned int nframes,
		 unsigned int frame_len, struct selftest_result *r)
{
	return selftest_run_timeout(h, nframes, frame_len, SELFTEST_STALL_MS, r);
}
