/* files.h - whole-file input and atomic output, for every tool of the tree. */
#ifndef ANCDATA_FILES_H
#define ANCDATA_FILES_H
#include <stddef.h>
/* Replace path with len bytes of data atomically; 0, or -1 with errno set. */
int io_write_atomic(const char *path, const void *data, size_t len);
/* A whole file (or stdin for "-"), NUL-terminated, at most max bytes;
 * NULL with one line in err. */
char *io_read_file(const char *path, size_t max, char *err, size_t errlen);
#endif
