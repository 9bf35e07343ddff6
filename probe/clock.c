#include <errno.h>
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
