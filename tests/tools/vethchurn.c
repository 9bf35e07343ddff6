/* vethchurn [--peer-netns PATH] [--short PCT:MIN_MS:MAX_MS] PREFIX RATE SECONDS
 *           MIN_MS MAX_MS
 * Creates RATE veth pairs a second for SECONDS (PREFIX0, PREFIX1, ... here,
 * up; their peers pPREFIX0, ..., down, in the namespace of PATH when given)
 * and deletes each after a lifetime drawn evenly from
 * [MIN_MS, MAX_MS] (PCT percent of them from the --short range instead),
 * then waits for the last deletion. --batch MS: deletions come every MS ms,
 * each one request for all the pairs due then (their interface group: the
 * kernel unregisters them together, as it does a deleted namespace's, where
 * one deletion each costs it about 20 ms of waiting here). One rtnetlink socket, each request
 * waited for (its ACK), on a schedule: the k-th pair is due at k / RATE
 * seconds, so a generator slowed down by the kernel (rtnl) catches up rather
 * than drifting; how far behind it fell is said at the end.
 *
 * Prints one line per pair when it is deleted, for the churn stress test:
 *   NAME IFINDEX CREATED DELETED
 * CREATED is when the kernel acknowledged the creation and DELETED when the
 * deletion was asked for (CLOCK_REALTIME seconds, as bash's EPOCHREALTIME):
 * the interface existed at least from CREATED to DELETED. A pair that could
 * not be created is said on stderr. The summary goes to stderr. A test tool
 * (tests/stress/churn.sh); run it in a network namespace of the test's own. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "probe/nl.h"
#include "selftest/netlink.h"

#define MAX_LIVE 4096

struct pair {
	char name[IF_NAMESIZE];
	int ifindex;
	unsigned int group;  /* --batch: the tick it is deleted at, + 1 */
	double created, due; /* realtime; monotonic */
};

static struct pair live[MAX_LIVE];
static int n_live;
static int nl_fd = -1;
static unsigned int seq;
static uint64_t rng = 0x2545f4914f6cdd1dULL;

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double rnd(void) /* [0, 1): xorshift64, the same draws every run */
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / (double)(1ULL << 53);
}

/* Sends m and waits for its ACK: 0 or the kernel's -errno. */
static int talk(struct nl_msg *m)
{
	struct nl_answer a = { 0 };

	m->nh.nlmsg_seq = ++seq;
	return nl_msg_send(nl_fd, m, &a);
}

static int create(const char *name, const char *peer, int peer_ns, unsigned int group)
{
	struct ifinfomsg *ifi;
	struct nl_msg m;

	ifi = veth_msg(&m, name, peer, peer_ns);
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	if (group)
		nl_msg_attr(&m, IFLA_GROUP, &group, sizeof(group));
	return talk(&m);
}

/* Deletes p, or with group every interface of its group. */
static int delete(const struct pair *p)
{
	struct ifinfomsg *ifi;
	struct nl_msg m;

	ifi = nl_msg_init(&m, RTM_DELLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (p->group)
		nl_msg_attr(&m, IFLA_GROUP, &p->group, sizeof(p->group));
	else
		nl_msg_attr_str(&m, IFLA_IFNAME, p->name);
	return talk(&m);
}

static int parse_ms(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || end == s || *end || s[0] == '-' ? -EINVAL : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: vethchurn [--peer-netns PATH] [--short PCT:MIN_MS:MAX_MS] "
		"[--batch MS] PREFIX RATE SECONDS MIN_MS MAX_MS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long rate, secs, lo, hi, s_pct = 0, s_lo = 0, s_hi = 0, batch = 0;
	int peer_ns = -1, made = 0, failed = 0, del_failed = 0;
	double t0, end, behind = 0, busy[2] = { 0, 0 }, op_max = 0;
	int ops[2] = { 0, 0 };
	const char *prefix;
	unsigned long k = 0;

	while (argc > 1 && strncmp(argv[1], "--", 2) == 0) {
		if (argc > 2 && strcmp(argv[1], "--peer-netns") == 0) {
			peer_ns = open(argv[2], O_RDONLY | O_CLOEXEC);
			if (peer_ns < 0) {
				perror(argv[2]);
				return 1;
			}
		} else if (argc > 2 && strcmp(argv[1], "--batch") == 0) {
			if (parse_ms(argv[2], &batch))
				usage();
		} else if (argc > 2 && strcmp(argv[1], "--short") == 0) {
			if (sscanf(argv[2], "%lu:%lu:%lu", &s_pct, &s_lo, &s_hi) != 3 ||
			    s_pct > 100 || s_lo > s_hi)
				usage();
		} else {
			usage();
		}
		argc -= 2, argv += 2;
	}
	if (argc != 6 || parse_ms(argv[2], &rate) || parse_ms(argv[3], &secs) ||
	    parse_ms(argv[4], &lo) || parse_ms(argv[5], &hi) || !rate || lo > hi ||
	    strlen(argv[1]) > 8)
		usage();
	prefix = argv[1];
	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl_fd < 0) {
		perror("socket");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	t0 = now(CLOCK_MONOTONIC);
	end = t0 + (double)secs;
	for (;;) {
		double t = now(CLOCK_MONOTONIC), next_create = t0 + (double)k / (double)rate;
		double next = next_create < end ? next_create : 1e300, op;
		int first = -1, err;
		bool deleting;

		for (int i = 0; i < n_live; i++)
			if (first < 0 || live[i].due < live[first].due)
				first = i;
		if (first >= 0 && live[first].due < next)
			next = live[first].due;
		if (next == 1e300)
			break; /* nothing more to create, none left to delete */
		if (next > t) {
			struct timespec ts = { (time_t)(next - t),
					       (long)((next - t - (double)(time_t)(next - t)) * 1e9) };

			nanosleep(&ts, NULL);
			continue;
		}
		if (t - next > behind)
			behind = t - next;
		deleting = first >= 0 && live[first].due == next;
		if (deleting) {
			struct pair due = live[first];
			double del = now(CLOCK_REALTIME);

			err = delete(&due);
			op = now(CLOCK_MONOTONIC) - t;
			for (int i = n_live - 1; i >= 0; i--) { /* it, or its whole group */
				struct pair *p = &live[i];

				if (due.group ? p->group != due.group : i != first)
					continue;
				if (err) {
					if (++del_failed <= 3)
						fprintf(stderr, "vethchurn: deleting %s: %s\n", p->name,
							strerror(-err));
				} else {
					printf("%s %d %.6f %.6f\n", p->name, p->ifindex, p->created, del);
				}
				*p = live[--n_live];
			}
		} else { /* a creation is due */
			struct pair *p = &live[n_live];
			char peer[IF_NAMESIZE];
			unsigned long ms;

			k++;
			if (n_live >= MAX_LIVE) {
				failed++;
				continue;
			}
			snprintf(p->name, sizeof(p->name), "%s%lu", prefix, k - 1);
			snprintf(peer, sizeof(peer), "p%s%lu", prefix, k - 1);
			if (s_pct && rnd() * 100 < (double)s_pct)
				ms = s_lo + (unsigned long)(rnd() * (double)(s_hi - s_lo + 1));
			else
				ms = lo + (unsigned long)(rnd() * (double)(hi - lo + 1));
			p->group = 0;
			if (batch) { /* the first tick at least ms after now */
				double tick = ceil((t + (double)ms / 1000 - t0) * 1000 / (double)batch);

				p->group = (unsigned int)tick + 1;
			}
			err = create(p->name, peer, peer_ns, p->group);
			op = now(CLOCK_MONOTONIC) - t;
			if (err) {
				if (++failed <= 3) /* the first few */
					fprintf(stderr, "vethchurn: creating %s: %s\n", p->name,
						strerror(-err));
				continue;
			}
			p->created = now(CLOCK_REALTIME);
			p->ifindex = (int)if_nametoindex(p->name);
			if (batch)
				p->due = t0 + (double)(p->group - 1) * (double)batch / 1000;
			else
				p->due = now(CLOCK_MONOTONIC) + (double)ms / 1000;
			n_live++;
			made++;
		}
		busy[!deleting] += op;
		ops[!deleting]++;
		if (op > op_max)
			op_max = op;
	}
	fprintf(stderr, "vethchurn: %d pairs created (%d failed, %d deletions failed) in %.1f s; "
		"rtnetlink: %d deletions in %.1f s, %d creations in %.1f s (longest request %.0f ms); "
		"at most %.0f ms behind schedule\n", made, failed, del_failed,
		now(CLOCK_MONOTONIC) - t0, ops[0], busy[0], ops[1], busy[1], op_max * 1000,
		behind * 1000);
	return failed || del_failed;
}
