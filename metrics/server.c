/* The /metrics listener: one non-blocking socket and at most
 * METRICS_MAX_CONNS non-blocking connections, each with a deadline, served
 * with poll() from the run loop's wait. One request per connection; when
 * every slot is taken, a new connection evicts the oldest one that has not
 * sent its request yet. */
/* accept4() is a GNU extension: glibc declares it only with _GNU_SOURCE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "metrics/http.h"
#include "metrics/metrics.h"
#include "metrics/textfile.h"
#include "probe/clock.h"

struct metrics_conn {
	int fd;             /* -1: free slot */
	bool writing;
	double deadline;    /* monotonic seconds */
	size_t in_len;
	char in[HTTP_MAX_REQUEST];
	char *out;
	size_t out_len, out_off;
};

static int open_listener(const char *spec, int *out)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, inherited, one = 1, err;

	if (metrics_parse_listen(spec, &ss, &len, &inherited))
		return -EINVAL;
	if (inherited >= 0) {
		int acc = 0, fl;
		socklen_t al = sizeof(acc);

		if (getsockopt(inherited, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al))
			return -errno;
		if (!acc)
			return -EINVAL;
		fl = fcntl(inherited, F_GETFL);
		if (fl < 0 || fcntl(inherited, F_SETFL, fl | O_NONBLOCK) ||
		    fcntl(inherited, F_SETFD, FD_CLOEXEC))
			return -errno;
		*out = inherited;
		return 0;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 64)) {
		err = -errno;
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

int metrics_open(struct metrics *m, const char *listen_spec, const char *textfile)
{
	int err;

	memset(m, 0, sizeof(*m));
	m->listen_fd = -1;
	m->textfile = textfile;
	if (!listen_spec)
		return 0;
	m->conns = calloc(METRICS_MAX_CONNS, sizeof(*m->conns));
	if (!m->conns)
		return -ENOMEM;
	for (int i = 0; i < METRICS_MAX_CONNS; i++)
		m->conns[i].fd = -1;
	err = open_listener(listen_spec, &m->listen_fd);
	if (err) {
		free(m->conns);
		m->conns = NULL;
	}
	return err;
}

bool metrics_active(const struct metrics *m)
{
	return m->listen_fd >= 0 || m->textfile;
}

int metrics_publish(struct metrics *m)
{
	size_t need = prom_render(m->body, m->body_cap, &m->snap);

	if (need >= m->body_cap) {
		size_t cap = need + 1 + 1024;
		char *nb = realloc(m->body, cap);

		if (!nb)
			return -ENOMEM;
		m->body = nb;
		m->body_cap = cap;
		need = prom_render(m->body, m->body_cap, &m->snap);
	}
	m->body_len = need;
	return m->textfile ? textfile_write(m->textfile, m->body, m->body_len) : 0;
}

static void conn_close(struct metrics_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
	c->writing = false;
	c->in_len = c->out_len = c->out_off = 0;
}

/* Prepares the response to a parsed request (status from the parser). */
static int conn_respond(struct metrics *m, struct metrics_conn *c, int status, bool head)
{
	const char *body = status == 200 ? m->body : http_status_text(status);
	size_t blen = status == 200 ? m->body_len : strlen(body) + 1;
	char hdr[256];
	int hl;

	hl = snprintf(hdr, sizeof(hdr),
		      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
		      "Connection: close\r\n\r\n",
		      status, http_status_text(status),
		      status == 200 ? "text/plain; version=0.0.4; charset=utf-8"
				    : "text/plain; charset=utf-8",
		      blen, status == 405 ? "Allow: GET, HEAD\r\n" : "");
	c->out = malloc((size_t)hl + blen + 1);
	if (!c->out)
		return -ENOMEM;
	memcpy(c->out, hdr, (size_t)hl);
	c->out_len = (size_t)hl;
	if (!head) {
		memcpy(c->out + hl, body, status == 200 ? blen : blen - 1);
		if (status != 200)
			c->out[hl + blen - 1] = '\n';
		c->out_len += blen;
	}
	c->out_off = 0;
	c->writing = true;
	c->deadline = mono_now() + METRICS_WRITE_TIMEOUT_MS / 1000.0;
	return 0;
}

static void conn_read(struct metrics *m, struct metrics_conn *c)
{
	struct http_request req;
	ssize_t r;
	int st;

	r = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) { /* error, or the client went away before asking */
		conn_close(c);
		return;
	}
	c->in_len += (size_t)r;
	st = http_request_parse(c->in, c->in_len, &req);
	if (st == HTTP_NEED_MORE && c->in_len == sizeof(c->in))
		st = 431;
	if (st == HTTP_NEED_MORE)
		return;
	if (conn_respond(m, c, st, req.method == HTTP_HEAD))
		conn_close(c);
}

static void conn_write(struct metrics *m, struct metrics_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (w <= 0) {
			conn_close(c);
			return;
		}
		c->out_off += (size_t)w;
	}
	m->served++;
	shutdown(c->fd, SHUT_WR);
	conn_close(c);
}

/* Every slot is taken: the connection that has waited longest without
 * sending its whole request (a slow or idle client; a scraper asks at once)
 * gives way, so idle connections cannot deny scrapes. NULL when every slot
 * is writing a response. */
static struct metrics_conn *evict_oldest_idle(struct metrics *m)
{
	struct metrics_conn *old = NULL;

	for (int i = 0; i < METRICS_MAX_CONNS; i++) {
		struct metrics_conn *c = &m->conns[i];

		if (!c->writing && (!old || c->deadline < old->deadline))
			old = c;
	}
	if (old) {
		conn_close(old);
		m->evicted++;
	}
	return old;
}

static void accept_all(struct metrics *m)
{
	/* a bounded number per wake-up, so a flood cannot hold the loop */
	for (int k = 0; k < 2 * METRICS_MAX_CONNS; k++) {
		struct metrics_conn *slot = NULL;
		int fd = accept4(m->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		for (int i = 0; i < METRICS_MAX_CONNS && !slot; i++)
			if (m->conns[i].fd < 0)
				slot = &m->conns[i];
		if (!slot)
			slot = evict_oldest_idle(m);
		if (!slot) { /* full of responses: turn it away at once rather than queue it */
			m->refused++;
			close(fd);
			continue;
		}
		slot->fd = fd;
		slot->in_len = 0;
		slot->writing = false;
		slot->deadline = mono_now() + METRICS_READ_TIMEOUT_MS / 1000.0;
		conn_read(m, slot); /* a request already here is answered, never evicted */
	}
}

int metrics_serve_until(struct metrics *m, double until, int wake_fd, int (*stopped)(void))
{
	struct pollfd pfd[2 + METRICS_MAX_CONNS];
	int idx[2 + METRICS_MAX_CONNS];

	while (!stopped()) {
		double now = mono_now(), wake = until;
		bool woke = false;
		int n = 0, r;

		for (int i = 0; i < METRICS_MAX_CONNS && m->conns; i++) {
			struct metrics_conn *c = &m->conns[i];

			if (c->fd < 0)
				continue;
			if (c->deadline <= now) { /* too slow: drop it */
				conn_close(c);
				continue;
			}
			if (c->deadline < wake)
				wake = c->deadline;
			pfd[n] = (struct pollfd){ c->fd, c->writing ? POLLOUT : POLLIN, 0 };
			idx[n++] = i;
		}
		if (now >= until)
			return 0;
		if (m->listen_fd >= 0) {
			pfd[n] = (struct pollfd){ m->listen_fd, POLLIN, 0 };
			idx[n++] = -1;
		}
		if (wake_fd >= 0) {
			pfd[n] = (struct pollfd){ wake_fd, POLLIN, 0 };
			idx[n++] = -2;
		}
		/* round up, so that we never wake just before the deadline */
		r = poll(pfd, (nfds_t)n, (int)((wake - now) * 1000.0) + 1);
		if (r < 0) {
			if (errno == EINTR)
				continue; /* stopped() is checked at the top */
			/* poll itself failed (ENOMEM): keep the pace without serving */
			mono_sleep_until(until, stopped);
			return 0;
		}
		for (int k = 0; k < n && r > 0; k++) {
			if (!pfd[k].revents)
				continue;
			if (idx[k] == -2)
				woke = true;
			else if (idx[k] < 0)
				accept_all(m);
			else if (m->conns[idx[k]].writing)
				conn_write(m, &m->conns[idx[k]]);
			else
				conn_read(m, &m->conns[idx[k]]);
		}
		if (woke)
			return 1;
	}
	return 0;
}

void metrics_close(struct metrics *m)
{
	for (int i = 0; i < METRICS_MAX_CONNS && m->conns; i++)
		conn_close(&m->conns[i]);
	free(m->conns);
	m->conns = NULL;
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	m->listen_fd = -1;
	free(m->body);
	m->body = NULL;
	m->body_cap = m->body_len = 0;
}
