#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "probe/clock.h"

static double seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double mono_now(void)
{
	return seconds(CLOCK_MONOTONIC);
}

uint64_t mono_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

double unix_now(void)
{
	return seconds(CLOCK_REALTIME);
}

double boot_ns_to_unix(uint64_t ns)
{
	return unix_now() - seconds(CLOCK_BOOTTIME) + (double)ns / 1e9;
}

struct timespec timespec_of(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	return ts;
}

void mono_sleep_until(double until, int (*stopped)(void))
{
	struct timespec ts = timespec_of(until);

	while (!stopped() && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

int mono_wait_fd_until(int fd, double until, int (*stopped)(void))
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (!stopped()) {
		double now = mono_now();
		struct timespec left;
		int r;

		if (now >= until)
			return 0;
		left = timespec_of(until - now);
		r = ppoll(&pfd, 1, &left, NULL);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0; /* the deadline (the kernel never wakes before it) */
		if (errno != EINTR) { /* ppoll itself failed (ENOMEM): keep the pace */
			mono_sleep_until(until, stopped);
			return 0;
		}
	}
	return 0;
}
