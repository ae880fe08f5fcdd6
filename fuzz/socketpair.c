/* socketpair.c - fuzz target: the input is decoded into a sequence of
 * sends (valid or malformed ancillary data) and receives through every
 * libancdata API, over real AF_UNIX socketpairs of all three types.
 *
 * Input: a setup byte, then operations, each an opcode byte and its
 * arguments: socketpair_input.h (shared with the seed generator).
 *
 * Oracles, after every receive and every input:
 *   - no fd leaked (fdleak.h: lowest free fd, O(1));
 *   - fd identity: the fds a receive returns are, in order, a prefix of the
 *     fds of one send of this input (by device and inode of the pipes);
 *   - flags: on datagram and seqpacket sockets without SO_PASSCRED, fewer
 *     fds than the message carried iff MSG_CTRUNC; FD_CLOEXEC iff asked;
 *   - the wrapper's contract: no warning on Linux output, no -EINTR when
 *     the caller did not ask to stop, results within the buffers.
 * The socketpairs and the pipe pool live across inputs; queues are drained
 * after each input and a pair is rebuilt only when it went bad. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ancdata.h"
#include "fdleak.h"
#include "files.h"
#include "scenario.h"
#include "socketpair_input.h"

#define POOL 32
#define MAXSENDS SP_MAXOPS   /* operations in one input, so sends too */
#define MAXFDS 256

static int pairs[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
/* the blocking sends' datagram pair: its send buffer kept full, so that a
 * send blocks until the helper takes a message off the other end */
static int full[2] = { -1, -1 };
static int pool[POOL];
static dev_t pool_dev[POOL];
static ino_t pool_ino[POOL];
static int ready;
static int baseline;               /* lowest free fd between inputs */
static const char *scenario_path;  /* ANCDATA_FUZZ_SCENARIO */

struct sent {
	int n;
	unsigned char idx[MAXFDS];
};

struct state {
	const uint8_t *p, *end;
	int type, passcred;
	int nsends;
	/* dgram/seqpacket: fds per queued message, one queue per receiver
	 * (-1: unknown, a raw send) */
	int queue[2][MAXSENDS];
	int qlen[2][MAXSENDS];   /* the data length of each */
	int qhead[2], qtail[2];
	int creds_sent;        /* a send carried SCM_CREDENTIALS */
	int most_fds;          /* the most fds one send carried */
	int timed;             /* a receive waited for its timeout */
	int span;              /* most fds one receive returned */
	long queued[2];        /* bytes (stream) or messages queued per end */
	int dirty;             /* something the model cannot follow happened */
	int limited;           /* receives at a small RLIMIT_NOFILE */
	/* last, not cleared between inputs: read only up to nsends */
	struct sent sends[MAXSENDS];
};

static unsigned byte(struct state *s)
{
	return s->p < s->end ? *s->p++ : 0;
}

/* An input may run its receives under a small RLIMIT_NOFILE (only during
 * the receive calls).  Whatever ends the process there must lift it first,
 * or the engine has no fd number left to write the crash file with (it says
 * it wrote one; none exists).  The engine's own ways of saving the input
 * stay in place (libFuzzer's sanitizer death callback is a single slot that
 * it owns: never overwritten here); the limit is lifted ahead of each:
 *   - the target's own oracles: die();
 *   - a sanitizer report: the runtimes' report hooks below, which run
 *     before the report is printed and before the death callback;
 *   - a signal the engine handles (its crash, abort and timeout handlers):
 *     a handler of ours in front of each, which then calls the engine's.
 * What remains is libFuzzer's RSS thread (-rss_limit_mb), which may judge
 * an out-of-memory while a receive runs: a window of microseconds. */
static struct rlimit saved_nofile, small_nofile;
static volatile sig_atomic_t nofile_limited;

static void limit_nofile(void)
{
	nofile_limited = 1;
	if (setrlimit(RLIMIT_NOFILE, &small_nofile) < 0)
		nofile_limited = 0;
}

static void restore_nofile(void)
{
	if (nofile_limited) {
		setrlimit(RLIMIT_NOFILE, &saved_nofile);
		nofile_limited = 0;
	}
}

#ifndef ANCDATA_BENCH_OBJECT   /* ci/bench links two copies, unsanitized */
/* ASan calls this at each error, UBSan at each error it reports (weak
 * no-op definitions in the runtimes; plain functions without them) */
void __asan_on_error(void);
void __ubsan_on_report(void);
void __asan_on_error(void)
{
	restore_nofile();
}
void __ubsan_on_report(void)
{
	restore_nofile();
}
#endif

static const int engine_signals[] = { SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE,
				      SIGALRM /* libFuzzer's -timeout */ };
#define NENGINE_SIGNALS (sizeof engine_signals / sizeof engine_signals[0])
static struct sigaction engine_action[NENGINE_SIGNALS];

static void before_engine(int sig, siginfo_t *si, void *uc)
{
	restore_nofile();
	for (size_t i = 0; i < NENGINE_SIGNALS; i++) {
		const struct sigaction *a = &engine_action[i];
		if (engine_signals[i] != sig)
			continue;
		if (a->sa_flags & SA_SIGINFO)
			a->sa_sigaction(sig, si, uc);
		else
			a->sa_handler(sig);
	}
}

/* At the first input, when the engine has installed its handlers: ours in
 * front of each, with the engine's mask and flags (its alternate stack). */
static void chain_engine_handlers(void)
{
	for (size_t i = 0; i < NENGINE_SIGNALS; i++) {
		struct sigaction old, sa;
		if (sigaction(engine_signals[i], NULL, &old) < 0)
			continue;
		int handled = (old.sa_flags & SA_SIGINFO)
				      ? old.sa_sigaction != NULL
				      : old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN;
		if (!handled)
			continue;
		engine_action[i] = old;
		sa = old;
		sa.sa_flags |= SA_SIGINFO;
		sa.sa_sigaction = before_engine;
		sigaction(engine_signals[i], &sa, NULL);
	}
}

static void die(const char *what)
{
	restore_nofile();
	fprintf(stderr, "socketpair: %s\n", what);
	abort();
}

static void make_pair(int t)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	if (pairs[t][0] >= 0) {
		close(pairs[t][0]);
		close(pairs[t][1]);
	}
	if (socketpair(AF_UNIX, types[t], 0, pairs[t]) < 0)
		die("socketpair");
}

/* The EINTR operation's signal, a real-time one, since libFuzzer and AFL++
 * keep SIGALRM, ITIMER_REAL, SIGUSR1 and SIGUSR2 for their own timeouts and
 * controls.
 *
 * How it lands (the default): a helper thread, told just before the
 * receive, reads /proc/self/task/TID/syscall (one fd, opened at setup and
 * re-read with pread) until the main thread sleeps inside the receive's
 * system call, then sends the signal with tgkill: it lands inside the
 * blocked recvmsg (or poll, for a receive with a timeout), microseconds
 * after the call began.  It then waits for the handler to have run and for
 * the main thread to sleep in the same call again (the PEP 475 retry: a
 * wrapper that returns -EINTR ends the receive instead, and the oracle
 * reports it), and ends the wait with a message from the peer (the wake),
 * so that nothing ever waits for a clock.  Only a receive that would block
 * is interrupted: the model's queue for that end is known to be empty.
 *
 * A receive with a timeout (1 ms) is left to expire: the helper interrupts
 * its poll once the millisecond clock has ticked past the call's start and
 * reads the timeout of the poll the retry makes, which must be what is left
 * of the one deadline (less than the whole timeout): a wrapper that restarts
 * its deadline at each retry is caught without timing slack.  The whole
 * call must also end within ANCDATA_FUZZ_TIMEOUT_SLACK_MS of its deadline
 * (a loose bound against a deadline never reached) and not before
 * deadline - 1 ms (the millisecond clock's truncation).
 *
 * ANCDATA_FUZZ_SLEEPY_EINTR (ci/bench fuzz's "before"): the old way, a
 * POSIX timer 200 us after a receive with a 2 ms timeout, which mostly
 * waits in poll for the timeout. */
#define EINTR_SIGNAL (SIGRTMIN + 3)
#ifndef ANCDATA_FUZZ_TIMEOUT_SLACK_MS
#define ANCDATA_FUZZ_TIMEOUT_SLACK_MS 500   /* a loaded 2-core machine */
#endif
static volatile sig_atomic_t signals_seen;

static void on_signal(int sig)
{
	(void)sig;
	signals_seen++;
}

#ifndef ANCDATA_FUZZ_SLEEPY_EINTR
/* one message off sock, its fds closed: its length, or -1 */
static ssize_t drain_one(int sock)
{
	_Alignas(struct cmsghdr) static unsigned char ctl[4096];
	static unsigned char buf[4096];
	struct iovec iov = { buf, sizeof buf };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof ctl };
	ssize_t n = recvmsg(sock, &m, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			for (size_t i = 0; i + 4 <= c->cmsg_len - CMSG_LEN(0); i += 4) {
				int fd;
				memcpy(&fd, CMSG_DATA(c) + i, 4);
				close(fd);
			}
	return n;
}
#endif

#ifdef ANCDATA_FUZZ_SLEEPY_EINTR
static timer_t eintr_timer;

static void arm_eintr(long usec)
{
	struct itimerspec it = { { 0, 0 }, { 0, usec * 1000 } };
	timer_settime(eintr_timer, 0, &it, NULL);
}

static void start_interrupter(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = EINTR_SIGNAL };
	if (timer_create(CLOCK_MONOTONIC, &ev, &eintr_timer) < 0)
		die("timer_create");
}
#else
enum { IR_RECV, IR_TIMEOUT, IR_SEND };
static struct {
	sem_t go, ack;
	atomic_int done;        /* the main thread's call returned */
	int mode;               /* IR_RECV or IR_TIMEOUT */
	int wake_fd;            /* IR_RECV: the peer that ends the wait */
	size_t wake_len;        /* IR_RECV: enough for MSG_WAITALL */
	int restarted;          /* IR_TIMEOUT: the retry's poll had it all */
	int woke;               /* the wake message was sent */
	pid_t tid;              /* the main thread */
	int proc_fd;            /* /proc/self/task/TID/syscall */
	pid_t owner;            /* the process the helper runs in */
} ir = { .proc_fd = -1 };

static long long now_ms(void)   /* as the wrapper counts */
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The system call the main thread sleeps in, -1 while it runs (or done);
 * *arg: the poll timeout (poll's third argument, ppoll's timespec). */
static long sleeping_in(long *arg)
{
	char text[256];
	ssize_t n = pread(ir.proc_fd, text, sizeof text - 1, 0);
	if (n <= 0 || text[0] < '0' || text[0] > '9')
		return -1;
	text[n] = 0;
	unsigned long v[4] = { 0 };
	if (sscanf(text, "%lu %lx %lx %lx", &v[0], &v[1], &v[2], &v[3]) < 1)
		return -1;
	if (arg) {
		*arg = (long)v[3];
#ifdef SYS_ppoll
		if (v[0] == SYS_ppoll) {
			const struct timespec *ts = (const struct timespec *)v[3];
			*arg = ts ? ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000 : -1;
		}
#endif
	}
	return (long)v[0];
}

static int is_wait_call(long nr)
{
	if (nr == SYS_recvmsg || nr == SYS_sendmsg)
		return 1;
#ifdef SYS_poll
	if (nr == SYS_poll)
		return 1;
#endif
#ifdef SYS_ppoll
	if (nr == SYS_ppoll)
		return 1;
#endif
	return 0;
}

/* until the main thread sleeps in its call (1) or returned (0) */
static int await_sleep(long *arg)
{
	for (;;) {
		long nr = sleeping_in(arg);
		if (nr >= 0 && is_wait_call(nr))
			return 1;
		if (atomic_load(&ir.done))
			return 0;
		sched_yield();
	}
}

static int interrupt_once(long *arg)
{
	sig_atomic_t seen = signals_seen;
	if (!await_sleep(arg))
		return 0;
	syscall(SYS_tgkill, getpid(), ir.tid, EINTR_SIGNAL);
	while (signals_seen == seen && !atomic_load(&ir.done))
		sched_yield();
	return 1;
}

static void serve(void)
{
	static const char wake[SP_MAXBUF + 1];
	long arg = 0;
	ir.woke = ir.restarted = 0;
	if (ir.mode == IR_RECV) {
		if (interrupt_once(NULL) && await_sleep(NULL) &&
		    send(ir.wake_fd, wake, ir.wake_len, MSG_DONTWAIT) > 0)
			ir.woke = 1;
		return;
	}
	if (ir.mode == IR_SEND) {   /* take messages until the send fits */
		if (!interrupt_once(NULL))
			return;
		while (await_sleep(NULL))
			if (drain_one(ir.wake_fd) < 0)
				sched_yield();
		return;
	}
	/* IR_TIMEOUT: the wrapper read its clock (L) before its poll, seen
	 * asleep at H >= L: its deadline L + 1 has come once the clock reads
	 * H + 1.  A signal then, and the retry must find no time left (no
	 * poll that sleeps); one that sleeps with a timeout >= 1 ms restarted
	 * the deadline. */
	if (!await_sleep(&arg))
		return;
	long long h = now_ms();
	while (!atomic_load(&ir.done) && now_ms() <= h)
		sched_yield();
	if (interrupt_once(NULL) && await_sleep(&arg) && arg >= 1)
		ir.restarted = 1;
}

static void *interrupter(void *unused)
{
	(void)unused;
	for (;;) {
		while (sem_wait(&ir.go) < 0)
			;
		serve();
		sem_post(&ir.ack);
	}
	return NULL;
}

static void start_interrupter(void)
{
	char path[64];
	pthread_t t;
	sigset_t all, old;
	ir.tid = (pid_t)syscall(SYS_gettid);
	ir.owner = getpid();
	snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)ir.tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open /proc/self/task/TID/syscall");
	if (ir.proc_fd < 0) {
		ir.proc_fd = fd;
	} else {   /* after a fork: the same fd number, for the leak oracle */
		if (dup3(fd, ir.proc_fd, O_CLOEXEC) < 0)
			die("dup3");
		close(fd);
	}
	if (sem_init(&ir.go, 0, 0) < 0 || sem_init(&ir.ack, 0, 0) < 0)
		die("sem_init");
	/* every signal stays with the main thread (the engine's too) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&t, NULL, interrupter, NULL) != 0)
		die("pthread_create");
	pthread_detach(t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void begin_interrupt(int mode, int wake_fd, size_t wake_len)
{
	if (ir.owner != getpid())   /* a fork (AFL++'s fork server) */
		start_interrupter();
	ir.mode = mode;
	ir.wake_fd = wake_fd;
	ir.wake_len = wake_len;
	atomic_store(&ir.done, 0);
	sem_post(&ir.go);
}

static void end_interrupt(void)
{
	atomic_store(&ir.done, 1);
	while (sem_wait(&ir.ack) < 0)
		;
}
#endif

static void setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(EINTR_SIGNAL, &sa, NULL);
	start_interrupter();
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < POOL; i++) {
		int p[2];
		struct stat st;
		if (pipe(p) < 0)
			die("pipe");
		close(p[1]);
		pool[i] = p[0];
		fstat(p[0], &st);
		pool_dev[i] = st.st_dev;
		pool_ino[i] = st.st_ino;
	}
	for (int t = 0; t < 3; t++)
		make_pair(t);
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, full) < 0 ||
	    setsockopt(full[0], SOL_SOCKET, SO_SNDBUF, &(int){ 4096 }, sizeof(int)) < 0)
		die("the blocking sends' socketpair");
	fdleak_snapshot();
	baseline = fdleak_lowest_free(pool[0]);
	scenario_path = getenv("ANCDATA_FUZZ_SCENARIO");
	getrlimit(RLIMIT_NOFILE, &saved_nofile);
	chain_engine_handlers();
	ready = 1;
}

static int pool_index(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -1;
	for (int i = 0; i < POOL; i++)
		if (st.st_dev == pool_dev[i] && st.st_ino == pool_ino[i])
			return i;
	return -1;
}

/* ---- the input as a scenario (ANCDATA_FUZZ_SCENARIO=FILE): what ci/fuzz
 * writes beside each crash, for `ancdata probe`.  The steps are built in
 * the scenario model and printed by its printer (sc_print), the file
 * rewritten (atomically) before each step runs, so that a crash or a hang
 * leaves the steps up to the one it happened in.  Off while fuzzing: none
 * of this runs unless the variable is set. ---- */
static struct scenario scn;
static int scn_on;
static int scn_pipe[POOL];   /* pool pipe -> scenario pipe number, or -1 */
static int scn_interrupted[SC_MAX_STEPS], scn_ninterrupted;
static int scn_raw_cut;      /* raw fds past the format's 16, sent as -1 */
static int scn_blocked[SC_MAX_STEPS], scn_nblocked;   /* blocking sends */

static void scn_begin(int type, int passcred, int limited, unsigned free_slots)
{
	scn_on = scenario_path != NULL;
	if (!scn_on)
		return;
	memset(&scn, 0, sizeof scn);
	memset(scn_pipe, -1, sizeof scn_pipe);
	scn_ninterrupted = scn_raw_cut = scn_nblocked = 0;
	snprintf(scn.id, sizeof scn.id, "fuzz_socketpair");
	snprintf(scn.area, sizeof scn.area, "repro");
	scn.type = (enum sc_socktype)type;
	scn.mode = SC_PAIR;
	if (passcred) {
		struct sc_step *st = &scn.steps[scn.nsteps++];
		st->op = SC_OP_SETOPT;
		st->u.opt.end = SC_B;
		st->u.opt.level = SOL_SOCKET;
		st->u.opt.name = SO_PASSCRED;
		st->u.opt.value = 1;
	}
	if (limited) {   /* the target holds it during its receives */
		struct sc_step *st = &scn.steps[scn.nsteps++];
		st->op = SC_OP_RLIMIT;
		st->u.rlimit.free = free_slots;
	}
}

static struct sc_step *scn_step(enum sc_op op)
{
	if (!scn_on || scn.nsteps == SC_MAX_STEPS)
		return NULL;
	struct sc_step *st = &scn.steps[scn.nsteps++];
	memset(st, 0, sizeof *st);
	st->op = op;
	return st;
}

static struct sc_ref scn_ref(int k)
{
	if (scn_pipe[k] < 0)
		scn_pipe[k] = scn.npipes++;
	return (struct sc_ref){ .kind = SC_REF_PIPE, .pipe = (short)scn_pipe[k] };
}

/* what the format cannot say, in the purpose line */
static void scn_purpose(void)
{
	size_t n = (size_t)snprintf(scn.purpose, sizeof scn.purpose,
				    "an input of the socketpair fuzz target");
	for (int i = 0; i < scn_ninterrupted && n < sizeof scn.purpose; i++)
		n += (size_t)snprintf(scn.purpose + n, sizeof scn.purpose - n, "%s%d",
				      i ? "," : "; a signal interrupts the receive of step ",
				      scn_interrupted[i]);
	if (scn_ninterrupted && n < sizeof scn.purpose)
		n += (size_t)snprintf(scn.purpose + n, sizeof scn.purpose - n,
				      " (there it blocks until the peer's message ends it)");
	for (int i = 0; i < scn_nblocked && n < sizeof scn.purpose; i++)
		n += (size_t)snprintf(scn.purpose + n, sizeof scn.purpose - n, "%s%d",
				      i ? "," : "; a signal interrupts the send of step ",
				      scn_blocked[i]);
	if (scn_nblocked && n < sizeof scn.purpose)
		n += (size_t)snprintf(scn.purpose + n, sizeof scn.purpose - n,
				      " (there it blocks on a full side pair)");
	if (scn_raw_cut && n < sizeof scn.purpose)
		snprintf(scn.purpose + n, sizeof scn.purpose - n,
			 "; raw fds past 16 are -1 here");
}

static void scn_write(void)
{
	static char text[1 << 17];
	if (!scn_on)
		return;
	scn_purpose();
	size_t n = sc_print(&scn, text, sizeof text);
	if (n >= sizeof text || io_write_atomic(scenario_path, text, n) < 0) {
		fprintf(stderr, "socketpair: cannot write the scenario %s\n", scenario_path);
		scn_on = 0;
	}
}

static void scn_send(int from, const char *data, unsigned dlen, unsigned variant,
		     const unsigned char *idx, const int *fds, unsigned n, int flags,
		     const unsigned char *raw, size_t rawlen, int blocking)
{
	struct sc_step *st = scn_step(SC_OP_SEND);
	if (!st)
		return;
	if (blocking) {   /* the scenario's send does not block */
		scn_blocked[scn_nblocked++] = scn.nsteps;
		flags |= MSG_DONTWAIT;
	}
	struct sc_send *sd = &st->u.send;
	sd->from = from ? SC_B : SC_A;
	sd->datalen = (int)dlen;
	memcpy(sd->data, data, dlen);
	sd->flags = flags;
	if (variant == SP_SEND_RAW) {
		sd->raw = 1;
		sd->rawlen = (int)rawlen;
		memcpy(sd->rawbytes, raw, rawlen);
		for (unsigned i = 0; i < n; i++) {
			if (sd->nrawrefs == 16) {
				memset(sd->rawbytes + 16 + 4 * i, 0xff, 4);
				scn_raw_cut = 1;
				continue;
			}
			sd->rawref_at[sd->nrawrefs] = (short)(16 + 4 * i);
			sd->rawrefs[sd->nrawrefs++] = scn_ref(idx[i]);
		}
	} else if (variant != SP_SEND_NONE) {
		unsigned half = variant == SP_SEND_SPLIT ? n / 2 : n;
		if (variant == SP_SEND_CREDS)
			sd->items[sd->nitems++] = (struct sc_item){ .kind = SC_IT_CREDS,
								    .creds_own = 1 };
		sd->items[sd->nitems++] = (struct sc_item){ .kind = SC_IT_RIGHTS,
							    .nrefs = (int)half };
		if (variant == SP_SEND_SPLIT)
			sd->items[sd->nitems++] = (struct sc_item){
				.kind = SC_IT_RIGHTS, .ref0 = (int)half, .nrefs = (int)(n - half) };
		for (unsigned i = 0; i < n; i++)
			sd->refs[sd->nrefs++] = fds[i] < 0 ? (struct sc_ref){ .kind = SC_REF_BAD }
							    : scn_ref(idx[i]);
	}
	scn_write();
}

static void scn_recv(int at, unsigned api, long bufsize, long anc, int flags,
		     unsigned warn, int strict, int one_item, int interrupt)
{
	struct sc_step *st = scn_step(SC_OP_RECV);
	if (!st)
		return;
	struct sc_recv *rq = &st->u.recv;
	rq->at = at ? SC_B : SC_A;
	/* the allocating form is recvmsg to the model */
	rq->api = api == SP_API_RECVMSG_INTO ? SC_API_RECVMSG_INTO
		  : api == SP_API_RECV_FDS   ? SC_API_RECV_FDS
					     : SC_API_RECVMSG;
	rq->bufsize = bufsize;
	if (api == SP_API_RECV_FDS)
		rq->maxfds = anc / 4 > MAXFDS ? MAXFDS : anc / 4;
	else
		rq->ancbuf = anc;
	/* the model has no signal: the receive the target interrupts stays
	 * non-blocking here (said in the purpose), so that the probe never
	 * waits on an empty queue */
	rq->flags = flags;
	rq->warn = (enum sc_warn)warn;
	rq->strict = strict;
	rq->maxitems = one_item ? 1 : 0;
	if (interrupt)
		scn_interrupted[scn_ninterrupted++] = scn.nsteps;
	scn_write();
}

/* ---- send: SCM_RIGHTS of pool pipes, valid or malformed --------------- */
#ifndef ANCDATA_FUZZ_SLEEPY_EINTR
/* fill the side pair until a send would block, then let the helper in */
static void begin_blocking_send(void)
{
	static const char filler[512];
	while (send(full[0], filler, sizeof filler, MSG_DONTWAIT) > 0)
		;
	begin_interrupt(IR_SEND, full[1], 0);
}

static void end_blocking_send(ssize_t rc)
{
	end_interrupt();
	if (rc == -EINTR)
		die("-EINTR from a send a signal interrupted, although nothing "
		    "asked to stop: no PEP 475 retry");
}
#endif

static void op_send(struct state *s, int from)
{
	int sock = pairs[s->type][from];
	static int fds[MAXFDS];
	static unsigned char raw[512];
	unsigned n = byte(s) % SP_NFDS_MOD;
	unsigned variant = byte(s) % SP_NVARIANTS;
	unsigned dlen = byte(s) % SP_MAXDATA;
	unsigned flagbits = byte(s);
	char data[SP_MAXDATA];
	int flags = MSG_DONTWAIT | ((flagbits & SP_SF_OOB) ? MSG_OOB : 0);
	int blocking = 0;
#ifndef ANCDATA_FUZZ_SLEEPY_EINTR
	/* a send that blocks on a full buffer, a signal inside it: on the
	 * side pair (the model's queues stay as they are; the scenario,
	 * which has no such pair, sends it on the pair: its purpose says) */
	blocking = (flagbits & SP_SF_BLOCK_MASK) == SP_SF_BLOCK;
	if (blocking) {
		sock = full[0];
		flags &= ~MSG_DONTWAIT;
	}
#endif
	struct iovec iov = { data, dlen };
	struct sent *sd = s->nsends < MAXSENDS ? &s->sends[s->nsends] : NULL;
	ssize_t rc;

	if (n == SP_NFDS_MANY)
		n = SP_MANY_BASE + byte(s) % SP_MANY_MOD;   /* around SCM_MAX_FD */
	for (unsigned i = 0; i < dlen; i++)
		data[i] = (char)byte(s);
	unsigned start = byte(s);
	unsigned char idx[MAXFDS];
	for (unsigned i = 0; i < n; i++) {
		idx[i] = (unsigned char)((start + i) % POOL);
		fds[i] = pool[idx[i]];
	}
	if (sd)
		memcpy(sd->idx, idx, n);
	struct ucred cred = { 0 };   /* asked for only when sent */
	if (variant == SP_SEND_CREDS)
		cred = (struct ucred){ getpid(), getuid(), getgid() };
	struct ancdata_cmsg items[3];
	int nitems = 0;
	switch (variant) {
	case SP_SEND_ONE:
		items[nitems++] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, fds, n * 4 };
		break;
	case SP_SEND_SPLIT:   /* the kernel merges the two items */
		items[nitems++] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, fds, n / 2 * 4 };
		items[nitems++] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS,
							 fds + n / 2, (n - n / 2) * 4 };
		break;
	case SP_SEND_CREDS:
		items[nitems++] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_CREDENTIALS, &cred,
							 sizeof cred };
		items[nitems++] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, fds, n * 4 };
		break;
	case SP_SEND_BADFD:   /* EBADF for all */
		if (n)
			fds[byte(s) % n] = -1;
		items[nitems++] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, fds, n * 4 };
		break;
	case SP_SEND_RAW: { /* a header with a fuzzed cmsg_len, level, type */
		/* one read per statement: the decoding order is the input's */
		size_t len = 16 + n * 4 + byte(s) % 8;
		unsigned lo = byte(s), hi = byte(s), lv = byte(s);
		int level = lv & 1 ? SOL_SOCKET : (int)byte(s);
		int type = (int)(byte(s) % SP_RAW_TYPES);
		struct cmsghdr h = { .cmsg_len = lo | hi << 8, .cmsg_level = level,
				     .cmsg_type = type };
		if (len > sizeof raw)
			len = sizeof raw;
		/* the n fds, then -1 in every slot after them: a fuzzed cmsg_len
		 * reaching past the fds must meet EBADF, never fd 0 (stdin) */
		memset(raw, 0xff, sizeof raw);
		memcpy(raw, &h, sizeof h);
		if (n * 4 > len - 16)
			n = (unsigned)(len - 16) / 4;
		memcpy(raw + 16, fds, n * 4);
		if (scn_on)
			scn_send(from, data, dlen, variant, idx, fds, n, flags, raw, len,
				 blocking);
#ifndef ANCDATA_FUZZ_SLEEPY_EINTR
		if (blocking)
			begin_blocking_send();
#endif
		rc = ancdata_sendmsg_raw(sock, &iov, 1, raw, len, flags, NULL, 0, NULL);
		if (rc >= 0 && sd)
			sd->n = (int)n;   /* what may arrive: a prefix of these */
		goto sent;
	}
	default:  /* no ancillary data */
		n = 0;
		break;
	}
	if (scn_on)
		scn_send(from, data, dlen, variant, idx, fds, n, flags, NULL, 0, blocking);
#ifndef ANCDATA_FUZZ_SLEEPY_EINTR
	if (blocking)
		begin_blocking_send();
#endif
	rc = ancdata_sendmsg(sock, &iov, 1, items, (size_t)nitems, flags, NULL, 0,
			     NULL, 0, NULL);
	if (rc >= 0 && sd)
		sd->n = (int)n;
sent:
#ifndef ANCDATA_FUZZ_SLEEPY_EINTR
	if (blocking) {
		end_blocking_send(rc);
		return;
	}
#endif
	if (rc < 0)
		return;
	if (sd)
		s->nsends++;
	/* a raw header may be SCM_CREDENTIALS too */
	s->creds_sent |= variant == SP_SEND_CREDS || variant == SP_SEND_RAW;
	if ((int)n > s->most_fds)
		s->most_fds = (int)n;
	s->queued[1 - from] += s->type == 0 ? rc : 1;
	s->dirty |= (flags & MSG_OOB) != 0;
	/* what a datagram receive must deliver (streams merge: not modelled) */
	int to = 1 - from;
	if (s->type != 0 && s->qtail[to] < MAXSENDS) {
		s->qlen[to][s->qtail[to]] = (int)rc;
		s->queue[to][s->qtail[to]++] = variant == SP_SEND_RAW ? -1 : (int)n;
	}
}

/* ---- receive: every API, fuzzed sizes, flags and policies ------------- */
static int is_prefix_of_a_send(const struct state *s, const int *idx, int n)
{
	if (n == 0)
		return 1;
	for (int i = 0; i < s->nsends; i++) {
		const struct sent *sd = &s->sends[i];
		if (sd->n >= n) {
			int k = 0;
			while (k < n && sd->idx[k] == idx[k])
				k++;
			if (k == n)
				return 1;
		}
	}
	return 0;
}

static void check_fds(struct state *s, const int *fds, int n, int flags)
{
	int idx[MAXFDS];
	for (int i = 0; i < n; i++) {
		idx[i] = pool_index(fds[i]);
		if (idx[i] < 0)
			die("a received fd is none of the pipes sent");
		int cloexec = (fcntl(fds[i], F_GETFD) & FD_CLOEXEC) != 0;
		if (cloexec != ((flags & MSG_CMSG_CLOEXEC) != 0))
			die("FD_CLOEXEC does not follow MSG_CMSG_CLOEXEC");
	}
	if (!is_prefix_of_a_send(s, idx, n))
		die("the fds received are not, in order, the fds of one send");
	if (n > s->span)
		s->span = n;
}

/* The wrapper's errors after the system call: the message was taken. */
static int after_call(ssize_t rc)
{
	return rc == -ANCDATA_E_CTRUNC || rc == -ANCDATA_E_NOSPACE ||
	       rc == -ANCDATA_E_WARNING || rc == -ANCDATA_E_NOMEM ||
	       rc == -ANCDATA_E_ADDR;
}

#ifndef ANCDATA_FUZZ_SLEEPY_EINTR
/* after a receive the helper interrupted: the PEP 475 retry, the one
 * deadline, and the wake message in the model (a message like any other,
 * with no fds, which a peek leaves queued) */
static void after_interrupt(struct state *s, int at, int mode, ssize_t rc,
			    const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	end_interrupt();
	if (rc == -EINTR)
		die("-EINTR from a receive a signal interrupted, although nothing "
		    "asked to stop: no PEP 475 retry");
	if (mode == IR_TIMEOUT) {
		long long ms = (t1.tv_sec - t0->tv_sec) * 1000LL +
			       (t1.tv_nsec - t0->tv_nsec) / 1000000;
		if (ir.restarted)
			die("the retry after EINTR waited the whole timeout again: "
			    "the deadline restarted");
		if (rc == -ETIMEDOUT && ms > 1 + ANCDATA_FUZZ_TIMEOUT_SLACK_MS)
			die("the timeout expired long past its deadline");
	}
	if (ir.woke) {
		s->queued[at] += s->type == 0 ? (long)ir.wake_len : 1;
		if (s->type != 0 && s->qtail[at] < MAXSENDS) {
			s->qlen[at][s->qtail[at]] = 1;
			s->queue[at][s->qtail[at]++] = 0;
		} else if (s->type != 0) {
			s->dirty = 1;
		}
	}
}
#endif

/* -ANCDATA_E_NOSPACE only when the array was too small: a receive on a
 * socketpair brings at most SCM_RIGHTS and SCM_CREDENTIALS (the latter
 * only with SO_PASSCRED or a send that carried it), and no more fds than
 * the most one send of this input carried */
static void check_nospace(const struct state *s, unsigned api, ssize_t rc,
			  long anc, unsigned fl)
{
	if (rc != -ANCDATA_E_NOSPACE)
		return;
	if (api == SP_API_RECV_FDS) {
		long maxfds = anc / 4 > MAXFDS ? MAXFDS : anc / 4;
		if (maxfds >= s->most_fds)
			die("-ANCDATA_E_NOSPACE from recv_fds with room for every fd sent");
		return;
	}
	int most_items = 1 + (s->passcred || s->creds_sent);
	if (!(fl & SP_RF_ONE_ITEM) || most_items <= 1)
		die("-ANCDATA_E_NOSPACE with room for every item the kernel can give");
}

/* recvmsg_into returns the kernel's count: a datagram's length, cut to the
 * buffer unless MSG_TRUNC; on a stream no more than the buffer or what the
 * model knows is queued */
static void check_count(const struct state *s, int at, ssize_t rc, long bufsize,
			int flags)
{
	if (s->type == 0) {
		if (!s->dirty && (rc > bufsize || rc > s->queued[at]))
			die("recvmsg_into returned more than the stream held");
		return;
	}
	if (s->qhead[at] >= s->qtail[at])
		return;
	long len = s->qlen[at][s->qhead[at]];
	long want = (flags & MSG_TRUNC) || len < bufsize ? len : bufsize;
	if (rc != want)
		die("recvmsg_into's count is not the kernel's");
}

static void op_recv(struct state *s, int at, int interrupt)
{
	int sock = pairs[s->type][at];
	static unsigned char buf[512], ctl[SP_CTL];
	static struct ancdata_item items[160];
	static int fds[MAXFDS];
	unsigned api = byte(s) % SP_NAPIS;
	unsigned fl = byte(s);
	unsigned warn = byte(s) % 3;
	long bufsize = (long)(byte(s) % SP_MAXBUF);
	unsigned lo = byte(s), hi = byte(s);
	long anc = (long)((lo | hi << 8) % sizeof ctl);
	int flags = MSG_DONTWAIT;
	flags |= fl & SP_RF_PEEK ? MSG_PEEK : 0;
	flags |= fl & SP_RF_CLOEXEC ? MSG_CMSG_CLOEXEC : 0;
	flags |= fl & SP_RF_TRUNC ? MSG_TRUNC : 0;
	flags |= fl & SP_RF_WAITALL ? MSG_WAITALL : 0;
	struct ancdata_opts o = { .warn = (enum ancdata_warn_policy)warn,
				  .strict_ctrunc = (fl & SP_RF_STRICT) != 0 };
	struct ancdata_result res = { .items = items,
				      .maxitems = fl & SP_RF_ONE_ITEM ? 1 : 160 };
	ssize_t rc;
	int n = 0, peek = flags & MSG_PEEK;

	if (scn_on)
		scn_recv(at, api, bufsize, anc, flags, warn, (fl & SP_RF_STRICT) != 0,
			 (fl & SP_RF_ONE_ITEM) != 0, interrupt);
#ifdef ANCDATA_FUZZ_SLEEPY_EINTR
	if (interrupt) {   /* a signal lands while the call waits */
		flags &= ~MSG_DONTWAIT;
		o.timeout_ms = 2;
		arm_eintr(200);
	}
#else
	/* a signal lands inside the blocked call: only one that blocks */
	int mode = -1;
	struct timespec t0;
	if (interrupt && s->queued[at] == 0 && !s->dirty) {
		/* one timeout an input: it waits up to 1 ms */
		mode = interrupt == 2 && !s->timed ? IR_TIMEOUT : IR_RECV;
		s->timed |= mode == IR_TIMEOUT;
		flags &= ~MSG_DONTWAIT;
		o.timeout_ms = mode == IR_TIMEOUT ? 1 : 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		begin_interrupt(mode, pairs[s->type][1 - at],
				s->type == 0 && bufsize > 0 ? (size_t)bufsize : 1);
	}
#endif
	if (s->limited)
		limit_nofile();
	if (api == SP_API_RECV_FDS) {
		size_t maxfds = anc / 4, nfds = 0;
		int mflags = 0;
		if (maxfds > MAXFDS)
			maxfds = MAXFDS;
		rc = ancdata_recv_fds(sock, buf, (size_t)bufsize, fds, maxfds, &nfds,
				      &mflags, flags, &o);
		if (rc >= 0) {
			n = (int)nfds;
			res.msg_flags = mflags;
			if (nfds > maxfds || rc > bufsize)
				die("recv_fds returned more than asked");
		}
	} else if (api == SP_API_ALLOC) {
		struct ancdata_message m;
		rc = ancdata_recvmsg_alloc(sock, bufsize, anc, flags, &m, &o);
		if (rc == 0) {
			rc = (ssize_t)m.len;
			res.msg_flags = m.res.msg_flags;
			if (m.len > (size_t)bufsize || m.res.nitems > m.res.maxitems)
				die("the allocating form returned more than asked");
			for (size_t i = 0; i < m.res.nitems; i++)
				if (m.res.items[i].level == SOL_SOCKET &&
				    m.res.items[i].type == SCM_RIGHTS)
					for (size_t j = 0; j + 4 <= m.res.items[i].len && n < MAXFDS; j += 4)
						memcpy(&fds[n++], m.res.items[i].data + j, 4);
			ancdata_message_free(&m);
		}
	} else {
		if (api == SP_API_RECVMSG_INTO) {
			struct iovec iov = { buf, (size_t)bufsize };
			rc = ancdata_recvmsg_into(sock, &iov, 1, ctl, anc, flags, &res, &o);
		} else {
			rc = ancdata_recvmsg(sock, buf, bufsize, ctl, anc, flags, &res, &o);
			if (rc > bufsize)
				die("recvmsg returned more than bufsize");
		}
		if (rc >= 0) {
			if (res.nitems > res.maxitems)
				die("more items than the array holds");
			for (size_t i = 0; i < res.nitems; i++)
				if (items[i].level == SOL_SOCKET && items[i].type == SCM_RIGHTS)
					for (size_t j = 0; j + 4 <= items[i].len && n < MAXFDS; j += 4)
						memcpy(&fds[n++], items[i].data + j, 4);
		}
	}
	restore_nofile();
#ifdef ANCDATA_FUZZ_SLEEPY_EINTR
	if (interrupt) {
		arm_eintr(0);
		if (rc == -EINTR)
			die("-EINTR although nothing asked to stop: no PEP 475 retry");
	}
#else
	if (mode >= 0)
		after_interrupt(s, at, mode, rc, &t0);
#endif
	check_nospace(s, api, rc, anc, fl);
	if (api == SP_API_RECVMSG_INTO && rc >= 0)
		check_count(s, at, rc, bufsize, flags);
	if (o.warnings)
		die("a warning on kernel output (Linux never truncates a header)");
	int taken = !peek && (rc >= 0 || after_call(rc)) && s->type != 0 &&
		    s->qhead[at] < s->qtail[at];
	if (rc >= 0) {
		check_fds(s, fds, n, flags);
		/* datagrams: fewer fds than the message carried iff MSG_CTRUNC */
		if (s->type != 0 && !s->passcred && s->qhead[at] < s->qtail[at] &&
		    s->queue[at][s->qhead[at]] >= 0) {
			int carried = s->queue[at][s->qhead[at]];
			if ((n < carried) != ((res.msg_flags & MSG_CTRUNC) != 0))
				die("MSG_CTRUNC does not say whether fds were dropped");
		}
		for (int i = 0; i < n; i++)
			close(fds[i]);
	}
	if (taken)
		s->qhead[at]++;
	/* what the queue holds now, for the drain */
	if (!peek && rc >= 0) {
		s->queued[at] -= s->type == 0 ? (long)rc : 1;
		s->dirty |= s->queued[at] < 0 || (s->type == 0 && rc > bufsize);
	} else if (!peek && after_call(rc)) {
		s->dirty = 1;   /* taken, but how much is not known */
	}
}

/* Empty both queues without the wrapper; 0 if the pair is still good. */
static int drain(int sock)
{
	static unsigned char buf[4096], ctl[4096];
	for (int guard = 0; guard < 4096; guard++) {
		struct iovec iov = { buf, sizeof buf };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl, .msg_controllen = sizeof ctl };
		ssize_t n = recvmsg(sock, &m, MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    (c->cmsg_type == SCM_RIGHTS || c->cmsg_type == 4))
				for (size_t i = 0; i + 4 <= c->cmsg_len - CMSG_LEN(0); i += 4) {
					int fd;
					memcpy(&fd, CMSG_DATA(c) + i, 4);
					close(fd);
				}
		/* a 0-byte datagram is a message like any other: only EAGAIN
		 * says the queue is empty (a stream never reaches EOF here: no
		 * input closes a socket) */
	}
	return -1;
}

/* The fd-leak oracle (fdleak.h).  Every fd a receive can install is one of
 * the pool's pipes, since nothing else is ever sent: an open pool pipe in
 * the stretch above the baseline is a leak, anything else there is the
 * engine's own fd, taken between inputs (new snapshot, new baseline).  An
 * fd the engine closes below the baseline would leave a hole a leak could
 * hide in, so every 256 inputs the lowest free fd is confirmed. */
#ifndef ANCDATA_BENCH_NO_LEAK_ORACLE   /* ci/bench fuzz prices the oracle */
static void leak_oracle(int span)
{
	static unsigned inputs;
	int open[8], n = fdleak_open_above(baseline, span, open, 8);
	for (int i = 0; i < n; i++)
		if (pool_index(open[i]) >= 0)
			fdleak_report(open[i], baseline);
	if (n || ++inputs % 256 == 0) {
		int low = fdleak_lowest_free(pool[0]);
		if (n || low != baseline) {
			fdleak_snapshot();
			baseline = fdleak_lowest_free(pool[0]);
		}
	}
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct state s;
	int zero = 0;

	if (!ready)
		setup();
	memset(&s, 0, offsetof(struct state, sends));
	s.p = data;
	s.end = data + size;
	unsigned cfg = byte(&s);
	s.type = (int)(cfg & SP_CFG_TYPE) % 3;
	int *sv = pairs[s.type];
	/* the engine may open fds between inputs (libFuzzer's symbolizer
	 * pipes): they take the lowest free numbers, so check it, and take a
	 * new snapshot when it moved */

	s.passcred = (cfg & SP_CFG_PASSCRED) != 0;
	if (s.passcred)
		setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int));
	s.limited = (cfg & SP_CFG_RLIMIT) != 0;   /* receives at a small RLIMIT_NOFILE */
	unsigned free_slots = (cfg >> SP_CFG_FREE_SHIFT) & SP_CFG_FREE_MASK;
	small_nofile = (struct rlimit){ (rlim_t)baseline + free_slots, saved_nofile.rlim_max };
	if (scenario_path)
		scn_begin(s.type, s.passcred, s.limited, free_slots);
	for (int ops = 0; ops < MAXSENDS && s.p < s.end; ops++) {
		unsigned op = byte(&s) % SP_NOPS;
		unsigned arg = byte(&s);
		int from = arg & SP_ARG_FROM;
		if (op < SP_OP_RECV)
			op_send(&s, from);
		else if (op < SP_OP_RECV_WAIT)
			op_recv(&s, 1 - from, 0);
		else if (op == SP_OP_RECV_WAIT)   /* interrupted: 1 in 4, a timeout 1 in 128 */
			op_recv(&s, 1 - from,
				(arg & SP_ARG_INTERRUPT) != SP_ARG_INTERRUPT ? 0
				: (arg & SP_ARG_TIMEOUT_MASK) == SP_ARG_TIMEOUT ? 2 : 1);
		else
			op_send(&s, 0);
	}
	if (s.passcred)
		setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &zero, sizeof zero);
	/* drain what the model cannot vouch is empty */
	int bad = 0;
	for (int e = 0; e < 2; e++)
		if ((s.dirty || s.queued[e] != 0) && drain(sv[e]) < 0)
			bad = 1;
	if (bad) {
		make_pair(s.type);   /* the new pair takes the numbers just freed */
		baseline = fdleak_lowest_free(pool[0]);
	}
	if (scn_on)
		scn_write();   /* the whole input (the purpose line is final) */
#ifndef ANCDATA_BENCH_NO_LEAK_ORACLE   /* ci/bench fuzz prices the oracle */
	leak_oracle(s.span);
#endif
	return 0;
}
