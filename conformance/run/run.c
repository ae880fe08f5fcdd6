/* run.c - run a scenario against the kernel: make the sockets, perform the
 * steps, observe.  Received fds are named by identity (device and inode of
 * a pipe or socket the scenario made), never by number; a pipe counts as
 * dropped when no read end of it is open anywhere any more, which the
 * write end sees as POLLERR: the kernel really closed it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ancdata.h"
#include "backend.h"
#include "names.h"
#include "scenario.h"

struct rt {
	const struct scenario *sc;
	int fd[3];
	struct sockaddr_un laddr;
	socklen_t laddrlen;
	int made;
	int r[SC_MAX_PIPES], w[SC_MAX_PIPES];
	short last_send[SC_MAX_PIPES];
	struct rlimit nofile;
	int rlimit_set;
};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int reader_alive(const struct rt *t, int k)
{
	struct pollfd p = { .fd = t->w[k], .events = POLLOUT };
	if (poll(&p, 1, 0) != 1)
		return 1;   /* a full pipe: its reader is there */
	return !(p.revents & POLLERR);
}

static void set_bit(unsigned char *set, int k)
{
	set[k / 8] |= (unsigned char)(1 << (k % 8));
}

static int make_pipes_upto(struct rt *t, int k)
{
	while (t->made <= k) {
		int p[2];
		if (pipe(p) < 0)
			return -errno;
		t->r[t->made] = p[0];
		t->w[t->made] = p[1];
		t->made++;
	}
	return 0;
}

static int fd_of(struct rt *t, const struct sc_ref *r)
{
	if (r->kind == SC_REF_PIPE)
		return t->r[r->pipe];
	if (r->kind == SC_REF_SOCK)
		return t->fd[r->end];
	return -1;
}

static long do_send(struct rt *t, const struct sc_send *sd)
{
	int fds[SC_MAX_REFS];
	struct ancdata_cmsg items[SC_MAX_ITEMS];
	struct ucred cred[SC_MAX_ITEMS];
	_Alignas(struct cmsghdr) unsigned char raw[SC_MAX_RAW];
	struct iovec iov = { (void *)sd->data, (size_t)sd->datalen };
	int sock = t->fd[sd->from], rc;

	for (int i = 0; i < sd->nrefs; i++)
		if (sd->refs[i].kind == SC_REF_PIPE &&
		    (rc = make_pipes_upto(t, sd->refs[i].pipe)) < 0)
			return rc;
	for (int i = 0; i < sd->nrawrefs; i++)
		if (sd->rawrefs[i].kind == SC_REF_PIPE &&
		    (rc = make_pipes_upto(t, sd->rawrefs[i].pipe)) < 0)
			return rc;
	for (int i = 0; i < sd->nrefs; i++)
		fds[i] = fd_of(t, &sd->refs[i]);
	if (sd->raw) {
		memcpy(raw, sd->rawbytes, (size_t)sd->rawlen);
		for (int i = 0; i < sd->nrawrefs; i++) {
			int fd = fd_of(t, &sd->rawrefs[i]);
			memcpy(raw + sd->rawref_at[i], &fd, sizeof fd);
		}
		return ancdata_sendmsg_raw(sock, &iov, 1, raw, (size_t)sd->rawlen,
					   sd->flags, NULL, 0, NULL);
	}
	if (sd->ctlpad) {
		/* one item of a level AF_UNIX ignores, the size of the buffer */
		unsigned char *pad = calloc(1, (size_t)sd->ctlpad);
		struct cmsghdr h = { .cmsg_len = (size_t)sd->ctlpad };
		if (!pad)
			return -ENOMEM;
		memcpy(pad, &h, sizeof h);
		long n = ancdata_sendmsg_raw(sock, &iov, 1, pad, (size_t)sd->ctlpad,
					     sd->flags, NULL, 0, NULL);
		free(pad);
		return n;
	}
	for (int i = 0; i < sd->nitems; i++) {
		const struct sc_item *it = &sd->items[i];
		if (it->kind == SC_IT_RIGHTS) {
			items[i] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS,
							  fds + it->ref0,
							  (size_t)it->nrefs * sizeof(int) };
		} else if (it->kind == SC_IT_CREDS) {
			cred[i] = it->creds_own
					  ? (struct ucred){ getpid(), getuid(), getgid() }
					  : (struct ucred){ (pid_t)it->pid, (uid_t)it->uid,
							    (gid_t)it->gid };
			items[i] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_CREDENTIALS,
							  &cred[i], sizeof cred[i] };
		} else {
			items[i] = (struct ancdata_cmsg){ it->level, it->type, it->bytes,
							  (size_t)it->nbytes };
		}
	}
	return ancdata_sendmsg(sock, &iov, 1, items, (size_t)sd->nitems,
			       sd->flags, NULL, 0, NULL, 0, NULL);
}

/* What a received (dev, ino) is: a pipe or socket of the scenario, or ?. */
static struct sc_ref identify(const struct rt *t, dev_t dev, ino_t ino)
{
	struct stat st;
	struct sc_ref r = { SC_REF_BAD, 0, 0 };
	for (int k = 0; k < t->made; k++)
		if (fstat(t->w[k], &st) == 0 && st.st_dev == dev && st.st_ino == ino) {
			r.kind = SC_REF_PIPE;
			r.pipe = (short)k;
			return r;
		}
	for (int e = 0; e < 3; e++)
		if (t->fd[e] >= 0 && fstat(t->fd[e], &st) == 0 &&
		    st.st_dev == dev && st.st_ino == ino) {
			r.kind = SC_REF_SOCK;
			r.end = (unsigned char)e;
			return r;
		}
	return r;
}

static void do_recv(struct rt *t, const struct sc_backend *be,
		    const struct sc_recv *rq, struct sc_obs *o, void **hold)
{
	static struct sc_rx rx;
	int ncx = 0;

	memset(&rx, 0, sizeof rx);
	be->recv(be, t->fd[rq->at], rq, &rx, hold);
	o->ret = rx.ret;
	o->flags = rx.flags;
	o->controllen = rx.controllen;
	o->nitems = rx.nitems;
	memcpy(o->items, rx.items, sizeof o->items);
	o->warnings = rx.warnings;
	o->datalen = rx.datalen;
	memcpy(o->data, rx.data, (size_t)rx.datalen);
	o->nfds = rx.nfds;
	for (int i = 0; i < rx.nfds; i++) {
		o->fds[i] = identify(t, rx.fds[i].dev, rx.fds[i].ino);
		ncx += rx.fds[i].cloexec;
	}
	o->cloexec = rx.nfds == 0 ? -1 : ncx == 0 ? 0 : ncx == rx.nfds ? 1 : 2;
}

static long set_free_fds(struct rt *t, long free_slots)
{
	struct rlimit now;
	long seen = 0, fd;
	if (getrlimit(RLIMIT_NOFILE, &now) < 0)
		return -errno;
	if (!t->rlimit_set) {
		t->nofile = now;
		t->rlimit_set = 1;
	}
	for (fd = 0; fd < (long)now.rlim_cur; fd++)
		if (fcntl((int)fd, F_GETFD) < 0 && errno == EBADF && seen++ == free_slots)
			break;
	now.rlim_cur = (rlim_t)fd;
	return setrlimit(RLIMIT_NOFILE, &now) < 0 ? -errno : 0;
}

static long as_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return -errno;
	/* keep /proc/self/fd readable for the fd-table check */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

/* The reference's deterministic recipe: release a throwaway AF_UNIX socket
 * (which triggers the garbage collector on every kernel), then poll for the
 * pipes' readers to vanish, for at most two seconds. */
static void gc_settle(struct rt *t, const struct sc_step *st)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0) {
		close(sv[0]);
		close(sv[1]);
	}
	for (int waited = 0; waited < 2000; waited += 5) {
		int all = 1;
		for (int i = 0; i < st->u.wait.npipes; i++)
			all &= !reader_alive(t, st->u.wait.pipes[i]);
		if (all)
			return;
		sleep_ms(5);
	}
}

static long do_step(struct rt *t, const struct sc_backend *be, int i,
		    struct sc_obs *o, void **hold)
{
	const struct sc_step *st = &t->sc->steps[i];
	long ret = 0;
	int fd;

	*hold = NULL;
	switch (st->op) {
	case SC_OP_SEND:
		ret = do_send(t, &st->u.send);
		/* the queue now holds the only references we meant it to */
		for (int k = 0; k < t->made; k++)
			if (t->r[k] >= 0 && t->last_send[k] <= i) {
				close(t->r[k]);
				t->r[k] = -1;
			}
		return ret;
	case SC_OP_RECV:
		do_recv(t, be, &st->u.recv, o, hold);
		return o->ret;
	case SC_OP_SETOPT:
		fd = t->fd[st->u.opt.end];
		return setsockopt(fd, st->u.opt.level, st->u.opt.name,
				  &st->u.opt.value, sizeof st->u.opt.value) < 0
			       ? -errno
			       : 0;
	case SC_OP_CLOSE:
		fd = t->fd[st->u.sd.end];
		t->fd[st->u.sd.end] = -1;
		return close(fd) < 0 ? -errno : 0;
	case SC_OP_SHUTDOWN:
		return shutdown(t->fd[st->u.sd.end], st->u.sd.how) < 0 ? -errno : 0;
	case SC_OP_CONNECT:
		return connect(t->fd[SC_A], (struct sockaddr *)&t->laddr,
			       t->laddrlen) < 0
			       ? -errno
			       : 0;
	case SC_OP_ACCEPT:
		fd = accept(t->fd[SC_L], NULL, NULL);
		if (fd < 0)
			return -errno;
		if (t->fd[SC_B] >= 0)
			close(t->fd[SC_B]);
		t->fd[SC_B] = fd;
		return 0;
	case SC_OP_GC:
	case SC_OP_CHECK:
		if (st->op == SC_OP_GC)
			gc_settle(t, st);
		for (int k = 0; k < st->u.wait.npipes; k++)
			if (!reader_alive(t, st->u.wait.pipes[k]))
				set_bit(o->gone, st->u.wait.pipes[k]);
		return 0;
	case SC_OP_RLIMIT:
		return set_free_fds(t, st->u.rlimit.free);
	case SC_OP_AS_NOBODY:
		return as_nobody();
	}
	return ret;
}

static int open_sockets(struct rt *t)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	int type = types[t->sc->type], sv[2];

	if (t->sc->mode == SC_PAIR) {
		if (socketpair(AF_UNIX, type, 0, sv) < 0)
			return -errno;
		t->fd[SC_A] = sv[0];
		t->fd[SC_B] = sv[1];
		return 0;
	}
	/* a listener on an address the kernel picks (autobind: an abstract
	 * name no one can take first), and an unconnected client */
	struct sockaddr_un any = { .sun_family = AF_UNIX };
	t->fd[SC_L] = socket(AF_UNIX, type, 0);
	t->fd[SC_A] = socket(AF_UNIX, type, 0);
	t->laddrlen = sizeof t->laddr;
	if (t->fd[SC_L] < 0 || t->fd[SC_A] < 0 ||
	    bind(t->fd[SC_L], (struct sockaddr *)&any, sizeof(sa_family_t)) < 0 ||
	    getsockname(t->fd[SC_L], (struct sockaddr *)&t->laddr, &t->laddrlen) < 0 ||
	    (type != SOCK_DGRAM && listen(t->fd[SC_L], 8) < 0))
		return -errno;
	return 0;
}

/* The first field in which a step's observation differs from what it
 * expects, both in the expect syntax:
 * "line N: fds: expected fds=p0,p1, observed fds=p1,p0".  The text is
 * ASCII (the printer escapes every other byte), so a cut never splits a
 * character. */
static int compare(const struct sc_step *st, const struct sc_obs *o, char *why,
		   size_t len)
{
	unsigned d = sc_obs_diff(&st->want, o, st->expect), f;
	char a[240], b[240];

	if (!d)
		return 0;
	f = d & -d;
	sc_print_obs(&st->want, f, a, sizeof a);
	sc_print_obs(o, f, b, sizeof b);
	snprintf(why, len, "line %d: %s: expected%s, observed%s", st->line,
		 sc_field_names[__builtin_ctz(f)], a, b[0] ? b : " nothing");
	return 1;
}

static void finish(struct rt *t)
{
	if (t->rlimit_set)
		setrlimit(RLIMIT_NOFILE, &t->nofile);
	for (int e = 0; e < 3; e++)
		if (t->fd[e] >= 0)
			close(t->fd[e]);
	for (int k = 0; k < t->made; k++) {
		if (t->r[k] >= 0)
			close(t->r[k]);
		close(t->w[k]);
	}
}

/* What the child of sc_run_isolated streams to its parent: each step's
 * observation as the step completes, then the whole result. */
enum { MSG_STEP = 1, MSG_RESULT = 2 };
struct msg {
	int type;
	int step;
};

static int write_all(int fd, const void *buf, size_t len)
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

static void report_step(int fd, int i, const struct sc_obs *o)
{
	struct msg m = { MSG_STEP, i };
	if (fd >= 0 && (write_all(fd, &m, sizeof m) < 0 ||
			write_all(fd, o, sizeof *o) < 0))
		_exit(1);   /* only the isolated child reports */
}

/* sc_run, reporting each step's observation on report_fd (when >= 0) */
static void run(const struct scenario *sc, const struct sc_backend *be,
		struct sc_result *res, int report_fd)
{
	static struct rt t;
	int baseline;

	memset(res, 0, sizeof *res);
	if (!be)
		be = sc_backend_ancdata;
	for (int i = 0; i < sc->nreq; i++)
		if (sc_feature(sc->requires[i]) != 1) {
			res->status = SC_SKIP;
			snprintf(res->why, sizeof res->why, "unsupported: %s",
				 sc->requires[i]);
			return;
		}
	signal(SIGPIPE, SIG_IGN);
	memset(&t, 0, sizeof t);
	t.sc = sc;
	t.fd[0] = t.fd[1] = t.fd[2] = -1;
	for (int k = 0; k < SC_MAX_PIPES; k++)
		t.r[k] = t.w[k] = -1;
	for (int i = 0; i < sc->nsteps; i++) {
		const struct sc_send *sd = &sc->steps[i].u.send;
		if (sc->steps[i].op != SC_OP_SEND)
			continue;
		for (int k = 0; k < sd->nrefs; k++)
			if (sd->refs[k].kind == SC_REF_PIPE)
				t.last_send[sd->refs[k].pipe] = (short)i;
		for (int k = 0; k < sd->nrawrefs; k++)
			if (sd->rawrefs[k].kind == SC_REF_PIPE)
				t.last_send[sd->rawrefs[k].pipe] = (short)i;
	}
	baseline = count_fds();
	int rc = open_sockets(&t);
	if (rc < 0) {
		res->status = SC_ERROR;
		snprintf(res->why, sizeof res->why, "making the sockets: %s",
			 strerror(-rc));
		finish(&t);
		return;
	}
	for (int i = 0; i < sc->nsteps; i++) {
		struct sc_obs *o = &res->obs[i];
		unsigned char alive[SC_MAX_PIPES / 8] = { 0 };
		void *hold;
		int made_before = t.made;

		for (int k = 0; k < t.made; k++)
			if (reader_alive(&t, k))
				set_bit(alive, k);
		o->cloexec = -1;
		o->ret = do_step(&t, be, i, o, &hold);
		for (int k = 0; k < t.made; k++)
			if ((k >= made_before || (alive[k / 8] & (1 << (k % 8)))) &&
			    !reader_alive(&t, k))
				set_bit(o->dropped, k);
		if (hold)
			be->release(be, hold);
		res->nsteps = i + 1;
		report_step(report_fd, i, o);
		if (res->status == SC_PASS &&
		    compare(&sc->steps[i], o, res->why, sizeof res->why))
			res->status = SC_FAIL;
	}
	finish(&t);
	res->fd_table_restored = count_fds() == baseline;
	if (!res->fd_table_restored && res->status == SC_PASS) {
		res->status = SC_FAIL;
		snprintf(res->why, sizeof res->why,
			 "the fd table is not back where it started");
	}
}

void sc_run(const struct scenario *sc, const struct sc_backend *be,
	    struct sc_result *res)
{
	run(sc, be, res, -1);
}

/* How long step i may take before its runner counts as hung: a hang guard,
 * not a measure.  Setting up counts to the first step. */
static int step_budget_ms(const struct scenario *sc, const struct sc_backend *be,
			  int i)
{
	const struct sc_step *st;
	int ms = 10000;
	if (i < 0 || i >= sc->nsteps)
		return ms;                 /* after the steps: the fd table check */
	st = &sc->steps[i];
	if (st->op == SC_OP_GC)
		ms += 2000;                /* gc_settle waits up to 2 s */
	if (st->op == SC_OP_RECV && be && be->script)
		ms += 20000;               /* the driver's own two hang guards */
	return ms;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* len bytes, before budget_ms since t0: 0, -1 at EOF or error, -2 late */
static int read_by(int fd, void *buf, size_t len, const struct timespec *t0,
		   long budget_ms)
{
	size_t got = 0;
	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = budget_ms - ms_since(t0);
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

/* Read the child's stream into res: 0 when the whole result came, -1 when
 * the child stopped early, -2 when a step overran its budget.  Either way
 * res->nsteps observations are kept. */
static int collect(int fd, const struct scenario *sc, const struct sc_backend *be,
		   struct sc_result *res, long *budget)
{
	struct timespec t0;
	struct msg m;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		*budget = step_budget_ms(sc, be, res->nsteps);
		if ((rc = read_by(fd, &m, sizeof m, &t0, *budget)) < 0)
			return rc;
		if (m.type == MSG_RESULT) {
			int n = res->nsteps;
			rc = read_by(fd, res, sizeof *res, &t0, *budget);
			if (rc < 0)
				res->nsteps = n;   /* what streamed in is still good */
			return rc;
		}
		if (m.type != MSG_STEP || m.step != res->nsteps || m.step >= sc->nsteps)
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

void sc_run_isolated(const struct scenario *sc, const struct sc_backend *be,
		     struct sc_result *res)
{
	int p[2], st = 0, rc = -1;
	long budget = 0;
	char at[128];
	pid_t pid;

	memset(res, 0, sizeof *res);
	if (pipe2(p, O_CLOEXEC) < 0) {
		res->status = SC_ERROR;
		snprintf(res->why, sizeof res->why, "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct msg m = { MSG_RESULT, 0 };
		close(p[0]);
		run(sc, be, res, p[1]);
		if (write_all(p[1], &m, sizeof m) < 0 ||
		    write_all(p[1], res, sizeof *res) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (pid > 0)
		rc = collect(p[0], sc, be, res, &budget);
	close(p[0]);
	if (pid > 0 && rc < 0)
		kill(pid, SIGKILL);
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	if (rc == 0)
		return;
	res->status = SC_ERROR;
	where(sc, res, at, sizeof at);
	if (pid < 0)
		snprintf(res->why, sizeof res->why, "fork: %s", strerror(errno));
	else if (rc == -2)
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
