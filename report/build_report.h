/* What this build carries: `xdpcount --version [--json]` and `xdpcount
 * objects [--json]`, the embedded object pair, in human lines or one JSON
 * document. */
#ifndef XDPCOUNT_BUILD_REPORT_H
#define XDPCOUNT_BUILD_REPORT_H

#include <stdbool.h>
#include <stdio.h>

struct embedded_object;

void version_print(FILE *f, bool json);
/* Each embedded object: size, sha256, whether selected is it, whether its
 * ELF is valid, and its programs and maps. 0, or object_names()'s -errno
 * (the output then ends there). */
int objects_print(FILE *f, bool json, const struct embedded_object *selected);

#endif
