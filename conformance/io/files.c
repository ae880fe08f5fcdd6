/* files.c - reading and writing the files every tool of the tree uses:
 * a whole (bounded) input file, and an atomic replacement of an output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"

/* Write text to path atomically: a temporary beside it, then rename. */
int io_write_atomic(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;
	if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, getpid()) >= (int)sizeof tmp)
		return -1;
	if (!(f = fopen(tmp, "w")))
		return -1;
	int ok = fputs(text, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Read a whole file (or stdin for "-"), NUL-terminated; NULL on error. */
char *io_read_file(const char *path, size_t max, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int bad = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {   /* grow as the file comes, up to max */
		if (n == cap) {
			size_t want = cap ? cap * 2 : 65536;
			char *grown = cap > max ? NULL : realloc(buf, want + 1);
			if (!grown) {
				bad = cap > max ? 2 : 1;
				break;
			}
			buf = grown;
			cap = want;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	bad = bad ? bad : ferror(f) ? 1 : n > max ? 2 : 0;
	if (f != stdin)
		fclose(f);
	if (bad) {
		snprintf(err, errlen, "%s: %s", path,
			 bad == 2 ? "larger than allowed" : "cannot read it");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (strlen(buf) != n) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(buf);
		return NULL;
	}
	return buf;
}
