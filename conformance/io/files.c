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
#include "json_text.h"

/* The folder part of path ("." when it has none), in buf. */
static int dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	int n = !slash ? snprintf(buf, len, ".")
		: slash == path ? snprintf(buf, len, "/")
		: snprintf(buf, len, "%.*s", (int)(slash - path), path);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The temporary file: data, fsync, rename over path.  On failure it is
 * gone again and errno says why. */
static int write_renamed(int fd, char *tmp, const char *path,
			 const void *data, size_t len)
{
	int saved;
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
	return 0;
}

/* A temporary file of an unpredictable name beside path (mkstemp opens it
 * O_EXCL, so no link planted there is followed), the data, fsync, rename
 * over path, fsync the folder: a reader sees the old file or the whole new
 * one, and so does anyone after a crash.  The folder is opened first, so a
 * folder that cannot be synced fails before anything is written. */
int io_write_atomic(const char *path, const void *data, size_t len)
{
	char dir[4096], tmp[4096 + 256];
	const char *base = base_of(path);
	int fd, dfd, saved;

	if (!*base || dir_of(path, dir, sizeof dir) < 0 ||
	    snprintf(tmp, sizeof tmp, "%s/.%.200s.XXXXXX", dir, base) >= (int)sizeof tmp) {
		errno = *base ? ENAMETOOLONG : EISDIR;
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0 ||
	    write_renamed(fd, tmp, path, data, len) < 0) {
		saved = errno;
		close(dfd);
		errno = saved;
		return -1;
	}
	saved = fsync(dfd) < 0 && errno != EINVAL ? errno : 0;
	close(dfd);
	errno = saved;
	return saved ? -1 : 0;
}

/* Can path be written by io_write_atomic?  Checked before the work that
 * makes the output, so that bad input is answered at once. */
int io_output_ok(const char *path, char *err, size_t errlen)
{
	char dir[4096], shown[4 * 256];
	struct stat st;
	const char *why = NULL;

	io_printable(path, shown, sizeof shown);
	if (!*base_of(path))
		why = "names a folder, not a file";
	else if (dir_of(path, dir, sizeof dir) < 0)
		why = "name too long";
	else if (stat(dir, &st) < 0)
		why = errno == ENOENT ? "its folder does not exist" : strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "its folder is not a folder";
	else if (access(dir, W_OK | X_OK) < 0)
		why = errno == EACCES ? "its folder is not writable" : strerror(errno);
	else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		why = "is a folder";
	if (why)
		snprintf(err, errlen, "cannot write %s: %s", shown, why);
	return why ? -1 : 0;
}

static char *read_failed(const char *path, const char *why, char *buf,
			 char *err, size_t errlen)
{
	char shown[4 * 256];
	io_printable(path, shown, sizeof shown);
	snprintf(err, errlen, "%s: %s", shown, why);
	free(buf);
	return NULL;
}

/* Read a whole file (or stdin for "-"), NUL-terminated; NULL on error.
 * It reads until end of file or one byte past max, whatever the file is
 * (a pipe, a FIFO, a device, a file that grows); a folder, a NUL byte and
 * a read error are refused with their reason. */
char *io_read_file(const char *path, size_t max, char *err, size_t errlen)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	char *buf = NULL, too_big[64];
	size_t n = 0, cap = 0;
	struct stat st;
	const char *why = NULL;

	if (fd < 0)
		return read_failed(path, strerror(errno), NULL, err, errlen);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		why = "is a folder, not a file";
	snprintf(too_big, sizeof too_big, "larger than the %zu bytes allowed", max);
	while (!why) {
		if (n == cap && n > max) {
			why = too_big;
			break;
		}
		if (n == cap) {   /* grow as the file comes, up to max + 1 */
			size_t want = cap ? cap * 2 : 65536;
			want = want > max + 1 ? max + 1 : want;
			char *grown = realloc(buf, want + 1);
			if (!grown) {
				why = "out of memory";
				break;
			}
			buf = grown;
			cap = want;
		}
		ssize_t k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			why = strerror(errno);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	if (fd != 0)
		close(fd);
	if (why)
		return read_failed(path, why, buf, err, errlen);
	buf[n] = '\0';
	if (strlen(buf) != n) {
		snprintf(too_big, sizeof too_big, "contains a NUL byte (at byte %zu)",
			 strlen(buf));
		return read_failed(path, too_big, buf, err, errlen);
	}
	return buf;
}
