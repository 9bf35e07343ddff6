/* The one formatter for sizes and rates in human output. */
#ifndef XDPCOUNT_FMT_H
#define XDPCOUNT_FMT_H

#include <stddef.h>
#include <stdint.h>

#define FMT_LEN 32

/* 1536 -> "1.5 KiB" (IEC, for byte totals) */
const char *fmt_bytes(char buf[FMT_LEN], uint64_t bytes);
/* 1234567, "pps" -> "1.23 Mpps"; 9600, "bit/s" -> "9.60 kbit/s" (SI, for rates) */
const char *fmt_rate(char buf[FMT_LEN], double value, const char *unit);
/* 1234567 -> "1234567" with no grouping (stable for scripts and eyes) */
const char *fmt_u64(char buf[FMT_LEN], uint64_t v);

#endif
