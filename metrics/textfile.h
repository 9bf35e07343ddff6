/* --textfile: the exposition written atomically for node_exporter's
 * textfile collector. */
#ifndef XDPCOUNT_TEXTFILE_H
#define XDPCOUNT_TEXTFILE_H

#include <stddef.h>

/* Replaces path with data atomically: PATH.PID.tmp, then rename. 0 or -errno. */
int textfile_write(const char *path, const char *data, size_t len);
/* Can a file be created beside path, and replaced by rename()? 0 or -errno
 * (before anything is attached): -EISDIR for a directory, -EINVAL for
 * something else that is not a regular file. */
int textfile_check(const char *path);
/* After textfile_check() said -ENOENT: when path's directory exists (so the
 * file system itself refuses new files), the file system's name ("the proc
 * file system", ... or "its file system"), with the directory in dir; else NULL. */
const char *textfile_dir_fs(const char *path, char *dir, size_t len);
/* Removes PATH.PID.tmp files whose writer (pid) no longer runs (a kill -9
 * between write and rename). Returns how many. */
int textfile_sweep(const char *path);

#endif
