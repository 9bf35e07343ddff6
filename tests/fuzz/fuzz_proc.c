/* libFuzzer: the /proc texts we parse: /proc/PID/stat (the start time of a
 * pin's holder) and /proc/self/uid_map (a nested user namespace). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/pin.h"
#include "probe/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	unsigned long long t;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	pin_parse_stat_start(buf, &t);
	probe_uid_map_nested(buf);
	free(buf);
	return 0;
}
