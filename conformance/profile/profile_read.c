/* profile_read.c - read a kernel behaviour profile (jansson), refuse a
 * broken or truncated one with a line saying what is wrong, and write it
 * back so that reading again gives the same. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Scalars flattened under prefix: "sockopts.SO_INQ.exists" = "true". */
static int flatten(json_t *v, const char *prefix, struct sc_kv **kv, size_t *n)
{
	if (!v)
		return 0;   /* absent: nothing to flatten (a kernel-error profile) */
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			char key[256];
			if (strchr(k, '.'))
				return -2;   /* the flattened names use dots */
			snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", k);
			int rc = flatten(x, key, kv, n);
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

static const char *const STATUSES[] = { "pass", "fail", "skip", "error", NULL };

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
	pc->area = dup_str(json_object_get(c, "area"));
	pc->purpose = dup_str(json_object_get(c, "purpose"));
	pc->why = dup_str(json_object_get(c, "why"));
	if (!pc->id || !pc->status)
		return bad(err, len, "out of memory");
	for (int s = 0; STATUSES[s]; s++)
		known |= !strcmp(STATUSES[s], pc->status);
	if (!known)
		return bad(err, len, "cases[%zu] (%s): unknown status '%s'", i, pc->id,
			   pc->status);
	obs = json_object_get(c, "observation");
	if (obs && !json_is_array(obs))
		return bad(err, len, "cases[%zu] (%s): observation is not a list", i, pc->id);
	pc->obs = calloc(json_array_size(obs) + 1, sizeof *pc->obs);
	if (!pc->obs)
		return bad(err, len, "out of memory");
	json_array_foreach(obs, k, v) {
		if (!json_is_string(json_object_get(v, "text")))
			return bad(err, len, "cases[%zu] (%s): observation %zu has no text",
				   i, pc->id, k);
		pc->obs[pc->nobs++] = dup_str(json_object_get(v, "text"));
	}
	tags = json_object_get(c, "tags");
	pc->tags = calloc(json_array_size(tags) + 1, sizeof *pc->tags);
	if (!pc->tags)
		return bad(err, len, "out of memory");
	json_array_foreach(tags, k, v)
		if (json_is_string(v))
			pc->tags[pc->ntags++] = dup_str(v);
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
	if (!json_is_string(json_object_get(j, "format")) ||
	    strcmp(json_string_value(json_object_get(j, "format")), "ancdata-profile/1")) {
		bad(err, errlen, "not a profile: format is not ancdata-profile/1");
		goto out;
	}
	kernel = json_object_get(j, "kernel");
	if (!json_is_object(kernel) || !json_is_string(json_object_get(kernel, "release"))) {
		bad(err, errlen, "no kernel.release");
		goto out;
	}
	p->release = dup_str(json_object_get(kernel, "release"));
	p->version = dup_str(json_object_get(kernel, "version"));
	p->machine = dup_str(json_object_get(kernel, "machine"));
	p->point_release = dup_str(json_object_get(kernel, "point_release"));
	int fl = flatten(json_object_get(j, "limits"), "", &p->limits, &p->nlimits);
	if (fl == 0)
		fl = flatten(json_object_get(j, "features"), "", &p->features, &p->nfeatures);
	if (fl < 0) {
		bad(err, errlen, fl == -2 ? "a limits or features name contains a dot"
					  : "limits or features hold a value that cannot be written back");
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

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* "a.b.c" = value back into nested objects */
static void unflatten(json_t *root, const struct sc_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char key[256], *dot, *k = key;
		json_t *o = root;
		snprintf(key, sizeof key, "%s", kv[i].key);
		while ((dot = strchr(k, '.'))) {
			*dot = '\0';
			json_t *next = json_object_get(o, k);
			if (!json_is_object(next)) {
				next = json_object();
				json_object_set_new(o, k, next);
			}
			o = next;
			k = dot + 1;
		}
		json_t *v = json_loads(kv[i].value, JSON_DECODE_ANY, NULL);
		json_object_set_new(o, k, v ? v : json_null());
	}
}

char *sc_profile_write(const struct sc_profile *p)
{
	json_t *j = json_object(), *k = json_object(), *cases = json_array();
	json_t *limits = json_object(), *features = json_object();
	json_object_set_new(j, "format", json_string("ancdata-profile/1"));
	json_object_set_new(k, "release", str_or_null(p->release));
	json_object_set_new(k, "version", str_or_null(p->version));
	json_object_set_new(k, "machine", str_or_null(p->machine));
	json_object_set_new(k, "point_release", str_or_null(p->point_release));
	json_object_set_new(j, "kernel", k);
	unflatten(limits, p->limits, p->nlimits);
	unflatten(features, p->features, p->nfeatures);
	json_object_set_new(j, "limits", limits);
	json_object_set_new(j, "features", features);
	for (size_t i = 0; i < p->ncases; i++) {
		const struct sc_pcase *c = &p->cases[i];
		json_t *o = json_object(), *obs = json_array(), *tags = json_array();
		json_object_set_new(o, "id", json_string(c->id));
		if (c->area)
			json_object_set_new(o, "area", json_string(c->area));
		if (c->purpose)
			json_object_set_new(o, "purpose", json_string(c->purpose));
		for (size_t t = 0; t < c->ntags; t++)
			json_array_append_new(tags, json_string(c->tags[t]));
		json_object_set_new(o, "tags", tags);
		json_object_set_new(o, "status", json_string(c->status));
		if (c->why)
			json_object_set_new(o, "why", json_string(c->why));
		for (size_t s = 0; s < c->nobs; s++) {
			json_t *e = json_object();
			json_object_set_new(e, "text", json_string(c->obs[s]));
			json_array_append_new(obs, e);
		}
		json_object_set_new(o, "observation", obs);
		json_array_append_new(cases, o);
	}
	json_object_set_new(j, "cases", cases);
	char *text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return text;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int sc_profile_equal(const struct sc_profile *a, const struct sc_profile *b)
{
	if (!str_eq(a->release, b->release) || !str_eq(a->version, b->version) ||
	    !str_eq(a->machine, b->machine) || !str_eq(a->point_release, b->point_release) ||
	    a->ncases != b->ncases || a->nlimits != b->nlimits ||
	    a->nfeatures != b->nfeatures)
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
		    !str_eq(x->why, y->why) || x->nobs != y->nobs || x->ntags != y->ntags)
			return 0;
		for (size_t s = 0; s < x->nobs; s++)
			if (!str_eq(x->obs[s], y->obs[s]))
				return 0;
		for (size_t t = 0; t < x->ntags; t++)
			if (!str_eq(x->tags[t], y->tags[t]))
				return 0;
	}
	return 1;
}

static void free_strs(char **v, size_t n)
{
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
	for (size_t i = 0; i < p->nlimits; i++)
		free(p->limits[i].key), free(p->limits[i].value);
	for (size_t i = 0; i < p->nfeatures; i++)
		free(p->features[i].key), free(p->features[i].value);
	free(p->limits);
	free(p->features);
	for (size_t i = 0; i < p->ncases; i++) {
		struct sc_pcase *c = &p->cases[i];
		free(c->id), free(c->area), free(c->purpose), free(c->status), free(c->why);
		free_strs(c->obs, c->nobs);
		free_strs(c->tags, c->ntags);
	}
	free(p->cases);
	memset(p, 0, sizeof *p);
}
