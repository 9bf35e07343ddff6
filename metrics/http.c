#include <string.h>

#include "metrics/http.h"

/* RFC 9110 token characters. */
static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A request-target character (origin-form): visible ASCII. */
static int is_target(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

/* Finds the end of the line starting at p: returns the length up to (not
 * including) the LF, or -1 when there is none before end. */
static long line_len(const char *p, const char *end)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	return lf ? lf - p : -1;
}

static int parse_request_line(const char *p, size_t n, struct http_request *req)
{
	size_t i = 0, m, t;

	if (n && p[n - 1] == '\r')
		n--;
	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ' ')
		return 400;
	m = i;
	if (m == 3 && !memcmp(p, "GET", 3))
		req->method = HTTP_GET;
	else if (m == 4 && !memcmp(p, "HEAD", 4))
		req->method = HTTP_HEAD;
	else
		req->method = HTTP_OTHER;
	t = ++i;
	while (i < n && is_target((unsigned char)p[i]))
		i++;
	if (i == t || i >= n || p[i] != ' ' || (p[t] != '/' && p[t] != '*'))
		return 400;
	req->path = p + t;
	req->path_len = i - t;
	for (size_t q = 0; q < req->path_len; q++)
		if (req->path[q] == '?' || req->path[q] == '#') {
			req->path_len = q;
			break;
		}
	i++;
	if (n - i != 8 || memcmp(p + i, "HTTP/", 5) || p[i + 5] < '0' || p[i + 5] > '9' ||
	    p[i + 6] != '.' || p[i + 7] < '0' || p[i + 7] > '9')
		return 400;
	if (p[i + 5] != '1' || (p[i + 7] != '0' && p[i + 7] != '1'))
		return 505;
	return 0;
}

/* One header field line (without its line end): name ":" value, with no
 * whitespace before the colon and no obsolete line folding. */
static int parse_header(const char *p, size_t n)
{
	size_t i = 0;

	if (n && p[n - 1] == '\r')
		n--;
	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ':')
		return 400;
	for (i++; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 400;
	}
	return 0;
}

int http_request_parse(const char *buf, size_t len, struct http_request *req)
{
	const char *p = buf, *end = buf + len;
	unsigned int headers = 0;
	long n;
	int st;

	memset(req, 0, sizeof(*req));
	if (len && memchr(buf, '\0', len))
		return 400;
	n = line_len(p, end);
	if (n < 0) {
		/* no complete line yet: reject early what can never become one */
		if (len >= HTTP_MAX_LINE)
			return 414;
		for (size_t i = 0; i < len && buf[i] != ' '; i++)
			if (!is_tchar((unsigned char)buf[i]))
				return 400;
		return HTTP_NEED_MORE;
	}
	if ((size_t)n + 1 > HTTP_MAX_LINE)
		return 414;
	st = parse_request_line(p, (size_t)n, req);
	if (st)
		return st;
	p += n + 1;
	for (;;) {
		n = line_len(p, end);
		if (n < 0)
			return len >= HTTP_MAX_REQUEST ? 431 : HTTP_NEED_MORE;
		if ((size_t)(p + n + 1 - buf) > HTTP_MAX_REQUEST)
			return 431;
		if (n == 0 || (n == 1 && p[0] == '\r'))
			break; /* the blank line: the request is complete */
		if (p[0] == ' ' || p[0] == '\t')
			return 400; /* obsolete line folding */
		if (++headers > HTTP_MAX_HEADERS)
			return 431;
		st = parse_header(p, (size_t)n);
		if (st)
			return st;
		p += n + 1;
	}
	req->consumed = (size_t)(p + n + 1 - buf);
	if (req->method == HTTP_OTHER)
		return 405;
	if (req->path_len != 8 || memcmp(req->path, "/metrics", 8))
		return 404;
	return 200;
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}
