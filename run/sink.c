/* stdout through a bounded queue and a writer thread (see sink.h). The
 * queue is a ring of SINK_QUEUE_BYTES with three positions that only grow
 * (until the queue is empty, when they start over at 0): head (the next
 * byte the writer writes), committed (the end of the last whole line) and
 * tail (the end of what the report wrote). The writer owns [head,
 * committed), the report [committed, tail) and the free rest. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/caps.h"
#include "run/sink.h"
#include "log/log.h"
#include "probe/clock.h"

struct sink {
	int fd;
	FILE *f;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t more;     /* to the writer: lines committed, or closing */
	pthread_cond_t written;  /* to sink_drain: the writer moved on */
	uint64_t head, committed, tail;
	bool closing, abandon;   /* abandon: leave what is queued */
	bool done;               /* the writer ended (closing or an error) */
	int err;                 /* the write's -errno */
	double busy_since;       /* the writer's unfinished write began; 0: none */
	/* the report's side only */
	bool skip_line;          /* the start of this line was dropped */
	unsigned long dropped, dropped_said;
	bool stall_said;
	double stall_t0;
	char fbuf[64 * 1024];    /* one write per interval, even for 64 interfaces */
	char ring[SINK_QUEUE_BYTES];
};

static void *writer(void *arg)
{
	struct sink *s = arg;

	/* it writes to a file descriptor it has: it needs no capability, and
	 * must not keep those the run drops later (they are per thread) */
	caps_drop_all_in_this_thread();
	pthread_mutex_lock(&s->mu);
	for (;;) {
		size_t off, n;
		ssize_t w;
		int e;

		while (s->head == s->committed && !s->closing)
			pthread_cond_wait(&s->more, &s->mu);
		if (s->head == s->committed || s->abandon)
			break;
		off = (size_t)(s->head % SINK_QUEUE_BYTES);
		n = (size_t)(s->committed - s->head);
		if (n > SINK_QUEUE_BYTES - off)
			n = SINK_QUEUE_BYTES - off;
		s->busy_since = mono_now();
		pthread_mutex_unlock(&s->mu);
		w = write(s->fd, s->ring + off, n);
		e = errno;
		if (w < 0 && e == EAGAIN) { /* a stdout someone made non-blocking */
			struct pollfd p = { s->fd, POLLOUT, 0 };

			poll(&p, 1, -1);
		}
		pthread_mutex_lock(&s->mu);
		s->busy_since = 0;
		if (w > 0)
			s->head += (uint64_t)w;
		else if (w == 0 || (e != EINTR && e != EAGAIN))
			s->err = w == 0 ? -EIO : -e;
		pthread_cond_broadcast(&s->written);
		if (s->err)
			break;
	}
	s->done = true;
	pthread_cond_broadcast(&s->written);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Copies n bytes to the ring at tail (the caller checked the room). */
static void ring_put(struct sink *s, const char *p, size_t n)
{
	size_t off = (size_t)(s->tail % SINK_QUEUE_BYTES), first = SINK_QUEUE_BYTES - off;

	if (first > n)
		first = n;
	memcpy(s->ring + off, p, first);
	memcpy(s->ring, p + first, n - first);
	s->tail += n;
}

/* Says on stderr when stdout blocks, and when it takes output again (with
 * the lines dropped meanwhile). Called with the lock held, on the report's
 * thread. */
static void say_stall(struct sink *s, double now)
{
	bool stalled = (s->busy_since > 0 && now - s->busy_since >= SINK_STALL_S) ||
		       s->dropped > s->dropped_said;

	if (stalled && !s->stall_said) {
		s->stall_said = true;
		s->stall_t0 = s->busy_since > 0 ? s->busy_since : now;
		log_msg(LOG_QUIET, "xdpcount: stdout takes nothing (is its reader stuck?): its lines "
			"wait in a %u KiB queue, and whole lines are dropped once it is full; counting, "
			"the metrics, the textfile and the watch go on\n", SINK_QUEUE_BYTES / 1024);
	} else if (s->stall_said && s->busy_since == 0 && s->head == s->committed) {
		s->stall_said = false;
		log_msg(LOG_QUIET, "xdpcount: stdout takes output again after %.1f s; %lu line(s) "
			"were dropped\n", now - s->stall_t0, s->dropped - s->dropped_said);
		s->dropped_said = s->dropped;
	}
}

/* The report's writes: whole lines into the ring, or dropped. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t len)
{
	struct sink *s = cookie;
	uint64_t committed;
	size_t i = 0;

	pthread_mutex_lock(&s->mu);
	if (s->err) {
		errno = -s->err;
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	if (s->head == s->tail) /* empty: start over, so that a reader keeping up touches few pages */
		s->head = s->committed = s->tail = 0;
	committed = s->committed;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - buf - i) + 1 : len - i;

		if (s->skip_line) {
			s->skip_line = !nl;
		} else if (SINK_QUEUE_BYTES - (s->tail - s->head) >= n) {
			ring_put(s, buf + i, n);
			if (nl)
				s->committed = s->tail;
		} else { /* full: drop this line, with its start if queued */
			s->tail = s->committed;
			s->dropped++;
			s->skip_line = !nl;
		}
		i += n;
	}
	if (s->committed != committed)
		pthread_cond_signal(&s->more);
	say_stall(s, mono_now());
	pthread_mutex_unlock(&s->mu);
	return (ssize_t)len;
}

static const cookie_io_functions_t cookie_io = { .write = cookie_write };

struct sink *sink_open(int fd)
{
	struct sink *s = calloc(1, sizeof(*s));
	pthread_condattr_t ca;
	sigset_t all, old;
	int err;

	if (!s)
		return NULL;
	s->fd = fd;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->more, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->written, &ca);
	pthread_condattr_destroy(&ca);
	s->f = fopencookie(s, "w", cookie_io);
	if (!s->f) {
		err = errno;
		free(s);
		errno = err;
		return NULL;
	}
	setvbuf(s->f, s->fbuf, _IOFBF, sizeof(s->fbuf));
	/* signals go to the run loop's thread, whose waits they end */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&s->thread, NULL, writer, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fclose(s->f);
		free(s);
		errno = err;
		return NULL;
	}
	return s;
}

FILE *sink_file(struct sink *s)
{
	return s->f;
}

unsigned long sink_dropped(const struct sink *s)
{
	return s->dropped;
}

int sink_drain(struct sink *s, double seconds)
{
	struct timespec ts = timespec_of(mono_now() + seconds);
	int err = 0;

	if (fflush(s->f))
		return errno ? -errno : -EIO;
	pthread_mutex_lock(&s->mu);
	while (!s->err && s->head != s->committed && !err)
		err = pthread_cond_timedwait(&s->written, &s->mu, &ts);
	err = s->err ? s->err : s->head != s->committed ? -ETIMEDOUT : 0;
	pthread_mutex_unlock(&s->mu);
	return err;
}

/* The whole lines in [head, committed). */
static unsigned long queued_lines(const struct sink *s)
{
	unsigned long n = 0;

	for (uint64_t p = s->head; p < s->committed; p++)
		n += s->ring[p % SINK_QUEUE_BYTES] == '\n';
	return n;
}

void sink_close(struct sink *s)
{
	bool idle;

	if (!s)
		return;
	fclose(s->f); /* what it still held was drained, or is lost with the queue */
	pthread_mutex_lock(&s->mu);
	if (s->dropped > s->dropped_said)
		log_msg(LOG_QUIET, "xdpcount: stdout: %lu line(s) were dropped while it took "
			"nothing\n", s->dropped - s->dropped_said);
	if (s->head != s->committed)
		log_msg(LOG_QUIET, "xdpcount: stdout: the %lu line(s) still queued were lost\n",
			queued_lines(s));
	s->closing = s->abandon = true; /* sink_drain had its chance */
	idle = s->done || s->busy_since == 0;
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&s->mu);
	if (!idle)
		return; /* blocked in write(): the process's exit ends it */
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->more);
	pthread_cond_destroy(&s->written);
	free(s);
}
