/* print.c - a scenario back into the text format, and equality of two
 * scenarios: parse(print(s)) equals s. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "names.h"
#include "scenario.h"

struct out {
	char *buf;
	size_t len, n;
};

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;
	va_start(ap, fmt);
	/* buf may be NULL (len 0) when only measuring */
	k = vsnprintf(o->n < o->len ? o->buf + o->n : NULL,
		      o->n < o->len ? o->len - o->n : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->n += (size_t)k;
}

static void put_ref(struct out *o, const struct sc_ref *r, int *made)
{
	if (r->kind == SC_REF_BAD)
		put(o, made ? "bad" : "?");
	else if (r->kind == SC_REF_URING)
		put(o, "uring");
	else if (r->kind == SC_REF_SOCK)
		put(o, "%s", sc_end_names[r->end]);
	else if (made && r->pipe == *made) {
		put(o, "new");
		(*made)++;
	} else
		put(o, "p%d", r->pipe);
}

static void put_string(struct out *o, const unsigned char *s, int n)
{
	put(o, "\"");
	for (int i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			put(o, "%c", c);
		else
			put(o, "\\x%02x", c);
	}
	put(o, "\"");
}

static void put_hex(struct out *o, const unsigned char *b, int n)
{
	for (int i = 0; i < n; i++)
		put(o, "%02x", b[i]);
}

static void put_level_type(struct out *o, int level, int type)
{
	const char *l = sc_name_of(sc_levels, level), *t = sc_name_of(sc_types, type);
	if (l)
		put(o, "%s:", l);
	else
		put(o, "%d:", level);
	if (t)
		put(o, "%s", t);
	else
		put(o, "%d", type);
}

static void put_addr(struct out *o, const struct sc_addr *a)
{
	if (a->kind == SC_ADDR_END)
		put(o, "%s", sc_end_names[a->end]);
	else if (a->kind == SC_ADDR_PATH)
		put(o, "path=%s", a->name);
	else if (a->kind == SC_ADDR_ABSTRACT)
		put(o, "abstract=%s", a->name);
	else
		put(o, "auto");
}

static void put_send(struct out *o, const struct sc_send *sd, int *made)
{
	char f[128];
	put(o, "send %s", sc_end_names[sd->from]);
	if (sd->to.kind != SC_ADDR_NONE) {
		put(o, " to=");
		put_addr(o, &sd->to);
	}
	if (sd->datalen) {
		put(o, " data=");
		put_string(o, sd->data, sd->datalen);
	}
	for (int i = 0; i < sd->nitems; i++) {
		const struct sc_item *it = &sd->items[i];
		if (it->kind == SC_IT_RIGHTS) {
			put(o, " rights=");
			if (it->nrefs == 0)
				put(o, "0");
			for (int k = 0; k < it->nrefs; k++) {
				const struct sc_ref *r = &sd->refs[it->ref0 + k];
				int run = 0;
				if (k)
					put(o, ",");
				/* a run of new pipes prints as its count */
				while (k + run < it->nrefs &&
				       sd->refs[it->ref0 + k + run].kind == SC_REF_PIPE &&
				       sd->refs[it->ref0 + k + run].pipe == *made + run)
					run++;
				if (run > 1) {
					put(o, "%d", run);
					*made += run;
					k += run - 1;
				} else {
					put_ref(o, r, made);
				}
			}
		} else if (it->kind == SC_IT_CREDS) {
			if (it->creds_own)
				put(o, " creds=own");
			else
				put(o, " creds=%ld:%ld:%ld", it->pid, it->uid, it->gid);
		} else {
			put(o, " item=");
			put_level_type(o, it->level, it->type);
			put(o, ":");
			put_hex(o, it->bytes, it->nbytes);
		}
	}
	if (sd->raw) {
		int at = 0, r = 0;
		put(o, " raw=");
		while (at < sd->rawlen) {
			if (at)
				put(o, "+");
			if (r < sd->nrawrefs && sd->rawref_at[r] == at) {
				put(o, "fd(");
				put_ref(o, &sd->rawrefs[r++], made);
				put(o, ")");
				at += 4;
				continue;
			}
			int end = r < sd->nrawrefs ? sd->rawref_at[r] : sd->rawlen;
			put(o, "hex(");
			put_hex(o, sd->rawbytes + at, end - at);
			put(o, ")");
			at = end;
		}
		if (sd->rawlen == 0)
			put(o, "hex()");
	}
	if (sd->ctlpad)
		put(o, " ctlpad=%ld", sd->ctlpad);
	if (sd->flags) {
		sc_flags_str(sd->flags, f, sizeof f);
		put(o, " flags=%s", f);
	}
}

static void put_recv(struct out *o, const struct sc_recv *rq)
{
	char f[128];
	put(o, "recv %s api=%s bufsize=%ld", sc_end_names[rq->at],
	    sc_api_names[rq->api], rq->bufsize);
	if (rq->api == SC_API_RECV_FDS)
		put(o, " maxfds=%ld", rq->maxfds);
	else
		put(o, " ancbuf=%ld", rq->ancbuf);
	if (rq->flags) {
		sc_flags_str(rq->flags, f, sizeof f);
		put(o, " flags=%s", f);
	}
	if (rq->warn)
		put(o, " warn=%s", sc_warn_names[rq->warn]);
	if (rq->strict)
		put(o, " strict");
	if (rq->maxitems)
		put(o, " maxitems=%d", rq->maxitems);
}

static void put_pipeset(struct out *o, const unsigned char *set)
{
	int any = 0;
	for (int k = 0; k < SC_MAX_PIPES; k++)
		if (set[k / 8] & (1 << (k % 8)))
			put(o, "%sp%d", any++ ? "," : "", k);
	if (!any)
		put(o, "-");
}

static void put_obs_fields(struct out *o, const struct sc_obs *w, unsigned fields);

static void put_expect(struct out *o, const struct sc_step *st)
{
	put(o, "expect");
	put_obs_fields(o, &st->want, st->expect);
	put(o, "\n");
}

size_t sc_print_obs(const struct sc_obs *obs, unsigned fields, char *buf,
		    size_t len)
{
	struct out o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	put_obs_fields(&o, obs, fields);
	return o.n;
}

size_t sc_print_fields(const struct sc_step *st, char *buf, size_t len)
{
	return sc_print_obs(&st->want, st->expect, buf, len);
}

static void put_items(struct out *o, const struct sc_obs *w)
{
	if (!w->nitems)
		put(o, "-");
	for (int i = 0; i < w->nitems; i++) {
		const char *t = sc_name_of(sc_types, w->items[i].type);
		const char *l = sc_name_of(sc_levels, w->items[i].level);
		put(o, i ? "," : "");
		if (w->items[i].level != SOL_SOCKET) {
			if (l)
				put(o, "%s/", l);
			else
				put(o, "%d/", w->items[i].level);
		}
		if (t)
			put(o, "%s:%ld", t, w->items[i].len);
		else
			put(o, "%d:%ld", w->items[i].type, w->items[i].len);
	}
}

static void put_obs_fields(struct out *o, const struct sc_obs *w, unsigned fields)
{
	char f[128];
	if (fields & SC_F_RET)
		put(o, " ret=%s", sc_errname(w->ret));
	if (fields & SC_F_FLAGS) {
		sc_flags_str(w->flags, f, sizeof f);
		put(o, " flags=%s", f);
	}
	if (fields & SC_F_ITEMS) {
		put(o, " items=");
		put_items(o, w);
	}
	if (fields & SC_F_FDS) {
		put(o, " fds=");
		if (!w->nfds)
			put(o, "-");
		for (int i = 0; i < w->nfds; i++) {
			put(o, i ? "," : "");
			put_ref(o, &w->fds[i], NULL);
		}
	}
	if (fields & SC_F_DROPPED) {
		put(o, " dropped=");
		put_pipeset(o, w->dropped);
	}
	if (fields & SC_F_GONE) {
		put(o, " gone=");
		put_pipeset(o, w->gone);
	}
	/* an observation without fds has no cloexec to show (-1) */
	if ((fields & SC_F_CLOEXEC) && w->cloexec >= 0 && w->cloexec <= 2)
		put(o, " cloexec=%s", sc_cloexec_names[w->cloexec]);
	if (fields & SC_F_WARNINGS)
		put(o, " warnings=%lu", w->warnings);
	if (fields & SC_F_CONTROLLEN)
		put(o, " controllen=%ld", w->controllen);
	if (fields & SC_F_DATA) {
		put(o, " data=");
		put_string(o, w->data, w->datalen);
	}
	if (fields & SC_F_VALUE)
		put(o, " value=%s", w->value[0] ? w->value : "-");
	if (fields & SC_F_VALS)
		put(o, " vals=%s", w->vals[0] ? w->vals : "-");
}

static void put_named(struct out *o, const struct sc_name *t, int v)
{
	const char *n = sc_name_of(t, v);
	if (n)
		put(o, "%s", n);
	else
		put(o, "%d", v);
}

/* getopt, ioctl, poll, open, pair, bind, listen, fork, exit, connect, accept */
static void put_new(struct out *o, const struct scenario *sc, const struct sc_step *st)
{
	const char *op = sc_op_names[st->op];
	switch (st->op) {
	case SC_OP_GETOPT:
	case SC_OP_IOCTL:
		put(o, "%s %s ", op, sc_end_names[st->u.q.end]);
		put_named(o, st->op == SC_OP_IOCTL ? sc_ioctls : sc_sockopts, st->u.q.req);
		break;
	case SC_OP_POLL:
		put(o, "poll %s", sc_end_names[st->u.q.end]);
		break;
	case SC_OP_OPEN:
		put(o, "open %s %s %s", sc_end_names[st->u.open.end],
		    sc_socktype_names[st->u.open.type], sc_family_names[st->u.open.family]);
		break;
	case SC_OP_PAIR:
		put(o, "pair %s %s %s", sc_end_names[st->u.open.end],
		    sc_end_names[st->u.open.end2], sc_socktype_names[st->u.open.type]);
		break;
	case SC_OP_BIND:
		put(o, "bind %s ", sc_end_names[st->u.bind.end]);
		put_addr(o, &st->u.bind.addr);
		break;
	case SC_OP_LISTEN:
		put(o, "listen %s %d", sc_end_names[st->u.listen.end], st->u.listen.backlog);
		break;
	case SC_OP_CONNECT:
		/* the bare form where it means the same: a to the listener */
		if (sc->mode == SC_LISTEN && st->u.conn.from == SC_A &&
		    st->u.conn.to.kind == SC_ADDR_END && st->u.conn.to.end == SC_L) {
			put(o, "connect");
			break;
		}
		put(o, "connect %s ", sc_end_names[st->u.conn.from]);
		put_addr(o, &st->u.conn.to);
		break;
	case SC_OP_ACCEPT:
		if (sc->mode == SC_LISTEN && sc->type != SC_DGRAM &&
		    st->u.acc.l == SC_L && st->u.acc.into == SC_B)
			put(o, "accept");
		else
			put(o, "accept %s %s", sc_end_names[st->u.acc.l],
			    sc_end_names[st->u.acc.into]);
		break;
	case SC_OP_UNSHARE:
		put(o, "unshare net");
		break;
	case SC_OP_SETOWN:
		put(o, "setown %s", sc_end_names[st->u.q.end]);
		break;
	default:
		put(o, "%s", op);
	}
}

size_t sc_print(const struct scenario *sc, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	int made = 0;

	if (len)
		buf[0] = '\0';
	put(&o, "id %s\narea %s\n", sc->id, sc->area);
	if (sc->purpose[0])
		put(&o, "purpose %s\n", sc->purpose);
	for (int i = 0; i < sc->ntags; i++)
		put(&o, "tag %s\n", sc->tags[i]);
	for (int i = 0; i < sc->nreq; i++)
		put(&o, "requires %s\n", sc->requires[i]);
	put(&o, "socket %s %s\n\n", sc_socktype_names[sc->type],
	    sc_mode_names[sc->mode]);
	for (int i = 0; i < sc->nsteps; i++) {
		const struct sc_step *st = &sc->steps[i];
		if (st->who == SC_WHO_LATER)
			put(&o, "later %d ", st->delay_ms);
		else if (st->who == SC_WHO_CHILD)
			put(&o, "child ");
		switch (st->op) {
		case SC_OP_SEND:
			put_send(&o, &st->u.send, &made);
			break;
		case SC_OP_RECV:
			put_recv(&o, &st->u.recv);
			break;
		case SC_OP_SETOPT: {
			const char *n = sc_name_of(sc_sockopts, st->u.opt.name);
			put(&o, "setopt %s ", sc_end_names[st->u.opt.end]);
			if (n)
				put(&o, "%s", n);
			else
				put(&o, "%d", st->u.opt.name);
			put(&o, " %d", st->u.opt.value);
			break;
		}
		case SC_OP_CLOSE:
			put(&o, "close %s", sc_end_names[st->u.sd.end]);
			break;
		case SC_OP_SHUTDOWN:
			put(&o, "shutdown %s %s", sc_end_names[st->u.sd.end],
			    sc_shut_names[st->u.sd.how]);
			break;
		case SC_OP_GC:
		case SC_OP_CHECK:
			put(&o, "%s", sc_op_names[st->op]);
			for (int k = 0; k < st->u.wait.npipes; k++)
				put(&o, " p%d", st->u.wait.pipes[k]);
			break;
		case SC_OP_RLIMIT:
			put(&o, "rlimit free=%ld", st->u.rlimit.free);
			break;
		case SC_OP_AS_NOBODY:
			put(&o, "as nobody");
			break;
		default:
			put_new(&o, sc, st);
		}
		put(&o, "\n");
		if (st->expect)
			put_expect(&o, st);
	}
	return o.n;
}

int sc_equal(const struct scenario *x, const struct scenario *y)
{
	if (memcmp(x, y, offsetof(struct scenario, steps)) != 0)
		return 0;
	for (int i = 0; i < x->nsteps; i++) {
		struct sc_step a = x->steps[i], b = y->steps[i];
		a.line = b.line = 0;
		if (memcmp(&a, &b, sizeof a) != 0)
			return 0;
	}
	return 1;
}

unsigned sc_obs_diff(const struct sc_obs *a, const struct sc_obs *b,
		     unsigned fields)
{
	unsigned d = 0;
	if (a->ret != b->ret)
		d |= SC_F_RET;
	if (a->flags != b->flags)
		d |= SC_F_FLAGS;
	if (a->nitems != b->nitems ||
	    memcmp(a->items, b->items, (size_t)a->nitems * sizeof a->items[0]))
		d |= SC_F_ITEMS;
	if (a->nfds != b->nfds ||
	    memcmp(a->fds, b->fds, (size_t)a->nfds * sizeof a->fds[0]))
		d |= SC_F_FDS;
	if (memcmp(a->dropped, b->dropped, sizeof a->dropped))
		d |= SC_F_DROPPED;
	if (a->cloexec != b->cloexec)
		d |= SC_F_CLOEXEC;
	if (a->warnings != b->warnings)
		d |= SC_F_WARNINGS;
	if (a->controllen != b->controllen)
		d |= SC_F_CONTROLLEN;
	if (a->datalen != b->datalen ||
	    memcmp(a->data, b->data, (size_t)a->datalen))
		d |= SC_F_DATA;
	if (memcmp(a->gone, b->gone, sizeof a->gone))
		d |= SC_F_GONE;
	if (strncmp(a->value, b->value, SC_MAX_VALUE))
		d |= SC_F_VALUE;
	if (strncmp(a->vals, b->vals, SC_MAX_VALUE))
		d |= SC_F_VALS;
	return d & fields;
}
