/* The run's stdout, as one output sink among several: the report writes to
 * a FILE whose lines go into a bounded queue in memory, and a thread of its
 * own moves them to the file descriptor with ordinary blocking writes. The
 * run loop never waits for whoever reads stdout: a reader that takes nothing
 * (a pipe nobody reads) cannot stall /metrics, the textfile or the watch.
 * A blocked stdout is said once on stderr; when the queue is full, whole
 * lines are dropped and counted (never a part of one), and the count is said
 * when stdout takes output again, or at the end. */
#ifndef XDPCOUNT_SINK_H
#define XDPCOUNT_SINK_H

#include <stdio.h>

#define SINK_QUEUE_BYTES (1u << 20) /* lines waiting for the reader */
#define SINK_STALL_S 2              /* one write blocked this long: said */

struct sink;

/* Starts the writer thread on fd (which stays the caller's). NULL with errno
 * set on failure. */
struct sink *sink_open(int fd);
/* The stream to write to. Its fflush() returns EOF (errno set) once a write
 * to fd failed (EPIPE: the reader went away), and never blocks otherwise. */
FILE *sink_file(struct sink *s);
/* Waits at most `seconds` for everything queued to reach fd. 0, -ETIMEDOUT,
 * or the write's -errno. */
int sink_drain(struct sink *s, double seconds);
/* Lines dropped so far (the queue was full). */
unsigned long sink_dropped(const struct sink *s);
/* Closes the stream and says any drop not yet said. A writer still blocked
 * in write() is left to the process's exit. */
void sink_close(struct sink *s);

#endif
