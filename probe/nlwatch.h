/* probe/nlwatch: the watch's netlink transport (the judging is
 * loader/watch.c's). A socket subscribed to the link notifications (and, once
 * joined, the tc ones), read without blocking; and a question socket that
 * sends a batch of requests in one send and takes every answer with one
 * recvmmsg. */
#ifndef XDPCOUNT_PROBE_NLWATCH_H
#define XDPCOUNT_PROBE_NLWATCH_H

#include <stdbool.h>
#include <stddef.h>

#define NLWATCH_MAX_REQ 64 /* link requests in one question */
/* The notification socket's buffer, in bytes (nlwatch.c says why). */
#define NLWATCH_RCVBUF (8 << 20)

struct nlwatch_query;

struct nlwatch {
	int fd;                  /* subscribed to link notifications, -1 without */
	int qfd;                 /* for the questions, -1 without */
	bool query_tried;        /* qfd and q were opened (or could not be), once */
	struct nlwatch_query *q; /* the question's buffers, allocated once */
};

/* One datagram of notifications or of answers, len bytes. */
typedef void (*nlwatch_fn)(void *ctx, const void *buf, int len);

/* Subscribes to link notifications, with a buffer of NLWATCH_RCVBUF (as
 * much of it as rmem_max allows without CAP_NET_ADMIN): 0, or -errno (w->fd
 * is then -1). */
int nlwatch_open(struct nlwatch *w);
/* Opens the question socket with its buffers (marks it tried): 0 or -errno. */
int nlwatch_open_query(struct nlwatch *w);
void nlwatch_close(struct nlwatch *w);
/* Follows the tc notifications (RTNLGRP_TC) too: 0, or -errno. */
int nlwatch_join_tc(struct nlwatch *w);
/* Passes every pending notification datagram to fn. Returns true when some
 * were lost (the socket's buffer overflowed: ENOBUFS). */
bool nlwatch_drain(struct nlwatch *w, nlwatch_fn fn, void *ctx);
/* The question's buffer, room for NLWATCH_MAX_REQ struct nl_link_req (its
 * size in *size); NULL without the question socket. */
void *nlwatch_requests(struct nlwatch *w, size_t *size);
/* Sends len bytes of requests from nlwatch_requests() and passes each
 * answer datagram to fn (the kernel answers inside send: all are queued by
 * then; answers dropped for room are simply missing). 0, or -errno of
 * send. */
int nlwatch_ask(struct nlwatch *w, size_t len, nlwatch_fn fn, void *ctx);

#endif
