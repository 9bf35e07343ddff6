/* Prometheus metrics of a run: the /metrics listener (served from the run
 * loop's wait with poll(), no threads) and the --textfile writer. The module
 * owns its state; the run loop hands it counts and lets it wait. */
#ifndef XDPCOUNT_METRICS_H
#define XDPCOUNT_METRICS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "report/prom.h"

#define METRICS_MAX_CONNS 32       /* clients at once; a new one evicts the oldest idle one */
#define METRICS_READ_TIMEOUT_MS 5000  /* to send a whole request */
#define METRICS_WRITE_TIMEOUT_MS 10000 /* to take a whole response */

struct metrics_conn;

struct metrics {
	int listen_fd;           /* -1: no listener */
	const char *textfile;    /* NULL: none */
	struct prom_snapshot snap;
	char *body;              /* the exposition of snap */
	size_t body_len, body_cap;
	struct metrics_conn *conns; /* METRICS_MAX_CONNS slots */
	unsigned long served, refused; /* responses sent; connections turned away */
	unsigned long evicted;   /* connections closed before their request came, to make room */
};

/* Parses --metrics [ADDR:]PORT (ADDR an IPv4 address, or an IPv6 one in
 * brackets; loopback when omitted) or fd://N (a listening socket inherited,
 * e.g. from systemd socket activation). Pure. Returns 0 or -EINVAL. */
int metrics_parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
			 int *inherited_fd);

/* Starts what was asked for: a listener on listen_spec (NULL: none) and the
 * textfile path (NULL: none; see textfile_check() to test it first). The
 * snapshot's build labels and interfaces are the caller's to fill. Returns 0
 * or -errno (bind failures keep their errno). */
int metrics_open(struct metrics *m, const char *listen_spec, const char *textfile);
bool metrics_active(const struct metrics *m);
/* Renders the snapshot for the next scrape and, with --textfile, replaces the
 * file atomically (a temporary file in the same directory, then rename).
 * Returns 0 or -errno of the textfile write. */
int metrics_publish(struct metrics *m);
/* Serves scrapes until the monotonic time `until` (seconds), until stopped()
 * says so, or (wake_fd >= 0) until wake_fd is readable: 1 then, else 0.
 * Never blocks on a client: every socket is non-blocking and has a
 * deadline. */
int metrics_serve_until(struct metrics *m, double until, int wake_fd, int (*stopped)(void));
/* Closes the listener and every connection; the textfile stays (its last
 * version says xdpcount_up 0 when the caller published that). */
void metrics_close(struct metrics *m);

#endif
