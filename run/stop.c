#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "run/stop.h"

static volatile sig_atomic_t stop_sig;
static volatile sig_atomic_t deadline_armed;
static volatile sig_atomic_t deadline_passed;

/* What a death without detaching leaves (stop_note_left), for the fatal
 * handler, which can only write() it. */
static char left_note[STOP_NOTE_LEN];
static volatile sig_atomic_t left_len;

/* Signals that also report faults: sent by someone else (kill, a watchdog's
 * SIGABRT) they stop us like the others; raised by a fault of ours (or
 * abort()) nothing can be trusted any more: we say what stays, and die. */
static const int fatal_signals[] = {
	SIGABRT, SIGTRAP, SIGBUS, SIGSEGV, SIGSYS, SIGILL, SIGFPE,
};

static const int stop_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU, SIGXFSZ,
	SIGVTALRM, SIGPROF,
#ifdef SIGPWR
	SIGPWR,
#endif
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
#ifdef SIGPOLL
	SIGPOLL,
#endif
};

static void arm(void)
{
	struct itimerval it = {
		.it_value = { .tv_sec = STOP_OUTPUT_DEADLINE_S },
		.it_interval = { .tv_usec = 50000 },
	};

	if (deadline_armed)
		return;
	deadline_armed = 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGALRM && deadline_armed)
		deadline_passed = 1;
	else if (!stop_sig) {
		stop_sig = sig;
		arm();
	}
	errno = saved;
}

static void put(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static const char *fatal_name(int sig)
{
	switch (sig) {
	case SIGABRT: return "SIGABRT";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS: return "SIGBUS";
	case SIGSEGV: return "SIGSEGV";
	case SIGSYS: return "SIGSYS";
	case SIGILL: return "SIGILL";
	default: return "SIGFPE";
	}
}

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	struct sigaction dfl;

	(void)uc;
	if (si && si->si_code <= 0 && si->si_pid != getpid()) {
		on_signal(sig); /* kill(), sigqueue(), tgkill() by someone else */
		return;
	}
	/* Only async-signal-safe calls from here on. */
	put("xdpcount: ");
	put(fatal_name(sig));
	put(" from within xdpcount: it cannot detach safely now; ");
	if (left_len > 0)
		put(left_note);
	else
		put("nothing of ours stays attached (a bpf_link goes with the process)");
	put("\n");
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
	raise(sig); /* delivered on return: the death (and core) the fault asks for */
}

void stop_note_left(const char *text)
{
	size_t n = text ? strlen(text) : 0;

	left_len = 0;
	if (n >= sizeof(left_note))
		n = sizeof(left_note) - 1;
	memcpy(left_note, text ? text : "", n);
	left_note[n] = '\0';
	left_len = (sig_atomic_t)n;
}

/* A kernel sigaction as the C library made it (handler, flags, restorer,
 * mask), opaque: large enough for every arch's struct k_sigaction. */
struct raw_sigaction {
	unsigned long words[8];
};

/* The signals between the kernel's first real-time signal (32) and the C
 * library's SIGRTMIN are the library's own (musl: threads, timers, set*id
 * across threads; xdpcount has one thread and uses none of them), so its
 * sigaction() refuses them, yet `kill -RTMIN` from a glibc shell sends 34.
 * They get SIGUSR1's action as the kernel holds it, restorer included. */
static void install_reserved(void)
{
	struct raw_sigaction ka;

	memset(&ka, 0, sizeof(ka));
	if (syscall(SYS_rt_sigaction, SIGUSR1, NULL, &ka, (_NSIG - 1) / 8))
		return;
	for (int s = 32; s < SIGRTMIN; s++)
		syscall(SYS_rt_sigaction, s, &ka, NULL, (_NSIG - 1) / 8);
}

int stop_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: a signal ends a sleep or a blocked write */
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (sigaction(stop_signals[i], &sa, NULL))
			return -errno;
	for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
		sigaction(s, &sa, NULL);
	install_reserved();
	sa.sa_handler = NULL;
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO;
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		if (sigaction(fatal_signals[i], &sa, NULL))
			return -errno;
	signal(SIGPIPE, SIG_IGN); /* a closed stdout is a write error, not a death */
	return 0;
}

int stop_requested(void)
{
	return stop_sig;
}

void stop_arm_deadline(void)
{
	sigset_t all, old;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	arm();
	sigprocmask(SIG_SETMASK, &old, NULL);
}

bool stop_disarm_deadline(void)
{
	struct itimerval off;

	memset(&off, 0, sizeof(off));
	setitimer(ITIMER_REAL, &off, NULL);
	deadline_armed = 0;
	return deadline_passed;
}

bool stop_is_normal(int sig)
{
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP;
}

void stop_reraise(int sig)
{
	struct raw_sigaction dfl;
	sigset_t set;

	memset(&dfl, 0, sizeof(dfl)); /* SIG_DFL, through the kernel: 32-34 too */
	syscall(SYS_rt_sigaction, sig, &dfl, NULL, (_NSIG - 1) / 8);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig); /* a signal whose default is to be ignored here */
}

const char *stop_signal_name(int sig)
{
	static const struct { int sig; const char *name; } names[] = {
		{ SIGINT, "SIGINT" }, { SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" },
		{ SIGQUIT, "SIGQUIT" }, { SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" },
		{ SIGALRM, "SIGALRM" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
		{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" },
		{ SIGABRT, "SIGABRT" }, { SIGTRAP, "SIGTRAP" }, { SIGBUS, "SIGBUS" },
		{ SIGSEGV, "SIGSEGV" }, { SIGSYS, "SIGSYS" }, { SIGILL, "SIGILL" },
		{ SIGFPE, "SIGFPE" },
#ifdef SIGPWR
		{ SIGPWR, "SIGPWR" },
#endif
#ifdef SIGSTKFLT
		{ SIGSTKFLT, "SIGSTKFLT" },
#endif
#ifdef SIGPOLL
		{ SIGPOLL, "SIGPOLL" },
#endif
	};
	static char buf[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	if (sig >= 32 && sig <= SIGRTMAX) /* the kernel's real-time signals */
		snprintf(buf, sizeof(buf), "real-time signal %d", sig); /* SIGRTMIN differs by libc */
	else
		snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}
