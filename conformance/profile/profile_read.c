/* profile_read.c - read a kernel behaviour profile (jansson), refuse a
 * broken or truncated one with a line saying what is wrong, and write it
 * back so that reading again gives the same. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "names.h"
#include "profile_read.h"

static int bad(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	/* one line: jansson quotes the input near an error, newlines and all */
	for (char *c = err; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	return -1;
}

static char *dup_str(json_t *v)
{
	const char *s = json_string_value(v);
	return s ? strdup(s) : NULL;
}

/* Scalars flattened under prefix: "sockopts.SO_INQ.exists" = "true".  The
 * names are as long as they are (no cut: two long siblings stay two, a
 * character is never split); an empty name, or one with a dot, could not
 * be told apart once flattened and is refused. */
static int flatten(json_t *v, const char *prefix, struct sc_kv **kv, size_t *n)
{
	if (!v)
		return 0;   /* absent: nothing to flatten (a kernel-error profile) */
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			char *key;
			if (!*k || strchr(k, '.'))
				return -2;   /* the flattened names use dots */
			if (asprintf(&key, "%s%s%s", prefix, *prefix ? "." : "", k) < 0)
				return -1;
			int rc = flatten(x, key, kv, n);
			free(key);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	if (json_is_array(v))
		return 0;
	struct sc_kv *grown = realloc(*kv, (*n + 1) * sizeof **kv);
	if (!grown)
		return -1;
	*kv = grown;
	grown[*n].key = strdup(prefix);
	grown[*n].value = json_dumps(v, JSON_ENCODE_ANY);
	(*n)++;   /* owned by the profile from here, freed with it */
	if (!grown[*n - 1].key || !grown[*n - 1].value)
		return -1;   /* out of memory, or a number JSON cannot write (1e400) */
	return 0;
}

/* an optional string member: 0 (absent or null: *out stays NULL), or -1 */
static int opt_str(json_t *o, const char *name, char **out)
{
	json_t *v = json_object_get(o, name);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = strdup(json_string_value(v));
	return *out ? 0 : -1;
}

/* a profile written before the environment had its own section, read as
 * one written now: the environment out of its limits, and optmem_max (a
 * sysctl's text then) a number.  Readers of either kind read both: the
 * format stays ancdata-profile/1.  0, or -1 out of memory */
static int upgrade_old(json_t *j)
{
	static const char *const ENV[] = { "rlimit_nofile", "lsm", "euid", NULL };
	json_t *limits = json_object_get(j, "limits"), *env, *opt;
	if (!json_is_object(limits) || json_object_get(j, "environment"))
		return 0;
	if (!(env = json_object()) || json_object_set_new(j, "environment", env) < 0)
		return -1;
	for (int i = 0; ENV[i]; i++) {
		json_t *v = json_object_get(limits, ENV[i]);
		if (v && (json_object_set(env, ENV[i], v) < 0 || json_object_del(limits, ENV[i]) < 0))
			return -1;
	}
	opt = json_object_get(limits, "optmem_max");
	const char *t = json_string_value(opt);
	if (t && *t && strlen(t) < 19 && strspn(t, "0123456789") == strlen(t))
		return json_object_set_new(limits, "optmem_max",
					   json_integer(strtoll(t, NULL, 10)));
	return 0;
}


static int read_case(json_t *c, size_t i, struct sc_pcase *pc, char *err, size_t len)
{
	json_t *obs, *tags, *v;
	size_t k;
	int known = 0;

	if (!json_is_object(c))
		return bad(err, len, "cases[%zu] is not an object", i);
	if (!json_is_string(json_object_get(c, "id")) ||
	    !json_is_string(json_object_get(c, "status")))
		return bad(err, len, "cases[%zu] has no id or status", i);
	pc->id = dup_str(json_object_get(c, "id"));
	pc->status = dup_str(json_object_get(c, "status"));
	if (!pc->id || !pc->status)
		return bad(err, len, "out of memory");
	if (opt_str(c, "area", &pc->area) < 0 || opt_str(c, "purpose", &pc->purpose) < 0 ||
	    opt_str(c, "why", &pc->why) < 0)
		return bad(err, len, "cases[%zu] (%s): area, purpose or why is not a string",
			   i, pc->id);
	known = sc_index_of(sc_status_names, pc->status) >= 0;
	if (!known)
		return bad(err, len, "cases[%zu] (%s): unknown status '%s'", i, pc->id,
			   pc->status);
	obs = json_object_get(c, "observation");
	if (obs && !json_is_array(obs))
		return bad(err, len, "cases[%zu] (%s): observation is not a list", i, pc->id);
	pc->obs = calloc(json_array_size(obs) + 1, sizeof *pc->obs);
	pc->obs_op = calloc(json_array_size(obs) + 1, sizeof *pc->obs_op);
	if (!pc->obs || !pc->obs_op)
		return bad(err, len, "out of memory");
	json_array_foreach(obs, k, v) {
		json_t *op = json_object_get(v, "op");
		if (!json_is_string(json_object_get(v, "text")))
			return bad(err, len, "cases[%zu] (%s): observation %zu has no text",
				   i, pc->id, k);
		if (op && !json_is_string(op))
			return bad(err, len, "cases[%zu] (%s): observation %zu: op is not a string",
				   i, pc->id, k);
		if (op && !(pc->obs_op[pc->nobs] = dup_str(op)))
			return bad(err, len, "out of memory");
		if (!(pc->obs[pc->nobs++] = dup_str(json_object_get(v, "text"))))
			return bad(err, len, "out of memory");
	}
	v = json_object_get(c, "elapsed_us");
	pc->elapsed_us = -1;
	if (v && !(json_is_integer(v) && json_integer_value(v) >= 0))
		return bad(err, len, "cases[%zu] (%s): elapsed_us is not a count of microseconds",
			   i, pc->id);
	if (v)
		pc->elapsed_us = json_integer_value(v);
	v = json_object_get(c, "user");
	if (v && !json_is_boolean(v))
		return bad(err, len, "cases[%zu] (%s): user is not true or false", i, pc->id);
	pc->user = json_is_true(v);
	tags = json_object_get(c, "tags");
	pc->tags = calloc(json_array_size(tags) + 1, sizeof *pc->tags);
	if (!pc->tags)
		return bad(err, len, "out of memory");
	json_array_foreach(tags, k, v)
		if (json_is_string(v) && !(pc->tags[pc->ntags++] = dup_str(v)))
			return bad(err, len, "out of memory");
	return 0;
}

int sc_profile_read(const char *text, size_t len, struct sc_profile *p,
		    char *err, size_t errlen)
{
	json_error_t je;
	json_t *j, *kernel, *cases;
	size_t i;
	int rc = -1;

	memset(p, 0, sizeof *p);
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return bad(err, errlen, "not JSON (line %d: %s)", je.line, je.text);
	if (!json_is_object(j)) {
		bad(err, errlen, "not a profile: the top is not an object");
		goto out;
	}
	const char *fmt = json_string_value(json_object_get(j, "format"));
	if (!fmt || strcmp(fmt, "ancdata-profile/1")) {
		bad(err, errlen, "not a profile: format is not ancdata-profile/1");
		goto out;
	}
	if (upgrade_old(j) < 0) {
		bad(err, errlen, "out of memory");
		goto out;
	}
	if (json_object_get(j, "environment") && !json_is_object(json_object_get(j, "environment"))) {
		bad(err, errlen, "environment is not an object");
		goto out;
	}
	kernel = json_object_get(j, "kernel");
	if (!json_is_object(kernel) || !json_is_string(json_object_get(kernel, "release"))) {
		bad(err, errlen, "no kernel.release");
		goto out;
	}
	p->release = dup_str(json_object_get(kernel, "release"));
	if (!p->release || opt_str(kernel, "version", &p->version) < 0 ||
	    opt_str(kernel, "machine", &p->machine) < 0 ||
	    opt_str(kernel, "point_release", &p->point_release) < 0) {
		bad(err, errlen, "kernel: version, machine or point_release is not a string");
		goto out;
	}
	if (opt_str(j, "kernel_error", &p->kernel_error) < 0 ||
	    opt_str(j, "console_tail", &p->console_tail) < 0) {
		bad(err, errlen, "kernel_error or console_tail is not a string");
		goto out;
	}
	int fl = flatten(json_object_get(j, "limits"), "", &p->limits, &p->nlimits);
	if (fl == 0)
		fl = flatten(json_object_get(j, "features"), "", &p->features, &p->nfeatures);
	if (fl == 0)
		fl = flatten(json_object_get(j, "environment"), "", &p->env, &p->nenv);
	if (fl < 0) {
		bad(err, errlen, fl == -2 ? "a limits, features or environment name is empty or contains a dot"
					  : "limits, features or environment hold a value that cannot be written back");
		goto out;
	}
	cases = json_object_get(j, "cases");
	if (!json_is_array(cases)) {
		bad(err, errlen, "no cases list");
		goto out;
	}
	p->cases = calloc(json_array_size(cases) + 1, sizeof *p->cases);
	if (!p->cases) {
		bad(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < json_array_size(cases); i++) {
		p->ncases = i + 1;
		if (read_case(json_array_get(cases, i), i, &p->cases[i], err, errlen) < 0)
			goto out;
		if (sc_profile_case(p, p->cases[i].id) != &p->cases[i]) {
			bad(err, errlen, "cases[%zu]: id %s appears twice", i, p->cases[i].id);
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(j);
	if (rc < 0)
		sc_profile_free(p);
	return rc;
}

const struct sc_pcase *sc_profile_case(const struct sc_profile *p, const char *id)
{
	for (size_t i = 0; i < p->ncases; i++)
		if (p->cases[i].id && !strcmp(p->cases[i].id, id))
			return &p->cases[i];
	return NULL;
}

/* Every jansson call of the writer goes through these: a value that could
 * not be made (out of memory) or set marks the whole write failed, never
 * a key that silently disappears.  Text goes through io_json_text, so
 * bytes that are not UTF-8 are carried as \xNN. */
static json_t *text(const char *s, int *failed)
{
	json_t *v = io_json_text(s);
	*failed |= !v;
	return v;
}

static void set(json_t *o, const char *k, json_t *v, int *failed)
{
	if (!v || json_object_set_new(o, k, v) < 0)
		*failed = 1;
}

static void append(json_t *a, json_t *v, int *failed)
{
	if (!v || json_array_append_new(a, v) < 0)
		*failed = 1;
}

/* "a.b.c" = value back into nested objects (names as long as they are) */
static void unflatten(json_t *root, const struct sc_kv *kv, size_t n, int *failed)
{
	for (size_t i = 0; i < n && !*failed; i++) {
		char *key = strdup(kv[i].key), *dot, *k = key;
		json_t *o = root;
		if (!key) {
			*failed = 1;
			return;
		}
		while ((dot = strchr(k, '.'))) {
			*dot = '\0';
			json_t *next = json_object_get(o, k);
			if (!json_is_object(next)) {
				next = json_object();
				set(o, k, next, failed);
				if (*failed)
					break;
			}
			o = next;
			k = dot + 1;
		}
		if (!*failed)
			set(o, k, json_loads(kv[i].value, JSON_DECODE_ANY, NULL), failed);
		free(key);
	}
}

static json_t *case_json(const struct sc_pcase *c, int *failed)
{
	json_t *o = json_object(), *obs = json_array(), *tags = json_array();
	if (!o || !obs || !tags) {
		json_decref(o), json_decref(obs), json_decref(tags);
		*failed = 1;
		return NULL;
	}
	set(o, "id", text(c->id, failed), failed);
	if (c->area)
		set(o, "area", text(c->area, failed), failed);
	if (c->purpose)
		set(o, "purpose", text(c->purpose, failed), failed);
	for (size_t t = 0; t < c->ntags; t++)
		append(tags, text(c->tags[t], failed), failed);
	set(o, "tags", tags, failed);
	set(o, "status", text(c->status, failed), failed);
	if (c->why)
		set(o, "why", text(c->why, failed), failed);
	for (size_t s = 0; s < c->nobs; s++) {
		json_t *e = json_object();
		if (e && c->obs_op && c->obs_op[s])
			set(e, "op", text(c->obs_op[s], failed), failed);
		if (e)
			set(e, "text", text(c->obs[s], failed), failed);
		append(obs, e, failed);
	}
	set(o, "observation", obs, failed);
	if (c->user)
		set(o, "user", json_true(), failed);
	if (c->elapsed_us >= 0)
		set(o, "elapsed_us", json_integer(c->elapsed_us), failed);
	return o;
}

char *sc_profile_write(const struct sc_profile *p)
{
	int failed = 0;
	json_t *j = json_object(), *k = json_object(), *cases = json_array();
	json_t *limits = json_object(), *features = json_object(), *env = json_object();
	char *out = NULL;
	if (!j || !k || !cases || !limits || !features || !env) {
		json_decref(k), json_decref(cases), json_decref(limits), json_decref(features);
		json_decref(env);
		goto done;
	}
	set(j, "format", json_string("ancdata-profile/1"), &failed);
	set(k, "release", text(p->release, &failed), &failed);
	set(k, "version", text(p->version, &failed), &failed);
	set(k, "machine", text(p->machine, &failed), &failed);
	set(k, "point_release", text(p->point_release, &failed), &failed);
	set(j, "kernel", k, &failed);
	if (p->kernel_error)
		set(j, "kernel_error", text(p->kernel_error, &failed), &failed);
	if (p->console_tail)
		set(j, "console_tail", text(p->console_tail, &failed), &failed);
	unflatten(env, p->env, p->nenv, &failed);
	unflatten(limits, p->limits, p->nlimits, &failed);
	unflatten(features, p->features, p->nfeatures, &failed);
	if (p->nenv)
		set(j, "environment", env, &failed);
	else
		json_decref(env);
	set(j, "limits", limits, &failed);
	set(j, "features", features, &failed);
	for (size_t i = 0; i < p->ncases; i++)
		append(cases, case_json(&p->cases[i], &failed), &failed);
	set(j, "cases", cases, &failed);
	if (!failed)
		out = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
done:
	json_decref(j);
	return out;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int sc_profile_equal(const struct sc_profile *a, const struct sc_profile *b)
{
	if (!str_eq(a->release, b->release) || !str_eq(a->version, b->version) ||
	    !str_eq(a->machine, b->machine) || !str_eq(a->point_release, b->point_release) ||
	    !str_eq(a->kernel_error, b->kernel_error) ||
	    !str_eq(a->console_tail, b->console_tail) ||
	    a->ncases != b->ncases || a->nlimits != b->nlimits ||
	    a->nfeatures != b->nfeatures || a->nenv != b->nenv)
		return 0;
	for (size_t i = 0; i < a->nenv; i++)
		if (!str_eq(a->env[i].key, b->env[i].key) ||
		    !str_eq(a->env[i].value, b->env[i].value))
			return 0;
	for (size_t i = 0; i < a->nlimits; i++)
		if (!str_eq(a->limits[i].key, b->limits[i].key) ||
		    !str_eq(a->limits[i].value, b->limits[i].value))
			return 0;
	for (size_t i = 0; i < a->nfeatures; i++)
		if (!str_eq(a->features[i].key, b->features[i].key) ||
		    !str_eq(a->features[i].value, b->features[i].value))
			return 0;
	for (size_t i = 0; i < a->ncases; i++) {
		const struct sc_pcase *x = &a->cases[i], *y = &b->cases[i];
		if (!str_eq(x->id, y->id) || !str_eq(x->area, y->area) ||
		    !str_eq(x->purpose, y->purpose) || !str_eq(x->status, y->status) ||
		    !str_eq(x->why, y->why) || x->nobs != y->nobs || x->ntags != y->ntags ||
		    x->elapsed_us != y->elapsed_us || x->user != y->user)
			return 0;
		for (size_t s = 0; s < x->nobs; s++)
			if (!str_eq(x->obs[s], y->obs[s]) ||
			    !str_eq(x->obs_op ? x->obs_op[s] : NULL, y->obs_op ? y->obs_op[s] : NULL))
				return 0;
		for (size_t t = 0; t < x->ntags; t++)
			if (!str_eq(x->tags[t], y->tags[t]))
				return 0;
	}
	return 1;
}

static void free_strs(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void sc_profile_free(struct sc_profile *p)
{
	free(p->release);
	free(p->version);
	free(p->machine);
	free(p->point_release);
	free(p->kernel_error);
	free(p->console_tail);
	for (size_t i = 0; i < p->nlimits; i++)
		free(p->limits[i].key), free(p->limits[i].value);
	for (size_t i = 0; i < p->nfeatures; i++)
		free(p->features[i].key), free(p->features[i].value);
	for (size_t i = 0; i < p->nenv; i++)
		free(p->env[i].key), free(p->env[i].value);
	free(p->limits);
	free(p->features);
	free(p->env);
	for (size_t i = 0; i < p->ncases; i++) {
		struct sc_pcase *c = &p->cases[i];
		free(c->id), free(c->area), free(c->purpose), free(c->status), free(c->why);
		free_strs(c->obs, c->nobs);
		free_strs(c->obs_op, c->nobs);
		free_strs(c->tags, c->ntags);
	}
	free(p->cases);
	memset(p, 0, sizeof *p);
}
