/* libFuzzer: kernel release strings and /proc/version_signature. The input
 * is "RELEASE\0SIGNATURE" (no NUL: no signature). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	unsigned int maj, min, patch;
	const char *sig = NULL;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (strlen(buf) < size)
		sig = buf + strlen(buf) + 1;
	kver_parse(buf, sig, &maj, &min, &patch);
	free(buf);
	return 0;
}
