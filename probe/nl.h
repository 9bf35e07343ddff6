/* The one netlink answer loop, for every request xdpcount sends (the genl
 * family probe, the tc dumps, the selftest's rtnetlink requests). */
#ifndef XDPCOUNT_NL_H
#define XDPCOUNT_NL_H

#include <stddef.h>
#include <linux/netlink.h>

/* Called for each message of our sequence number that is neither the
 * NLMSG_ERROR (ACK or error) nor NLMSG_DONE. Returns 0 or -errno; after the
 * first -errno fn is not called again, and the loop reads on to the end of
 * the answer. */
typedef int (*nl_msg_fn)(void *ctx, const struct nlmsghdr *nh);

struct nl_answer {
	nl_msg_fn fn;      /* may be NULL */
	void *ctx;
	char *extack;      /* receives the kernel's NLMSGERR_ATTR_MSG; may be NULL */
	size_t extack_len;
	int fn_err;        /* the first -errno fn returned */
};

/* Parses one buffer of len bytes: 1 when it held the end of the answer for
 * seq (the NLMSG_ERROR or NLMSG_DONE), with *result 0, the kernel's -errno,
 * or -EIO for a short error message; 0 when more is to come. */
int nl_parse(struct nl_answer *a, const void *buf, int len, unsigned int seq, int *result);

/* Reads the answer to seq from fd until its end. Returns the kernel's -errno
 * (from the NLMSG_ERROR), else fn's first -errno, else 0; -errno of recv
 * (-EAGAIN after SO_RCVTIMEO), or -EIO if the socket closed. */
int nl_wait(int fd, unsigned int seq, struct nl_answer *a);

#endif
