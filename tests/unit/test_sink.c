/* The run's stdout queue (cli/sink.c) on a pipe: a reader that takes nothing
 * never blocks the writer of the lines, lines are dropped whole and counted,
 * and what reaches the pipe is the lines in order, none cut. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/sink.h"
#include "tests/unit/check.h"

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 3 MiB of numbered 100-byte lines into a pipe nobody reads (64 KiB): the
 * writes return at once, the queue's worth waits, the rest is dropped. Then
 * the reader reads: every line it gets is whole, numbered upwards. */
static void test_a_blocked_pipe_blocks_no_write_and_cuts_no_line(void)
{
	enum { LINES = 3 * 1024 * 1024 / 100 };
	static char got[4 << 20];
	int p[2], fl;
	struct sink *s;
	FILE *f;
	double t0, worst = 0;
	size_t len = 0;
	ssize_t r;
	long last = -1, bad = 0, lines = 0;

	CHECK_EQ_INT(pipe(p), 0);
	s = sink_open(p[1]);
	CHECK(s != NULL);
	if (!s)
		return;
	f = sink_file(s);
	for (long i = 0; i < LINES; i++) {
		fprintf(f, "%08ld %090d\n", i, 0);
		if (i % 1000 == 999) { /* 100 KB per "interval": more than the FILE buffer, so stdio hands over cut lines */
			t0 = mono();
			CHECK_EQ_INT(fflush(f), 0);
			if (mono() - t0 > worst)
				worst = mono() - t0;
		}
	}
	CHECK(worst < 0.5); /* a blocking write would wait forever */
	CHECK(sink_dropped(s) > 0);
	CHECK(sink_dropped(s) < LINES);
	CHECK_EQ_INT(sink_drain(s, 0.2), -ETIMEDOUT);
	/* now read everything */
	fl = fcntl(p[0], F_GETFL);
	fcntl(p[0], F_SETFL, fl | O_NONBLOCK);
	for (int k = 0; k < 1000; k++) {
		while ((r = read(p[0], got + len, sizeof(got) - len)) > 0)
			len += (size_t)r;
		if (sink_drain(s, 0.01) == 0)
			break;
	}
	while ((r = read(p[0], got + len, sizeof(got) - len)) > 0)
		len += (size_t)r;
	CHECK_EQ_INT(sink_drain(s, 0), 0);
	for (size_t off = 0; off + 100 <= len; off += 100, lines++) {
		long n = strtol(got + off, NULL, 10);

		if (got[off + 99] != '\n' || got[off + 8] != ' ' || n <= last)
			bad++;
		last = n;
	}
	CHECK_EQ_INT(len % 100, 0);
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(lines + (long)sink_dropped(s), LINES);
	sink_close(s);
	close(p[0]);
	close(p[1]);
}

/* The reader went away: the next flush fails with EPIPE (SIGPIPE ignored, as
 * the run does), not silently. */
static void test_a_closed_reader_is_an_error(void)
{
	int p[2];
	struct sink *s;
	FILE *f;
	int err = 0;

	signal(SIGPIPE, SIG_IGN);
	CHECK_EQ_INT(pipe(p), 0);
	s = sink_open(p[1]);
	CHECK(s != NULL);
	if (!s)
		return;
	close(p[0]);
	f = sink_file(s);
	for (int i = 0; i < 100 && !err; i++) {
		fputs("a line\n", f);
		if (fflush(f))
			err = errno;
		usleep(1000);
	}
	CHECK_EQ_INT(err, EPIPE);
	CHECK_EQ_INT(sink_drain(s, 1), -EPIPE);
	sink_close(s);
	close(p[1]);
}

int main(void)
{
	test_a_blocked_pipe_blocks_no_write_and_cuts_no_line();
	test_a_closed_reader_is_an_error();
	CHECK_DONE();
}
