/* plan/reason.c: the one writer of the plan's reasons. A reason is a
 * NUL-terminated string in a fixed buffer (PLAN_REASON_LEN, or a smaller one
 * a part is built in); what does not fit is never cut silently: the reason
 * then ends with REASON_CUT where the rest would have been, on a whole UTF-8
 * character. Pure, like the rest of the plan. */
#ifndef XDPCOUNT_PLAN_REASON_H
#define XDPCOUNT_PLAN_REASON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define REASON_CUT "\u2026" /* …, three bytes in UTF-8 */

/* buf (len bytes) becomes the formatted reason. */
void reason_set(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void reason_vset(char *buf, size_t len, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Appends to the reason in buf; nothing once it was cut. */
void reason_cat(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Did the reason in buf not fit (does it end with REASON_CUT)? */
bool reason_cut(const char *buf);

/* -EPERM -> "EPERM", ... or "errno N" (in buf); "not probed" for 0. */
const char *plan_errno_name(int err, char *buf, size_t len);

#endif
