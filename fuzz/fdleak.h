/* fdleak.h - the fd-leak oracle, cheap enough for every input.
 *
 * The kernel hands out the lowest free descriptor, so the fds a receive
 * installs take the lowest free numbers: a leaked fd lands in the stretch
 * from the lowest free fd before the input up to as many as the input's
 * largest receive returned: after every input one poll() over that stretch
 * finds what is open.  The engine may open fds between inputs (libFuzzer's
 * symbolizer pipes) and they land there too, so the target tells them apart
 * by what they are (see socketpair.c).
 * fds that were open before the first input (inherited) are left out.
 * Only when the check fails is /proc/self/fd read, to say what leaked.
 * (stat("/proc/self/fd").st_size is not used: Linux 6.1 reports 0.) */
#ifndef ANCDATA_FDLEAK_H
#define ANCDATA_FDLEAK_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* fds open before the first input (inherited from whoever started us) are
 * not leaks: a one-time snapshot of the low fd numbers */
#define FDLEAK_SPAN 2048
static unsigned char fdleak_inherited[FDLEAK_SPAN / 8];
static int fdleak_snapped;

static inline void fdleak_snapshot(void)
{
	memset(fdleak_inherited, 0, sizeof fdleak_inherited);
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

/* The fds open in [baseline, baseline + span] after an input, at most max,
 * into open[]; their count.  One poll(): POLLNVAL marks a closed fd. */
static inline int fdleak_open_above(int baseline, int span, int *open, int max)
{
	struct pollfd p[FDLEAK_SPAN];
	int n = span + 1, k = 0;
	if (n > FDLEAK_SPAN - baseline)
		n = FDLEAK_SPAN - baseline;
	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = baseline + i, .events = 0 };
	if (poll(p, (nfds_t)n, 0) < 0)
		return 0;
	for (int i = 0; i < n && k < max; i++)
		if (!(p[i].revents & POLLNVAL) && !fdleak_was_open(baseline + i))
			open[k++] = baseline + i;
	return k;
}

static inline void fdleak_report(int fd, int baseline)
{
	fprintf(stderr, "==ANCDATA FD LEAK== fd %d is open after the input "
			"(the lowest free fd before it was %d); the table:\n",
		fd, baseline);
	fdleak_describe();
	abort();
}
#endif
