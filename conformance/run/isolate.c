/* isolate.c - scenarios run in child processes, so that a crash or a hang
 * costs one scenario, never the run: one child a scenario
 * (sc_run_isolated) or one child for many (sc_run_all).  The child streams
 * each step's observation as the step completes (stream.h); the parent
 * gives each step a budget and, when a child stops, names the step. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "names.h"
#include "scenario.h"
#include "stream.h"

int sc_write_all(int fd, const void *buf, size_t len)
{
	const char *b = buf;
	while (len) {
		ssize_t n = write(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

void sc_stream_step(int fd, int i, const struct sc_obs *o)
{
	struct sc_msg m = { SC_MSG_STEP, i, 0 };
	if (sc_write_all(fd, &m, sizeof m) < 0 || sc_write_all(fd, o, sizeof *o) < 0)
		_exit(1);   /* only a runner child reports */
}

static long long us_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000000LL + (now.tv_nsec - t0->tv_nsec) / 1000;
}

/* How long step i may take before its runner counts as hung: a hang guard,
 * not a measure.  Setting up counts to the first step. */
static int step_budget_ms(const struct scenario *sc, const struct sc_backend *be,
			  int i, long base_ms)
{
	const struct sc_step *st;
	int ms = base_ms > 0 ? (int)base_ms : SC_STEP_BUDGET_MS;
	if (i < 0 || i >= sc->nsteps)
		return ms;                 /* after the steps: the fd table check */
	st = &sc->steps[i];
	if (st->op == SC_OP_GC)
		ms += 2000;                /* gc_settle waits up to 2 s */
	if (st->op == SC_OP_RECV && be && be->script)
		ms += 20000;               /* the driver's own two hang guards */
	return ms;
}

/* len bytes, before budget_ms since t0: 0, -1 at EOF or error, -2 late */
static int read_by(int fd, void *buf, size_t len, const struct timespec *t0,
		   long budget_ms)
{
	size_t got = 0;
	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = budget_ms - us_since(t0) / 1000;
		int r;
		if (left <= 0)
			return -2;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return -2;
		ssize_t n = r < 0 ? -1 : read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* the result after its streamed observations: the rest of it */
static int send_result(int fd, const struct sc_result *res, int last,
		       const struct timespec *t0)
{
	struct sc_msg m = { SC_MSG_RESULT, last, us_since(t0) };
	return sc_write_all(fd, &m, sizeof m) < 0 ||
	       sc_write_all(fd, res, offsetof(struct sc_result, obs)) < 0 ? -1 : 0;
}

/* Read the child's stream into res: 0 when the whole result came (its
 * message in end), -1 when the child stopped early, -2 when a step overran
 * its budget.  Either way res->nsteps observations are kept. */
static int collect(int fd, const struct scenario *sc, const struct sc_backend *be,
		   long base_ms, struct sc_result *res, long *budget, struct sc_msg *end)
{
	struct timespec t0;
	struct sc_msg m;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		*budget = step_budget_ms(sc, be, res->nsteps, base_ms);
		if ((rc = read_by(fd, &m, sizeof m, &t0, *budget)) < 0)
			return rc;
		if (m.type == SC_MSG_RESULT) {
			/* the result without its observations, which streamed in */
			static struct sc_result head;
			rc = read_by(fd, &head, offsetof(struct sc_result, obs), &t0, *budget);
			if (rc == 0 && head.nsteps != res->nsteps)
				rc = -1;
			if (rc == 0)
				memcpy(res, &head, offsetof(struct sc_result, obs));
			*end = m;
			return rc;
		}
		if (m.type != SC_MSG_STEP || m.step != res->nsteps || m.step >= sc->nsteps)
			return -1;
		if ((rc = read_by(fd, &res->obs[m.step], sizeof res->obs[0], &t0,
				  *budget)) < 0)
			return rc;
		res->nsteps = m.step + 1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
	}
}

/* what the error says about where the runner stopped */
static void where(const struct scenario *sc, const struct sc_result *res,
		  char *out, size_t len)
{
	if (res->nsteps >= sc->nsteps) {
		snprintf(out, len, "after its last step");
		return;
	}
	const struct sc_step *st = &sc->steps[res->nsteps];
	snprintf(out, len, "in step %d (line %d: %s), after %d step%s ran",
		 res->nsteps + 1, st->line, sc_op_names[st->op], res->nsteps,
		 res->nsteps == 1 ? "" : "s");
}

/* a child that stopped early (collect's rc < 0; wait status st) makes
 * the scenario an error that says how and where */
static void stopped(const struct scenario *sc, struct sc_result *res, int rc, int st,
		    long budget)
{
	char at[128];
	res->status = SC_ERROR;
	where(sc, res, at, sizeof at);
	if (rc == -2)
		snprintf(res->why, sizeof res->why,
			 "the runner hung %s: no answer in %ld s, killed", at,
			 budget / 1000);
	else if (WIFSIGNALED(st))
		snprintf(res->why, sizeof res->why, "the runner died of signal %d %s",
			 WTERMSIG(st), at);
	else
		snprintf(res->why, sizeof res->why, "the runner exited %d %s",
			 WEXITSTATUS(st), at);
}

static int reap(pid_t pid)
{
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static void fork_failed(struct sc_result *res)
{
	res->status = SC_ERROR;
	snprintf(res->why, sizeof res->why, "fork: %s", strerror(errno));
}

void sc_run_isolated(const struct scenario *sc, const struct sc_backend *be,
		     struct sc_result *res)
{
	struct sc_msg end;
	struct timespec t0;
	int p[2], rc, st;
	long budget = 0;
	pid_t pid;

	memset(res, 0, sizeof *res);
	if (pipe2(p, O_CLOEXEC) < 0) {
		res->status = SC_ERROR;
		snprintf(res->why, sizeof res->why, "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		sc_run_streamed(sc, be, res, p[1]);
		if (send_result(p[1], res, 1, &t0) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		fork_failed(res);
		return;
	}
	rc = collect(p[0], sc, be, 0, res, &budget, &end);
	close(p[0]);
	if (rc < 0)
		kill(pid, SIGKILL);
	st = reap(pid);
	if (rc < 0)
		stopped(sc, res, rc, st, budget);
}

/* a scenario after which the process is not what it was: the next one
 * runs in a new child */
static int changes_the_process(const struct scenario *sc)
{
	for (int i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].op == SC_OP_AS_NOBODY || sc->steps[i].op == SC_OP_UNSHARE)
			return 1;
	return 0;
}

/* the child of sc_run_all: scenarios from..n-1, each streamed, until one
 * leaves the process unfit for the next */
static _Noreturn void run_from(size_t from, size_t n,
			       const struct scenario *(*next)(size_t, void *),
			       const struct sc_backend *be, int fd, void *arg)
{
	static struct sc_result res;
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	for (size_t i = from; i < n; i++) {
		const struct scenario *sc = next(i, arg);
		struct timespec t0;
		if (!sc)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		sc_run_streamed(sc, be, &res, fd);
		int last = changes_the_process(sc) || !res.fd_table_restored;
		if (send_result(fd, &res, last, &t0) < 0)
			_exit(1);
		if (last)
			_exit(0);
	}
	_exit(0);
}

void sc_run_all(size_t n, const struct scenario *(*next)(size_t i, void *arg),
		const struct sc_backend *be, long step_ms,
		void (*done)(size_t i, const struct scenario *sc,
			     const struct sc_result *res, long long us, void *arg),
		void *arg)
{
	static struct sc_result res;
	pid_t pid = -1;
	int from = -1;
	for (size_t i = 0; i < n; i++) {
		const struct scenario *sc = next(i, arg);
		struct sc_msg end = { 0 };
		struct timespec t0;
		long budget = 0;
		int p[2], rc, st = 0;
		if (!sc)
			continue;
		memset(&res, 0, sizeof res);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (pid < 0) {   /* a new child, from this scenario on */
			if (pipe2(p, O_CLOEXEC) < 0) {
				res.status = SC_ERROR;
				snprintf(res.why, sizeof res.why, "pipe: %s", strerror(errno));
				done(i, sc, &res, 0, arg);
				continue;
			}
			fflush(NULL);
			pid = fork();
			if (pid == 0) {
				close(p[0]);
				run_from(i, n, next, be, p[1], arg);
			}
			close(p[1]);
			from = p[0];
			if (pid < 0) {
				close(from);
				fork_failed(&res);
				done(i, sc, &res, 0, arg);
				continue;
			}
		}
		rc = collect(from, sc, be, step_ms, &res, &budget, &end);
		if (rc < 0)
			kill(pid, SIGKILL);
		if (rc < 0 || end.step) {   /* this child is done */
			close(from);
			st = reap(pid);
			pid = -1;
		}
		if (rc < 0)
			stopped(sc, &res, rc, st, budget);
		done(i, sc, &res, rc < 0 ? us_since(&t0) : end.us, arg);
	}
	if (pid > 0) {
		close(from);
		reap(pid);
	}
}
