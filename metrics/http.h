/* The HTTP/1.x request parser of the /metrics listener: a pure function over
 * the bytes received so far (no I/O, no allocation), so that unit tests and a
 * fuzzer can call it directly. */
#ifndef XDPCOUNT_HTTP_H
#define XDPCOUNT_HTTP_H

#include <stddef.h>

#define HTTP_MAX_LINE 1024    /* request line, CRLF included */
#define HTTP_MAX_REQUEST 8192 /* request line and all headers */
#define HTTP_MAX_HEADERS 64

#define HTTP_NEED_MORE 0      /* no verdict yet: read more bytes */

enum http_method { HTTP_GET = 1, HTTP_HEAD, HTTP_OTHER };

struct http_request {
	enum http_method method;
	const char *path;   /* into the caller's buffer; not NUL-terminated */
	size_t path_len;    /* the target without its query string */
	size_t consumed;    /* bytes up to and including the blank line */
};

/* Parses buf[0..len). Returns HTTP_NEED_MORE while the request may still be
 * valid and is incomplete; otherwise the status to answer with: 200 (a GET or
 * HEAD of /metrics), 400 (malformed), 404 (another path), 405 (another
 * method), 414 (request line over HTTP_MAX_LINE), 431 (headers over
 * HTTP_MAX_REQUEST or HTTP_MAX_HEADERS), 505 (not HTTP/1.0 or 1.1). req is
 * filled as far as the request was understood. */
int http_request_parse(const char *buf, size_t len, struct http_request *req);
/* The reason phrase of a status this parser returns. */
const char *http_status_text(int status);

#endif
