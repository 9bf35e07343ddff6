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
