/* rxcount IFACE: count the frames of sendframes (ethertype INJECT_ETHERTYPE)
 * that reach IFACE's stack, that is, that every XDP program on IFACE passed,
 * through an AF_PACKET socket; "ready" on stdout once bound, and on SIGTERM
 * or SIGINT "frames N odd N even N lost N": all frames, those of an odd and
 * of an even sequence number, and those the socket's queue dropped (then
 * the counts are short, and the exit status is 1). A test tool for the
 * kernel matrix's guests (tests/kernels/guest/neighbour.sh), where the test
 * program drops the odd ones. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/if_packet.h>

#include "selftest/inject.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(INJECT_ETHERTYPE) };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long frames = 0, odd = 0;
	struct tpacket_stats st;
	socklen_t len = sizeof(st);
	int fd, buf = 16 << 20;
	unsigned char f[128];

	if (argc != 2) {
		fprintf(stderr, "usage: rxcount IFACE\n");
		return 2;
	}
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "rxcount: no interface %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(INJECT_ETHERTYPE));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "rxcount: AF_PACKET on %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: recv() returns */
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		ssize_t n = recv(fd, f, sizeof(f), stop ? MSG_DONTWAIT : 0);

		if (n < 0) {
			if (stop && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				break;
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			fprintf(stderr, "rxcount: recv: %s\n", strerror(errno));
			return 2;
		}
		if (n < 18 || f[12] != INJECT_ETHERTYPE >> 8 || f[13] != (INJECT_ETHERTYPE & 0xff))
			continue;
		frames++;
		odd += f[17] & 1; /* the sequence number, big-endian, at 14 */
	}
	memset(&st, 0, sizeof(st));
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	printf("frames %lu odd %lu even %lu lost %u\n", frames, odd, frames - odd, st.tp_drops);
	return st.tp_drops ? 1 : 0;
}
