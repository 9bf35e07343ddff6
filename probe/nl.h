/* The one netlink answer loop, for every request xdpcount sends (the genl
 * family probe, the tc dumps, the selftest's rtnetlink requests). */
#ifndef XDPCOUNT_NL_H
#define XDPCOUNT_NL_H

#include <stddef.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

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

/* Sends one request of len bytes (nlmsg_seq set, NLM_F_ACK or NLM_F_DUMP in
 * it) on a new socket of this netlink protocol and reads the answer
 * (nl_wait); with a->extack, asks for the kernel's message (extended,
 * capped ACKs). Never hangs: 2 s at most. The one way xdpcount sends a
 * netlink request (the watch's sockets are probe/nlwatch.h's). */
int nl_request(int protocol, void *req, size_t len, struct nl_answer *a);

/* One request under construction: the header, the family's header, then
 * attributes (nested ones too). A request that did not fit, or with a nest
 * left open, is never sent (nl_msg_request: -EMSGSIZE). */
#define NL_MSG_LEN 1024
#define NL_MSG_MAX_NEST 4
struct nl_msg {
	union {
		struct nlmsghdr nh;
		char buf[NL_MSG_LEN];
	};
	unsigned int nest[NL_MSG_MAX_NEST]; /* offsets of open nested attributes */
	unsigned int depth;
	int overflow;
};
/* Starts a request of type (flags | NLM_F_REQUEST | NLM_F_ACK, sequence 1)
 * whose family header (struct ifinfomsg, rtgenmsg, genlmsghdr) is hdr_len
 * bytes, zeroed; returns that header. */
void *nl_msg_init(struct nl_msg *m, __u16 type, __u16 flags, size_t hdr_len);
/* Appends len bytes (data, or zeroes for NULL) at the next aligned offset:
 * where they went, NULL when they do not fit. */
void *nl_msg_put(struct nl_msg *m, const void *data, unsigned int len);
/* Appends one attribute: type and len bytes of data; a string with its NUL. */
void nl_msg_attr(struct nl_msg *m, unsigned short type, const void *data, unsigned int len);
void nl_msg_attr_str(struct nl_msg *m, unsigned short type, const char *s);
/* Opens and closes a nested attribute (NLA_F_NESTED). */
void nl_msg_nest_begin(struct nl_msg *m, unsigned short type);
void nl_msg_nest_end(struct nl_msg *m);
/* nl_request() of m. */
int nl_msg_request(int protocol, struct nl_msg *m, struct nl_answer *a);
/* Sends m on fd, an open socket of the caller's (m's sequence set by the
 * caller), and waits for its answer (nl_wait). -EMSGSIZE, unsent, for a
 * request that did not fit or has a nest left open. */
int nl_msg_send(int fd, struct nl_msg *m, struct nl_answer *a);

/* The XDP program ids in an IFLA_XDP nest (RTM_NEWLINK), per mode; 0 for
 * none. Kernels before 4.19 name one program and its mode
 * (IFLA_XDP_PROG_ID, IFLA_XDP_ATTACHED): it is filed under that mode. */
struct nl_xdp_ids {
	__u32 drv, skb, hw;
};
void nl_xdp_ids(const struct rtattr *nest, struct nl_xdp_ids *ids);
/* RTM_GETLINK for one ifindex, without the statistics (older kernels ignore
 * the mask). */
struct nl_link_req {
	struct nlmsghdr h;
	struct ifinfomsg ifi;
	struct rtattr a;
	__u32 ext_mask;
};
void nl_link_req(struct nl_link_req *r, int ifindex, __u32 seq, __u16 flags);
/* The XDP programs on ifindex, per mode: one RTM_GETLINK for this ifindex
 * (not a dump of every interface, as bpf_xdp_query does), without the
 * statistics. 0 or -errno (-ENODEV: no such interface here). */
int nl_link_xdp_ids(int ifindex, struct nl_xdp_ids *ids);

#endif
