/* The interface of the IPv4 default route, from /proc/net/route:
 *   Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
 *   eth0  00000000    0102A8C0 0003  0      0   100    00000000 0 0 0
 * Destination and Mask in hex; Flags has RTF_UP (0x1). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/route.h>

#include "probe/probe.h"

/* 1 if line is a usable default route; fills ifn and *metric. */
static int route_line(const char *line, char ifn[IF_NAMESIZE + 1],
		      unsigned long *metric)
{
	unsigned long dst, gw, flags, refcnt, use, mask;

	if (sscanf(line, "%16s %lx %lx %lx %lu %lu %lu %lx", ifn, &dst, &gw,
		   &flags, &refcnt, &use, metric, &mask) != 8)
		return 0;
	return dst == 0 && mask == 0 && (flags & RTF_UP) &&
	       strlen(ifn) < IF_NAMESIZE;
}

/* Keeps the default route with the lowest metric seen so far. */
static void route_pick(const char *line, char name[IF_NAMESIZE], int *found,
		       unsigned long *best)
{
	char ifn[IF_NAMESIZE + 1];
	unsigned long metric;

	if (route_line(line, ifn, &metric) && (!*found || metric < *best)) {
		memcpy(name, ifn, strlen(ifn) + 1);
		*best = metric;
		*found = 1;
	}
}

int route_default_iface_parse(const char *text, char name[IF_NAMESIZE])
{
	unsigned long best = 0;
	int found = 0;

	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char buf[256];

		if (len < sizeof(buf)) {
			memcpy(buf, text, len);
			buf[len] = '\0';
			route_pick(buf, name, &found, &best);
		}
		text = nl ? nl + 1 : NULL;
	}
	return found ? 0 : -ENOENT;
}

int probe_default_route_iface(char name[IF_NAMESIZE])
{
	char line[256];
	unsigned long best = 0;
	int found = 0;
	FILE *f;

	f = fopen("/proc/net/route", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		route_pick(line, name, &found, &best);
	fclose(f);
	return found ? 0 : -ENOENT;
}
