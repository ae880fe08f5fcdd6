/* call.c - one sendmsg/recvmsg with CPython's sock_call_ex loop (PEP 475):
 * EINTR is retried unless the caller's check says stop; with a timeout,
 * poll runs first against one deadline and EAGAIN goes back to it. */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "internal.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 0 when ready, else a negative code (-ETIMEDOUT, -EINTR, -errno). */
static int wait_ready(int sock, int writing, long long deadline,
		      const struct ancdata_opts *opts)
{
	struct pollfd p = { .fd = sock, .events = writing ? POLLOUT : POLLIN };

	for (;;) {
		/* as CPython's sock_call_ex: the time left is checked before
		 * every poll, so a poll that keeps saying "ready" while the
		 * call keeps saying EAGAIN still ends at the deadline */
		long long left = deadline - now_ms();
		if (left < 0)
			return -ETIMEDOUT;
		int n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
		if (opts->on_eintr && opts->on_eintr(opts->on_eintr_arg))
			return -EINTR;
	}
}

ssize_t ancdata__call(int sock, int writing, struct msghdr *msg, int flags,
		      const struct ancdata_opts *opts)
{
	static const struct ancdata_opts none;
	long long deadline = 0;
	ssize_t n;
	int rc;

	if (opts == NULL)
		opts = &none;
	if (opts->timeout_ms > 0) {
		deadline = now_ms() + opts->timeout_ms;
		flags |= MSG_DONTWAIT;   /* CPython's socket is non-blocking */
	}
	for (;;) {
		if (deadline && (rc = wait_ready(sock, writing, deadline, opts)))
			return rc;
		for (;;) {
			n = writing ? sendmsg(sock, msg, flags)
				    : recvmsg(sock, msg, flags);
			if (n >= 0)
				return n;
			if (errno != EINTR)
				break;
			if (opts->on_eintr && opts->on_eintr(opts->on_eintr_arg))
				return -EINTR;
		}
		if (!deadline || (errno != EAGAIN && errno != EWOULDBLOCK))
			return -errno;
	}
}
