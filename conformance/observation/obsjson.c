/* obsjson.c - results as JSON (jansson): each step's observation as fields
 * and as text in the expect syntax, the status, and on failure what was
 * expected.  Nothing in it varies between runs: fds are names, not numbers.
 * Every jansson call is checked: a value that cannot be made fails the whole
 * object (NULL) instead of leaving its key out, and text that need not be
 * UTF-8 (purpose, tags, why) goes through io_json_text, which keeps every
 * byte. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "obsjson.h"

/* Set key to v (a new reference, NULL when it could not be made); any
 * failure is remembered in *bad. */
static void set(json_t *o, const char *key, json_t *v, int *bad)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		*bad = 1;
}

static void append(json_t *a, json_t *v, int *bad)
{
	if (!v || json_array_append_new(a, v) < 0)
		*bad = 1;
}

/* o, or NULL (and o released) when anything failed */
static json_t *done(json_t *o, int bad)
{
	if (bad || !o) {
		json_decref(o);
		return NULL;
	}
	return o;
}

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
	if (st->op == SC_OP_RECV && o->vals[0])
		f |= SC_F_VALS;
	if ((st->op == SC_OP_GETOPT || st->op == SC_OP_IOCTL || st->op == SC_OP_POLL ||
	     st->op == SC_OP_SIGURG) &&
	    o->ret >= 0)
		f |= SC_F_VALUE;
	return f;
}

static json_t *pipes_json(const unsigned char *set)
{
	json_t *a = json_array();
	char n[16];
	int bad = 0;
	for (int k = 0; k < SC_MAX_PIPES; k++)
		if (set[k / 8] & (1 << (k % 8))) {
			snprintf(n, sizeof n, "p%d", k);
			append(a, json_string(n), &bad);
		}
	return done(a, bad);
}

static json_t *name_or_number(const struct sc_name *t, int v)
{
	const char *n = sc_name_of(t, v);
	return n ? json_string(n) : json_integer(v);
}

static json_t *items_json(const struct sc_obs *o)
{
	json_t *a = json_array();
	int bad = 0;
	for (int i = 0; i < o->nitems; i++) {
		json_t *it = json_object();
		int ibad = 0;
		set(it, "level", name_or_number(sc_levels, o->items[i].level), &ibad);
		set(it, "type", name_or_number(sc_types, o->items[i].type), &ibad);
		set(it, "len", json_integer(o->items[i].len), &ibad);
		append(a, done(it, ibad), &bad);
	}
	return done(a, bad);
}

static json_t *fds_json(const struct sc_obs *o)
{
	json_t *a = json_array();
	int bad = 0;
	for (int i = 0; i < o->nfds; i++) {
		char n[16];
		const struct sc_ref *r = &o->fds[i];
		if (r->kind == SC_REF_PIPE)
			snprintf(n, sizeof n, "p%d", r->pipe);
		else
			snprintf(n, sizeof n, "%s", r->kind == SC_REF_SOCK && r->end < SC_NEND
						   ? sc_end_names[r->end]
						   : r->kind == SC_REF_URING ? "uring" : "?");
		append(a, json_string(n), &bad);
	}
	return done(a, bad);
}

/* fields of o in the expect syntax, without the leading space */
static json_t *fields_text(const struct sc_obs *o, unsigned fields)
{
	size_t n = sc_print_obs(o, fields, NULL, 0);
	char *text = malloc(n + 1);
	json_t *j;
	if (!text)
		return NULL;
	sc_print_obs(o, fields, text, n + 1);
	j = json_string(text[0] == ' ' ? text + 1 : text);
	free(text);
	return j;
}

json_t *sc_obs_json(const struct sc_step *st, const struct sc_obs *o)
{
	json_t *j = json_object();
	unsigned f = shown(st, o);
	int bad = 0;

	set(j, "line", json_integer(st->line), &bad);
	set(j, "op", json_string(sc_op_names[st->op]), &bad);
	if (st->who != SC_WHO_MAIN)
		set(j, "by", json_string(st->who == SC_WHO_LATER ? "later" : "child"), &bad);
	if (o->ret < 0)
		set(j, "ret", json_string(sc_errname(o->ret)), &bad);
	else
		set(j, "ret", json_integer(o->ret), &bad);
	if (f & SC_F_FLAGS) {
		char b[128];
		sc_flags_str(o->flags, b, sizeof b);
		set(j, "msg_flags", json_string(b), &bad);
	}
	if (f & SC_F_CONTROLLEN)
		set(j, "controllen", json_integer(o->controllen), &bad);
	if (f & SC_F_ITEMS)
		set(j, "items", items_json(o), &bad);
	if (f & SC_F_FDS)
		set(j, "fds", fds_json(o), &bad);
	if ((f & SC_F_CLOEXEC) && o->cloexec >= 0 && o->cloexec <= 2)
		set(j, "cloexec", json_string(sc_cloexec_names[o->cloexec]), &bad);
	if (f & SC_F_WARNINGS)
		set(j, "warnings", json_integer((json_int_t)o->warnings), &bad);
	if (f & SC_F_DROPPED)
		set(j, "dropped", pipes_json(o->dropped), &bad);
	if (f & SC_F_GONE)
		set(j, "gone", pipes_json(o->gone), &bad);
	if ((f & SC_F_DATA) && o->datalen) {
		char hex[2 * SC_MAX_DATA + 1];
		for (int i = 0; i < o->datalen && i < SC_MAX_DATA; i++)
			snprintf(hex + 2 * i, 3, "%02x", o->data[i]);
		set(j, "data_hex", json_string(hex), &bad);
	}
	if (f & SC_F_VALUE)
		set(j, "value", json_string(o->value), &bad);
	if (f & SC_F_VALS)
		set(j, "vals", json_string(o->vals), &bad);
	set(j, "text", fields_text(o, f & ~(o->datalen ? 0u : (unsigned)SC_F_DATA)),
	    &bad);
	return done(j, bad);
}

static json_t *expected_json(const struct scenario *sc)
{
	json_t *exp = json_array();
	int bad = 0;
	for (int i = 0; i < sc->nsteps; i++) {
		const struct sc_step *st = &sc->steps[i];
		json_t *e;
		int ebad = 0;
		if (!st->expect)
			continue;
		e = json_object();
		set(e, "line", json_integer(st->line), &ebad);
		set(e, "text", fields_text(&st->want, st->expect), &ebad);
		append(exp, done(e, ebad), &bad);
	}
	return done(exp, bad);
}

/* a fixed-size text field, NUL-terminated or not */
#define TEXT(field) io_json_textn((field), strnlen((field), sizeof(field)))

json_t *sc_result_json(const struct scenario *sc, const struct sc_result *res)
{
	json_t *j = json_object(), *tags = json_array(), *obs;
	int bad = 0;

	set(j, "id", TEXT(sc->id), &bad);
	set(j, "area", TEXT(sc->area), &bad);
	set(j, "purpose", TEXT(sc->purpose), &bad);
	for (int i = 0; i < sc->ntags; i++)
		append(tags, TEXT(sc->tags[i]), &bad);
	set(j, "tags", tags, &bad);
	set(j, "status", json_string(sc_status_names[res->status]), &bad);
	if (res->status != SC_PASS)
		set(j, "why", TEXT(res->why), &bad);
	/* a skipped case still shows what the kernel said (a feature it lacks
	 * is observed, not hidden), when it ran */
	if (res->status == SC_SKIP && res->nsteps == 0)
		return done(j, bad);
	set(j, "fd_table_restored", json_boolean(res->fd_table_restored), &bad);
	obs = json_array();
	for (int i = 0; i < res->nsteps; i++)
		append(obs, sc_obs_json(&sc->steps[i], &res->obs[i]), &bad);
	set(j, "observation", obs, &bad);
	if (res->status == SC_FAIL)
		set(j, "expected", expected_json(sc), &bad);
	return done(j, bad);
}
