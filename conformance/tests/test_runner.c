/* test_runner.c - the runner on real sockets: what an isolated run does
 * with slow steps, hangs and hostile neighbours. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "names.h"
#include "scenario.h"

static void parse(const char *text, struct scenario *sc)
{
	char err[256];
	cr_assert_eq(sc_parse(text, sc, err, sizeof err), 0, "%s", err);
}

/* Defect 6: a fixed 10 s kill made this valid case (six gc steps, each
 * waiting its full 2 s for a pipe that stays in flight) an error. */
Test(runner, six_gc_steps_are_not_a_hang, .timeout = 0)
{
	static struct scenario sc;
	static struct sc_result res;
	parse("id six_gc\narea cleanup\nsocket stream pair\n"
	      "send a data=x rights=1\nexpect ret=1\n"
	      "gc p0\nexpect gone=-\ngc p0\nexpect gone=-\ngc p0\nexpect gone=-\n"
	      "gc p0\nexpect gone=-\ngc p0\nexpect gone=-\ngc p0\nexpect gone=-\n"
	      "recv b bufsize=1 ancbuf=CMSG_SPACE(4)\nexpect ret=1 fds=p0\n", &sc);
	sc_run_isolated(&sc, NULL, &res);
	cr_assert_eq(res.status, SC_PASS, "%s: %s", sc_status_names[res.status],
		     res.why);
	cr_assert_eq(res.nsteps, 8);
}

/* Defect 6: a run that really hangs keeps what its steps observed and
 * names the step it hung in. */
Test(runner, a_hang_keeps_the_steps_that_ran, .timeout = 0)
{
	static struct scenario sc;
	static struct sc_result res;
	parse("id hang\narea flags\nsocket stream pair\n"
	      "send a data=xy\nexpect ret=2\n"
	      "recv b bufsize=2\nexpect ret=2 data=xy\n"
	      "recv b bufsize=2\n", &sc);
	sc_run_isolated(&sc, NULL, &res);
	cr_assert_eq(res.status, SC_ERROR);
	cr_assert_eq(res.nsteps, 2, "kept %d steps", res.nsteps);
	cr_assert_eq(res.obs[1].ret, 2);
	cr_assert_eq(res.obs[1].datalen, 2);
	cr_assert(strstr(res.why, "hung in step 3 (line 8: recv)"), "%s", res.why);
}

/* Defect 17: listeners had the predictable abstract name ancdata-PID-N,
 * which any local user could bind first.  Squat every such name this
 * process would use; the listen cases still pass, on an autobound name. */
Test(runner, squatted_listener_names_do_not_matter)
{
	static struct scenario sc;
	static struct sc_result res;
	int squat[64];

	for (int i = 0; i < 64; i++) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		int n = snprintf(a.sun_path + 1, sizeof a.sun_path - 1,
				 "ancdata-%d-%d", getpid(), i);
		squat[i] = socket(AF_UNIX, SOCK_STREAM, 0);
		cr_assert_geq(squat[i], 0);
		cr_assert_eq(bind(squat[i], (struct sockaddr *)&a,
				  (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)),
			     0, "squatting: %s", strerror(errno));
	}
	for (int t = 0; t < 2; t++) {
		parse(t ? "id l\narea flags\nsocket dgram listen\n"
			  "connect\nexpect ret=0\nsend a data=x rights=1\nexpect ret=1\n"
			  "recv l bufsize=1 ancbuf=CMSG_SPACE(4)\nexpect ret=1 fds=p0\n"
			: "id l\narea flags\nsocket stream listen\nconnect\nexpect ret=0\n"
			  "accept\nexpect ret=0\nsend a data=x rights=1\nexpect ret=1\n"
			  "recv b bufsize=1 ancbuf=CMSG_SPACE(4)\nexpect ret=1 fds=p0\n",
		      &sc);
		sc_run(&sc, NULL, &res);
		cr_assert_eq(res.status, SC_PASS, "%s", res.why);
	}
	for (int i = 0; i < 64; i++)
		close(squat[i]);
}

static const char recv_one[] = "id one\narea flags\nsocket stream pair\n"
			       "send a data=x rights=1\nexpect ret=1\n"
			       "recv b bufsize=1 ancbuf=CMSG_SPACE(4)\n"
			       "expect ret=1 flags=0 fds=p0 data=\"x\"\n";

/* Defect 14: with stdin and stdout closed the scenario's sockets are fds 0
 * and 1; the CPython backend's dup2 order put its pipe over the socket. */
Test(runner, cpython_backend_with_the_socket_on_fd_0_or_1)
{
	static struct scenario sc;
	static struct sc_result res;
	int st;

	parse(recv_one, &sc);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(0);
		close(1);
		sc_run(&sc, sc_backend_cpython(CPYTHON_DRIVER), &res);
		if (res.status != SC_PASS)
			fprintf(stderr, "%s\n", res.why);
		_exit(res.status == SC_PASS ? 0 : 1);
	}
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the run failed");
}

/* Defect 14: when fork fails (RLIMIT_NPROC, as a user without privilege)
 * the CPython backend left its two pipes open. */
Test(runner, cpython_backend_fork_failure_leaks_nothing)
{
	static struct scenario sc;
	static struct sc_result res;
	int st;

	parse(recv_one, &sc);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit none = { 0, 0 };
		if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
				       setuid(65534) < 0))
			_exit(2);
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);   /* /proc/self/fd */
		if (setrlimit(RLIMIT_NPROC, &none) < 0 || fork() != -1)
			_exit(3);   /* fork must fail for this test */
		sc_run(&sc, sc_backend_cpython(CPYTHON_DRIVER), &res);
		if (!res.fd_table_restored)
			fprintf(stderr, "%s\n", res.why);
		_exit(res.fd_table_restored && res.status == SC_FAIL ? 0 : 1);
	}
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "the child died");
	cr_assert_neq(WEXITSTATUS(st), 3, "fork did not fail under RLIMIT_NPROC 0");
	cr_assert_eq(WEXITSTATUS(st), 0, "the fd table is not restored (%d)",
		     WEXITSTATUS(st));
}

static long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* Issue 9: a later step runs only once the main line sleeps in its
 * receive, then after its delay: the receive gets the data and took at
 * least the delay; the later step's observation comes first. */
Test(runner, a_later_step_waits_for_the_main_line_to_block, .timeout = 0)
{
	static struct scenario sc;
	static struct sc_result res;
	struct timespec t0, t1;
	parse("id later\narea flags\nsocket stream pair\n"
	      "later 100 send a data=late\nexpect ret=4\n"
	      "recv b bufsize=8\nexpect ret=4 data=late\n", &sc);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sc_run_isolated(&sc, NULL, &res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert_eq(res.status, SC_PASS, "%s", res.why);
	cr_assert_eq(res.nsteps, 2);
	cr_assert_geq(ms_between(&t0, &t1), 100);
}

/* Issue 9: a receive that would wait forever, bounded by the scenario's
 * SO_RCVTIMEO, is EAGAIN (not a hang the runner kills) */
Test(runner, a_receive_timeout_is_eagain_not_a_hang, .timeout = 0)
{
	static struct scenario sc;
	static struct sc_result res;
	parse("id timeout\narea flags\nsocket dgram pair\n"
	      "setopt b SO_RCVTIMEO 50\nexpect ret=0\n"
	      "recv b bufsize=8\nexpect ret=EAGAIN\n", &sc);
	sc_run_isolated(&sc, NULL, &res);
	cr_assert_eq(res.status, SC_PASS, "%s", res.why);
}

/* Issue 9: a child has its own pid; once reaped, a pidfd of it names a
 * process that is gone; nothing of it is left in the fd table */
Test(runner, a_child_is_another_process, .timeout = 0)
{
	static struct scenario sc;
	static struct sc_result res;
	parse("id child\narea features\nsocket dgram pair\n"
	      "setopt b SO_PASSCRED 1\nfork\nexpect ret=0\n"
	      "child send a data=x creds=own\nexpect ret=1\n"
	      "child exit\nexpect ret=0\n"
	      "recv b bufsize=4 ancbuf=256\nexpect ret=1 vals=creds:child:own:own\n", &sc);
	sc_run_isolated(&sc, NULL, &res);
	cr_assert_eq(res.status, SC_PASS, "%s", res.why);
	cr_assert(res.fd_table_restored);
}

/* Issue 9: a kernel without a required feature still runs the case: the
 * status is unsupported and every step's observation is there */
Test(runner, a_missing_feature_still_runs, .timeout = 0)
{
	static struct scenario sc;
	static struct sc_result res;
	parse("id missing\narea features\nrequires SO_RIGHTS_NOTRUNC\nsocket stream pair\n"
	      "setopt b SO_RIGHTS_NOTRUNC 1\nexpect ret=0\n"
	      "send a data=x\nexpect ret=1\n", &sc);
	if (sc_feature("SO_RIGHTS_NOTRUNC") == 1)
		cr_skip_test("this kernel has SO_RIGHTS_NOTRUNC");
	sc_run_isolated(&sc, NULL, &res);
	cr_assert_eq(res.status, SC_SKIP, "%s", sc_status_names[res.status]);
	cr_assert_eq(res.nsteps, 2, "ran %d steps", res.nsteps);
	cr_assert_eq(res.obs[0].ret, -ENOPROTOOPT);
	cr_assert_eq(res.obs[1].ret, 1);
}

/* Issue 9: path= names live in a private folder the runner removes */
Test(runner, pathnames_leave_nothing_behind, .timeout = 0)
{
	static struct scenario sc;
	static struct sc_result res;
	parse("id paths\narea features\nsocket stream none\n"
	      "open l stream unix\nbind l path=srv\nexpect ret=0\nlisten l 1\n"
	      "open a stream unix\nconnect a path=srv\nexpect ret=0\n", &sc);
	sc_run(&sc, NULL, &res);
	cr_assert_eq(res.status, SC_PASS, "%s", res.why);
	cr_assert(res.fd_table_restored);
	char cmd[96];
	snprintf(cmd, sizeof cmd, "ls -d /tmp/ancdata-run-%d-* 2>/dev/null | wc -l", (int)getpid());
	FILE *p = popen(cmd, "r");
	int n = -1;
	cr_assert_not_null(p);
	cr_assert_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	cr_assert_eq(n, 0, "%d runner folders left in /tmp", n);
}

/* Issue 9: what a later recv receives is released like any receive's:
 * the fd table is back where it started */
Test(runner, a_later_recv_releases_what_it_received, .timeout = 0)
{
	static struct scenario sc;
	static struct sc_result res;
	parse("id later_recv\narea cleanup\nsocket stream pair\n"
	      "later 0 recv b bufsize=4 ancbuf=CMSG_SPACE(4)\nexpect ret=1 fds=p0\n"
	      "send a data=x rights=1\nexpect ret=1\n"
	      "check p0\nexpect gone=p0\n", &sc);
	sc_run_isolated(&sc, NULL, &res);
	cr_assert_eq(res.status, SC_PASS, "%s", res.why);
	cr_assert(res.fd_table_restored);
}

/* Issue 10: many scenarios in one runner child (sc_run_all): a hang costs
 * that scenario only, and a scenario that changes the process for good
 * (as nobody) leaves the next one a new child, still root */
struct many {
	struct scenario sc[5];
	struct sc_result res[5];
	long long us[5];
	int calls;
};

static const struct scenario *many_next(size_t i, void *arg)
{
	return &((struct many *)arg)->sc[i];
}

static void many_done(size_t i, const struct scenario *sc, const struct sc_result *res,
		      long long us, void *arg)
{
	struct many *m = arg;
	cr_assert_eq(sc, &m->sc[i]);
	cr_assert_eq((int)i, m->calls++, "results come in order");
	m->res[i] = *res;
	m->us[i] = us;
}

Test(runner, one_child_for_many_and_a_new_one_after_trouble, .timeout = 0)
{
	static struct many m;
	if (geteuid() != 0)
		cr_skip_test("unshare net needs root");
	const char *plain = "id plain\narea flags\nsocket stream pair\n"
			    "send a data=xy\nexpect ret=2\nrecv b bufsize=2\nexpect ret=2 data=xy\n";
	parse(plain, &m.sc[0]);
	parse("id hang\narea flags\nsocket stream pair\n"
	      "send a data=xy\nexpect ret=2\n"
	      "recv b bufsize=2\nexpect ret=2 data=xy\n"
	      "recv b bufsize=2\n", &m.sc[1]);
	parse("id nobody\narea send\nsocket stream pair\nas nobody\n"
	      "send a data=x creds=1:65534:65534\nexpect ret=EPERM\n", &m.sc[2]);
	parse("id netns\narea features\nsocket stream pair\nunshare net\nexpect ret=0\n", &m.sc[3]);
	parse(plain, &m.sc[4]);
	sc_run_all(5, many_next, NULL, 0, many_done, &m);
	cr_assert_eq(m.calls, 5);
	for (int i = 0; i < 5; i++)
		cr_assert_eq(m.res[i].status, i == 1 ? SC_ERROR : SC_PASS, "%d: %s: %s", i,
			     sc_status_names[m.res[i].status], m.res[i].why);
	cr_assert(strstr(m.res[1].why, "hung in step 3 (line 8: recv)"), "%s", m.res[1].why);
	cr_assert_eq(m.res[1].nsteps, 2);
	cr_assert_eq(m.res[4].nsteps, 2);
	cr_assert_eq(m.res[4].obs[1].datalen, 2);
	for (int i = 0; i < 5; i++)
		cr_assert_gt(m.us[i], 0);
}
