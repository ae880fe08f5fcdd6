/* files.h - whole-file input and atomic output, for every tool of the tree. */
#ifndef ANCDATA_FILES_H
#define ANCDATA_FILES_H
#include <stddef.h>
/* Replace path with len bytes of data atomically (a unique temporary file
 * beside it, fsync, rename, fsync of the folder); 0, or -1 with errno set
 * and nothing left behind. */
int io_write_atomic(const char *path, const void *data, size_t len);
/* 0 when path looks writable by io_write_atomic (its folder exists and is
 * writable, path is not a folder); else -1 and one line in err. */
int io_output_ok(const char *path, char *err, size_t errlen);
/* A whole file (or stdin for "-"), NUL-terminated, at most max bytes;
 * NULL with one line in err (the path with control bytes as \xNN). */
char *io_read_file(const char *path, size_t max, char *err, size_t errlen);
#endif
