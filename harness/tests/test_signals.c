/* test_signals.c - PEP 475 over real signals: a periodic SIGALRM without
 * SA_RESTART interrupts the blocked call, which retries (or stops when the
 * caller's check says so); the timeout is one deadline for the call. */
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void periodic_alarm(int ms)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
	struct itimerval it = { { 0, ms * 1000 }, { 0, ms * 1000 } };
	cr_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void stop_alarm(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static int count_eintr(void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int stop_on_eintr(void *arg)
{
	(*(int *)arg)++;
	return 1;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0)
		;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A child that sends one byte and an fd after a pause, then exits. */
static pid_t late_sender(int s, int fd, int ms)
{
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct iovec iov = { "L", 1 };
		sleep_ms(ms);
		_exit(ancdata_send_fds(s, &iov, 1, &fd, 1, 0, NULL) == 1 ? 0 : 1);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* _test_eintr's test_recvmsg: the handler returns, recvmsg retries and
 * returns the data. */
Test(eintr, recvmsg_retried)
{
	FD_BASELINE();
	int sv[2], r, w, got, hits = 0;
	char b;
	unsigned char ctl[64];
	struct ancdata_item items[4];
	struct ancdata_result res = { .items = items, .maxitems = 4 };
	struct ancdata_opts o = { .on_eintr = count_eintr, .on_eintr_arg = &hits };

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	make_pipes(1, &r, &w);
	pid_t pid = late_sender(sv[0], r, 200);
	periodic_alarm(20);
	ssize_t n = ancdata_recvmsg(sv[1], &b, 1, ctl, sizeof ctl, 0, &res, &o);
	stop_alarm();
	reap(pid);
	cr_assert_eq(n, 1, "%s", ancdata_strerror((int)n));
	cr_assert_eq(b, 'L');
	cr_assert_geq(hits, 1, "no EINTR was seen: the test proved nothing");
	cr_assert_eq(items_fds(items, res.nitems, &got, 1), 1);
	check_identity(&got, 1, &w);
	close(got);
	close(r);
	close(w);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* A handler that raised: the call stops with -EINTR, nothing received. */
Test(eintr, recvmsg_stopped_by_check)
{
	FD_BASELINE();
	int sv[2], hits = 0;
	char b;
	struct ancdata_result res = { 0 };
	struct ancdata_opts o = { .on_eintr = stop_on_eintr, .on_eintr_arg = &hits };

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	periodic_alarm(20);
	ssize_t n = ancdata_recvmsg(sv[1], &b, 1, NULL, 0, 0, &res, &o);
	stop_alarm();
	cr_assert_eq(n, -EINTR);
	cr_assert_eq(hits, 1);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* sendmsg blocked on a full socket is retried too. */
Test(eintr, sendmsg_retried)
{
	FD_BASELINE();
	int sv[2], hits = 0;
	char chunk[512] = { 0 };
	struct iovec iov = { chunk, sizeof chunk };
	struct ancdata_opts o = { .on_eintr = count_eintr, .on_eintr_arg = &hits };

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	while (ancdata_sendmsg(sv[0], &iov, 1, NULL, 0, MSG_DONTWAIT, NULL, 0,
			       NULL, 0, NULL) > 0)
		;
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {   /* drain after a pause */
		char sink[4096];
		sleep_ms(200);
		while (recv(sv[1], sink, sizeof sink, MSG_DONTWAIT) > 0)
			;
		_exit(0);
	}
	periodic_alarm(20);
	ssize_t n = ancdata_sendmsg(sv[0], &iov, 1, NULL, 0, 0, NULL, 0, NULL,
				    0, &o);
	stop_alarm();
	reap(pid);
	cr_assert_gt(n, 0, "%s", ancdata_strerror((int)n));
	cr_assert_geq(hits, 1, "no EINTR was seen: the test proved nothing");
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* The timeout: -ETIMEDOUT on an empty queue, not before the deadline, and
 * signals during the wait neither end it nor restart its clock (if they
 * did, the periodic alarm would keep this call waiting forever). */
Test(timeout, expires_once)
{
	FD_BASELINE();
	int sv[2], hits = 0;
	char b;
	struct ancdata_result res = { 0 };
	struct ancdata_opts o = { .timeout_ms = 150, .on_eintr = count_eintr,
				  .on_eintr_arg = &hits };

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	periodic_alarm(20);
	long long t0 = now_ms();
	ssize_t n = ancdata_recvmsg(sv[1], &b, 1, NULL, 0, 0, &res, &o);
	long long took = now_ms() - t0;
	stop_alarm();
	cr_assert_eq(n, -ETIMEDOUT, "%s", ancdata_strerror((int)n));
	cr_assert_geq(took, 150);
	cr_assert_geq(hits, 1);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* Data that arrives within the deadline is received, fds and all. */
Test(timeout, data_in_time)
{
	FD_BASELINE();
	int sv[2], r, w, got;
	char b;
	unsigned char ctl[64];
	struct ancdata_item items[4];
	struct ancdata_result res = { .items = items, .maxitems = 4 };
	struct ancdata_opts o = { .timeout_ms = 60000 };

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	make_pipes(1, &r, &w);
	pid_t pid = late_sender(sv[0], r, 50);
	ssize_t n = ancdata_recvmsg(sv[1], &b, 1, ctl, sizeof ctl, 0, &res, &o);
	reap(pid);
	cr_assert_eq(n, 1, "%s", ancdata_strerror((int)n));
	cr_assert_eq(items_fds(items, res.nitems, &got, 1), 1);
	check_identity(&got, 1, &w);
	close(got);
	close(r);
	close(w);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* A false positive: poll keeps reporting an out-of-band byte as readable
 * while an ordinary MSG_PEEK receive stops at the mark with EAGAIN.  The
 * call must still end at its deadline (found by the socketpair fuzzer: it
 * used to spin for ever). */
Test(timeout, ready_but_eagain_still_expires)
{
	FD_BASELINE();
	int sv[2];
	char b;
	struct ancdata_result res = { 0 };
	struct ancdata_opts o = { .timeout_ms = 50 };

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if (send(sv[0], "o", 1, MSG_OOB) != 1) {
		close_all(sv, 2);
		cr_skip_test("this kernel has no MSG_OOB on AF_UNIX streams");
	}
	struct pollfd p = { .fd = sv[1], .events = POLLIN };
	cr_assert_eq(poll(&p, 1, 0), 1, "the OOB byte should read as ready");
	cr_assert_eq(recv(sv[1], &b, 1, MSG_PEEK | MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN, "the false positive this test needs");
	long long t0 = now_ms();
	ssize_t n = ancdata_recvmsg(sv[1], &b, 1, NULL, 0, MSG_PEEK, &res, &o);
	cr_assert_eq(n, -ETIMEDOUT, "%s", ancdata_strerror((int)n));
	cr_assert_geq(now_ms() - t0, 50);
	close_all(sv, 2);
	FD_NO_LEAK();
}
