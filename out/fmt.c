#include <stdio.h>

#include "out/fmt.h"

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

const char *fmt_u64(char buf[FMT_LEN], uint64_t v)
{
	snprintf(buf, FMT_LEN, "%llu", (unsigned long long)v);
	return buf;
}
