/* libFuzzer: /proc/net/route, for the default-route interface. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), name[IF_NAMESIZE];

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (route_default_iface_parse(buf, name) == 0 && strlen(name) >= IF_NAMESIZE)
		abort();
	free(buf);
	return 0;
}
