/* testutil.h - helpers shared by the Criterion tests: the fd-table check
 * every test body ends with, pipes whose read ends prove fd identity, and
 * builders for synthetic control buffers. */
#ifndef ANCDATA_TESTUTIL_H
#define ANCDATA_TESTUTIL_H

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ancdata.h"

/* Open fds of this process (the DIR's own fd counted both times). */
static inline int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d, "opendir /proc/self/fd");
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Every test body starts with FD_BASELINE and ends with FD_NO_LEAK (never
 * in a fini: Criterion ignores failures there). */
#define FD_BASELINE() const int fd_baseline__ = fd_count()
#define FD_NO_LEAK()                                                        \
	cr_assert_eq(fd_count(), fd_baseline__,                             \
		     "fd table: %d open at the start, %d at the end",      \
		     fd_baseline__, fd_count())

static inline int fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

/* n pipes; r[i] is what gets sent, w[i] later proves identity. */
static inline void make_pipes(int n, int *r, int *w)
{
	for (int i = 0; i < n; i++) {
		int p[2];
		cr_assert_eq(pipe(p), 0, "pipe: %s", strerror(errno));
		r[i] = p[0];
		w[i] = p[1];
	}
}

static inline void close_all(const int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

/* got[i] must be a read end of the pipe whose write end is w[i]: CPython's
 * checkFDs, order included. */
static inline void check_identity(const int *got, int n, const int *w)
{
	for (int i = 0; i < n; i++) {
		char out[16], in[16] = { 0 };
		int len = snprintf(out, sizeof out, "%d", i);
		cr_assert_eq(write(w[i], out, (size_t)len), len);
		cr_assert_eq(read(got[i], in, sizeof in - 1), len,
			     "fd #%d reads nothing", i);
		cr_assert_str_eq(in, out, "fd #%d is not pipe #%d", i, i);
	}
}

/* True when no read end of w's pipe is open anywhere: the kernel (or the
 * wrapper) really closed what it dropped. */
static inline int reader_gone(int w)
{
	struct pollfd p = { .fd = w, .events = POLLOUT };
	cr_assert_eq(poll(&p, 1, 0), 1);
	return (p.revents & POLLERR) != 0;
}

/* Complete ints of every SOL_SOCKET/SCM_RIGHTS item, in order. */
static inline size_t items_fds(const struct ancdata_item *it, size_t n,
			       int *out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (it[i].level != SOL_SOCKET || it[i].type != SCM_RIGHTS)
			continue;
		for (size_t j = 0; j + sizeof(int) <= it[i].len && k < max;
		     j += sizeof(int))
			memcpy(&out[k++], it[i].data + j, sizeof(int));
	}
	return k;
}

static inline void put_hdr(unsigned char *ctl, size_t off, size_t len,
			   int level, int type)
{
	struct cmsghdr h = { .cmsg_len = len, .cmsg_level = level,
			     .cmsg_type = type };
	memcpy(ctl + off, &h, sizeof h);
}

/* The 28-byte MSG of CPython's test_socket. */
static const char MSG[] = "Michael Gilfix was here\xe1\x88\xb4\r\n";
#define MSGLEN (sizeof MSG - 1)

#endif
