#include <stdio.h>
#include <time.h>

#include <stdbool.h>
#include <string.h>

#include "report/fmt.h"

/* Scales value by step until it is below step; prefixes[i] names the scale. */
static const char *scaled(char buf[FMT_LEN], double value, double step,
			  const char *const *prefixes, int n, const char *unit)
{
	int i = 0;

	while (value >= step && i < n - 1) {
		value /= step;
		i++;
	}
	if (i == 0)
		snprintf(buf, FMT_LEN, "%.0f %s", value, unit);
	else
		snprintf(buf, FMT_LEN, "%.*f %s%s", value < 10 ? 2 : value < 100 ? 1 : 0,
			 value, prefixes[i], unit);
	return buf;
}

const char *fmt_bytes(char buf[FMT_LEN], uint64_t bytes)
{
	static const char *const iec[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };

	return scaled(buf, (double)bytes, 1024.0, iec, 7, "B");
}

const char *fmt_rate(char buf[FMT_LEN], double value, const char *unit)
{
	static const char *const si[] = { "", "k", "M", "G", "T", "P" };

	if (value < 0)
		value = 0;
	return scaled(buf, value, 1000.0, si, 6, unit);
}

size_t fmt_utf8_len(const unsigned char *p)
{
	unsigned int cp;
	size_t n;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

const char *fmt_name(char *buf, size_t len, const char *name)
{
	size_t o = 0;

	if (!len)
		return buf;
	for (const unsigned char *p = (const unsigned char *)name; *p && o + 5 < len;) {
		size_t n = *p >= 0x80 ? fmt_utf8_len(p) : 0;
		/* C1 controls (U+0080-U+009F) are 0xc2 0x80-0x9f in UTF-8 */
		bool c1 = n == 2 && p[0] == 0xc2 && p[1] < 0xa0;

		if (*p == '\\') {
			buf[o++] = '\\', buf[o++] = '\\';
			p++;
		} else if (*p >= 0x20 && *p < 0x7f) {
			buf[o++] = (char)*p++;
		} else if (n && !c1) {
			memcpy(buf + o, p, n);
			o += n, p += n;
		} else {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", *p++);
		}
	}
	buf[o] = '\0';
	return buf;
}

/* Columns of the first n bytes of s. */
static int cols(const char *s, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n && s[i]; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

void fmt_wrap(FILE *f, const char *lead, int indent, const char *text)
{
	int col = cols(lead, strlen(lead));
	bool first = true; /* the first word follows the lead directly */

	fputs(lead, f);
	while (*text) {
		size_t word;
		int w;

		while (*text == ' ')
			text++;
		word = strcspn(text, " ");
		if (!word)
			break;
		w = cols(text, word);
		if (!first && col + 1 + w > FMT_WIDTH && col > indent) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', f);
			col++;
		} else if (col + w > FMT_WIDTH && col > indent) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		}
		fwrite(text, 1, word, f);
		col += w;
		text += word;
		first = false;
	}
	fputc('\n', f);
}

const char *fmt_rfc3339(char buf[FMT_LEN], double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(buf, FMT_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}
