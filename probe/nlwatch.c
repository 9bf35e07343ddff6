/* The watch's netlink sockets: notifications, and the batched question. */
#define _GNU_SOURCE /* recvmmsg */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "probe/nl.h"
#include "probe/nlwatch.h"

/* An answer is about 1.1 KiB (a veth on 6.18); the name and the XDP ids come
 * in its first few hundred bytes, so even a cut answer usually tells. */
#define ANSWER_LEN 2048
/* One slot more than questions: a recvmmsg that fills fewer slots than it
 * has emptied the queue, so it needs no second call to learn that. */
#define ANSWER_SLOTS (NLWATCH_MAX_REQ + 1)

struct nlwatch_query {
	struct nl_link_req req[NLWATCH_MAX_REQ];
	struct mmsghdr msgs[ANSWER_SLOTS];
	struct iovec iov[ANSWER_SLOTS];
	char answer[ANSWER_SLOTS][ANSWER_LEN] __attribute__((aligned(8)));
};

/* The notification socket's buffer: NLWATCH_RCVBUF, or as much of it as
 * rmem_max allows without CAP_NET_ADMIN (SO_RCVBUFFORCE needs it). Room for
 * what an interval of link notifications can bring: with 100 veth pairs
 * created and deleted a second (tests/stress/churn.sh), up to 1.1 MB of them
 * waited between two passes of a 1 s interval, and the default (rmem_default,
 * 208 KiB) overflowed nearly every pass (19 ENOBUFS in 20 s: the resync then
 * found every interface, but the deleted ones could only be said "gone").
 * 8 MiB holds several intervals of that; the memory is the kernel's, used
 * only while notifications wait. Lost ones still resync (nlwatch_drain). */
static void notify_rcvbuf(int fd)
{
	int size = NLWATCH_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

int nlwatch_open(struct nlwatch *w)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int err = 0;

	w->q = NULL;
	w->qfd = -1;
	w->query_tried = false;
	w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (w->fd < 0) {
		err = -errno;
	} else if (bind(w->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(w->fd);
		w->fd = -1;
	} else {
		notify_rcvbuf(w->fd);
	}
	return err;
}

int nlwatch_open_query(struct nlwatch *w)
{
	int rcvbuf = 1 << 20; /* 64 answers of ~4 KiB truesize; capped by rmem_max */
	struct nlwatch_query *q;

	w->query_tried = true;
	w->qfd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (w->qfd < 0)
		return -errno;
	(void)setsockopt(w->qfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	q = malloc(sizeof(*q)); /* its pages are touched only as answers come */
	if (!q) {
		close(w->qfd);
		w->qfd = -1;
		return -ENOMEM;
	}
	for (int j = 0; j < ANSWER_SLOTS; j++) {
		q->iov[j].iov_base = q->answer[j];
		q->iov[j].iov_len = ANSWER_LEN;
		memset(&q->msgs[j], 0, sizeof(q->msgs[j]));
		q->msgs[j].msg_hdr.msg_iov = &q->iov[j];
		q->msgs[j].msg_hdr.msg_iovlen = 1;
	}
	w->q = q;
	return 0;
}

void nlwatch_close(struct nlwatch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->qfd >= 0)
		close(w->qfd);
	free(w->q);
	w->q = NULL;
	w->fd = w->qfd = -1;
}

int nlwatch_join_tc(struct nlwatch *w)
{
	int grp = RTNLGRP_TC;

	if (w->fd < 0)
		return -EBADF;
	if (setsockopt(w->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	return 0;
}

bool nlwatch_drain(struct nlwatch *w, nlwatch_fn fn, void *ctx)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool lost = false;

	for (;;) {
		ssize_t got = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (got < 0) {
			if (errno == ENOBUFS)
				lost = true;
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			return lost;
		}
		if (got == 0)
			return lost;
		fn(ctx, buf, (int)got);
	}
}

void *nlwatch_requests(struct nlwatch *w, size_t *size)
{
	if (w->qfd < 0)
		return NULL;
	*size = sizeof(w->q->req);
	return w->q->req;
}

int nlwatch_ask(struct nlwatch *w, size_t len, nlwatch_fn fn, void *ctx)
{
	struct nlwatch_query *q = w->q;

	if (send(w->qfd, q->req, len, 0) < 0)
		return -errno;
	/* the kernel answers inside send(): every answer is queued by now */
	for (;;) {
		int got = recvmmsg(w->qfd, q->msgs, ANSWER_SLOTS, MSG_DONTWAIT, NULL);

		if (got < 0 && (errno == EINTR || errno == ENOBUFS))
			continue; /* ENOBUFS: some answers were dropped; those are checked alone */
		if (got <= 0)
			return 0;
		for (int j = 0; j < got; j++)
			fn(ctx, q->answer[j], (int)q->msgs[j].msg_len);
		if (got < ANSWER_SLOTS)
			return 0;
	}
}
