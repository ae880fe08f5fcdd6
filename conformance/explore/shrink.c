/* shrink.c - minimisation candidates: every way to make a scenario one
 * notch smaller (a step gone, an item gone, data shorter, a flag or an
 * api made plain).  The caller runs them all in one batch and keeps the
 * smallest that still shows the difference. */
#include <string.h>
#include <sys/socket.h>

#include "explore.h"

struct emitter {
	int (*emit)(struct scenario *c, void *arg);
	void *arg;
};

static int keep(const struct emitter *e, int n, struct scenario *c, const struct scenario *sc)
{
	if (n < 0)
		return n;
	ex_nonblocking(c);   /* a receive that lost the later step waking it */
	if (ex_normalise(c) < 0 || ex_size(c) >= ex_size(sc))
		return n;
	return e->emit(c, e->arg) < 0 ? -1 : n + 1;
}

static void drop_item(struct sc_send *s, int i)
{
	struct sc_item *it = &s->items[i];
	if (it->kind == SC_IT_RIGHTS) {   /* its refs out of the list */
		memmove(&s->refs[it->ref0], &s->refs[it->ref0 + it->nrefs],
			(size_t)(s->nrefs - it->ref0 - it->nrefs) * sizeof s->refs[0]);
		s->nrefs -= it->nrefs;
		for (int k = 0; k < s->nitems; k++)
			if (k != i && s->items[k].kind == SC_IT_RIGHTS && s->items[k].ref0 > it->ref0)
				s->items[k].ref0 -= it->nrefs;
	}
	memmove(&s->items[i], &s->items[i + 1], (size_t)(s->nitems - i - 1) * sizeof s->items[0]);
	s->nitems--;
}

int ex_shrink_candidates(const struct scenario *sc,
			 int (*emit)(struct scenario *c, void *arg), void *arg)
{
	static struct scenario c;
	const struct emitter e = { emit, arg };
	int n = 0;
	/* runs of k steps gone, k from half the scenario down to one (as
	 * delta debugging does): a long scenario loses most of itself in one
	 * round when that still shows the difference */
	for (int k = sc->nsteps / 2; k >= 1; k /= 2)
		for (int i = 0; i + k <= sc->nsteps; i += k) {
			c = *sc;
			memmove(&c.steps[i], &c.steps[i + k],
				(size_t)(c.nsteps - i - k) * sizeof c.steps[0]);
			c.nsteps -= k;
			n = keep(&e, n, &c, sc);
		}
	for (int i = 0; i < sc->nsteps; i++) {
		const struct sc_step *st = &sc->steps[i];
		if (st->who == SC_WHO_LATER) {   /* in the main line, in order */
			c = *sc;
			c.steps[i].who = SC_WHO_MAIN;
			c.steps[i].delay_ms = 0;
			n = keep(&e, n, &c, sc);
		}
		if (st->op == SC_OP_SEND && !st->u.send.raw) {
			for (int k = 0; k < st->u.send.nitems; k++) {
				c = *sc;
				drop_item(&c.steps[i].u.send, k);
				n = keep(&e, n, &c, sc);
			}
			for (int k = 0; k < st->u.send.nitems; k++)
				if (st->u.send.items[k].kind == SC_IT_RIGHTS && st->u.send.items[k].nrefs > 1) {
					c = *sc;   /* one fd fewer: the item's last */
					struct sc_send *s = &c.steps[i].u.send;
					int at = s->items[k].ref0 + s->items[k].nrefs - 1;
					memmove(&s->refs[at], &s->refs[at + 1],
						(size_t)(s->nrefs - at - 1) * sizeof s->refs[0]);
					s->nrefs--, s->items[k].nrefs--;
					for (int j = 0; j < s->nitems; j++)
						if (j != k && s->items[j].kind == SC_IT_RIGHTS && s->items[j].ref0 > at)
							s->items[j].ref0--;
					n = keep(&e, n, &c, sc);
				}
			if (st->u.send.datalen > 1) {
				c = *sc;
				c.steps[i].u.send.datalen = 1;
				n = keep(&e, n, &c, sc);
			}
			if (st->u.send.flags != MSG_DONTWAIT) {
				c = *sc;
				c.steps[i].u.send.flags = MSG_DONTWAIT;
				n = keep(&e, n, &c, sc);
			}
		}
		if (st->op == SC_OP_RECV) {
			c = *sc;
			c.steps[i].u.recv.flags = MSG_DONTWAIT;
			n = keep(&e, n, &c, sc);
			c = *sc;
			if (c.steps[i].u.recv.api == SC_API_RECV_FDS)
				c.steps[i].u.recv.maxfds = 0;
			c.steps[i].u.recv.api = SC_API_RECVMSG;
			n = keep(&e, n, &c, sc);
			c = *sc;
			c.steps[i].u.recv.bufsize = 256;
			n = keep(&e, n, &c, sc);
		}
	}
	return n;
}
