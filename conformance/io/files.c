/* files.c - reading and writing the files every tool of the tree uses:
 * a whole (bounded) input file, and an atomic replacement of an output. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

/* The folder part of path ("." when it has none), in buf. */
static int dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	int n = !slash ? snprintf(buf, len, ".")
		: slash == path ? snprintf(buf, len, "/")
		: snprintf(buf, len, "%.*s", (int)(slash - path), path);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A temporary file of an unpredictable name beside path (mkstemp opens it
 * O_EXCL, so no link planted there is followed), the data, fsync, rename
 * over path, fsync the folder: a reader sees the old file or the whole new
 * one, and so does anyone after a crash. */
int io_write_atomic(const char *path, const void *data, size_t len)
{
	char dir[4096], tmp[4096 + 32];
	const char *base = strrchr(path, '/');
	int fd, dfd, saved;

	base = base ? base + 1 : path;
	if (!*base || dir_of(path, dir, sizeof dir) < 0 ||
	    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, base) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return -1;
	if (fchmod(fd, 0644) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	saved = fsync(dfd) < 0 && errno != EINVAL ? errno : 0;
	close(dfd);
	errno = saved;
	return saved ? -1 : 0;
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
