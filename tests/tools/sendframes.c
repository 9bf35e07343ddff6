/* sendframes [--qdisc] IFACE COUNT [LEN]: send exactly COUNT Ethernet frames
 * of LEN bytes (default 64) out of IFACE through AF_PACKET and print the
 * number sent. --qdisc: through the stack's transmit path (tc egress, the
 * qdisc), so a counter at IFACE's egress sees them; frames the device
 * refused and that were sent again are said on stderr. A test tool for the
 * integration suite, which runs it inside a network namespace of its own
 * (ip netns exec NS sendframes veth1 10000). */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selftest/inject.h"

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned int *v)
{
	unsigned long x;
	char *end;

	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || x < min || x > max)
		return -EINVAL;
	*v = (unsigned int)x;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: sendframes [--qdisc] IFACE COUNT [LEN]\n"
		"  sends exactly COUNT frames of LEN bytes (default 64, >= %d);\n"
		"  --qdisc: through tc egress and the qdisc, not around them\n",
		INJECT_MIN_LEN);
}

int main(int argc, char **argv)
{
	unsigned int count, len = 64, resent = 0;
	bool qdisc = argc > 1 && strcmp(argv[1], "--qdisc") == 0;
	int ifindex, n;

	if (qdisc) {
		argv++;
		argc--;
	}
	if (argc < 3 || argc > 4) {
		usage();
		return 2;
	}
	if (parse_uint(argv[2], 0, INT_MAX, &count) ||
	    (argc == 4 && parse_uint(argv[3], INJECT_MIN_LEN, INJECT_MAX_LEN, &len))) {
		usage();
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "sendframes: no interface %s: %s\n", argv[1],
			strerror(errno));
		return 2;
	}
	n = qdisc ? inject_frames_qdisc(ifindex, count, len, &resent)
		  : inject_frames(ifindex, count, len);
	if (resent)
		fprintf(stderr, "sendframes: %u frames refused by %s and sent again\n", resent,
			argv[1]);
	if (n < 0) {
		fprintf(stderr, "sendframes: sending on %s failed: %s\n",
			argv[1], strerror(-n));
		return 1;
	}
	printf("%d\n", n);
	return (unsigned int)n == count ? 0 : 1;
}
