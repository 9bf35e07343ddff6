/* libFuzzer: the option parser of every command, on NUL-separated words. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/errors.h"
#include "cli/opts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int masks[] = { CMD_RUN, CMD_CHECK, CMD_OBJECTS, CMD_DETACH };
	char *buf = malloc(size + 1), *argv[66];
	int argc = 1;
	struct opts o;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "xdpcount";
	for (char *p = buf; p < buf + size && argc < 64; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		char *copy[66];

		memcpy(copy, argv, sizeof(copy)); /* getopt permutes argv */
		failure_clear();
		if (opts_parse(argc, copy, masks[i], &o) == 0)
			for (int k = 0; k < o.n_ifaces; k++)
				(void)strlen(o.ifaces[k]);
	}
	failure_clear();
	free(buf);
	return 0;
}
