/* run.c - run a scenario against the kernel: make the sockets, perform the
 * steps, observe.  Received fds are named by identity (device and inode of
 * a pipe or socket the scenario made), never by number; a pipe counts as
 * dropped when no read end of it is open anywhere any more, which the
 * write end sees as POLLERR: the kernel really closed it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ancdata.h"
#include "backend.h"
#include "names.h"
#include "scenario.h"
#include "stream.h"

struct rt {
	const struct scenario *sc;
	int fd[SC_NEND];
	int family[SC_NEND];              /* AF_UNIX, AF_INET, AF_INET6 */
	int made;
	pid_t self, child;                /* the main line; the forked child */
	int child_exited;
	uid_t uid;                        /* the runner's at the start: "own" */
	gid_t gid;
	int to_child, from_child;         /* the child's command and answer pipes */
	char dir[64];                     /* the private folder of path= names */
	dev_t uring_dev;                  /* the io_uring instances made */
	ino_t uring_ino[4];
	int nuring;
	int urg_seen;                     /* urg_count at the last sigurg step */
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

/* a new io_uring instance (io_uring_setup, no liburing): its fd or -errno */
static int make_uring(struct rt *t)
{
#ifdef SYS_io_uring_setup
	unsigned char params[120] = { 0 };   /* struct io_uring_params */
	struct stat st;
	int fd = (int)syscall(SYS_io_uring_setup, 1, params);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && t->nuring < 4) {
		t->uring_dev = st.st_dev;
		t->uring_ino[t->nuring++] = st.st_ino;
	}
	return fd;
#else
	(void)t;
	return -ENOSYS;
#endif
}

/* the sockaddr of an address; 0 or -errno */
static int sockaddr_of(struct rt *t, const struct sc_addr *a, int family,
		       struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	memset(ss, 0, sizeof *ss);
	if (a->kind == SC_ADDR_END) {
		*len = sizeof *ss;
		return getsockname(t->fd[a->end], (struct sockaddr *)ss, len) < 0 ? -errno : 0;
	}
	if (a->kind == SC_ADDR_AUTO) {
		ss->ss_family = (sa_family_t)family;
		if (family == AF_INET) {
			struct sockaddr_in *in = (struct sockaddr_in *)ss;
			in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			*len = sizeof *in;
		} else if (family == AF_INET6) {
			((struct sockaddr_in6 *)ss)->sin6_addr = in6addr_loopback;
			*len = sizeof(struct sockaddr_in6);
		} else {
			*len = sizeof(sa_family_t);
		}
		return 0;
	}
	un->sun_family = AF_UNIX;
	if (a->kind == SC_ADDR_ABSTRACT) {
		/* per run: two runs at once never meet */
		int n = snprintf(un->sun_path + 1, sizeof un->sun_path - 1,
				 "ancdata-%d-%s", (int)t->self, a->name);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
		return 0;
	}
	if (!t->dir[0]) {
		/* /tmp, or / in a guest's initramfs that has no /tmp */
		static const char *const bases[] = { "/tmp", "" };
		int rc = -ENOENT;
		for (size_t b = 0; b < sizeof bases / sizeof bases[0] && !t->dir[0]; b++) {
			snprintf(t->dir, sizeof t->dir, "%s/ancdata-run-%d-XXXXXX", bases[b],
				 (int)getpid());
			if (!mkdtemp(t->dir)) {
				rc = -errno;
				t->dir[0] = '\0';
			}
		}
		if (!t->dir[0])
			return rc;
		chmod(t->dir, 01777);   /* a child as nobody binds there too */
	}
	snprintf(un->sun_path, sizeof un->sun_path, "%s/%s", t->dir, a->name);
	*len = sizeof *un;
	return 0;
}

/* the pipes a send names, made before it (and before a later step's
 * thread starts, so that the thread never adds to the table) */
static int make_send_pipes(struct rt *t, const struct sc_send *sd)
{
	int rc;
	for (int i = 0; i < sd->nrefs; i++)
		if (sd->refs[i].kind == SC_REF_PIPE &&
		    (rc = make_pipes_upto(t, sd->refs[i].pipe)) < 0)
			return rc;
	for (int i = 0; i < sd->nrawrefs; i++)
		if (sd->rawrefs[i].kind == SC_REF_PIPE &&
		    (rc = make_pipes_upto(t, sd->rawrefs[i].pipe)) < 0)
			return rc;
	return 0;
}

static long send_now(struct rt *t, const struct sc_send *sd, int *fds);

static long do_send(struct rt *t, const struct sc_send *sd)
{
	int fds[SC_MAX_REFS], rings[SC_MAX_REFS], nrings = 0;
	long ret;

	if ((ret = make_send_pipes(t, sd)) < 0)
		return ret;
	for (int i = 0; i < sd->nrefs; i++) {
		fds[i] = fd_of(t, &sd->refs[i]);
		if (sd->refs[i].kind == SC_REF_URING) {
			if ((fds[i] = make_uring(t)) < 0) {
				ret = fds[i];
				goto out;
			}
			rings[nrings++] = fds[i];
		}
	}
	ret = send_now(t, sd, fds);
out:
	while (nrings > 0)
		close(rings[--nrings]);   /* the queue holds the only reference */
	return ret;
}

static long send_now(struct rt *t, const struct sc_send *sd, int *fds)
{
	struct ancdata_cmsg items[SC_MAX_ITEMS];
	struct ucred cred[SC_MAX_ITEMS];
	_Alignas(struct cmsghdr) unsigned char raw[SC_MAX_RAW];
	struct iovec iov = { (void *)sd->data, (size_t)sd->datalen };
	int sock = t->fd[sd->from];
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	int rc;

	if (sd->to.kind != SC_ADDR_NONE &&
	    (rc = sockaddr_of(t, &sd->to, t->family[sd->from], &ss, &sslen)) < 0)
		return rc;
	const struct sockaddr *to = sslen ? (const struct sockaddr *)&ss : NULL;
	if (sd->raw) {
		memcpy(raw, sd->rawbytes, (size_t)sd->rawlen);
		for (int i = 0; i < sd->nrawrefs; i++) {
			int fd = fd_of(t, &sd->rawrefs[i]);
			memcpy(raw + sd->rawref_at[i], &fd, sizeof fd);
		}
		return ancdata_sendmsg_raw(sock, &iov, 1, raw, (size_t)sd->rawlen,
					   sd->flags, to, sslen, NULL);
	}
	if (sd->ctlpad) {
		/* one item of a level AF_UNIX ignores, the size of the buffer */
		unsigned char *pad = calloc(1, (size_t)sd->ctlpad);
		struct cmsghdr h = { .cmsg_len = (size_t)sd->ctlpad };
		if (!pad)
			return -ENOMEM;
		memcpy(pad, &h, sizeof h);
		long n = ancdata_sendmsg_raw(sock, &iov, 1, pad, (size_t)sd->ctlpad,
					     sd->flags, to, sslen, NULL);
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
			       sd->flags, to, sslen, NULL, 0, NULL);
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
	for (int k = 0; k < t->nuring; k++)
		if (dev == t->uring_dev && ino == t->uring_ino[k]) {
			r.kind = SC_REF_URING;
			return r;
		}
	for (int e = 0; e < SC_NEND; e++)
		if (t->fd[e] >= 0 && fstat(t->fd[e], &st) == 0 &&
		    st.st_dev == dev && st.st_ino == ino) {
			r.kind = SC_REF_SOCK;
			r.end = (unsigned char)e;
			return r;
		}
	return r;
}

/* a pid by identity: self (the main line), child, 0, or ? */
static const char *pid_name(const struct rt *t, long pid)
{
	if (pid == t->self)
		return "self";
	if (t->child > 0 && pid == t->child)
		return "child";
	if (pid == 0)
		return "0";
	if (pid == -1)
		return "exited";
	return "?";
}

/* a uid or gid: own (the runner's at the start), nobody, or the number */
static void id_name(char *out, size_t len, long id, long own)
{
	if (id == own)
		snprintf(out, len, "own");
	else if (id == 65534)
		snprintf(out, len, "nobody");
	else
		snprintf(out, len, "%ld", id);
}

static void ucred_text(const struct rt *t, long pid, long uid, long gid, char *out,
		       size_t len)
{
	char u[24], g[24];
	id_name(u, sizeof u, uid, (long)t->uid);
	id_name(g, sizeof g, gid, (long)t->gid);
	snprintf(out, len, "%s:%s:%s", pid_name(t, pid), u, g);
}

static void vals_text(const struct rt *t, const struct sc_rx *rx, char *out, size_t len)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < rx->nvals && n < len; i++) {
		const struct sc_rxval *v = &rx->vals[i];
		char one[64];
		if (v->type == SCM_CREDENTIALS) {
			ucred_text(t, v->a, v->b, v->c, one + 6, sizeof one - 6);
			memcpy(one, "creds:", 6);
		} else if (v->type == 84) {
			snprintf(one, sizeof one, "inq:%ld", v->a);
		} else {
			snprintf(one, sizeof one, "pidfd:%s", pid_name(t, v->a));
		}
		n += (size_t)snprintf(out + n, len - n, "%s%s", n ? "," : "", one);
	}
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
	vals_text(t, &rx, o->vals, sizeof o->vals);
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

/* ms milliseconds; 0: a tenth of one (a wait for a state, not a race) */
static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, ms ? (ms % 1000) * 1000000L : 100000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
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
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int all = 1;
		for (int i = 0; i < st->u.wait.npipes; i++)
			all &= !reader_alive(t, st->u.wait.pipes[i]);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (all || (now.tv_sec - t0.tv_sec) * 1000 +
				   (now.tv_nsec - t0.tv_nsec) / 1000000 >= 2000)
			return;
		sleep_ms(1);   /* a millisecond between looks: the collector is quick */
	}
}

/* the pid a pidfd's fdinfo names: -1 when the process is gone, -2 unknown
 * (backend.h) */
long sc_pidfd_pid(int fd)
{
	char path[64], buf[256];
	long pid = -2;
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
	FILE *f = fopen(path, "re");
	if (!f)
		return -2;
	while (fgets(buf, sizeof buf, f))
		if (sscanf(buf, "Pid: %ld", &pid) == 1)
			break;
	fclose(f);
	return pid;
}

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* getsockopt(SOL_SOCKET): 0 and the value as text, or -errno */
static long do_getopt(struct rt *t, int end, int opt, char *out, size_t len)
{
	_Alignas(long) unsigned char buf[256] = { 0 };
	socklen_t n = sizeof buf;
	int i;
	if (getsockopt(t->fd[end], SOL_SOCKET, opt, buf, &n) < 0)
		return -errno;
	memcpy(&i, buf, sizeof i);
	if (opt == SO_PEERCRED && n >= sizeof(struct ucred)) {
		struct ucred u;
		memcpy(&u, buf, sizeof u);
		ucred_text(t, u.pid, u.uid, u.gid, out, len);
	} else if (opt == SO_PEERPIDFD && n >= sizeof i) {
		snprintf(out, len, "pidfd:%s", pid_name(t, sc_pidfd_pid(i)));
		close(i);
	} else if ((opt == SO_RCVTIMEO || opt == SO_SNDTIMEO) && n >= sizeof(struct timeval)) {
		struct timeval tv;
		memcpy(&tv, buf, sizeof tv);
		snprintf(out, len, "%ld", (long)(tv.tv_sec * 1000 + tv.tv_usec / 1000));
	} else if (opt == SO_LINGER && n >= sizeof(struct linger)) {
		struct linger l;
		memcpy(&l, buf, sizeof l);
		snprintf(out, len, "%d:%d", l.l_onoff, l.l_linger);
	} else if (opt == 57 /* SO_COOKIE: differs every run */) {
		unsigned long long c;
		memcpy(&c, buf, sizeof c);
		snprintf(out, len, "%s", c ? "nonzero" : "0");
	} else if (opt == SO_PEERSEC || n != sizeof i) {
		snprintf(out, len, "len:%u", (unsigned)n);
	} else {
		snprintf(out, len, "%d", i);
	}
	return 0;
}

/* poll with a timeout of 0: the revents by name, 0 for none */
static long do_poll(struct rt *t, int end, char *out, size_t len)
{
	struct pollfd p = { .fd = t->fd[end],
			    .events = POLLIN | POLLPRI | POLLOUT | POLLRDHUP };
	size_t n = 0;
	int r = poll(&p, 1, 0);
	if (r < 0)
		return -errno;
	out[0] = '\0';
	for (const struct sc_name *b = sc_pollbits; b->name; b++)
		if (p.revents & b->value)
			n += (size_t)snprintf(out + n, len - n, "%s%s", n ? "|" : "", b->name);
	if (p.revents & POLLNVAL)
		n += (size_t)snprintf(out + n, len - n, "%sNVAL", n ? "|" : "");
	if (!n)
		snprintf(out, len, "0");
	return r;
}

/* SIGURGs this process received (setown makes it the owner) */
static volatile sig_atomic_t urg_count;

static void on_sigurg(int sig)
{
	(void)sig;
	urg_count++;
}

static void loopback_up(void);
static const int sock_types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
static const int families[] = { AF_UNIX, AF_INET, AF_INET6 };

static void put_end(struct rt *t, int end, int fd, int family)
{
	if (t->fd[end] >= 0)
		close(t->fd[end]);
	t->fd[end] = fd;
	t->family[end] = family;
}

static long do_open(struct rt *t, const struct sc_step *st)
{
	int f = families[st->u.open.family], type = sock_types[st->u.open.type];
	if (f != AF_UNIX)
		loopback_up();
	int fd = socket(f, type, 0), sv[2];
	if (st->op == SC_OP_OPEN) {
		if (fd < 0)
			return -errno;
		put_end(t, st->u.open.end, fd, f);
		return 0;
	}
	if (fd >= 0)
		close(fd);
	if (socketpair(AF_UNIX, type, 0, sv) < 0)
		return -errno;
	put_end(t, st->u.open.end, sv[0], AF_UNIX);
	put_end(t, st->u.open.end2, sv[1], AF_UNIX);
	return 0;
}

static long do_bind_connect(struct rt *t, const struct sc_step *st)
{
	int connecting = st->op == SC_OP_CONNECT;
	int end = connecting ? st->u.conn.from : st->u.bind.end;
	const struct sc_addr *a = connecting ? &st->u.conn.to : &st->u.bind.addr;
	struct sockaddr_storage ss;
	socklen_t len;
	long rc = sockaddr_of(t, a, t->family[end], &ss, &len);
	if (rc < 0)
		return rc;
	rc = connecting ? connect(t->fd[end], (struct sockaddr *)&ss, len)
			: bind(t->fd[end], (struct sockaddr *)&ss, len);
	return rc < 0 ? -errno : 0;
}

static long do_setopt(struct rt *t, const struct sc_step *st)
{
	int fd = t->fd[st->u.opt.end], v = st->u.opt.value;
	if (st->u.opt.name == SO_RCVTIMEO || st->u.opt.name == SO_SNDTIMEO) {
		/* the value in milliseconds */
		struct timeval tv = { v / 1000, (v % 1000) * 1000 };
		return setsockopt(fd, SOL_SOCKET, st->u.opt.name, &tv, sizeof tv) < 0 ? -errno : 0;
	}
	return setsockopt(fd, st->u.opt.level, st->u.opt.name, &v, sizeof v) < 0 ? -errno : 0;
}

static long do_new(struct rt *t, const struct sc_step *st, struct sc_obs *o)
{
	int fd, v = 0;
	switch (st->op) {
	case SC_OP_GETOPT:
		return do_getopt(t, st->u.q.end, st->u.q.req, o->value, sizeof o->value);
	case SC_OP_IOCTL:
		if (ioctl(t->fd[st->u.q.end], (unsigned long)(unsigned)st->u.q.req, &v) < 0)
			return -errno;
		snprintf(o->value, sizeof o->value, "%d", v);
		return 0;
	case SC_OP_POLL:
		return do_poll(t, st->u.q.end, o->value, sizeof o->value);
	case SC_OP_OPEN:
	case SC_OP_PAIR:
		return do_open(t, st);
	case SC_OP_BIND:
	case SC_OP_CONNECT:
		return do_bind_connect(t, st);
	case SC_OP_LISTEN:
		return listen(t->fd[st->u.listen.end], st->u.listen.backlog) < 0 ? -errno : 0;
	case SC_OP_ACCEPT:
		fd = accept(t->fd[st->u.acc.l], NULL, NULL);
		if (fd < 0)
			return -errno;
		put_end(t, st->u.acc.into, fd, t->family[st->u.acc.l]);
		return 0;
	case SC_OP_UNSHARE:
		/* a new network namespace for the sockets made from now on */
		return unshare(CLONE_NEWNET) < 0 ? -errno : 0;
	case SC_OP_SETOWN:
		/* SIGURG for urgent data on this socket goes to this process */
		return fcntl(t->fd[st->u.q.end], F_SETOWN, getpid()) < 0 ? -errno : 0;
	case SC_OP_SIGURG: {
		/* the SIGURGs that arrived since the last look */
		int now = urg_count;
		snprintf(o->value, sizeof o->value, "%d", now - t->urg_seen);
		t->urg_seen = now;
		return 0;
	}
	default:
		return -EINVAL;   /* fork and exit are the run loop's */
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
		return do_setopt(t, st);
	case SC_OP_CLOSE:
		fd = t->fd[st->u.sd.end];
		t->fd[st->u.sd.end] = -1;
		return close(fd) < 0 ? -errno : 0;
	case SC_OP_SHUTDOWN:
		return shutdown(t->fd[st->u.sd.end], st->u.sd.how) < 0 ? -errno : 0;
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
	default:
		return do_new(t, st, o);
	}
	return ret;
}

/* The loopback interface up, as a booted guest whose /init is the
 * profile finds it down (no-op where it is up; needs CAP_NET_ADMIN). */
static void loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

/* a TCP or UDP pair on the loopback of the family: a connected to b */
static int open_inet(struct rt *t, int f)
{
	const struct sc_addr any = { .kind = SC_ADDR_AUTO };
	struct sockaddr_storage ss;
	socklen_t len;
	int type = sock_types[t->sc->type], fd;

	loopback_up();
	t->family[SC_A] = t->family[SC_B] = t->family[SC_L] = f;
	t->fd[SC_A] = socket(f, type, 0);
	t->fd[type == SOCK_STREAM ? SC_L : SC_B] = socket(f, type, 0);
	int srv = type == SOCK_STREAM ? SC_L : SC_B;
	if (t->fd[SC_A] < 0 || t->fd[srv] < 0 || sockaddr_of(t, &any, f, &ss, &len) < 0 ||
	    bind(t->fd[srv], (struct sockaddr *)&ss, len) < 0 ||
	    (type == SOCK_STREAM && listen(t->fd[srv], 8) < 0))
		return -errno;
	if (type == SOCK_DGRAM &&
	    (bind(t->fd[SC_A], (struct sockaddr *)&ss, len) < 0 ||
	     sockaddr_of(t, &(struct sc_addr){ .kind = SC_ADDR_END, .end = SC_B }, f, &ss, &len) < 0 ||
	     connect(t->fd[SC_A], (struct sockaddr *)&ss, len) < 0 ||
	     sockaddr_of(t, &(struct sc_addr){ .kind = SC_ADDR_END, .end = SC_A }, f, &ss, &len) < 0 ||
	     connect(t->fd[SC_B], (struct sockaddr *)&ss, len) < 0))
		return -errno;
	if (type != SOCK_STREAM)
		return 0;
	if (sockaddr_of(t, &(struct sc_addr){ .kind = SC_ADDR_END, .end = SC_L }, f, &ss, &len) < 0 ||
	    connect(t->fd[SC_A], (struct sockaddr *)&ss, len) < 0 ||
	    (fd = accept(t->fd[SC_L], NULL, NULL)) < 0)
		return -errno;
	t->fd[SC_B] = fd;
	close(t->fd[SC_L]);   /* the pair only: the listener is not an end */
	t->fd[SC_L] = -1;
	return 0;
}

static int open_sockets(struct rt *t)
{
	int type = sock_types[t->sc->type], sv[2];
	const struct sc_addr any = { .kind = SC_ADDR_AUTO };
	struct sockaddr_storage ss;
	socklen_t len;

	for (int e = 0; e < SC_NEND; e++)
		t->family[e] = AF_UNIX;
	if (t->sc->mode == SC_NONE)
		return 0;
	if (t->sc->mode == SC_INET4 || t->sc->mode == SC_INET6)
		return open_inet(t, t->sc->mode == SC_INET4 ? AF_INET : AF_INET6);
	if (t->sc->mode == SC_PAIR) {
		if (socketpair(AF_UNIX, type, 0, sv) < 0)
			return -errno;
		t->fd[SC_A] = sv[0];
		t->fd[SC_B] = sv[1];
		return 0;
	}
	/* a listener on an address the kernel picks (autobind: an abstract
	 * name no one can take first), and an unconnected client */
	t->fd[SC_L] = socket(AF_UNIX, type, 0);
	t->fd[SC_A] = socket(AF_UNIX, type, 0);
	if (t->fd[SC_L] < 0 || t->fd[SC_A] < 0 || sockaddr_of(t, &any, AF_UNIX, &ss, &len) < 0 ||
	    bind(t->fd[SC_L], (struct sockaddr *)&ss, len) < 0 ||
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

/* the private folder of path= names, emptied and removed */
static void remove_dir(struct rt *t)
{
	DIR *d;
	struct dirent *e;
	char path[sizeof t->dir + 260];
	if (!t->dir[0] || !(d = opendir(t->dir)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", t->dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(t->dir);
	t->dir[0] = '\0';
}

static void end_child(struct rt *t)
{
	int st;
	if (t->to_child >= 0)
		close(t->to_child);   /* the child reads EOF and exits */
	if (t->from_child >= 0)
		close(t->from_child);
	t->to_child = t->from_child = -1;
	if (t->child > 0 && !t->child_exited)
		while (waitpid(t->child, &st, 0) < 0 && errno == EINTR)
			;
	t->child_exited = 1;
}

static void finish(struct rt *t)
{
	end_child(t);
	remove_dir(t);
	if (t->rlimit_set)
		setrlimit(RLIMIT_NOFILE, &t->nofile);
	for (int e = 0; e < SC_NEND; e++)
		if (t->fd[e] >= 0)
			close(t->fd[e]);
	for (int k = 0; k < t->made; k++) {
		if (t->r[k] >= 0)
			close(t->r[k]);
		close(t->w[k]);
	}
}

/* ---- a second process ---------------------------------------------- */

/* The child runs the steps it is sent, one at a time, and answers each
 * with its observation: the main line waits for every answer, so nothing
 * depends on how the two are scheduled.  Pipes stay with the process that
 * made them: the child closes the read ends it inherits. */
static void child_loop(struct rt *t, const struct sc_backend *be, int cmd, int ans)
{
	static struct sc_obs o;
	int i;
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	t->child = getpid();
	for (int k = 0; k < t->made; k++)
		if (t->r[k] >= 0) {
			close(t->r[k]);
			t->r[k] = -1;
		}
	while (read(cmd, &i, sizeof i) == (ssize_t)sizeof i && i >= 0 &&
	       i < t->sc->nsteps) {
		void *hold = NULL;
		memset(&o, 0, sizeof o);
		o.cloexec = -1;
		if (t->sc->steps[i].op != SC_OP_EXIT)
			o.ret = do_step(t, be, i, &o, &hold);
		if (hold)
			be->release(be, hold);
		if (sc_write_all(ans, &o, sizeof o) < 0 || t->sc->steps[i].op == SC_OP_EXIT)
			break;
	}
	_exit(0);
}

static long do_fork(struct rt *t, const struct sc_backend *be)
{
	int cmd[2], ans[2];
	if (pipe2(cmd, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(ans, O_CLOEXEC) < 0) {
		close(cmd[0]);
		close(cmd[1]);
		return -errno;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(cmd[1]);
		close(ans[0]);
		child_loop(t, be, cmd[0], ans[1]);
	}
	close(cmd[0]);
	close(ans[1]);
	if (pid < 0) {
		close(cmd[1]);
		close(ans[0]);
		return -errno;
	}
	t->child = pid;
	t->to_child = cmd[1];
	t->from_child = ans[0];
	return 0;
}

/* step i in the child; exit is answered, then the child is reaped and its
 * exit status is the step's return */
static long child_step(struct rt *t, int i, struct sc_obs *o)
{
	size_t got = 0;
	if (t->to_child < 0 || sc_write_all(t->to_child, &i, sizeof i) < 0)
		return -ECHILD;
	while (got < sizeof *o) {
		ssize_t n = read(t->from_child, (char *)o + got, sizeof *o - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -ECHILD;
		got += (size_t)n;
	}
	if (t->sc->steps[i].op == SC_OP_EXIT) {
		int st = 0;
		close(t->to_child);
		close(t->from_child);
		t->to_child = t->from_child = -1;
		while (waitpid(t->child, &st, 0) < 0 && errno == EINTR)
			;
		t->child_exited = 1;
		return WIFEXITED(st) ? WEXITSTATUS(st) : -ECHILD;
	}
	return o->ret;
}

/* ---- a step later, while the main line blocks --------------------------- */

struct later {
	struct rt *t;
	const struct sc_backend *be;
	int i;                      /* the later step */
	pid_t tid;                  /* the main line's thread */
	const struct sc_step *next; /* the step the main line runs meanwhile */
	atomic_int done;            /* the main line's step returned */
	struct sc_obs *o;
	void *hold;                 /* what a later recv received, released
				     * by the main line after the join */
	pthread_t th;
};

/* the syscalls a main-line step may block in */
static int blocking_syscall(long nr)
{
	static const long nrs[] = {
#ifdef SYS_recvmsg
		SYS_recvmsg, SYS_recvfrom, SYS_sendmsg, SYS_sendto, SYS_accept,
		SYS_accept4, SYS_connect,
#endif
		-1 };
	for (int k = 0; nrs[k] >= 0; k++)
		if (nrs[k] == nr)
			return 1;
	return 0;
}

/* Is the main line asleep in the kernel inside its step's syscall?  Its
 * /proc/self/task/TID/stat state is S (interruptible sleep: waiting for
 * data, a peer or room) and, where the kernel shows it, its
 * /proc/self/task/TID/syscall is a socket call, not a page fault or a
 * lock of our own. */
static int main_blocked(pid_t tid)
{
	char path[64], buf[512];
	ssize_t n;
	int fd;
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *paren = strrchr(buf, ')');
	if (!paren || paren[1] != ' ' || paren[2] != 'S')
		return 0;
	snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 1;                   /* no CONFIG_HAVE_ARCH_TRACEHOOK: S is all */
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	return buf[0] >= '0' && buf[0] <= '9' && blocking_syscall(atol(buf));
}

static void *later_main(void *arg)
{
	struct later *l = arg;
	const struct sc_step *st = &l->t->sc->steps[l->i];
	/* wait until the main line sleeps in its syscall (or has returned
	 * without sleeping), then the scenario's delay */
	while (!atomic_load(&l->done) && !main_blocked(l->tid))
		sleep_ms(0);
	sleep_ms(st->delay_ms);
	l->o->ret = do_step(l->t, l->be, l->i, l->o, &l->hold);
	return NULL;
}

static int later_start(struct later *l)
{
	const struct sc_step *st = &l->t->sc->steps[l->i];
	long rc;
	if (st->op == SC_OP_SEND && (rc = make_send_pipes(l->t, &st->u.send)) < 0)
		return (int)rc;
	l->tid = (pid_t)syscall(SYS_gettid);
	atomic_store(&l->done, 0);
	return -pthread_create(&l->th, NULL, later_main, l);
}

/* ---- the run ------------------------------------------------------------ */

static long run_step(struct rt *t, const struct sc_backend *be, int i,
		     struct sc_obs *o, void **hold)
{
	const struct sc_step *st = &t->sc->steps[i];
	*hold = NULL;
	if (st->who == SC_WHO_CHILD)
		return child_step(t, i, o);
	if (st->op == SC_OP_FORK)
		return do_fork(t, be);
	return do_step(t, be, i, o, hold);
}

/* the features a case requires that this kernel lacks, into why ("" when
 * none); root alone is not asked of a kernel but of the caller: 1 when the
 * case cannot run at all */
static int missing_features(const struct scenario *sc, struct sc_result *res)
{
	size_t n = 0;
	int stop = 0;
	for (int i = 0; i < sc->nreq; i++)
		if (sc_feature(sc->requires[i]) != 1) {
			n += (size_t)snprintf(res->why + n, sizeof res->why - n, "%s%s",
					      n ? ", " : "unsupported: ", sc->requires[i]);
			stop |= !strcmp(sc->requires[i], "root");
			if (n >= sizeof res->why)
				n = sizeof res->why - 1;
		}
	if (n)
		res->status = SC_SKIP;
	return stop;
}

static void observe(struct sc_result *res, const struct scenario *sc, int i,
		    int report_fd)
{
	if (res->nsteps < i + 1)
		res->nsteps = i + 1;
	if (report_fd >= 0)
		sc_stream_step(report_fd, i, &res->obs[i]);
	if (res->status == SC_PASS && compare(&sc->steps[i], &res->obs[i], res->why,
					      sizeof res->why))
		res->status = SC_FAIL;
}

/* Does a gc step after step i name pipe k?  Such a pipe is reported as
 * dropped by that gc step, whichever earlier step it went in: since Linux
 * 6.10 a close schedules the collector asynchronously, so whether it has
 * run when a close step is observed is the scheduler's choice, while what
 * the gc step sees (it waits for the pipes) is not. */
static int gc_named_later(const struct scenario *sc, int i, int k)
{
	for (int j = i + 1; j < sc->nsteps; j++)
		if (sc->steps[j].op == SC_OP_GC)
			for (int n = 0; n < sc->steps[j].u.wait.npipes; n++)
				if (sc->steps[j].u.wait.pipes[n] == k)
					return 1;
	return 0;
}

/* sc_run, reporting each step's observation on report_fd (when >= 0) */
void sc_run_streamed(const struct scenario *sc, const struct sc_backend *be,
		struct sc_result *res, int report_fd)
{
	static struct rt t;
	static struct later l;
	unsigned char owed[SC_MAX_PIPES / 8] = { 0 }, alive[SC_MAX_PIPES / 8] = { 0 };
	int baseline, deferred = -1;

	memset(res, 0, sizeof *res);
	if (!be)
		be = sc_backend_ancdata;
	/* a feature the kernel lacks does not hide its answers: the case runs
	 * and is reported unsupported with everything it observed */
	if (missing_features(sc, res))
		return;
	signal(SIGPIPE, SIG_IGN);
	struct sigaction urg = { .sa_handler = on_sigurg, .sa_flags = SA_RESTART };
	sigemptyset(&urg.sa_mask);
	sigaction(SIGURG, &urg, NULL);
	urg_count = 0;
	memset(&t, 0, sizeof t);
	t.sc = sc;
	for (int e = 0; e < SC_NEND; e++)
		t.fd[e] = -1;
	t.to_child = t.from_child = -1;
	t.self = getpid();
	t.uid = getuid();
	t.gid = getgid();
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
	if (rc < 0 && res->status == SC_SKIP) {
		/* the kernel lacks what the case requires, and it shows here */
		size_t n = strlen(res->why);
		snprintf(res->why + n, sizeof res->why - n, " (making the sockets: %s)",
			 strerror(-rc));
		finish(&t);
		return;
	}
	if (rc < 0) {
		res->status = SC_ERROR;
		snprintf(res->why, sizeof res->why, "making the sockets: %s",
			 strerror(-rc));
		finish(&t);
		return;
	}
	for (int i = 0; i < sc->nsteps; i++) {
		struct sc_obs *o = &res->obs[i];
		void *hold;
		int made_before = t.made, started = 0;

		o->cloexec = -1;
		if (sc->steps[i].who == SC_WHO_LATER) {
			deferred = i;      /* runs while step i + 1 does */
			continue;
		}
		if (deferred >= 0) {
			memset(&l, 0, sizeof l);
			l = (struct later){ .t = &t, .be = be, .i = deferred,
					    .next = &sc->steps[i], .o = &res->obs[deferred] };
			int lrc = later_start(&l);
			if (lrc < 0)
				res->obs[deferred].ret = lrc;
			started = lrc == 0;
		}
		o->ret = run_step(&t, be, i, o, &hold);
		if (started) {
			atomic_store(&l.done, 1);
			pthread_join(l.th, NULL);
			if (l.hold)
				be->release(be, l.hold);
		}
		/* alive is what the last step left (a pipe the collector frees
		 * between two steps goes to the later one), never a new look */
		for (int k = 0; k < t.made; k++) {
			int now = reader_alive(&t, k);
			if ((k >= made_before || (alive[k / 8] & (1 << (k % 8)))) && !now)
				set_bit(gc_named_later(sc, i, k) ? owed : o->dropped, k);
			if (now)
				set_bit(alive, k);
			else
				alive[k / 8] &= (unsigned char)~(1 << (k % 8));
		}
		if (sc->steps[i].op == SC_OP_GC)
			for (int n = 0; n < sc->steps[i].u.wait.npipes; n++) {
				int k = sc->steps[i].u.wait.pipes[n];
				if (owed[k / 8] & (1 << (k % 8)))
					set_bit(o->dropped, k);
				owed[k / 8] &= (unsigned char)~(1 << (k % 8));
			}
		if (hold)
			be->release(be, hold);
		if (deferred >= 0)
			observe(res, sc, deferred, report_fd);
		deferred = -1;
		observe(res, sc, i, report_fd);
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
	sc_run_streamed(sc, be, res, -1);
}
