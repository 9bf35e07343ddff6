/* probe/clock: the clocks, read in one place: monotonic time for intervals
 * and deadlines, the wall clock for reports, and CLOCK_BOOTTIME instants
 * (the kernel's program load times) as wall-clock time. */
#ifndef XDPCOUNT_PROBE_CLOCK_H
#define XDPCOUNT_PROBE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in seconds, and in nanoseconds. */
double mono_now(void);
uint64_t mono_now_ns(void);
/* CLOCK_REALTIME: unix seconds. */
double unix_now(void);
/* The unix time of a CLOCK_BOOTTIME instant in nanoseconds. */
double boot_ns_to_unix(uint64_t ns);
/* Seconds as a struct timespec (an absolute deadline, for instance). */
struct timespec timespec_of(double t);
/* Sleeps until the monotonic time until, or until a signal after which
 * stopped() says to stop. */
void mono_sleep_until(double until, int (*stopped)(void));
/* The same sleep, ended early when fd becomes readable (one ppoll; a
 * signal ends it as it ends mono_sleep_until's): 1 then, else 0. */
int mono_wait_fd_until(int fd, double until, int (*stopped)(void));

#endif
