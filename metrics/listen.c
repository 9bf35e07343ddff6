#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"

static int parse_port(const char *s, unsigned int *port)
{
	char *end;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return -EINVAL;
	*port = (unsigned int)v;
	return 0;
}

int metrics_parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
			 int *inherited_fd)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	const char *colon, *port_s;
	char host[INET6_ADDRSTRLEN + 2];
	unsigned int port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	*len = 0;
	*inherited_fd = -1;
	if (!spec || !*spec)
		return -EINVAL;
	if (!strncmp(spec, "fd://", 5)) {
		char *end;
		long fd;

		errno = 0;
		fd = strtol(spec + 5, &end, 10);
		if (errno || end == spec + 5 || *end || fd < 0 || fd > 65535)
			return -EINVAL;
		*inherited_fd = (int)fd;
		return 0;
	}
	if (spec[0] == '[') { /* [IPv6]:PORT */
		const char *close = strchr(spec, ']');

		if (!close || close[1] != ':')
			return -EINVAL;
		hl = (size_t)(close - spec - 1);
		if (hl == 0 || hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, spec + 1, hl);
		host[hl] = '\0';
		if (parse_port(close + 2, &port) || inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return -EINVAL;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*in6);
		return 0;
	}
	colon = strrchr(spec, ':');
	port_s = colon ? colon + 1 : spec;
	if (parse_port(port_s, &port))
		return -EINVAL;
	in4->sin_family = AF_INET;
	in4->sin_port = htons((uint16_t)port);
	*len = sizeof(*in4);
	if (!colon) {
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return 0;
	}
	hl = (size_t)(colon - spec);
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
		return -EINVAL;
	return 0;
}
