/* The plan's reasons (plan/reason.h): the bounded writer, the collector per
 * verdict (plan/internal.h) and the errno names they quote. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan/internal.h"
#include "plan/reason.h"

bool reason_cut(const char *buf)
{
	size_t n = strlen(buf), m = sizeof(REASON_CUT) - 1;

	return n >= m && !memcmp(buf + n - m, REASON_CUT, m);
}

/* Ends buf's reason with REASON_CUT in its last bytes, not inside a UTF-8
 * character (the bytes after a lead byte are 10xxxxxx). */
static void end_cut(char *buf, size_t len)
{
	size_t at;

	if (len < sizeof(REASON_CUT)) {
		buf[0] = '\0'; /* no room even for the mark: say nothing rather than half */
		return;
	}
	at = len - sizeof(REASON_CUT);
	while (at > 0 && ((unsigned char)buf[at] & 0xc0) == 0x80)
		at--;
	memcpy(buf + at, REASON_CUT, sizeof(REASON_CUT));
}

static void put(char *buf, size_t len, size_t at, const char *fmt, va_list ap)
{
	int n;

	if (!len)
		return;
	n = vsnprintf(buf + at, len - at, fmt, ap);
	if (n < 0 || (size_t)n >= len - at)
		end_cut(buf, len);
}

void reason_vset(char *buf, size_t len, const char *fmt, va_list ap)
{
	put(buf, len, 0, fmt, ap);
}

void reason_set(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put(buf, len, 0, fmt, ap);
	va_end(ap);
}

void reason_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t at = strnlen(buf, len);
	va_list ap;

	if (at >= len) {
		end_cut(buf, len); /* not a string: at least end it visibly */
		return;
	}
	if (reason_cut(buf))
		return;
	va_start(ap, fmt);
	put(buf, len, at, fmt, ap);
	va_end(ap);
}

void acc_add(struct verdict_acc *acc, enum verdict v, const char *fmt, ...)
{
	va_list ap;

	if (acc->n[v] >= PLAN_ACC_MAX) {
		acc->dropped[v]++;
		return;
	}
	va_start(ap, fmt);
	reason_vset(acc->r[v][acc->n[v]++], PLAN_REASON_LEN, fmt, ap);
	va_end(ap);
}

const char *plan_errno_name(int err, char *buf, size_t len)
{
	const char *name = enum_find(errno_names, -err);

	if (!err || err == -ECANCELED) /* ECANCELED: a probe left out (PROBE_SKIP_*) */
		return "not probed";
	if (name)
		return name;
	snprintf(buf, len, "errno %d", -err);
	return buf;
}
