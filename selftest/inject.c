/* Exact frame injection through AF_PACKET. */
#include "selftest/inject.h"
#include "probe/clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_packet.h>

#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS 20
#endif

/* How long a full queue may stall us before we give up. */
#define INJECT_STALL_NS (5ULL * 1000000000ULL)
#define INJECT_BACKOFF_NS 100000L /* 100 us between retries of one frame */

static const uint8_t inject_dst[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
/* Locally administered unicast: "\x02" "xdpct" */
static const uint8_t inject_src[6] = { 0x02, 'x', 'd', 'p', 'c', 't' };

int inject_frame_build(uint8_t *buf, size_t len, uint32_t seq)
{
	uint16_t type = htons(INJECT_ETHERTYPE);
	uint32_t nseq = htonl(seq);
	size_t i;

	if (!buf || len < INJECT_MIN_LEN || len > INJECT_MAX_LEN)
		return -EINVAL;
	memcpy(buf, inject_dst, 6);
	memcpy(buf + 6, inject_src, 6);
	memcpy(buf + 12, &type, 2);
	memcpy(buf + 14, &nseq, 4);
	for (i = 18; i < len; i++)
		buf[i] = (uint8_t)i;
	return 0;
}

static int inject_socket(int ifindex, bool qdisc)
{
	/* Protocol 0: this socket sends but never receives. */
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = 0,
		.sll_ifindex = ifindex,
	};
	int one = 1, fd, err;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	/* 3.14+; without it the frames take the qdisc path, which is fine. */
	if (!qdisc)
		setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return fd;
}

static int inject(int ifindex, unsigned int n, unsigned int frame_len, bool qdisc,
		  unsigned int *resent)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(INJECT_ETHERTYPE),
		.sll_ifindex = ifindex,
		.sll_halen = 6,
	};
	struct timespec backoff = { 0, INJECT_BACKOFF_NS };
	uint8_t *frame = NULL;
	unsigned int sent = 0;
	uint64_t last_progress;
	ssize_t w;
	int fd = -1, err;

	if (ifindex <= 0 || n > INT_MAX || frame_len < INJECT_MIN_LEN ||
	    frame_len > INJECT_MAX_LEN)
		return -EINVAL;
	memcpy(to.sll_addr, inject_dst, 6);
	frame = malloc(frame_len);
	if (!frame) {
		err = -ENOMEM;
		goto out;
	}
	fd = inject_socket(ifindex, qdisc);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	last_progress = mono_now_ns();
	while (sent < n) {
		inject_frame_build(frame, frame_len, sent);
		w = sendto(fd, frame, frame_len, 0, (struct sockaddr *)&to,
			   sizeof(to));
		if (w == (ssize_t)frame_len) {
			sent++;
			last_progress = mono_now_ns();
			continue;
		}
		if (w >= 0) {
			err = -EIO; /* a short write would break exact counts */
			goto out;
		}
		if (errno == EINTR)
			continue;
		if (errno != ENOBUFS && errno != EAGAIN) {
			err = -errno;
			goto out;
		}
		/* The frame was not delivered: wait a moment, send it again. */
		if (resent)
			(*resent)++;
		if (mono_now_ns() - last_progress > INJECT_STALL_NS) {
			err = -ETIMEDOUT;
			goto out;
		}
		nanosleep(&backoff, NULL);
	}
	err = (int)sent;
out:
	if (fd >= 0)
		close(fd);
	free(frame);
	return err;
}

int inject_frames(int ifindex, unsigned int n, unsigned int frame_len)
{
	return inject(ifindex, n, frame_len, false, NULL);
}

int inject_frames_qdisc(int ifindex, unsigned int n, unsigned int frame_len,
			unsigned int *resent)
{
	return inject(ifindex, n, frame_len, true, resent);
}
