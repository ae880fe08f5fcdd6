/* bench_fuzz.c - ci/bench fuzz's fixed-input figures: inputs per second of
 * the socketpair target (built three times into this binary: with and
 * without the fd-leak oracle, and with the old sleepy EINTR) against a bare
 * sendmsg/recvmsg loop doing the same messages: a 28-byte send with one fd,
 * a receive with room for it, the fd closed.  Then one interrupted receive
 * (a datagram receive on an empty queue, a signal inside it, the peer's
 * message ending it) as the target does it now and as it did (a 2 ms
 * timeout in poll).  Samples alternate and medians are compared, so machine
 * drift hits all alike.  usage: bench_fuzz [--samples N] [--iters N] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

int sp_with_oracle(const uint8_t *data, size_t size);
int sp_without_oracle(const uint8_t *data, size_t size);
int sp_sleepy(const uint8_t *data, size_t size);

/* SP_TYPE_DGRAM; SP_OP_RECV_WAIT with SP_ARG_INTERRUPT; recvmsg, no flags,
 * bufsize 64, ancbuf 24 (corpus/socketpair/regression-eintr-inside-recvmsg) */
static const uint8_t interrupted[] = { 1, 6, 6, 0, 0, 0, 64, 24, 0 };

/* one input: stream; send from a: 1 fd, 28 bytes; receive at b: recvmsg,
 * bufsize 64, ancbuf 24 (the target's input format, fuzz/socketpair.c) */
static uint8_t input[64];
static size_t input_len;

static void make_input(void)
{
	size_t n = 0;
	input[n++] = 0;                                   /* stream */
	input[n++] = 0; input[n++] = 0;                   /* send, from a */
	input[n++] = 1; input[n++] = 0; input[n++] = 28; input[n++] = 0;
	for (int i = 0; i < 28; i++)
		input[n++] = 'm';
	input[n++] = 0;                                   /* pool start */
	input[n++] = 3; input[n++] = 0;                   /* receive at b */
	input[n++] = 0; input[n++] = 0; input[n++] = 0;   /* recvmsg, no flags */
	input[n++] = 64; input[n++] = 24; input[n++] = 0; /* bufsize, ancbuf */
	input_len = n;
}

static int sv[2], pfd[2];

static void bare_round(void)
{
	char data[64] = "mmmmmmmmmmmmmmmmmmmmmmmmmmmm";
	_Alignas(struct cmsghdr) unsigned char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, 28 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = CMSG_LEN(sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_len = CMSG_LEN(sizeof(int));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(c), &pfd[0], sizeof(int));
	if (sendmsg(sv[0], &m, MSG_DONTWAIT) != 28)
		abort();
	iov.iov_len = 64;
	m.msg_controllen = 24;
	if (recvmsg(sv[1], &m, MSG_DONTWAIT) != 28)
		abort();
	int fd;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fd);
	close(fd);
}

int main(int argc, char **argv)
{
	int samples = 9, iters = 20000;
	double bare[99], with[99], without[99], intr[99], sleepy[99];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--samples") && i + 1 < argc)
			samples = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			iters = atoi(argv[++i]);
		else {
			fprintf(stderr, "bench_fuzz: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (samples < 1 || samples > 99 || iters < 1) {
		fprintf(stderr, "bench_fuzz: --samples 1..99, --iters >= 1\n");
		return 2;
	}
	make_input();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(pfd))
		return 1;
	/* set both up; the one with the oracle last, so the fds the other
	 * keeps lie below its baseline */
	sp_sleepy(input, input_len);
	sp_without_oracle(input, input_len);
	sp_with_oracle(input, input_len);
	for (int s = 0; s < samples; s++) {
		double t0 = bench_now();
		for (int i = 0; i < iters; i++)
			bare_round();
		double t1 = bench_now();
		for (int i = 0; i < iters; i++)
			sp_with_oracle(input, input_len);
		double t2 = bench_now();
		for (int i = 0; i < iters; i++)
			sp_without_oracle(input, input_len);
		double t3 = bench_now();
		bare[s] = iters / (t1 - t0);
		with[s] = iters / (t2 - t1);
		without[s] = iters / (t3 - t2);
		int few = iters / 50 > 0 ? iters / 50 : 1;   /* ~2 ms each */
		for (int i = 0; i < few; i++)
			sp_sleepy(interrupted, sizeof interrupted);
		double t4 = bench_now();
		for (int i = 0; i < iters / 10 + 1; i++)
			sp_with_oracle(interrupted, sizeof interrupted);
		double t5 = bench_now();
		sleepy[s] = few / (t4 - t3);
		intr[s] = (iters / 10 + 1) / (t5 - t4);
	}
	double b = bench_median(bare, samples), w = bench_median(with, samples),
	       wo = bench_median(without, samples);
	printf("bare sendmsg/recvmsg loop       %10.0f /s\n", b);
	printf("socketpair target, with oracle  %10.0f inputs/s   %.2f of the loop (goal >= 0.6)\n",
	       w, w / b);
	printf("socketpair target, no oracle    %10.0f inputs/s\n", wo);
	printf("fd-leak oracle cost             %9.1f %%  (goal < 10%%)\n", 100.0 * (1 - w / wo));
	double in = bench_median(intr, samples), sl = bench_median(sleepy, samples);
	printf("interrupted receive, now        %10.0f inputs/s   (a signal inside the blocked call)\n", in);
	printf("interrupted receive, before     %10.0f inputs/s   (a 2 ms timeout in poll)  now/before %.1f\n",
	       sl, sl > 0 ? in / sl : 0.0);
	return 0;
}
