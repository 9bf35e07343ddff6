/* tests/kernels/init.c - /init of the kernel-matrix initramfs.
 *
 * Runs as PID 1 in a qemu guest: mounts the pseudo file systems, brings lo
 * up, loads the modules under /modules (sorted by name) with finit_module,
 * probes bpf(), then runs the steps listed in /steps (or a built-in list),
 * each under an alarm() timeout, and prints everything between
 *   @@XDPCOUNT-RESULT-BEGIN@@ ... @@XDPCOUNT-RESULT-END@@
 * on the console before powering off.  It never waits for anything without
 * a timeout; any failure still ends in the markers and a power-off.
 *
 * /steps: one step a line, "NAME TIMEOUT_S TRAFFIC ARGV0 ARGV1 ...";
 * TRAFFIC=1 sends UDP datagrams to 127.0.0.1 while the step runs.
 *
 * Static, freestanding of any library beyond libc (glibc or musl).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUT_MAX (256 * 1024)
#define MAX_STEPS 16
#define MAX_ARGS 32

static FILE *con;

static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(con, fmt, ap);
	va_end(ap);
	fflush(con);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void wfile(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0) { /* best effort */ }
		close(fd);
	}
}

static void domount(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) != 0 && errno != EBUSY)
		say("@@MOUNT %s errno=%d@@\n", dst, errno);
}

static int lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr) == 0 ? 0 : -errno;
	} else {
		rc = -errno;
	}
	close(s);
	return rc;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void load_modules(void)
{
	struct dirent **ents;
	int n = scandir("/modules", &ents, NULL, name_cmp);
	for (int i = 0; i < n; i++) {
		char path[512];
		if (ents[i]->d_name[0] == '.') {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof path, "/modules/%s", ents[i]->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC), rc, err = 0;
		if (fd < 0) {
			rc = -1;
			err = errno;
		} else {
			rc = syscall(SYS_finit_module, fd, "", 0);
			err = rc ? errno : 0;
			close(fd);
		}
		say("@@MODULE name=%s rc=%d errno=%d ok=%d@@\n", ents[i]->d_name, rc, err,
		    rc == 0 || err == EEXIST);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

/* bpf(BPF_MAP_CREATE) of a one-entry array with the raw syscall. */
static void probe_bpf(void)
{
	uint32_t attr[16] = {0};
	attr[0] = 2; /* BPF_MAP_TYPE_ARRAY */
	attr[1] = 4; /* key_size */
	attr[2] = 8; /* value_size */
	attr[3] = 1; /* max_entries */
	int fd = syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof attr);
	int err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	struct rlimit rl;
	getrlimit(RLIMIT_MEMLOCK, &rl);
	struct stat st;
	say("@@BPF map_create=%s errno=%d memlock_cur=%lld btf_vmlinux=%d bpffs=%d@@\n",
	    fd >= 0 ? "ok" : "fail", err, (long long)rl.rlim_cur,
	    stat("/sys/kernel/btf/vmlinux", &st) == 0, stat("/sys/fs/bpf", &st) == 0);
}

static volatile sig_atomic_t alarmed;
static void on_alarm(int sig) { (void)sig; alarmed = 1; }

/* Sends a UDP datagram to 127.0.0.1:9 every 20 ms until killed. */
static pid_t start_traffic(void)
{
	pid_t p = fork();
	if (p != 0)
		return p;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	char buf[64] = "xdpcount-kernel-test";
	struct timespec ts = {0, 20 * 1000 * 1000};
	for (int i = 0; i < 5000; i++) {
		sendto(s, buf, sizeof buf, 0, (struct sockaddr *)&a, sizeof a);
		nanosleep(&ts, NULL);
	}
	_exit(0);
}

static void run_step(const char *name, int timeout, int traffic, char **argv)
{
	int pfd[2];
	static char out[OUT_MAX + 1];
	size_t len = 0;
	int timed_out = 0, status = 0, truncated = 0;
	double t0 = now();
	pid_t tp = -1;

	if (traffic) /* before the pipe: it must not hold the write end */
		tp = start_traffic();
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		say("@@STEP name=%s rc=-1 signal=0 timeout=0 secs=0 error=pipe@@\n", name);
		if (tp > 0) {
			kill(tp, SIGKILL);
			waitpid(tp, NULL, 0);
		}
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(pfd[1], 1);
		int fd = open("/dev/console", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 2);
		execv(argv[0], argv);
		fprintf(stderr, "init: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	if (pid > 0)
		setpgid(pid, pid);

	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: read() gets EINTR */
	alarmed = 0;
	alarm(timeout);
	while (pid > 0 && !alarmed) {
		char tmp[4096];
		ssize_t r = read(pfd[0], tmp, sizeof tmp);
		if (r > 0) {
			size_t room = OUT_MAX - len;
			if ((size_t)r > room) {
				truncated = 1;
				r = room;
			}
			memcpy(out + len, tmp, r);
			len += r;
		} else if (r == 0 || errno != EINTR) {
			break;
		}
	}
	/* EOF: the child closed stdout; still bound the wait for its exit. */
	int reaped = 0;
	while (pid > 0 && !alarmed) {
		if (waitpid(pid, &status, 0) == pid) {
			reaped = 1;
			break;
		}
		if (errno != EINTR)
			break;
	}
	if (pid > 0 && !reaped) {
		timed_out = 1;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		alarmed = 0;
		alarm(5);
		if (waitpid(pid, &status, 0) != pid)
			status = 0x7f00; /* unknown */
	}
	alarm(0);
	close(pfd[0]);
	if (tp > 0) {
		kill(tp, SIGKILL);
		waitpid(tp, NULL, 0);
	}
	out[len] = 0;
	int rc = pid < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	int sig = pid > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	say("@@STEP name=%s rc=%d signal=%d timeout=%d secs=%.3f bytes=%zu truncated=%d@@\n",
	    name, rc, sig, timed_out, now() - t0, len, truncated);
	fwrite(out, 1, len, con);
	if (len && out[len - 1] != '\n')
		fputc('\n', con);
	say("@@STEP-END name=%s@@\n", name);
}

static const char *default_steps =
	"check 90 0 /xdpcount check --selftest --json\n"
	"count 30 1 /xdpcount --json -m generic -c 2 -i 0.2 lo\n"
	"counttc 30 1 /xdpcount --json -m tc -c 2 -i 0.2 lo\n"
	"countboth 30 1 /xdpcount --json -m tc --direction both -c 2 -i 0.2 lo\n";

static char *read_steps(void)
{
	static char buf[8192];
	int fd = open("/steps", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0) /* strtok_r writes: copy the literal */
		n = snprintf(buf, sizeof buf, "%s", default_steps);
	buf[n] = 0;
	return buf;
}

int main(void)
{
	double t_init = now();
	/* The console is our only channel; keep kernel messages off it. */
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	int cfd = open("/dev/console", O_RDWR);
	con = cfd >= 0 ? fdopen(cfd, "w") : stdout;
	if (!con)
		con = stdout;
	domount("proc", "/proc", "proc");
	domount("sysfs", "/sys", "sysfs");
	wfile("/proc/sys/kernel/printk", "1 4 1 7");
	domount("bpf", "/sys/fs/bpf", "bpf");
	domount("cgroup2", "/sys/fs/cgroup", "cgroup2");
	domount("tmpfs", "/tmp", "tmpfs");
	domount("tmpfs", "/run", "tmpfs");

	char uptime[64] = "?";
	int ufd = open("/proc/uptime", O_RDONLY);
	if (ufd >= 0) {
		ssize_t n = read(ufd, uptime, sizeof uptime - 1);
		uptime[n > 0 ? n : 0] = 0;
		uptime[strcspn(uptime, " \n")] = 0;
		close(ufd);
	}
	struct utsname u;
	uname(&u);

	say("\n@@XDPCOUNT-RESULT-BEGIN@@\n");
	say("@@INFO release=%s machine=%s uptime=%s@@\n", u.release, u.machine, uptime);
	int lo = lo_up();
	say("@@LO rc=%d@@\n", lo);
	load_modules();
	probe_bpf();

	char *steps = read_steps();
	char *save = NULL;
	for (char *line = strtok_r(steps, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *argv[MAX_ARGS + 1], *name, *tmo, *trf, *sv2 = NULL;
		int argc = 0;
		if (line[0] == '#' || !(name = strtok_r(line, " \t", &sv2)))
			continue;
		tmo = strtok_r(NULL, " \t", &sv2);
		trf = strtok_r(NULL, " \t", &sv2);
		for (char *a; argc < MAX_ARGS && (a = strtok_r(NULL, " \t", &sv2));)
			argv[argc++] = a;
		argv[argc] = NULL;
		if (!tmo || !trf || !argc)
			continue;
		run_step(name, atoi(tmo) > 0 ? atoi(tmo) : 30, atoi(trf), argv);
	}
	say("@@DONE init_secs=%.3f@@\n", now() - t_init);
	say("@@XDPCOUNT-RESULT-END@@\n");
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}
