/* selftest/inject: send an exact number of Ethernet frames out of one
 * interface through an AF_PACKET socket, so a counter on the peer can be
 * checked to the frame. */
#ifndef XDPCOUNT_SELFTEST_INJECT_H
#define XDPCOUNT_SELFTEST_INJECT_H

#include <stddef.h>
#include <stdint.h>

/* IEEE 802 local experimental ethertype: no protocol handler takes it. */
#define INJECT_ETHERTYPE 0x88B5
#define INJECT_MIN_LEN 60     /* ETH_ZLEN: Ethernet minimum without FCS */
#define INJECT_MAX_LEN 65535

/* Fills buf (len bytes) with the frame number seq: broadcast destination, a
 * locally administered source, INJECT_ETHERTYPE, then the sequence number and
 * a fixed pattern. Returns 0 or -EINVAL if len is out of range. */
int inject_frame_build(uint8_t *buf, size_t len, uint32_t seq);

/* Sends exactly n frames of exactly frame_len bytes (>= INJECT_MIN_LEN) out of
 * ifindex, retrying on ENOBUFS/EAGAIN (a full queue on the way drops nothing
 * silently: the sender is told, and sends that frame again). Gives up with
 * -ETIMEDOUT after a few seconds without progress. Returns n or -errno. */
int inject_frames(int ifindex, unsigned int n, unsigned int frame_len);
/* The same through the transmit path of the stack (dev_queue_xmit: tc
 * egress, then the qdisc) rather than straight to the driver
 * (PACKET_QDISC_BYPASS), so a counter at tc egress of ifindex sees them. A
 * frame the device then refuses (ENOBUFS) was seen there and is sent
 * again: *resent (if not NULL) counts those. */
int inject_frames_qdisc(int ifindex, unsigned int n, unsigned int frame_len,
			unsigned int *resent);

#endif
