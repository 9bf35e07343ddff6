/* --textfile: the exposition written atomically for node_exporter's
 * textfile collector. */
#ifndef XDPCOUNT_TEXTFILE_H
#define XDPCOUNT_TEXTFILE_H

#include <stddef.h>

/* Replaces path with data atomically: PATH.PID.tmp, then rename. 0 or -errno. */
int textfile_write(const char *path, const char *data, size_t len);
/* Can a file be created beside path? 0 or -errno (before anything is attached). */
int textfile_check(const char *path);

#endif
