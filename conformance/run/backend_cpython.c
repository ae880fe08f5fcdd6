/* backend_cpython.c - receives through CPython: each receive runs
 * cpython_driver.py with the socket as its fd 3 and reads back one JSON
 * line (parsed with jansson).  The driver keeps the fds it received open
 * until release. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ancdata.h"
#include "backend.h"
#include "names.h"

static struct driver {
	pid_t pid;
	int in, out;
} drv = { -1, -1, -1 };

static int read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	while (n + 1 < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 10000) <= 0)   /* hang guard */
			return -1;
		ssize_t k = read(fd, buf + n, 1);
		if (k <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

static void close_pair(int (*p)[2])
{
	for (int i = 0; i < 2; i++)
		if ((*p)[i] >= 0)
			close((*p)[i]);
}

/* fd moved out of the way of 0..3 (a copy at 4 or above), or -1 */
static int above3(int fd)
{
	return fcntl(fd, F_DUPFD, 4);
}

/* In the child: stdin, stdout and fd 3 from fds that may themselves be any
 * of 0..3 (a caller that closed its stdin or stdout gets its socket or a
 * pipe there), and nothing else open. */
static void child_fds(int in, int out, int sock)
{
	int i = above3(in), o = above3(out), s = above3(sock);
	if (i < 0 || o < 0 || s < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 ||
	    dup2(s, 3) < 0)
		_exit(127);
	if (close_range(4, ~0U, 0) < 0) {
		long max = sysconf(_SC_OPEN_MAX);
		if (max < 0)
			_exit(127);
		for (long fd = 4; fd < max; fd++)
			close((int)fd);
	}
}

/* The driver for one receive, its stdin and stdout in drv; drv.pid < 0
 * when it could not be started (and nothing is left open). */
static void spawn(const struct sc_backend *be, int sock, const struct sc_recv *rq)
{
	char a[3][32];
	int in[2] __attribute__((cleanup(close_pair))) = { -1, -1 };
	int out[2] __attribute__((cleanup(close_pair))) = { -1, -1 };

	drv.pid = -1;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return;
	snprintf(a[0], sizeof a[0], "%ld", rq->bufsize);
	snprintf(a[1], sizeof a[1], "%ld",
		 rq->api == SC_API_RECV_FDS ? rq->maxfds : rq->ancbuf);
	snprintf(a[2], sizeof a[2], "%d", rq->flags);
	fflush(NULL);
	drv.pid = fork();
	if (drv.pid == 0) {
		child_fds(in[0], out[1], sock);
		execlp("python3", "python3", be->script, sc_api_names[rq->api], a[0],
		       a[1], a[2], sc_warn_names[rq->warn], (char *)NULL);
		_exit(127);
	}
	if (drv.pid < 0)
		return;
	drv.in = in[1];
	drv.out = out[0];
	in[1] = out[0] = -1;   /* the driver's now; the cleanup closes the rest */
}

static long ret_of(json_t *r)
{
	long neg;
	if (json_is_integer(r))
		return (long)json_integer_value(r);
	if (json_is_string(r) && sc_errparse(json_string_value(r), &neg) == 0)
		return neg;
	return -EPROTO;
}

/* The driver's line, every key checked: exactly ret, flags, warnings,
 * items ([[level, type, len]...]), fds ([[dev, ino, cloexec]...]) and data
 * (hex); 0, or -1 when anything is missing, extra, of the wrong type or too
 * long (then the receive shows -EPROTO, never a silent 0). */
static int rx_from_json(json_t *j, struct sc_rx *rx)
{
	json_t *ret, *items, *fds, *v;
	json_int_t flags, warnings;
	const char *hex;
	size_t i, n;

	if (json_unpack(j, "{s:o, s:I, s:I, s:o, s:o, s:s !}", "ret", &ret, "flags",
			&flags, "warnings", &warnings, "items", &items, "fds", &fds,
			"data", &hex) < 0 ||
	    !json_is_array(items) || json_array_size(items) > SC_MAX_RITEMS ||
	    !json_is_array(fds) || json_array_size(fds) > SC_MAX_REFS ||
	    flags < INT_MIN || flags > INT_MAX || warnings < 0 ||
	    (n = strlen(hex)) % 2 || n > 2 * SC_MAX_DATA)
		return -1;
	rx->ret = ret_of(ret);
	rx->flags = (int)flags;
	rx->warnings = (unsigned long)warnings;
	json_array_foreach(items, i, v) {
		json_int_t level, type, len;
		if (json_unpack(v, "[III!]", &level, &type, &len) < 0)
			return -1;
		rx->items[rx->nitems++] = (struct sc_ritem){ (int)level, (int)type, (long)len };
	}
	json_array_foreach(fds, i, v) {
		json_int_t dev, ino, cloexec;
		if (json_unpack(v, "[III!]", &dev, &ino, &cloexec) < 0)
			return -1;
		rx->fds[rx->nfds].dev = (dev_t)dev;
		rx->fds[rx->nfds].ino = (ino_t)ino;
		rx->fds[rx->nfds++].cloexec = (int)cloexec;
	}
	for (; *hex; hex += 2) {
		char b[3] = { hex[0], hex[1], 0 };
		if (!isxdigit((unsigned char)b[0]) || !isxdigit((unsigned char)b[1]))
			return -1;
		rx->data[rx->datalen++] = (unsigned char)strtoul(b, NULL, 16);
	}
	return 0;
}

static void recv_cpython(const struct sc_backend *be, int sock,
			 const struct sc_recv *rq, struct sc_rx *rx, void **hold)
{
	static char line[1 << 18];
	json_error_t err;
	json_t *j;

	rx->ret = -EPROTO;
	rx->controllen = -1;   /* CPython does not show it */
	spawn(be, sock, rq);
	if (drv.pid < 0)
		return;
	*hold = &drv;
	if (read_line(drv.out, line, sizeof line) < 0 ||
	    !(j = json_loads(line, 0, &err)))
		return;
	if (rx_from_json(j, rx) < 0) {
		memset(rx, 0, sizeof *rx);
		rx->ret = -EPROTO;
		rx->controllen = -1;
	}
	json_decref(j);
}

static void release_cpython(const struct sc_backend *be, void *hold)
{
	struct driver *d = hold;
	int st;
	(void)be;
	if (d->in >= 0) {
		if (write(d->in, "close\n", 6) < 0) { /* gone already */ }
		close(d->in);
	}
	if (d->out >= 0) {
		/* the driver exits when told; one stuck in a receive is ended */
		struct pollfd p = { .fd = d->out, .events = POLLIN };
		if (poll(&p, 1, 10000) <= 0 && d->pid > 0)
			kill(d->pid, SIGKILL);
		close(d->out);
	}
	if (d->pid > 0)
		waitpid(d->pid, &st, 0);
	d->pid = d->in = d->out = -1;
}

const struct sc_backend *sc_backend_cpython(const char *script)
{
	static struct sc_backend be = { "cpython", NULL, recv_cpython,
					release_cpython };
	be.script = script;
	return &be;
}
