/* bench_recv.c - round trips per second of sendmsg + recvmsg + closing the
 * received fds, measured side by side in one run: a raw loop with a
 * hand-written CMSG walk, the same loop through ancdata_recvmsg, and
 * CPython's socket.recv_fds (run as a child python3).  Samples of the raw
 * and wrapper loops alternate and the median of each is kept, so drift on
 * the machine hits both alike.  Allocations inside the library are counted
 * (-Wl,--wrap=malloc,...).
 * usage: bench_recv [--python SCRIPT] [--samples N] [--iters N] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc_count.h"
#include "bench_util.h"
#include "ancdata.h"


static const char MSG[] = "Michael Gilfix was here\xe1\x88\xb4\r\n";
#define MSGLEN (sizeof MSG - 1)

struct rig {
	int sv[2], nfds, fds[8];
	_Alignas(struct cmsghdr) unsigned char sctl[CMSG_SPACE(8 * sizeof(int))];
	_Alignas(struct cmsghdr) unsigned char rctl[CMSG_SPACE(8 * sizeof(int))];
	size_t sctllen, rctllen;
	char data[64];
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void send_one(struct rig *g)
{
	struct iovec iov = { (void *)MSG, MSGLEN };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = g->nfds ? g->sctl : NULL,
			    .msg_controllen = g->sctllen };
	if (sendmsg(g->sv[0], &m, 0) != (ssize_t)MSGLEN)
		die("sendmsg");
}

static void raw_round(struct rig *g)
{
	struct iovec iov = { g->data, sizeof g->data };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = g->rctl, .msg_controllen = g->rctllen };
	send_one(g);
	if (recvmsg(g->sv[1], &m, 0) != (ssize_t)MSGLEN)
		die("recvmsg");
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			close(fd);
		}
	}
}

static void wrapper_round(struct rig *g)
{
	/* set up once, as a caller's receive loop would; the call fills in
	 * what it returns */
	static struct ancdata_item items[4];
	static struct ancdata_result res = { .items = items, .maxitems = 4 };
	send_one(g);
	if (ancdata_recvmsg(g->sv[1], g->data, sizeof g->data, g->rctl,
			    (ssize_t)g->rctllen, 0, &res, NULL) != (ssize_t)MSGLEN)
		die("ancdata_recvmsg");
	for (size_t i = 0; i < res.nitems; i++) {
		if (items[i].level != SOL_SOCKET || items[i].type != SCM_RIGHTS)
			continue;
		for (size_t j = 0; j + sizeof(int) <= items[i].len; j += sizeof(int)) {
			int fd;
			memcpy(&fd, items[i].data + j, sizeof fd);
			close(fd);
		}
	}
}

static double sample(void (*round)(struct rig *), struct rig *g, int iters)
{
	double t0 = bench_now();
	for (int i = 0; i < iters; i++)
		round(g);
	return iters / (bench_now() - t0);
}

static double python_rate(const char *script, const char *type, int nfds,
			  int iters)
{
	char cmd[512];
	double rate = 0;
	snprintf(cmd, sizeof cmd, "python3 '%s' %s %d %d", script, type, nfds,
		 iters);
	FILE *p = popen(cmd, "r");
	if (!p || fscanf(p, "%lf", &rate) != 1)
		rate = 0;
	if (p)
		pclose(p);
	return rate;
}

int main(int argc, char **argv)
{
	const char *script = NULL;
	int samples = 9, iters = 20000;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--python") && i + 1 < argc)
			script = argv[++i];
		else if (!strcmp(argv[i], "--samples") && i + 1 < argc)
			samples = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			iters = atoi(argv[++i]);
		else {
			fprintf(stderr, "bench_recv: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (samples < 1 || samples > 99 || iters < 1) {
		fprintf(stderr, "bench_recv: --samples 1..99 and --iters >= 1\n");
		return 2;
	}
	printf("%-7s %4s %14s %14s %14s %9s %9s %12s\n", "socket", "fds",
	       "raw rt/s", "ancdata rt/s", "cpython rt/s", "anc/raw", "raw/py",
	       "allocs/call");
	static const struct { const char *name; int type; } types[] = {
		{ "stream", SOCK_STREAM }, { "dgram", SOCK_DGRAM } };
	static const int counts[] = { 0, 1, 8 };
	int worst_ok = 1;
	for (size_t t = 0; t < 2; t++)
		for (size_t c = 0; c < 3; c++) {
			struct rig g = { .nfds = counts[c] };
			double raw[99], wrap[99];
			if (socketpair(AF_UNIX, types[t].type, 0, g.sv))
				die("socketpair");
			for (int i = 0; i < g.nfds; i++)
				if ((g.fds[i] = open("/dev/null", O_RDONLY)) < 0)
					die("open");
			g.sctllen = g.nfds ? CMSG_SPACE(g.nfds * sizeof(int)) : 0;
			if (g.nfds) {
				struct cmsghdr h = { .cmsg_len = CMSG_LEN(g.nfds * sizeof(int)),
						     .cmsg_level = SOL_SOCKET,
						     .cmsg_type = SCM_RIGHTS };
				memcpy(g.sctl, &h, sizeof h);
				memcpy(g.sctl + CMSG_LEN(0), g.fds,
				       g.nfds * sizeof(int));
			}
			g.rctllen = CMSG_SPACE((g.nfds ? g.nfds : 1) * sizeof(int));
			sample(raw_round, &g, iters / 10);     /* warm up */
			sample(wrapper_round, &g, iters / 10);
			unsigned long a0 = alloc_count;
			for (int s = 0; s < samples; s++) {
				raw[s] = sample(raw_round, &g, iters);
				wrap[s] = sample(wrapper_round, &g, iters);
			}
			double per_call = (double)(alloc_count - a0) /
					  ((double)samples * iters);
			double r = bench_median(raw, samples), w = bench_median(wrap, samples);
			double py = script ? python_rate(script, types[t].name,
							 g.nfds, iters)
					   : 0;
			printf("%-7s %4d %14.0f %14.0f %14.0f %9.3f %9.2f %12.2f\n",
			       types[t].name, g.nfds, r, w, py, r / w,
			       py > 0 ? r / py : 0, per_call);
			worst_ok &= per_call == 0;
			for (int i = 0; i < g.nfds; i++)
				close(g.fds[i]);
			close(g.sv[0]);
			close(g.sv[1]);
		}
	printf("anc/raw is time per round trip through ancdata over the raw loop "
	       "(goal <= 1.03); allocs/call counts the library's allocations\n");
	return worst_ok ? 0 : 1;
}
