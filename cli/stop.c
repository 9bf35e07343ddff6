#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli/stop.h"

static volatile sig_atomic_t stop_sig;
static volatile sig_atomic_t deadline_armed;
static volatile sig_atomic_t deadline_passed;

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
		sigaction(s, &sa, NULL); /* some may be reserved by the C library */
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
	sigset_t set;

	signal(sig, SIG_DFL);
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
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, sizeof(buf), "real-time signal %d", sig); /* SIGRTMIN differs by libc */
	else
		snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}
