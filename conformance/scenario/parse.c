/* parse.c - the scenario text format (conformance/FORMAT.md) into a
 * struct scenario.  Every error is one line naming the line and the
 * problem; nothing is allocated. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "lex.h"
#include "names.h"
#include "scenario.h"

/* a name of the table or a number that fits an int (levels, types and
 * options are ints): 0 or -1 */
static int lookup(const struct sc_name *t, const char *name, long *v)
{
	return sc_lookup(t, name, v) == 0 && *v >= INT_MIN && *v <= INT_MAX ? 0 : -1;
}

static int rights(struct ps *p, struct sc_send *sd, char *v)
{
	char tok[32];
	struct sc_item *it;
	int more;

	if (sd->nitems == SC_MAX_ITEMS)
		return lex_fail(p, "more than %d items", SC_MAX_ITEMS);
	it = &sd->items[sd->nitems++];
	it->kind = SC_IT_RIGHTS;
	it->ref0 = sd->nrefs;
	while ((more = lex_list_next(p, &v, tok, sizeof tok)) > 0) {
		long count = 1;
		int many = isdigit((unsigned char)tok[0]);
		if (many && lex_number(p, tok, 0, SC_MAX_REFS, &count) < 0)
			return -1;
		for (long i = 0; i < count; i++) {
			if (sd->nrefs == SC_MAX_REFS)
				return lex_fail(p, "more than %d fds", SC_MAX_REFS);
			if (lex_ref(p, many ? "new" : tok, &sd->refs[sd->nrefs++], 1) < 0)
				return -1;
			it->nrefs++;
		}
	}
	return more;
}


static int item_bytes(struct ps *p, struct sc_send *sd, char *v)
{
	char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	long level, type;
	struct sc_item *it;

	if (!c2)
		return lex_fail(p, "item wants LEVEL:TYPE:HEX");
	*c1 = *c2 = '\0';
	if (sd->nitems == SC_MAX_ITEMS)
		return lex_fail(p, "more than %d items", SC_MAX_ITEMS);
	it = &sd->items[sd->nitems++];
	it->kind = SC_IT_BYTES;
	if (lookup(sc_levels, v, &level) < 0 ||
	    lookup(sc_types, c1 + 1, &type) < 0)
		return lex_fail(p, "unknown level or type '%s:%s'", v, c1 + 1);
	it->level = (int)level;
	it->type = (int)type;
	return (it->nbytes = lex_hexbytes(p, c2 + 1, it->bytes, sizeof it->bytes)) < 0
		       ? -1
		       : 0;
}

static int creds(struct ps *p, struct sc_send *sd, char *v)
{
	struct sc_item *it;
	if (sd->nitems == SC_MAX_ITEMS)
		return lex_fail(p, "more than %d items", SC_MAX_ITEMS);
	it = &sd->items[sd->nitems++];
	it->kind = SC_IT_CREDS;
	if (!strcmp(v, "own")) {
		it->creds_own = 1;
		return 0;
	}
	char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		return lex_fail(p, "creds wants own or PID:UID:GID");
	*c1 = *c2 = '\0';
	if (lex_number(p, v, INT_MIN, INT_MAX, &it->pid) < 0 ||
	    lex_number(p, c1 + 1, 0, UINT_MAX, &it->uid) < 0 ||
	    lex_number(p, c2 + 1, 0, UINT_MAX, &it->gid) < 0)
		return -1;
	return 0;
}

/* raw=piece+piece...: hdr(LEN,LEVEL,TYPE) fd(REF) int(N) zero(N) hex(HH) */
static int raw(struct ps *p, struct sc_send *sd, char *v)
{
	sd->raw = 1;
	while (*v) {
		char *arg = strchr(v, '('), *close;
		int depth = 0;
		if (!arg)
			return lex_fail(p, "raw piece without '(': '%.20s'", v);
		for (close = arg; *close; close++) {
			depth += *close == '(';
			depth -= *close == ')';
			if (depth == 0)
				break;
		}
		if (*close != ')')
			return lex_fail(p, "raw piece without ')'");
		*arg = *close = '\0';
		arg++;
		unsigned char *out = sd->rawbytes + sd->rawlen;
		int room = SC_MAX_RAW - sd->rawlen;
		if (!strcmp(v, "hdr")) {
			char *c1 = strchr(arg, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
			long len, level, type;
			if (!c2)
				return lex_fail(p, "hdr wants (LEN,LEVEL,TYPE)");
			*c1 = *c2 = '\0';
			if (room < (int)sizeof(struct cmsghdr))
				return lex_fail(p, "raw control longer than %d", SC_MAX_RAW);
			if (lex_number(p, arg, 0, 1L << 40, &len) < 0)
				return -1;
			if (lookup(sc_levels, c1 + 1, &level) < 0 ||
			    lookup(sc_types, c2 + 1, &type) < 0)
				return lex_fail(p, "unknown level or type in hdr");
			struct cmsghdr h = { .cmsg_len = (size_t)len,
					     .cmsg_level = (int)level,
					     .cmsg_type = (int)type };
			memcpy(out, &h, sizeof h);
			sd->rawlen += sizeof h;
		} else if (!strcmp(v, "fd")) {
			if (room < 4 || sd->nrawrefs == 16)
				return lex_fail(p, "too many raw fds");
			if (lex_ref(p, arg, &sd->rawrefs[sd->nrawrefs], 1) < 0)
				return -1;
			sd->rawref_at[sd->nrawrefs++] = (short)sd->rawlen;
			memset(out, 0, 4);
			sd->rawlen += 4;
		} else if (!strcmp(v, "int")) {
			long n;
			if (room < 4)
				return lex_fail(p, "raw control longer than %d", SC_MAX_RAW);
			if (lex_number(p, arg, -2147483648L, 2147483647L, &n) < 0)
				return -1;
			int i = (int)n;
			memcpy(out, &i, 4);
			sd->rawlen += 4;
		} else if (!strcmp(v, "zero")) {
			long n;
			if (lex_number(p, arg, 0, room, &n) < 0)
				return -1;
			memset(out, 0, (size_t)n);
			sd->rawlen += (int)n;
		} else if (!strcmp(v, "hex")) {
			int n = lex_hexbytes(p, arg, out, room);
			if (n < 0)
				return -1;
			sd->rawlen += n;
		} else {
			return lex_fail(p, "unknown raw piece '%s'", v);
		}
		v = close + 1;
		if (*v == '+')
			v++;
		else if (*v)
			return lex_fail(p, "raw pieces are joined by '+'");
	}
	return 0;
}

/* a name of a pathname or abstract address: letters, digits, _ */
static int addr_name(struct ps *p, const char *v, struct sc_addr *a)
{
	if (!*v || strlen(v) >= sizeof a->name || strspn(v,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(v))
		return lex_fail(p, "an address name is 1 to %zu letters, digits or _",
				sizeof a->name - 1);
	strcpy(a->name, v);
	return 0;
}

/* END, path=NAME, abstract=NAME, or (bind) auto */
static int address(struct ps *p, char *w, struct sc_addr *a, int binding)
{
	char *v;
	memset(a, 0, sizeof *a);
	if ((v = lex_value_of(w, "path"))) {
		a->kind = SC_ADDR_PATH;
		return addr_name(p, v, a);
	}
	if ((v = lex_value_of(w, "abstract"))) {
		a->kind = SC_ADDR_ABSTRACT;
		return addr_name(p, v, a);
	}
	if (binding) {
		if (strcmp(w, "auto"))
			return lex_fail(p, "bind wants auto, path=NAME or abstract=NAME");
		a->kind = SC_ADDR_AUTO;
		return 0;
	}
	a->kind = SC_ADDR_END;
	return lex_end_of(p, w, &a->end);
}

static int step_send(struct ps *p, struct words *ws, struct sc_step *st)
{
	struct sc_send *sd = &st->u.send;
	char *v;
	long n;

	if (ws->n < 2 || lex_end_of(p, ws->w[1], &sd->from) < 0)
		return ws->n < 2 ? lex_fail(p, "send wants a socket") : -1;
	for (int i = 2; i < ws->n; i++) {
		char *w = ws->w[i];
		if ((v = lex_value_of(w, "data"))) {
			if ((sd->datalen = lex_string(p, v, sd->data, SC_MAX_DATA)) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "len"))) {
			if (lex_number(p, v, 0, SC_MAX_DATA, &n) < 0)
				return -1;
			sd->datalen = (int)n;
			memset(sd->data, 'x', (size_t)n);
		} else if ((v = lex_value_of(w, "rights"))) {
			if (rights(p, sd, v) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "creds"))) {
			if (creds(p, sd, v) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "item"))) {
			if (item_bytes(p, sd, v) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "raw"))) {
			if (raw(p, sd, v) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "ctlpad"))) {
			if (lex_number(p, v, 16, 1L << 26, &sd->ctlpad) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "flags"))) {
			if (sc_flags_parse(v, &sd->flags) < 0)
				return lex_fail(p, "bad flags '%s'", v);
		} else if ((v = lex_value_of(w, "to"))) {
			if (address(p, v, &sd->to, 0) < 0)
				return -1;
		} else {
			return lex_fail(p, "send does not take '%s'", w);
		}
	}
	if (sd->raw + (sd->nitems > 0) + (sd->ctlpad > 0) > 1)
		return lex_fail(p, "send takes items, raw or ctlpad, not two of them");
	return 0;
}

static int step_recv(struct ps *p, struct words *ws, struct sc_step *st)
{
	struct sc_recv *rq = &st->u.recv;
	char *v;
	long n;

	if (ws->n < 2 || lex_end_of(p, ws->w[1], &rq->at) < 0)
		return ws->n < 2 ? lex_fail(p, "recv wants a socket") : -1;
	rq->bufsize = SC_MAX_DATA;
	for (int i = 2; i < ws->n; i++) {
		char *w = ws->w[i];
		if ((v = lex_value_of(w, "api"))) {
			int k = sc_index_of(sc_api_names, v);
			if (k < 0)
				return lex_fail(p, "unknown api '%s'", v);
			rq->api = (enum sc_api)k;
		} else if ((v = lex_value_of(w, "bufsize"))) {
			if (lex_number(p, v, -1, 1 << 16, &rq->bufsize) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "ancbuf"))) {
			if (lex_number(p, v, -1, 1L << 31, &rq->ancbuf) < 0)
				return -1;
			/* the runner lends up to 64 KiB; beyond that only the
			 * invalid sizes over CPython's limit are worth asking */
			if (rq->ancbuf > 1 << 16 && rq->ancbuf <= 0x7fffffff)
				return lex_fail(p, "ancbuf over 65536 must be over 2147483647");
		} else if ((v = lex_value_of(w, "maxfds"))) {
			if (lex_number(p, v, 0, 4096, &rq->maxfds) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "flags"))) {
			if (sc_flags_parse(v, &rq->flags) < 0)
				return lex_fail(p, "bad flags '%s'", v);
		} else if ((v = lex_value_of(w, "warn"))) {
			int k = sc_index_of(sc_warn_names, v);
			if (k < 0)
				return lex_fail(p, "warn is record, ignore or error");
			rq->warn = (enum sc_warn)k;
		} else if ((v = lex_value_of(w, "maxitems"))) {
			if (lex_number(p, v, 1, SC_MAX_RITEMS, &n) < 0)
				return -1;
			rq->maxitems = (int)n;
		} else if (!strcmp(w, "strict")) {
			rq->strict = 1;
		} else {
			return lex_fail(p, "recv does not take '%s'", w);
		}
	}
	if (rq->api != SC_API_RECV_FDS && rq->maxfds)
		return lex_fail(p, "maxfds goes with api=recv_fds");
	if (rq->api == SC_API_RECV_FDS && rq->ancbuf)
		return lex_fail(p, "api=recv_fds sizes its buffer from maxfds");
	return 0;
}

static int pipes(struct ps *p, struct words *ws, int from, struct sc_step *st)
{
	for (int i = from; i < ws->n; i++) {
		struct sc_ref r;
		if (st->u.wait.npipes == 8)
			return lex_fail(p, "at most 8 pipes");
		if (lex_ref(p, ws->w[i], &r, 0) < 0)
			return -1;
		if (r.kind != SC_REF_PIPE || r.pipe >= p->sc->npipes)
			return lex_fail(p, "'%s' is not a pipe made so far", ws->w[i]);
		st->u.wait.pipes[st->u.wait.npipes++] = r.pipe;
	}
	return 0;
}

/* pK,pJ or - into a bitmap */
static int pipeset(struct ps *p, char *v, unsigned char *set)
{
	char tok[16];
	int more;
	if (!strcmp(v, "-"))
		return 0;
	while ((more = lex_list_next(p, &v, tok, sizeof tok)) > 0) {
		struct sc_ref r;
		if (lex_ref(p, tok, &r, 0) < 0)
			return -1;
		if (r.kind != SC_REF_PIPE)
			return lex_fail(p, "'%s' is not a pipe", tok);
		set[r.pipe / 8] |= (unsigned char)(1 << (r.pipe % 8));
	}
	return more;
}

static const struct sc_name item_alias[] = {
	{ "rights", SCM_RIGHTS }, { "creds", SCM_CREDENTIALS },
	{ "security", 3 }, { "pidfd", 4 }, { "inq", 84 }, { NULL, 0 },
};

static int items(struct ps *p, char *v, struct sc_obs *o)
{
	char tok[64];
	int more;
	if (!strcmp(v, "-"))
		return 0;
	while ((more = lex_list_next(p, &v, tok, sizeof tok)) > 0) {
		char *colon = strrchr(tok, ':'), *slash = strchr(tok, '/');
		long level = SOL_SOCKET, type, len;
		if (!colon || o->nitems == SC_MAX_RITEMS)
			return lex_fail(p, "items are TYPE:LEN or LEVEL/TYPE:LEN");
		*colon = '\0';
		char *t = tok;
		if (slash) {
			*slash = '\0';
			if (lookup(sc_levels, tok, &level) < 0)
				return lex_fail(p, "unknown level '%s'", tok);
			t = slash + 1;
		}
		if (lookup(item_alias, t, &type) < 0 &&
		    lookup(sc_types, t, &type) < 0)
			return lex_fail(p, "unknown type '%s'", t);
		if (lex_number(p, colon + 1, 0, 1L << 31, &len) < 0)
			return -1;
		o->items[o->nitems++] = (struct sc_ritem){ (int)level, (int)type, len };
	}
	return more;
}

/* a value word: [A-Za-z0-9:,|?_-], "-" for none */
static int value_word(struct ps *p, const char *v, char *out)
{
	if (!*v || strlen(v) >= SC_MAX_VALUE ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:,|?_-") !=
		    strlen(v))
		return lex_fail(p, "a value is 1 to %d of letters, digits and :,|?_-",
				SC_MAX_VALUE - 1);
	if (strcmp(v, "-"))
		strcpy(out, v);
	return 0;
}

static int expect(struct ps *p, struct words *ws, struct sc_step *st)
{
	struct sc_obs *o = &st->want;
	char *v;
	if (st->expect)
		return lex_fail(p, "a second expect for one step");
	if (ws->n < 2)
		return lex_fail(p, "expect names nothing");
	for (int i = 1; i < ws->n; i++) {
		char *w = ws->w[i];
		if ((v = lex_value_of(w, "ret"))) {
			st->expect |= SC_F_RET;
			if (sc_errparse(v, &o->ret) < 0)
				return lex_fail(p, "bad ret '%s'", v);
		} else if ((v = lex_value_of(w, "flags"))) {
			st->expect |= SC_F_FLAGS;
			if (sc_flags_parse(v, &o->flags) < 0)
				return lex_fail(p, "bad flags '%s'", v);
		} else if ((v = lex_value_of(w, "items"))) {
			st->expect |= SC_F_ITEMS;
			if (items(p, v, o) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "fds"))) {
			char tok[16];
			int more = 0;
			st->expect |= SC_F_FDS;
			if (strcmp(v, "-"))
				while ((more = lex_list_next(p, &v, tok, sizeof tok)) > 0) {
					if (o->nfds == SC_MAX_REFS)
						return lex_fail(p, "too many fds");
					if (lex_ref(p, tok, &o->fds[o->nfds++], 0) < 0)
						return -1;
				}
			if (more < 0)
				return -1;
		} else if ((v = lex_value_of(w, "dropped"))) {
			st->expect |= SC_F_DROPPED;
			if (pipeset(p, v, o->dropped) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "gone"))) {
			st->expect |= SC_F_GONE;
			if (pipeset(p, v, o->gone) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "cloexec"))) {
			st->expect |= SC_F_CLOEXEC;
			if ((o->cloexec = sc_index_of(sc_cloexec_names, v)) < 0)
				return lex_fail(p, "cloexec is none, all or some");
		} else if ((v = lex_value_of(w, "warnings"))) {
			long n;
			st->expect |= SC_F_WARNINGS;
			if (lex_number(p, v, 0, 1, &n) < 0)
				return -1;
			o->warnings = (unsigned long)n;
		} else if ((v = lex_value_of(w, "controllen"))) {
			st->expect |= SC_F_CONTROLLEN;
			if (lex_number(p, v, 0, 1L << 31, &o->controllen) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "data"))) {
			st->expect |= SC_F_DATA;
			if ((o->datalen = lex_string(p, v, o->data, SC_MAX_DATA)) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "value"))) {
			st->expect |= SC_F_VALUE;
			if (value_word(p, v, o->value) < 0)
				return -1;
		} else if ((v = lex_value_of(w, "vals"))) {
			st->expect |= SC_F_VALS;
			if (value_word(p, v, o->vals) < 0)
				return -1;
		} else {
			return lex_fail(p, "expect does not know '%s'", w);
		}
	}
	return 0;
}

static int copy_word(struct ps *p, char *dst, size_t max, const char *src,
		     const char *what)
{
	if (strlen(src) >= max)
		return lex_fail(p, "%s longer than %zu", what, max - 1);
	strcpy(dst, src);
	return 0;
}

static int header(struct ps *p, struct words *ws, char *rest)
{
	struct scenario *sc = p->sc;
	const char *k = ws->w[0];

	if (!strcmp(k, "purpose")) {
		if (sc->purpose[0])
			return lex_fail(p, "a second purpose");
		return copy_word(p, sc->purpose, sizeof sc->purpose, rest,
				 "purpose");
	}
	if (ws->n != 2 && strcmp(k, "socket"))
		return lex_fail(p, "%s takes one word", k);
	if ((!strcmp(k, "id") && sc->id[0]) || (!strcmp(k, "area") && sc->area[0]))
		return lex_fail(p, "a second %s", k);
	if (!strcmp(k, "id")) {
		for (const char *c = ws->w[1]; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '_')
				return lex_fail(p, "id is letters, digits and _");
		return copy_word(p, sc->id, sizeof sc->id, ws->w[1], "id");
	}
	if (!strcmp(k, "area")) {
		if (sc_index_of(sc_area_names, ws->w[1]) >= 0)
			return copy_word(p, sc->area, sizeof sc->area, ws->w[1],
					 "area");
		return lex_fail(p, "area is one of truncation, flags, cleanup, send, features, repro");
	}
	if (!strcmp(k, "tag")) {
		if (sc->ntags == SC_MAX_TAGS)
			return lex_fail(p, "more than %d tags", SC_MAX_TAGS);
		if (!strchr(ws->w[1], ':'))
			return lex_fail(p, "a tag is KIND:VALUE (linux-git:, CVE:, feature:, cpython:, ref:)");
		return copy_word(p, sc->tags[sc->ntags++], sizeof sc->tags[0],
				 ws->w[1], "tag");
	}
	if (!strcmp(k, "requires")) {
		if (sc->nreq == SC_MAX_REQ)
			return lex_fail(p, "more than %d requires", SC_MAX_REQ);
		/* the name only: whether the kernel has it is the runner's
		 * question (parsing never probes) */
		if (!sc_feature_known(ws->w[1]))
			return lex_fail(p, "unknown feature '%s'", ws->w[1]);
		return copy_word(p, sc->requires[sc->nreq++],
				 sizeof sc->requires[0], ws->w[1], "feature");
	}
	/* socket TYPE [pair|listen|inet4|inet6|none] */
	if (ws->n < 2 || ws->n > 3)
		return lex_fail(p, "socket wants TYPE [pair|listen|inet4|inet6|none]");
	int t = sc_index_of(sc_socktype_names, ws->w[1]);
	if (t < 0)
		return lex_fail(p, "socket type is stream, dgram or seqpacket");
	sc->type = (enum sc_socktype)t;
	int m = ws->n == 3 ? sc_index_of(sc_mode_names, ws->w[2]) : SC_PAIR;
	if (m < 0)
		return lex_fail(p, "socket is made by pair, listen, inet4, inet6 or none");
	sc->mode = (enum sc_mode)m;
	if ((m == SC_INET4 || m == SC_INET6) && t == SC_SEQPACKET)
		return lex_fail(p, "inet pairs are stream (TCP) or dgram (UDP)");
	return 0;
}

/* who may run what: a later step is one the main line's next step waits
 * for; a child step needs a fork before it and no exit */
static int who_check(struct ps *p, const struct scenario *sc, enum sc_who who, int op)
{
	const struct sc_step *prev = sc->nsteps ? &sc->steps[sc->nsteps - 1] : NULL;
	int forked = 0, exited = 0;
	for (int i = 0; i < sc->nsteps; i++) {
		forked |= sc->steps[i].op == SC_OP_FORK;
		exited |= sc->steps[i].op == SC_OP_EXIT;
	}
	if (prev && prev->who == SC_WHO_LATER && who != SC_WHO_MAIN)
		return lex_fail(p, "the step after a later step is the main line's");
	/* one receive at a time: the backend's buffers are its own */
	if (prev && prev->who == SC_WHO_LATER && prev->op == SC_OP_RECV && op == SC_OP_RECV)
		return lex_fail(p, "a later recv runs while the main line does something else");
	if (who == SC_WHO_LATER &&
	    (op == SC_OP_FORK || op == SC_OP_EXIT || op == SC_OP_GC ||
	     op == SC_OP_CHECK || op == SC_OP_RLIMIT || op == SC_OP_AS_NOBODY ||
	     op == SC_OP_UNSHARE))
		return lex_fail(p, "later runs send, recv, close, shutdown, connect, accept "
				"and the socket option, ioctl, poll, open, bind and listen steps");
	if (who == SC_WHO_CHILD && (!forked || exited))
		return lex_fail(p, "a child step needs a fork before it and no exit");
	if (who == SC_WHO_CHILD && (op == SC_OP_FORK || op == SC_OP_GC || op == SC_OP_RLIMIT))
		return lex_fail(p, "the child does not fork, gc or rlimit");
	if (op == SC_OP_FORK && (who != SC_WHO_MAIN || forked))
		return lex_fail(p, "one fork, by the main line");
	if (op == SC_OP_EXIT && who != SC_WHO_CHILD)
		return lex_fail(p, "exit is a child step: child exit");
	return 0;
}

/* getopt, ioctl, poll, open, pair, bind, listen, fork, exit, unshare,
 * setown, sigurg */
static int step_new(struct ps *p, struct words *ws, struct sc_step *st)
{
	const char *k = ws->w[0];
	long v;
	int n = ws->n;
	switch (st->op) {
	case SC_OP_GETOPT:
	case SC_OP_IOCTL:
		if (n != 3 || lex_end_of(p, ws->w[1], &st->u.q.end) < 0)
			return n != 3 ? lex_fail(p, "%s wants SOCKET %s", k,
						 st->op == SC_OP_IOCTL ? "REQUEST" : "OPTION")
				      : -1;
		if (lookup(st->op == SC_OP_IOCTL ? sc_ioctls : sc_sockopts, ws->w[2], &v) < 0)
			return lex_fail(p, "unknown %s '%s'",
					st->op == SC_OP_IOCTL ? "request" : "option", ws->w[2]);
		st->u.q.req = (int)v;
		return 0;
	case SC_OP_POLL:
		if (n != 2)
			return lex_fail(p, "poll wants a socket");
		return lex_end_of(p, ws->w[1], &st->u.q.end);
	case SC_OP_OPEN: {
		if (n < 3 || n > 4 || lex_end_of(p, ws->w[1], &st->u.open.end) < 0)
			return n < 3 || n > 4 ? lex_fail(p, "open wants SOCKET TYPE [unix|inet4|inet6]")
					      : -1;
		int t = sc_index_of(sc_socktype_names, ws->w[2]);
		int f = n == 4 ? sc_index_of(sc_family_names, ws->w[3]) : 0;
		if (t < 0 || f < 0)
			return lex_fail(p, "open wants SOCKET TYPE [unix|inet4|inet6]");
		st->u.open.type = t;
		st->u.open.family = f;
		return 0;
	}
	case SC_OP_PAIR: {
		if (n != 4 || lex_end_of(p, ws->w[1], &st->u.open.end) < 0 ||
		    lex_end_of(p, ws->w[2], &st->u.open.end2) < 0)
			return n != 4 ? lex_fail(p, "pair wants SOCKET SOCKET TYPE") : -1;
		int t = sc_index_of(sc_socktype_names, ws->w[3]);
		if (t < 0 || st->u.open.end == st->u.open.end2)
			return lex_fail(p, "pair wants two sockets and a type");
		st->u.open.type = t;
		return 0;
	}
	case SC_OP_BIND:
		if (n != 3 || lex_end_of(p, ws->w[1], &st->u.bind.end) < 0)
			return n != 3 ? lex_fail(p, "bind wants SOCKET ADDRESS") : -1;
		return address(p, ws->w[2], &st->u.bind.addr, 1);
	case SC_OP_LISTEN:
		if (n != 3 || lex_end_of(p, ws->w[1], &st->u.listen.end) < 0)
			return n != 3 ? lex_fail(p, "listen wants SOCKET BACKLOG") : -1;
		if (lex_number(p, ws->w[2], -1, 4096, &v) < 0)
			return -1;
		st->u.listen.backlog = (int)v;
		return 0;
	case SC_OP_UNSHARE:
		if (n != 2 || strcmp(ws->w[1], "net"))
			return lex_fail(p, "unshare wants net");
		return 0;
	case SC_OP_SETOWN:
		if (n != 2)
			return lex_fail(p, "setown wants a socket");
		return lex_end_of(p, ws->w[1], &st->u.q.end);
	default:   /* fork, exit */
		return n != 1 ? lex_fail(p, "%s takes nothing", k) : 0;
	}
}

static int step(struct ps *p, struct words *ws)
{
	struct scenario *sc = p->sc;
	const char *k = ws->w[0];
	struct sc_step *st;
	long n;

	enum sc_who who = SC_WHO_MAIN;
	long delay = 0;
	if (!strcmp(k, "later") || !strcmp(k, "child")) {
		int later = k[0] == 'l';
		if (ws->n < 2 + later)
			return lex_fail(p, "%s wants %sa step", k, later ? "MS and " : "");
		if (later && lex_number(p, ws->w[1], 0, 5000, &delay) < 0)
			return -1;
		who = later ? SC_WHO_LATER : SC_WHO_CHILD;
		ws->n -= 1 + later;
		memmove(ws->w, ws->w + 1 + later, sizeof ws->w[0] * (size_t)ws->n);
		k = ws->w[0];
	}
	/* after the prefix: "later 1 listen c 1" names 1 once */
	if (lex_repeated_key(p, ws) < 0)
		return -1;
	int op = sc_index_of(sc_op_names, k);

	if (op < 0)
		return lex_fail(p, "unknown directive '%s'", k);
	if (sc->nsteps == SC_MAX_STEPS)
		return lex_fail(p, "more than %d steps", SC_MAX_STEPS);
	if (who_check(p, sc, who, op) < 0)
		return -1;
	st = &sc->steps[sc->nsteps++];
	memset(st, 0, sizeof *st);
	st->line = p->line;
	st->op = (enum sc_op)op;
	st->who = who;
	st->delay_ms = (int)delay;
	if (op >= SC_OP_GETOPT)
		return step_new(p, ws, st);
	if (op == SC_OP_SEND)
		return step_send(p, ws, st);
	if (op == SC_OP_RECV)
		return step_recv(p, ws, st);
	if (op == SC_OP_SETOPT) {
		long name;
		if (ws->n != 4 || lex_end_of(p, ws->w[1], &st->u.opt.end) < 0)
			return ws->n != 4 ? lex_fail(p, "setopt wants SOCKET OPTION VALUE") : -1;
		if (lookup(sc_sockopts, ws->w[2], &name) < 0)
			return lex_fail(p, "unknown option '%s'", ws->w[2]);
		if (lex_number(p, ws->w[3], -2147483648L, 2147483647L, &n) < 0)
			return -1;
		st->u.opt.level = SOL_SOCKET;
		st->u.opt.name = (int)name;
		st->u.opt.value = (int)n;
		return 0;
	}
	if (op == SC_OP_CLOSE || op == SC_OP_SHUTDOWN) {
		int sd = op == SC_OP_SHUTDOWN;
		if (ws->n != 2 + sd || lex_end_of(p, ws->w[1], &st->u.sd.end) < 0)
			return ws->n != 2 + sd ? lex_fail(p, "%s wants a socket%s", k,
						      sd ? " and rd, wr or rdwr" : "")
					       : -1;
		if (sd) {
			const char *h = ws->w[2];
			/* sc_shut_names is indexed by SHUT_RD, SHUT_WR, SHUT_RDWR */
			st->u.sd.how = sc_index_of(sc_shut_names, h);
			if (st->u.sd.how < 0)
				return lex_fail(p, "shutdown is rd, wr or rdwr");
		}
		return 0;
	}
	if (op == SC_OP_CONNECT && ws->n == 3) {
		if (lex_end_of(p, ws->w[1], &st->u.conn.from) < 0)
			return -1;
		return address(p, ws->w[2], &st->u.conn.to, 0);
	}
	if (op == SC_OP_ACCEPT && ws->n == 3)
		return lex_end_of(p, ws->w[1], &st->u.acc.l) < 0 ? -1
		       : lex_end_of(p, ws->w[2], &st->u.acc.into);
	if (op == SC_OP_CONNECT || op == SC_OP_ACCEPT) {
		if (ws->n != 1)
			return lex_fail(p, "%s takes nothing or two words", k);
		/* the bare form: a to l, or l into b */
		if (op == SC_OP_CONNECT) {
			st->u.conn.from = SC_A;
			st->u.conn.to.kind = SC_ADDR_END;
			st->u.conn.to.end = SC_L;
		} else {
			st->u.acc.l = SC_L;
			st->u.acc.into = SC_B;
		}
		if (sc->mode != SC_LISTEN)
			return lex_fail(p, "%s needs 'socket TYPE listen'", k);
		if (st->op == SC_OP_ACCEPT && sc->type == SC_DGRAM)
			return lex_fail(p, "a dgram listener accepts nothing");
		return 0;
	}
	if (op == SC_OP_GC || op == SC_OP_CHECK) {
		if (ws->n < 2)
			return lex_fail(p, "%s wants pipes", k);
		return pipes(p, ws, 1, st);
	}
	if (op == SC_OP_RLIMIT) {
		char *v = ws->n == 2 ? lex_value_of(ws->w[1], "free") : NULL;
		if (!v)
			return lex_fail(p, "rlimit wants free=N");
		return lex_number(p, v, 0, 64, &st->u.rlimit.free);
	}
	/* SC_OP_AS_NOBODY */
	if (ws->n != 2 || strcmp(ws->w[1], "nobody"))
		return lex_fail(p, "as wants nobody");
	return 0;
}

int sc_parse(const char *text, struct scenario *sc, char *err, size_t errlen)
{
	struct ps p = { sc, 0, err, errlen, 0 };
	char line[2048];
	const char *s = text;
	int socket_seen = 0;

	/* the header now, each step when it begins: everything read later
	 * (print, equal, run) stops at nsteps, and a step's unused bytes are
	 * zero, so two parses of one text are equal byte for byte */
	memset(sc, 0, offsetof(struct scenario, steps));
	if (errlen)
		err[0] = '\0';
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		p.line++;
		if (len >= sizeof line)
			return lex_fail(&p, "line longer than %zu", sizeof line - 1);
		memcpy(line, s, len);
		line[len] = '\0';
		s += len + (nl != NULL);
		if (memchr(line, '\0', len) || strchr(line, '\r'))
			return lex_fail(&p, "control characters in the line");
		char *t = line;
		while (*t == ' ' || *t == '\t')
			t++;
		if (*t == '\0' || *t == '#')
			continue;
		char rest[2048];
		char *sp = t + strcspn(t, " \t");
		snprintf(rest, sizeof rest, "%s", sp + strspn(sp, " \t"));
		struct words ws;
		if (lex_split(&p, t, &ws) < 0)
			return -1;
		const char *k = ws.w[0];
		if (!strcmp(k, "id") || !strcmp(k, "area") || !strcmp(k, "purpose") ||
		    !strcmp(k, "tag") || !strcmp(k, "requires") ||
		    !strcmp(k, "socket")) {
			if (sc->nsteps)
				return lex_fail(&p, "%s must come before the steps", k);
			if (!strcmp(k, "socket") && socket_seen++)
				return lex_fail(&p, "a second socket");
			if (header(&p, &ws, rest) < 0)
				return -1;
		} else if (!strcmp(k, "expect")) {
			if (!sc->nsteps)
				return lex_fail(&p, "expect before any step");
			if (lex_repeated_key(&p, &ws) < 0)
				return -1;
			if (expect(&p, &ws, &sc->steps[sc->nsteps - 1]) < 0)
				return -1;
		} else {
			if (!socket_seen)
				return lex_fail(&p, "'socket' must come before the steps");
			if (step(&p, &ws) < 0)
				return -1;
		}
	}
	p.line++;
	if (!sc->id[0])
		return lex_fail(&p, "no id");
	if (!sc->area[0])
		return lex_fail(&p, "no area");
	if (!socket_seen)
		return lex_fail(&p, "no socket");
	if (!sc->nsteps)
		return lex_fail(&p, "no steps");
	if (sc->steps[sc->nsteps - 1].who == SC_WHO_LATER)
		return lex_fail(&p, "a later step needs a main-line step after it");
	return 0;
}
