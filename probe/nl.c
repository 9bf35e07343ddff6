#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include "probe/nl.h"

#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif

/* Copies the NLMSGERR_ATTR_MSG of an error message into a->extack. */
static void keep_extack(const struct nl_answer *a, const struct nlmsghdr *nh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	const char *end = (const char *)nh + nh->nlmsg_len;
	const char *p = (const char *)e + sizeof(*e);
	const struct nlattr *at;

	if (!a->extack || !(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		p += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	while (p + NLA_HDRLEN <= end) {
		at = (const struct nlattr *)p;
		if (at->nla_len < NLA_HDRLEN || p + at->nla_len > end)
			break;
		if ((at->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(a->extack, a->extack_len, "%.*s", (int)(at->nla_len - NLA_HDRLEN),
				 p + NLA_HDRLEN);
			return;
		}
		p += NLA_ALIGN(at->nla_len);
	}
}

int nl_parse(struct nl_answer *a, const void *buf, int len, unsigned int seq, int *result)
{
	for (const struct nlmsghdr *nh = buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_seq != seq)
			continue;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
				*result = -EIO;
			} else {
				*result = e->error ? e->error : a->fn_err;
				if (e->error)
					keep_extack(a, nh);
			}
			return 1;
		}
		if (nh->nlmsg_type == NLMSG_DONE) {
			*result = a->fn_err;
			return 1;
		}
		if (a->fn && !a->fn_err) {
			int err = a->fn(a->ctx, nh);

			if (err && !a->fn_err)
				a->fn_err = err;
		}
	}
	return 0;
}

int nl_wait(int fd, unsigned int seq, struct nl_answer *a)
{
	union {
		struct nlmsghdr nh;
		char buf[16384];
	} ans;
	int result = 0;

	if (a->extack && a->extack_len)
		a->extack[0] = '\0';
	a->fn_err = 0;
	for (;;) {
		ssize_t n = recv(fd, ans.buf, sizeof(ans.buf), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		if (nl_parse(a, ans.buf, (int)n, seq, &result))
			return result;
	}
}
