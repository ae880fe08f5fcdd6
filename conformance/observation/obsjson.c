/* obsjson.c - results as JSON (jansson): each step's observation as fields
 * and as text in the expect syntax, the status, and on failure what was
 * expected.  Nothing in it varies between runs: fds are names, not numbers. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "obsjson.h"

static const char *const OPS[] = { "send", "recv", "setopt", "close",
				   "shutdown", "connect", "accept", "gc",
				   "check", "rlimit", "as" };

/* The fields worth showing for an op. */
static unsigned shown(const struct sc_step *st, const struct sc_obs *o)
{
	unsigned f = SC_F_RET | SC_F_DROPPED;
	if (st->op == SC_OP_RECV && o->ret >= 0)
		f |= SC_F_FLAGS | SC_F_ITEMS | SC_F_FDS | SC_F_WARNINGS | SC_F_DATA |
		     (o->nfds ? SC_F_CLOEXEC : 0) | (o->controllen >= 0 ? SC_F_CONTROLLEN : 0);
	if (st->op == SC_OP_RECV && o->ret < 0)
		f |= SC_F_WARNINGS;
	if (st->op == SC_OP_GC || st->op == SC_OP_CHECK)
		f |= SC_F_GONE;
	return f;
}

static json_t *pipes_json(const unsigned char *set)
{
	json_t *a = json_array();
	char n[16];
	for (int k = 0; k < SC_MAX_PIPES; k++)
		if (set[k / 8] & (1 << (k % 8))) {
			snprintf(n, sizeof n, "p%d", k);
			json_array_append_new(a, json_string(n));
		}
	return a;
}

json_t *sc_obs_json(const struct sc_step *st, const struct sc_obs *o)
{
	static struct sc_step tmp;
	static char text[8192];
	json_t *j = json_object();
	unsigned f = shown(st, o);

	json_object_set_new(j, "line", json_integer(st->line));
	json_object_set_new(j, "op", json_string(OPS[st->op]));
	if (o->ret < 0)
		json_object_set_new(j, "ret", json_string(sc_errname(o->ret)));
	else
		json_object_set_new(j, "ret", json_integer(o->ret));
	if (f & SC_F_FLAGS) {
		char b[128];
		sc_flags_str(o->flags, b, sizeof b);
		json_object_set_new(j, "msg_flags", json_string(b));
	}
	if (f & SC_F_CONTROLLEN)
		json_object_set_new(j, "controllen", json_integer(o->controllen));
	if (f & SC_F_ITEMS) {
		json_t *a = json_array();
		for (int i = 0; i < o->nitems; i++) {
			const char *l = sc_name_of(sc_levels, o->items[i].level);
			const char *t = sc_name_of(sc_types, o->items[i].type);
			json_t *it = json_object();
			json_object_set_new(it, "level", l ? json_string(l) : json_integer(o->items[i].level));
			json_object_set_new(it, "type", t ? json_string(t) : json_integer(o->items[i].type));
			json_object_set_new(it, "len", json_integer(o->items[i].len));
			json_array_append_new(a, it);
		}
		json_object_set_new(j, "items", a);
	}
	if (f & SC_F_FDS) {
		json_t *a = json_array();
		for (int i = 0; i < o->nfds; i++) {
			char n[16];
			const struct sc_ref *r = &o->fds[i];
			if (r->kind == SC_REF_PIPE)
				snprintf(n, sizeof n, "p%d", r->pipe);
			else
				snprintf(n, sizeof n, "%s", r->kind == SC_REF_SOCK
						   ? (const char *[]){ "a", "b", "l" }[r->end]
						   : "?");
			json_array_append_new(a, json_string(n));
		}
		json_object_set_new(j, "fds", a);
	}
	if (f & SC_F_CLOEXEC)
		json_object_set_new(j, "cloexec", json_string(
			(const char *[]){ "none", "all", "some" }[o->cloexec]));
	if (f & SC_F_WARNINGS)
		json_object_set_new(j, "warnings", json_integer((json_int_t)o->warnings));
	if (f & SC_F_DROPPED)
		json_object_set_new(j, "dropped", pipes_json(o->dropped));
	if (f & SC_F_GONE)
		json_object_set_new(j, "gone", pipes_json(o->gone));
	if ((f & SC_F_DATA) && o->datalen) {
		char hex[2 * SC_MAX_DATA + 1];
		for (int i = 0; i < o->datalen; i++)
			snprintf(hex + 2 * i, 3, "%02x", o->data[i]);
		json_object_set_new(j, "data_hex", json_string(hex));
	}
	memset(&tmp, 0, sizeof tmp);
	tmp.op = st->op;
	tmp.expect = f & ~(o->datalen ? 0u : (unsigned)SC_F_DATA);
	tmp.want = *o;
	if (tmp.want.cloexec < 0)
		tmp.expect &= ~(unsigned)SC_F_CLOEXEC;
	sc_print_fields(&tmp, text, sizeof text);
	json_object_set_new(j, "text", json_string(text[0] == ' ' ? text + 1 : text));
	return j;
}

json_t *sc_result_json(const struct scenario *sc, const struct sc_result *res)
{
	static char text[8192];
	json_t *j = json_object(), *tags = json_array(), *obs;

	json_object_set_new(j, "id", json_string(sc->id));
	json_object_set_new(j, "area", json_string(sc->area));
	json_object_set_new(j, "purpose", json_string(sc->purpose));
	for (int i = 0; i < sc->ntags; i++)
		json_array_append_new(tags, json_string(sc->tags[i]));
	json_object_set_new(j, "tags", tags);
	json_object_set_new(j, "status", json_string(sc_status_names[res->status]));
	if (res->status != SC_PASS)
		json_object_set_new(j, "why", json_string(res->why));
	if (res->status == SC_SKIP)
		return j;
	json_object_set_new(j, "fd_table_restored",
			    json_boolean(res->fd_table_restored));
	obs = json_array();
	for (int i = 0; i < res->nsteps; i++)
		json_array_append_new(obs, sc_obs_json(&sc->steps[i], &res->obs[i]));
	json_object_set_new(j, "observation", obs);
	if (res->status == SC_FAIL) {
		json_t *exp = json_array();
		for (int i = 0; i < sc->nsteps; i++) {
			if (!sc->steps[i].expect)
				continue;
			json_t *e = json_object();
			sc_print_fields(&sc->steps[i], text, sizeof text);
			json_object_set_new(e, "line", json_integer(sc->steps[i].line));
			json_object_set_new(e, "text", json_string(text + 1));
			json_array_append_new(exp, e);
		}
		json_object_set_new(j, "expected", exp);
	}
	return j;
}
