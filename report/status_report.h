/* `xdpcount status` in a table or one JSON document. */
#ifndef XDPCOUNT_STATUS_REPORT_H
#define XDPCOUNT_STATUS_REPORT_H

#include <stdio.h>

#include "probe/status.h"
#include "report/identity.h"

void status_print_json(FILE *f, const struct identity *id, const struct status_iface *ifs,
		       unsigned int n);
void status_print_human(FILE *f, const struct status_iface *ifs, unsigned int n, bool all);

#endif
