/* xdpbench: the measuring half of `make bench` (tests/bench/run.sh).
 *
 *   xdpbench pkt BPFDIR IFINDEX ROUNDS REPEAT
 *       per-packet cost with BPF_PROG_TEST_RUN on a 64-byte frame whose
 *       context carries IFINDEX as the ingress interface: the empty program
 *       (floor), the tutorial's counter, and xdpcount's linear and frags
 *       programs loaded the way the binary loads them (loader/counter.c).
 *       Each round runs every program on one CPU, then on two CPUs at once,
 *       in turn (interleaved); prints one JSON line per program with the
 *       medians: ns per packet on one CPU (the thread's CPU time over the
 *       run, which preemption by other work does not inflate), and the
 *       aggregate Mpps of two CPUs started together: the sum of each
 *       thread's REPEAT over its CPU time (contention on a shared counter
 *       shows there while both run; other tenants do not dilute it), and
 *       2 x REPEAT over the wall time until both finish (diluted by other
 *       tenants). Checks xdpcount counts exactly.
 *   xdpbench disppkt BPFDIR IFINDEX ROUNDS REPEAT
 *       the cost of libxdp's dispatcher protocol, one CPU, interleaved
 *       rounds, medians, ns per packet: the empty program alone (the
 *       floor), xdpcount's linear program alone, a dispatcher (ours, built
 *       by loader/disp_prog.c, attached nowhere) with two empty extensions
 *       in its slots, and one with xdpcount's extension in front of an empty
 *       one; xdpcount's count checked exact. Each line also has the
 *       program's instructions after verification ("insns", its xlated
 *       length), and two lines more give those of the extensions in the
 *       slots (ext_empty, ext_xdpcount), which the dispatcher calls through
 *       freplace. "ctx_in" says whether the frames carried a context
 *       (IFINDEX as their ingress): false where the kernel refuses one for
 *       XDP test runs (before 5.15), which then come in on loopback. Fails
 *       (exit 1, why on stderr) where the kernel has no program extensions.
 *   xdpbench live BPFDIR IFINDEX COUNT
 *       the live-frame generator: COUNT 64-byte frames with XDP_TX and
 *       BPF_F_TEST_XDP_LIVE_FRAMES out of IFINDEX (one veth end) into its
 *       peer, from CPU 0; prints "COUNT WALL_NS CPU_NS". CPU_NS is the CPU
 *       time of the generator's thread plus ksoftirqd/0's over the run: the
 *       peer's NAPI work runs on CPU 0 in one or the other, so CPU_NS holds
 *       both sides' work and not the other tenants' of a shared machine.
 *   xdpbench hold BPFDIR empty|tutorial native|generic IFNAME
 *       attaches a bench program, prints "ready", waits for SIGINT/SIGTERM,
 *       detaches, and prints the tutorial's count (or 0).
 *   xdpbench startup BPFDIR CMD [ARG...]
 *       runs CMD (stdout and stderr to /dev/null) and prints "NS CALLS": the
 *       nanoseconds from its execve() to its first successful XDP attach
 *       through bpf(BPF_LINK_CREATE), and its bpf() calls before that, from
 *       raw tracepoints (tests/bench/startup.bpf.c; no ptrace, so CMD runs
 *       at full speed). Then sends CMD SIGTERM and waits for it (SIGTERM:
 *       a background job of a script starts with SIGINT ignored, and a Go
 *       program started so keeps ignoring it).
 *   xdpbench wall N CMD [ARG...]
 *       runs CMD N times (stdout and stderr to /dev/null) and prints one
 *       line "NS MAXRSS_KIB STATUS" per run: wall time from fork to exit,
 *       and peak RSS.
 *   xdpbench tick MS
 *       wakes every MS milliseconds and does nothing else, printing one
 *       line per wake-up: the baseline of a per-interval loop's CPU time.
 *   xdpbench gro IFNAME on|off
 *       veth needs NAPI (GRO on, or a native XDP program) to take frames
 *       from its peer's XDP_TX. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "btf/func.h"
#include "loader/counter.h"
#include "loader/disp_prog.h"
#include "loader/memlock.h"
#include "loader/objects.h"

#define FRAME_LEN 64
#define MAX_ROUNDS 64

static unsigned char frame[FRAME_LEN];

static void die(const char *what, int err)
{
	fprintf(stderr, "xdpbench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static int load_prog(const char *dir, const char *file, const char *name, struct bpf_object **obj)
{
	char path[512];
	struct bpf_program *p;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	*obj = bpf_object__open_file(path, NULL);
	if (!*obj)
		die(path, errno);
	bpf_object__for_each_program(p, *obj)
		bpf_program__set_autoload(p, strcmp(bpf_program__name(p), name) == 0);
	err = bpf_object__load(*obj);
	if (err)
		die(name, err);
	p = bpf_object__find_program_by_name(*obj, name);
	return bpf_program__fd(p);
}

static double thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Whether XDP test runs take a context here: before 5.15 the kernel refuses
 * any (EINVAL), and the frame comes in on the namespace's loopback device
 * (ifindex 1 in the guests and the bench's own namespace) instead. What
 * xdpcount counts does not depend on it (one program, one slot per
 * interface); disppkt's lines say which it was ("ctx_in"). */
static bool ctx_refused;

static int test_run(int fd, int ifindex, unsigned int repeat, __u32 flags, __u64 *ns)
{
	struct xdp_md ctx = { .data_end = FRAME_LEN, .ingress_ifindex = (__u32)ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = FRAME_LEN,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat,
		    .flags = flags);

	if (ctx_refused)
		opts.ctx_in = NULL, opts.ctx_size_in = 0;
	if (bpf_prog_test_run_opts(fd, &opts)) {
		if (errno != EINVAL || ctx_refused || flags)
			return -errno;
		opts.ctx_in = NULL, opts.ctx_size_in = 0;
		if (bpf_prog_test_run_opts(fd, &opts))
			return -EINVAL; /* not the context: say the first refusal */
		ctx_refused = true;
		fprintf(stderr, "xdpbench: this kernel refuses a context for XDP test runs "
			"(5.15+ takes one): measuring without, the frames on loopback\n");
	}
	*ns = opts.duration;
	return 0;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

struct worker {
	pthread_t t;
	int cpu, fd, ifindex;
	unsigned int repeat;
	pthread_barrier_t *bar;
	__u64 ns;
	double t_end, cpu_ns;
	int err;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	pin(w->cpu);
	pthread_barrier_wait(w->bar);
	w->cpu_ns = thread_ns();
	w->err = test_run(w->fd, w->ifindex, w->repeat, 0, &w->ns);
	w->cpu_ns = thread_ns() - w->cpu_ns;
	w->t_end = now_ns();
	return NULL;
}

/* Aggregate Mpps of two CPUs running fd at once: returns the CPU-time
 * figure, *wall gets the wall-time one. */
static double two_cpus(int fd, int ifindex, unsigned int repeat, double *wall)
{
	pthread_barrier_t bar;
	struct worker w[2];
	double t0, t_end = 0, mpps = 0;

	pthread_barrier_init(&bar, NULL, 3);
	for (int i = 0; i < 2; i++) {
		w[i] = (struct worker){ .cpu = i, .fd = fd, .ifindex = ifindex,
					.repeat = repeat, .bar = &bar };
		pthread_create(&w[i].t, NULL, work, &w[i]);
	}
	pthread_barrier_wait(&bar);
	t0 = now_ns();
	for (int i = 0; i < 2; i++) {
		pthread_join(w[i].t, NULL);
		if (w[i].err)
			die("test run on two CPUs", w[i].err);
		if (w[i].t_end > t_end)
			t_end = w[i].t_end;
		mpps += repeat / w[i].cpu_ns * 1e3;
	}
	pthread_barrier_destroy(&bar);
	*wall = 2.0 * repeat / (t_end - t0) * 1e3;
	return mpps;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int xdpcount_prog(struct counter **c, int ifindex, enum variant v)
{
	const struct embedded_object *obj;
	int err = object_select(&obj);

	if (!err)
		err = counter_open(obj, c);
	if (!err)
		err = counter_add_iface(*c, ifindex, v);
	if (err)
		die("loading xdpcount", err);
	return counter_prog_fd(*c, ifindex);
}

static int cmd_pkt(const char *dir, int ifindex, int rounds, unsigned int repeat)
{
	struct { const char *name; int fd; double one[MAX_ROUNDS], two[MAX_ROUNDS], wall[MAX_ROUNDS]; } p[4];
	struct bpf_object *o1, *o2;
	struct counter *lin, *frags;
	struct xdpcount_stats s;
	__u64 ns;
	int n = 4;

	if (rounds < 1 || rounds > MAX_ROUNDS)
		die("rounds", EINVAL);
	p[0].name = "empty";
	p[0].fd = load_prog(dir, "bench.o", "bench_empty", &o1);
	p[1].name = "tutorial";
	p[1].fd = load_prog(dir, "tutorial.o", "count_packets", &o2);
	p[2].name = "xdpcount_linear";
	p[2].fd = xdpcount_prog(&lin, ifindex, VARIANT_LINEAR);
	p[3].name = "xdpcount_frags";
	p[3].fd = xdpcount_prog(&frags, ifindex, VARIANT_FRAGS);
	pin(0);
	for (int i = 0; i < n; i++) /* warm up */
		if (test_run(p[i].fd, ifindex, repeat / 10 + 1, 0, &ns))
			die(p[i].name, errno);
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < n; k++) {
			int i = (k + r) % n; /* rotate the order every round */
			double t0 = thread_ns();
			int err = test_run(p[i].fd, ifindex, repeat, 0, &ns);

			if (err)
				die(p[i].name, err);
			p[i].one[r] = (thread_ns() - t0) / repeat;
			p[i].two[r] = two_cpus(p[i].fd, ifindex, repeat, &p[i].wall[r]);
		}
	}
	/* Exactness: warm-up + rounds x (one CPU + two CPUs) runs. */
	if (counter_read(lin, ifindex, &s) ||
	    s.packets != (__u64)(repeat / 10 + 1) + (__u64)rounds * 3 * repeat ||
	    s.bytes != s.packets * FRAME_LEN)
		die("xdpcount_linear did not count exactly", EPROTO);
	if (counter_read(frags, ifindex, &s) ||
	    s.packets != (__u64)(repeat / 10 + 1) + (__u64)rounds * 3 * repeat)
		die("xdpcount_frags did not count exactly", EPROTO);
	for (int i = 0; i < n; i++)
		printf("{\"prog\":\"%s\",\"ns_1cpu\":%.2f,\"mpps_2cpu\":%.3f,\"mpps_2cpu_wall\":%.3f,"
		       "\"insns\":%u}\n",
		       p[i].name, median(p[i].one, rounds), median(p[i].two, rounds),
		       median(p[i].wall, rounds),
		       i == 2 ? counter_insns(lin, ifindex) : i == 3 ? counter_insns(frags, ifindex) : 0);
	counter_close(lin);
	counter_close(frags);
	bpf_object__close(o1);
	bpf_object__close(o2);
	return 0;
}

/* A program's instructions after verification (its xlated length). */
static unsigned int prog_insns(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.xlated_prog_len / sizeof(struct bpf_insn);
}

/* An empty extension (r0 = XDP_PASS) of function btf_id of target_fd. */
static int empty_ext(int target_fd, __u32 btf_id)
{
	static const struct bpf_insn pass[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_func_info fi = { .insn_off = 0, .type_id = BTF_XDP_FUNC_ID };
	struct btf_xdp_func b;
	LIBBPF_OPTS(bpf_prog_load_opts, o, .attach_prog_fd = (__u32)target_fd,
		    .attach_btf_id = btf_id, .func_info = &fi, .func_info_cnt = 1,
		    .func_info_rec_size = sizeof(fi));
	int btf_fd = bpf_btf_load(&b, btf_xdp_func(&b, "bench_empty_ext"), NULL), fd;

	if (btf_fd < 0)
		return -errno;
	o.prog_btf_fd = (__u32)btf_fd;
	fd = bpf_prog_load(BPF_PROG_TYPE_EXT, "bench_empty_ext", "GPL", pass, 2, &o);
	fd = fd < 0 ? -errno : fd;
	close(btf_fd);
	return fd;
}

static int cmd_disppkt(const char *dir, int ifindex, int rounds, unsigned int repeat)
{
	struct { const char *name; int fd; double one[MAX_ROUNDS]; } p[4];
	struct disp *d_empty = NULL, *d_ours = NULL;
	struct bpf_object *o1;
	struct counter *c;
	const struct embedded_object *obj;
	struct xdpcount_stats s;
	int tmpl, e1, e2, e3, ours, err, n = 4;
	__u32 btf_id = 0;
	__u64 ns;

	if (rounds < 1 || rounds > MAX_ROUNDS)
		die("rounds", EINVAL);
	p[0].name = "empty";
	p[0].fd = load_prog(dir, "bench.o", "bench_empty", &o1);
	p[1].name = "xdpcount_linear";
	tmpl = dispatcher_template(2, &btf_id);
	if (tmpl < 0)
		die("loading a dispatcher", tmpl);
	e1 = empty_ext(tmpl, btf_id);
	e2 = empty_ext(tmpl, btf_id);
	e3 = empty_ext(tmpl, btf_id);
	if (e1 < 0 || e2 < 0 || e3 < 0)
		die("loading an empty extension (freplace: does this kernel have it?)",
		    e1 < 0 ? e1 : e2 < 0 ? e2 : e3);
	/* xdpcount's extension as a run loads it, and its plain program */
	err = object_select(&obj);
	if (!err)
		err = counter_open(obj, &c);
	if (!err)
		err = counter_add_slot(c, ifindex, tmpl, btf_id);
	if (!err)
		err = counter_add_iface(c, ifindex + 1, VARIANT_LINEAR);
	if (err)
		die("loading xdpcount's extension", err);
	ours = counter_prog_fd(c, ifindex);
	p[1].fd = counter_prog_fd(c, ifindex + 1);
	err = dispatcher_build(2, (int[]){ e1, e2 }, 2, &d_empty, &p[2].fd);
	if (!err)
		err = dispatcher_build(2, (int[]){ ours, e3 }, 2, &d_ours, &p[3].fd);
	if (err)
		die("building a dispatcher (freplace re-attach, 5.10+)", err);
	p[2].name = "dispatcher_empty_empty";
	p[3].name = "dispatcher_xdpcount_empty";
	pin(0);
	for (int i = 0; i < n; i++) /* warm up */
		if ((err = test_run(p[i].fd, ifindex, repeat / 10 + 1, 0, &ns)))
			die(p[i].name, err);
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < n; k++) {
			int i = (k + r) % n;
			double t0 = thread_ns();

			if ((err = test_run(p[i].fd, ifindex, repeat, 0, &ns)))
				die(p[i].name, err);
			p[i].one[r] = (thread_ns() - t0) / repeat;
		}
	/* the slot counts every frame the dispatcher ran: warm-up + rounds */
	if (counter_read(c, ifindex, &s) ||
	    s.packets != (__u64)(repeat / 10 + 1) + (__u64)rounds * repeat ||
	    s.bytes != s.packets * FRAME_LEN)
		die("xdpcount in the dispatcher did not count exactly", EPROTO);
	for (int i = 0; i < n; i++)
		printf("{\"prog\":\"%s\",\"ns_1cpu\":%.2f,\"insns\":%u,\"ctx_in\":%s}\n",
		       p[i].name, median(p[i].one, rounds), prog_insns(p[i].fd),
		       ctx_refused ? "false" : "true");
	printf("{\"prog\":\"ext_empty\",\"insns\":%u}\n", prog_insns(e1));
	printf("{\"prog\":\"ext_xdpcount\",\"insns\":%u}\n", prog_insns(ours));
	dispatcher_built_free(d_empty);
	dispatcher_built_free(d_ours);
	counter_close(c);
	close(e1), close(e2), close(e3), close(tmpl);
	bpf_object__close(o1);
	return 0;
}

/* One CPU: BPF_PROG_TEST_RUN of a tc program on the 64-byte frame, with the
 * counted interface's ifindex in the __sk_buff context. */
static int tc_test_run(int fd, int ifindex, unsigned int repeat)
{
	struct __sk_buff ctx = { .ifindex = (__u32)ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = FRAME_LEN,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat);

	return bpf_prog_test_run_opts(fd, &opts) ? -errno : 0;
}

/* tcpkt: the tc path's cost per packet on one CPU, at ingress beside an
 * empty tc program and at egress beside an empty egress one, interleaved
 * rounds, medians; xdpcount's counts (each hook its own slot) checked
 * exact. */
static int cmd_tcpkt(const char *dir, int ifindex, int rounds, unsigned int repeat)
{
	struct { const char *name; int fd; double one[MAX_ROUNDS]; } p[4];
	const __u64 want = (__u64)(repeat / 10 + 1) + (__u64)rounds * repeat;
	struct bpf_object *o, *o2;
	struct counter *c;
	struct xdpcount_stats s, tx;
	const struct embedded_object *obj;
	int err, n = 4;

	if (rounds < 1 || rounds > MAX_ROUNDS)
		die("rounds", EINVAL);
	p[0].name = "tc_empty";
	p[0].fd = load_prog(dir, "bench.o", "bench_empty_tc", &o);
	p[2].name = "tc_egress_empty";
	p[2].fd = load_prog(dir, "bench.o", "bench_empty_egress", &o2);
	err = object_select(&obj);
	if (!err)
		err = counter_open(obj, &c);
	if (!err)
		err = counter_add_iface(c, ifindex, VARIANT_TC);
	if (!err)
		err = counter_add_iface(c, ifindex, VARIANT_EGRESS);
	if (err)
		die("loading xdpcount's tc programs", err);
	p[1].name = "xdpcount_tc";
	p[1].fd = counter_tc_prog_fd(c, ifindex);
	p[3].name = "xdpcount_egress";
	p[3].fd = counter_egress_prog_fd(c, ifindex);
	pin(0);
	for (int i = 0; i < n; i++) /* warm up */
		if ((err = tc_test_run(p[i].fd, ifindex, repeat / 10 + 1)))
			die(p[i].name, err);
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < n; k++) {
			int i = (k + r) % n;
			double t0 = thread_ns();

			if ((err = tc_test_run(p[i].fd, ifindex, repeat)))
				die(p[i].name, err);
			p[i].one[r] = (thread_ns() - t0) / repeat;
		}
	if (counter_read_all(c) || counter_sum(c, ifindex, &s) || s.packets != want)
		die("xdpcount_tc did not count exactly", EPROTO);
	if (counter_sum_dir(c, ifindex, true, &tx) || tx.packets != want || tx.bytes != s.bytes)
		die("xdpcount_egress did not count exactly", EPROTO);
	for (int i = 0; i < n; i++)
		printf("{\"prog\":\"%s\",\"ns_1cpu\":%.2f}\n", p[i].name, median(p[i].one, rounds));
	printf("{\"prog\":\"xdpcount_tc_bytes\",\"per_packet\":%.1f}\n",
	       (double)s.bytes / (double)s.packets);
	counter_close(c);
	bpf_object__close(o);
	bpf_object__close(o2);
	return 0;
}

/* On-CPU nanoseconds of ksoftirqd/0 (/proc/PID/schedstat), 0 if unknown. */
static double ksoftirqd0_ns(void)
{
	static char path[64];
	double ns = 0;
	FILE *f;

	if (!path[0]) {
		for (int pid = 1; pid < 4096 && !path[0]; pid++) {
			char p[64], comm[32] = "";

			snprintf(p, sizeof(p), "/proc/%d/comm", pid);
			f = fopen(p, "r");
			if (!f)
				continue;
			if (fgets(comm, sizeof(comm), f) && strcmp(comm, "ksoftirqd/0\n") == 0)
				snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
			fclose(f);
		}
		if (!path[0])
			return 0;
	}
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%lf", &ns) != 1)
		ns = 0;
	fclose(f);
	return ns;
}

static int cmd_live(const char *dir, int ifindex, unsigned int count)
{
	struct bpf_object *o;
	int fd = load_prog(dir, "bench.o", "bench_tx", &o);
	double t0, t1, c0, c1, k0, k1;
	__u64 ns;
	int err;

	pin(0);
	k0 = ksoftirqd0_ns();
	t0 = now_ns();
	c0 = thread_ns();
	err = test_run(fd, ifindex, count, BPF_F_TEST_XDP_LIVE_FRAMES, &ns);
	c1 = thread_ns();
	t1 = now_ns();
	usleep(1000); /* what NAPI still had to do */
	k1 = ksoftirqd0_ns();
	if (err)
		die("live frames", err);
	printf("%u %.0f %.0f\n", count, t1 - t0, c1 - c0 + k1 - k0);
	bpf_object__close(o);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static int cmd_hold(const char *dir, const char *what, const char *mode, const char *ifname)
{
	int ifindex = (int)if_nametoindex(ifname);
	__u32 flags = strcmp(mode, "native") == 0 ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	bool tut = strcmp(what, "tutorial") == 0;
	struct bpf_object *o;
	__u64 count = 0;
	__u32 key = 0;
	int fd, err;

	if (!ifindex)
		die(ifname, ENODEV);
	fd = tut ? load_prog(dir, "tutorial.o", "count_packets", &o)
		 : load_prog(dir, "bench.o", "bench_empty", &o);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = bpf_xdp_attach(ifindex, fd, flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (err)
		die("attach", err);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	bpf_xdp_detach(ifindex, flags, NULL);
	if (tut)
		bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(o, "pkt_count"), &key, &count);
	printf("%llu\n", (unsigned long long)count);
	bpf_object__close(o);
	return 0;
}

static int cmd_startup(const char *dir, char **argv)
{
	enum { TARGET, T_EXEC, T_ATTACH, N_BPF };
	struct bpf_object *o;
	struct bpf_program *p;
	struct bpf_link *l[2];
	__u64 v[4] = { 0 };
	int pipefd[2], map, i = 0, status;
	char path[512], go;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/startup.o", dir);
	o = bpf_object__open_file(path, NULL);
	if (!o || bpf_object__load(o))
		die(path, errno);
	bpf_object__for_each_program(p, o) {
		l[i] = bpf_program__attach(p);
		if (!l[i++])
			die("raw tracepoint", errno);
	}
	map = bpf_object__find_map_fd_by_name(o, "startup");
	if (pipe(pipefd))
		die("pipe", errno);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		close(pipefd[1]);
		if (read(pipefd[0], &go, 1) != 1)
			_exit(126);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	v[TARGET] = (__u64)pid;
	if (bpf_map_update_elem(map, &(__u32){ TARGET }, &v[TARGET], BPF_ANY))
		die("map", errno);
	close(pipefd[0]);
	if (write(pipefd[1], "g", 1) != 1)
		die("pipe", errno);
	for (i = 0; i < 1000; i++) { /* 10 s */
		if (bpf_map_lookup_elem(map, &(__u32){ T_ATTACH }, &v[T_ATTACH]) == 0 && v[T_ATTACH])
			break;
		if (waitpid(pid, &status, WNOHANG) == pid)
			die("the command exited before attaching", ECHILD);
		usleep(10000);
	}
	bpf_map_lookup_elem(map, &(__u32){ T_EXEC }, &v[T_EXEC]);
	bpf_map_lookup_elem(map, &(__u32){ N_BPF }, &v[N_BPF]);
	usleep(100000); /* let it finish attaching before it is told to stop */
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	if (!v[T_ATTACH] || !v[T_EXEC])
		die("no exec or no XDP attach seen", ETIMEDOUT);
	printf("%llu %llu\n", (unsigned long long)(v[T_ATTACH] - v[T_EXEC]),
	       (unsigned long long)v[N_BPF]);
	bpf_link__destroy(l[0]);
	bpf_link__destroy(l[1]);
	bpf_object__close(o);
	return 0;
}

static int cmd_wall(int n, char **argv)
{
	for (int i = 0; i < n; i++) {
		struct rusage ru;
		double t0 = now_ns(), t1;
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			int null = open("/dev/null", O_RDWR);

			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[0], argv);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
			die("wait4", errno);
		t1 = now_ns();
		printf("%.0f %ld %d\n", t1 - t0, ru.ru_maxrss,
		       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	return 0;
}

static int cmd_tick(int ms)
{
	struct timespec ts;

	/* a background job of a script starts with SIGINT ignored */
	signal(SIGINT, SIG_DFL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (;;) {
		ts.tv_nsec += (long)ms * 1000000;
		ts.tv_sec += ts.tv_nsec / 1000000000;
		ts.tv_nsec %= 1000000000;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		printf("{\"event\":\"stats\"}\n");
	}
	return 0;
}

static int cmd_gro(const char *ifname, const char *onoff)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_SGRO, .data = strcmp(onoff, "on") == 0 };
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		die("socket", errno);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(s, SIOCETHTOOL, &ifr))
		die("ETHTOOL_SGRO", errno);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	memset(frame, 0xff, 6);
	frame[6] = 0x02;
	frame[12] = 0x88, frame[13] = 0xb5;
	libbpf_set_print(NULL);
	/* before 5.11 (the 5.10 guests) every load is charged to RLIMIT_MEMLOCK,
	 * whose default (64 KiB) the dispatchers alone exceed */
	memlock_unlimited();
	if (argc == 6 && strcmp(argv[1], "pkt") == 0)
		return cmd_pkt(argv[2], atoi(argv[3]), atoi(argv[4]), (unsigned int)atoi(argv[5]));
	if (argc == 6 && strcmp(argv[1], "tcpkt") == 0)
		return cmd_tcpkt(argv[2], atoi(argv[3]), atoi(argv[4]), (unsigned int)atoi(argv[5]));
	if (argc == 6 && strcmp(argv[1], "disppkt") == 0)
		return cmd_disppkt(argv[2], atoi(argv[3]), atoi(argv[4]), (unsigned int)atoi(argv[5]));
	if (argc == 5 && strcmp(argv[1], "live") == 0)
		return cmd_live(argv[2], atoi(argv[3]), (unsigned int)strtoul(argv[4], NULL, 10));
	if (argc == 6 && strcmp(argv[1], "hold") == 0)
		return cmd_hold(argv[2], argv[3], argv[4], argv[5]);
	if (argc >= 4 && strcmp(argv[1], "startup") == 0)
		return cmd_startup(argv[2], argv + 3);
	if (argc >= 4 && strcmp(argv[1], "wall") == 0)
		return cmd_wall(atoi(argv[2]), argv + 3);
	if (argc == 3 && strcmp(argv[1], "tick") == 0)
		return cmd_tick(atoi(argv[2]));
	if (argc == 4 && strcmp(argv[1], "gro") == 0)
		return cmd_gro(argv[2], argv[3]);
	fprintf(stderr, "usage: see the comment at the top of tests/tools/xdpbench.c\n");
	return 2;
}
