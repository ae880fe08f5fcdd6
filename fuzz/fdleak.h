/* fdleak.h - the fd-leak oracle, cheap enough for every input.
 *
 * The kernel hands out the lowest free descriptor, so after an input the
 * lowest free fd must be where it was before (one F_DUPFD and one close),
 * and no fd may be open in the stretch above it that this input's largest
 * receive could have filled: a leaked fd lands there, because every fd
 * installed in a receive takes the lowest numbers free at that moment.
 * fds that were open before the first input (inherited) are left out.
 * Only when the check fails is /proc/self/fd read, to say what leaked.
 * (stat("/proc/self/fd").st_size is not used: Linux 6.1 reports 0.) */
#ifndef ANCDATA_FDLEAK_H
#define ANCDATA_FDLEAK_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* fds open before the first input (inherited from whoever started us) are
 * not leaks: a one-time snapshot of the low fd numbers */
#define FDLEAK_SPAN 2048
static unsigned char fdleak_inherited[FDLEAK_SPAN / 8];
static int fdleak_snapped;

static inline void fdleak_snapshot(void)
{
	for (int fd = 0; fd < FDLEAK_SPAN; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			fdleak_inherited[fd / 8] |= (unsigned char)(1 << (fd % 8));
	fdleak_snapped = 1;
}

static inline int fdleak_was_open(int fd)
{
	return fd < FDLEAK_SPAN && (fdleak_inherited[fd / 8] & (1 << (fd % 8)));
}

static inline int fdleak_lowest_free(int any_open_fd)
{
	int fd = fcntl(any_open_fd, F_DUPFD, 0);
	if (fd >= 0)
		close(fd);
	return fd;
}

static inline void fdleak_describe(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[300], target[256];
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(path, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		fprintf(stderr, "  fd %s -> %s\n", e->d_name, target);
	}
	closedir(d);
}

/* Abort with a description if an fd leaked: baseline is the lowest free fd
 * before the input, span the most fds one receive of it could install. */
static inline void fdleak_check(int any_open_fd, int baseline, int span)
{
	int low = fdleak_lowest_free(any_open_fd), leaked = -1;
	if (low != baseline)
		leaked = low > baseline ? baseline : low;
	for (int fd = baseline; leaked < 0 && fd <= baseline + span; fd++)
		if (!fdleak_was_open(fd) && (fcntl(fd, F_GETFD) >= 0 || errno != EBADF))
			leaked = fd;
	if (leaked < 0)
		return;
	fprintf(stderr, "==ANCDATA FD LEAK== fd %d is open after the input "
			"(lowest free %d, was %d); the table:\n", leaked, low, baseline);
	fdleak_describe();
	abort();
}
#endif
