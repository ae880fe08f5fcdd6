/* gen.c - random scenarios, deterministic for a seed: a table of step
 * generators biased toward the boundaries that matter (control buffers
 * around CMSG_LEN/CMSG_SPACE of every item mix, options toggled at every
 * point, OOB and peek, small queues, shutdowns and closes in between).
 * Adding an operation is one function and one table row. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "explore.h"
#include "names.h"

uint64_t ex_next(struct ex_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned ex_below(struct ex_rng *r, unsigned n)
{
	return n ? (unsigned)(ex_next(r) % n) : 0;
}

static long pick(struct ex_rng *r, const long *v, unsigned n)
{
	return v[ex_below(r, n)];
}

static enum sc_end any_end(struct ex_rng *r)
{
	return ex_below(r, 4) ? SC_B : SC_A;   /* b receives by habit */
}

/* what a sender puts in: 0..2 items, rights of 1..3 pipes or a socket,
 * creds; data of 0..6 bytes */
static void gen_send(struct ex_rng *r, const struct scenario *sc, struct sc_step *st)
{
	struct sc_send *s = &st->u.send;
	st->op = SC_OP_SEND;
	s->from = ex_below(r, 4) ? SC_A : SC_B;
	static const long lens[] = { 0, 1, 1, 2, 3, 5 };
	s->datalen = (int)pick(r, lens, 6);
	for (int i = 0; i < s->datalen; i++)
		s->data[i] = (unsigned char)('a' + ex_below(r, 4));
	s->flags = MSG_DONTWAIT;
	if (sc->type == SC_STREAM && !ex_below(r, 5))
		s->flags |= MSG_OOB;
	int nitems = (int)ex_below(r, 3);
	for (int i = 0; i < nitems; i++) {
		struct sc_item *it = &s->items[s->nitems++];
		it->kind = ex_below(r, 3) ? SC_IT_RIGHTS : SC_IT_CREDS;
		if (it->kind == SC_IT_CREDS) {
			it->creds_own = 1;
			continue;
		}
		it->ref0 = s->nrefs;
		it->nrefs = 1 + (int)ex_below(r, 3);
		for (int k = 0; k < it->nrefs; k++) {
			struct sc_ref *f = &s->refs[s->nrefs++];
			if (!ex_below(r, 8)) {
				f->kind = SC_REF_SOCK;
				f->end = (unsigned char)any_end(r);
			} else {
				f->kind = SC_REF_PIPE;
				f->pipe = -1;   /* new: numbered by ex_normalise */
			}
		}
	}
}

/* a control buffer around the size of some item mix */
static long boundary(struct ex_rng *r)
{
	long nfds = ex_below(r, 4), len = 0;
	if (nfds)
		len += (long)CMSG_SPACE(4 * nfds);
	if (ex_below(r, 3) == 0)
		len += (long)CMSG_SPACE(12);   /* creds */
	if (!len)
		return pick(r, (const long[]){ 0, 1, 16, 64 }, 4);
	long at = ex_below(r, 2) ? (long)CMSG_LEN(4 * (nfds ? nfds : 3)) : len;
	return at + (long)ex_below(r, 3) - 1;
}

static void gen_recv(struct ex_rng *r, const struct scenario *sc, struct sc_step *st)
{
	struct sc_recv *v = &st->u.recv;
	(void)sc;
	st->op = SC_OP_RECV;
	v->at = any_end(r);
	v->api = ex_below(r, 6) ? SC_API_RECVMSG : (enum sc_api)(1 + ex_below(r, 2));
	v->bufsize = pick(r, (const long[]){ 0, 1, 2, 3, 4, 256, 256 }, 7);
	if (v->api == SC_API_RECV_FDS)
		v->maxfds = (long)ex_below(r, 4);
	else
		v->ancbuf = boundary(r);
	v->flags = MSG_DONTWAIT;
	static const int extra[] = { 0, 0, 0, MSG_PEEK, MSG_PEEK, MSG_OOB, MSG_TRUNC,
				     MSG_CMSG_CLOEXEC, MSG_WAITALL, MSG_PEEK | MSG_OOB };
	v->flags |= extra[ex_below(r, 10)];
	v->warn = SC_W_RECORD;
}

static void gen_setopt(struct ex_rng *r, const struct scenario *sc, struct sc_step *st)
{
	static const char *const opts[] = { "SO_PASSCRED", "SO_PEEK_OFF", "SO_OOBINLINE",
					    "SO_PASSPIDFD", "SO_PASSRIGHTS", "SO_INQ",
					    "SO_RCVBUF", "SO_SNDBUF", "SO_RIGHTS_NOTRUNC" };
	long name;
	(void)sc;
	st->op = SC_OP_SETOPT;
	st->u.opt.end = any_end(r);
	st->u.opt.level = SOL_SOCKET;
	sc_lookup(sc_sockopts, opts[ex_below(r, 9)], &name);
	st->u.opt.name = (int)name;
	if (name == SO_PEEK_OFF)
		st->u.opt.value = (int)ex_below(r, 5) - 1;
	else if (name == SO_RCVBUF || name == SO_SNDBUF)
		st->u.opt.value = (int)pick(r, (const long[]){ 0, 1, 1024, 2304, 4608 }, 5);
	else
		st->u.opt.value = (int)ex_below(r, 2);
}

static void gen_shutdown(struct ex_rng *r, const struct scenario *sc, struct sc_step *st)
{
	(void)sc;
	st->op = SC_OP_SHUTDOWN;
	st->u.sd.end = any_end(r);
	st->u.sd.how = (int)ex_below(r, 3);
}

static void gen_close(struct ex_rng *r, const struct scenario *sc, struct sc_step *st)
{
	(void)sc;
	st->op = SC_OP_CLOSE;
	st->u.sd.end = ex_below(r, 2) ? SC_A : SC_B;
}

/* what getsockopt, ioctl and poll say at this point of the connection */
static void gen_getopt(struct ex_rng *r, const struct scenario *sc, struct sc_step *st)
{
	static const char *const opts[] = { "SO_PASSCRED", "SO_PEEK_OFF", "SO_OOBINLINE",
					    "SO_RCVBUF", "SO_SNDBUF", "SO_ERROR", "SO_TYPE",
					    "SO_ACCEPTCONN", "SO_PEERCRED", "SO_PASSPIDFD",
					    "SO_PASSRIGHTS", "SO_INQ", "SO_RCVLOWAT", "SO_SNDLOWAT" };
	long name = 0;
	(void)sc;
	st->op = SC_OP_GETOPT;
	st->u.q.end = any_end(r);
	if (sc_lookup(sc_sockopts, opts[ex_below(r, sizeof opts / sizeof opts[0])], &name) < 0)
		sc_lookup(sc_sockopts, "SO_TYPE", &name);
	st->u.q.req = (int)name;
}

static void gen_ioctl(struct ex_rng *r, const struct scenario *sc, struct sc_step *st)
{
	static const char *const reqs[] = { "SIOCATMARK", "SIOCINQ", "SIOCOUTQ" };
	long req = 0;
	(void)sc;
	st->op = SC_OP_IOCTL;
	st->u.q.end = any_end(r);
	sc_lookup(sc_ioctls, reqs[ex_below(r, 3)], &req);
	st->u.q.req = (int)req;
}

static void gen_poll(struct ex_rng *r, const struct scenario *sc, struct sc_step *st)
{
	(void)sc;
	st->op = SC_OP_POLL;
	st->u.q.end = any_end(r);
}

/* the vocabulary: a generator and its weight */
static const struct {
	void (*gen)(struct ex_rng *, const struct scenario *, struct sc_step *);
	unsigned weight;
} steps[] = {
	{ gen_send, 10 }, { gen_recv, 10 }, { gen_setopt, 4 }, { gen_shutdown, 1 },
	{ gen_close, 1 }, { gen_getopt, 2 }, { gen_ioctl, 2 }, { gen_poll, 2 },
};

/* a blocking receive and the send that wakes it: "later MS send" then a
 * receive without MSG_DONTWAIT (the runner starts the delay only once the
 * receive sleeps in the kernel).  Only first in a fresh scenario, where
 * nothing (a close, a full queue, a tiny buffer) can keep the send from
 * waking it, and without MSG_WAITALL: a hang costs the run seconds. */
static int gen_blocking_pair(struct ex_rng *r, const struct scenario *sc, struct sc_step *st)
{
	memset(st, 0, 2 * sizeof *st);
	gen_send(r, sc, &st[0]);
	gen_recv(r, sc, &st[1]);
	st[0].who = SC_WHO_LATER;
	st[0].delay_ms = (int)ex_below(r, 3);
	st[0].u.send.flags &= ~MSG_OOB;
	st[0].u.send.from = SC_A;
	if (st[0].u.send.datalen == 0)
		st[0].u.send.datalen = 1, st[0].u.send.data[0] = 'z';
	st[1].u.recv.at = SC_B;
	st[1].u.recv.flags &= ~(MSG_DONTWAIT | MSG_OOB | MSG_WAITALL);
	if (st[1].u.recv.api == SC_API_RECV_FDS)
		st[1].u.recv.flags &= ~MSG_PEEK;
	return 2;
}

static void gen_step(struct ex_rng *r, const struct scenario *sc, struct sc_step *st)
{
	unsigned total = 0, n = sizeof steps / sizeof steps[0];
	for (unsigned i = 0; i < n; i++)
		total += steps[i].weight;
	unsigned w = ex_below(r, total), i = 0;
	while (w >= steps[i].weight)
		w -= steps[i++].weight;
	memset(st, 0, sizeof *st);
	steps[i].gen(r, sc, st);
}

/* a socket type the mode can make: TCP or UDP over the loopback */
static enum sc_socktype any_type(struct ex_rng *r, enum sc_mode mode)
{
	return (enum sc_socktype)ex_below(r, mode == SC_INET4 ? 2 : 3);
}

void ex_gen_random(struct ex_rng *r, struct scenario *sc)
{
	memset(sc, 0, sizeof *sc);
	/* socket pairs only: over TCP/UDP loopback (the built-in cases cover
	 * it) delivery under UML is not done when send returns, so a
	 * non-blocking receive right after it races: UML against UML differed
	 * between boots (poll IN|OUT against OUT, a UDP ECONNREFUSED) while
	 * each boot's two runs agreed */
	sc->mode = SC_PAIR;
	sc->type = any_type(r, sc->mode);
	int n = 2 + (int)ex_below(r, 7);
	for (int i = 0; i < n; i++) {
		if (i == 0 && !ex_below(r, 6))
			i += gen_blocking_pair(r, sc, &sc->steps[i]) - 1;
		else
			gen_step(r, sc, &sc->steps[i]);
	}
	sc->nsteps = n;
	ex_normalise(sc);
}

void ex_mutate(struct ex_rng *r, struct scenario *sc)
{
	int n = sc->nsteps, at = (int)ex_below(r, (unsigned)(n ? n : 1));
	switch (ex_below(r, 5)) {
	case 0:   /* a step gone */
		if (n > 1) {
			memmove(&sc->steps[at], &sc->steps[at + 1], (size_t)(n - at - 1) * sizeof sc->steps[0]);
			sc->nsteps--;
			break;
		}
		/* fallthrough */
	case 1:   /* a step added */
	case 2:
		if (n < SC_MAX_STEPS) {
			memmove(&sc->steps[at + 1], &sc->steps[at], (size_t)(n - at) * sizeof sc->steps[0]);
			gen_step(r, sc, &sc->steps[at]);
			sc->nsteps++;
		}
		break;
	case 3:   /* a step doubled */
		if (n && n < SC_MAX_STEPS) {
			memmove(&sc->steps[at + 1], &sc->steps[at], (size_t)(n - at) * sizeof sc->steps[0]);
			sc->nsteps++;
		}
		break;
	default:  /* a step redrawn */
		if (n)
			gen_step(r, sc, &sc->steps[at]);
	}
	if (!ex_below(r, 8))
		sc->type = any_type(r, sc->mode);
}

/* pipes renumbered in order of first use; a gc or check keeps the pipes
 * still made */
static void renumber(struct scenario *sc)
{
	short map[SC_MAX_PIPES];
	int next = 0;
	for (int i = 0; i < SC_MAX_PIPES; i++)
		map[i] = -1;
	for (int i = 0; i < sc->nsteps; i++) {
		struct sc_step *st = &sc->steps[i];
		if (st->op == SC_OP_SEND) {
			struct sc_send *s = &st->u.send;
			struct sc_ref *lists[2] = { s->refs, s->rawrefs };
			int counts[2] = { s->nrefs, s->nrawrefs };
			for (int l = 0; l < 2; l++)
				for (int k = 0; k < counts[l]; k++) {
					struct sc_ref *f = &lists[l][k];
					if (f->kind != SC_REF_PIPE)
						continue;
					if (f->pipe < 0 || f->pipe >= SC_MAX_PIPES) {
						f->pipe = (short)next++;   /* new */
						continue;
					}
					if (map[f->pipe] < 0)
						map[f->pipe] = (short)next++;
					f->pipe = map[f->pipe];
				}
		} else if (st->op == SC_OP_GC || st->op == SC_OP_CHECK) {
			int w = 0;
			for (int k = 0; k < st->u.wait.npipes; k++) {
				short p = st->u.wait.pipes[k];
				if (p >= 0 && p < SC_MAX_PIPES && map[p] >= 0)
					st->u.wait.pipes[w++] = map[p];
			}
			st->u.wait.npipes = w;
		}
	}
	sc->npipes = next;
}

int ex_normalise(struct scenario *sc)
{
	static char text[1 << 16];
	static struct scenario back;
	char err[256];
	renumber(sc);
	for (int i = 0; i < sc->nsteps; i++) {
		sc->steps[i].expect = 0;
		memset(&sc->steps[i].want, 0, sizeof sc->steps[i].want);
		/* a gc or check with no pipe left has nothing to wait for */
		if ((sc->steps[i].op == SC_OP_GC || sc->steps[i].op == SC_OP_CHECK) &&
		    !sc->steps[i].u.wait.npipes) {
			memmove(&sc->steps[i], &sc->steps[i + 1], (size_t)(sc->nsteps - i - 1) * sizeof sc->steps[0]);
			sc->nsteps--, i--;
		}
	}
	sc->nreq = 0;
	sc->ntags = 0;
	if (!sc->id[0])
		strcpy(sc->id, "x");
	if (!sc->area[0])
		strcpy(sc->area, "repro");
	if (!sc->purpose[0])
		strcpy(sc->purpose, "explored");
	if (sc_print(sc, text, sizeof text) >= sizeof text ||
	    sc_parse(text, &back, err, sizeof err) < 0)
		return -1;
	*sc = back;
	return 0;
}

long ex_size(const struct scenario *sc)
{
	long n = (long)sc->nsteps * 100000;
	for (int i = 0; i < sc->nsteps; i++) {
		const struct sc_step *st = &sc->steps[i];
		n += st->who != SC_WHO_MAIN;
		if (st->op == SC_OP_SEND)
			n += st->u.send.datalen + 10L * st->u.send.nitems + st->u.send.nrefs +
			     (st->u.send.flags != MSG_DONTWAIT);
		if (st->op == SC_OP_RECV)
			n += (st->u.recv.flags != MSG_DONTWAIT) + (st->u.recv.api != SC_API_RECVMSG) +
			     (st->u.recv.bufsize != 256);
	}
	return n;
}

/* a mutant never waits: every send and receive non-blocking, no gc (it
 * waits up to 2 s), but for the step right after a later one: the later
 * step is what wakes it */
void ex_nonblocking(struct scenario *sc)
{
	for (int i = 0; i < sc->nsteps; i++) {
		struct sc_step *st = &sc->steps[i];
		if (i > 0 && sc->steps[i - 1].who == SC_WHO_LATER)
			continue;
		if (st->op == SC_OP_SEND)
			st->u.send.flags |= MSG_DONTWAIT;
		if (st->op == SC_OP_RECV)
			st->u.recv.flags |= MSG_DONTWAIT;
		if (st->op == SC_OP_GC)
			st->op = SC_OP_CHECK;
	}
}

