/* libFuzzer: the /metrics listener's HTTP request parser (metrics/http.c), fed
 * the bytes a client sent so far. It must answer with a known status and, for
 * a complete request, say how much of the input it was. */
#include <stdint.h>
#include <stdlib.h>

#include "metrics/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req;
	int st = http_request_parse((const char *)data, size, &req);

	switch (st) {
	case HTTP_NEED_MORE: case 400: case 414: case 431: case 505:
		break;
	case 200: case 404: case 405:
		if (req.consumed == 0 || req.consumed > size || !req.path ||
		    req.path < (const char *)data || req.path + req.path_len > (const char *)data + size)
			abort();
		break;
	default:
		abort();
	}
	return 0;
}
