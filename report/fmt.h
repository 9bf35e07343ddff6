/* The one formatter for sizes and rates in human output. */
#ifndef XDPCOUNT_FMT_H
#define XDPCOUNT_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FMT_LEN 32

/* 1536 -> "1.5 KiB" (IEC, for byte totals) */
const char *fmt_bytes(char buf[FMT_LEN], uint64_t bytes);
/* 1234567, "pps" -> "1.23 Mpps"; 9600, "bit/s" -> "9.60 kbit/s" (SI, for rates) */
const char *fmt_rate(char buf[FMT_LEN], double value, const char *unit);

/* Unix seconds t -> "2026-12-03T08:17:33Z" (RFC 3339, UTC, whole seconds) */
const char *fmt_rfc3339(char buf[FMT_LEN], double t);

/* The length (2-4) of the well-formed UTF-8 sequence at p, or 0 when the
 * byte at p does not start one (no overlongs, surrogates or > U+10FFFF). */
size_t fmt_utf8_len(const unsigned char *p);
/* NAME_ESC_LEN holds any interface name (15 bytes) escaped. */
#define FMT_NAME_LEN 64
/* A name safe for a terminal: control bytes (C0, DEL, C1) and bytes that are
 * not UTF-8 become \xNN, and a backslash becomes \\; the rest is kept. */
const char *fmt_name(char *buf, size_t len, const char *name);
/* fmt_name into a buffer that lasts to the end of the enclosing block. */
#define FMT_NAME(n) fmt_name((char[FMT_NAME_LEN]){ 0 }, FMT_NAME_LEN, (n))

/* Human output fits a terminal of this many columns. */
#define FMT_WIDTH 80
/* Writes lead, then text broken at spaces so that no line is wider than
 * FMT_WIDTH columns (a word longer than a line stands alone), each further
 * line indented by indent spaces; ends with a newline. Columns are
 * characters: UTF-8 continuation bytes take none. */
void fmt_wrap(FILE *f, const char *lead, int indent, const char *text);

#endif
