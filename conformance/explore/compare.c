/* compare.c - the same batch's profiles from several kernels compared
 * step by step, field by field.  Each scenario ran twice on each kernel
 * (ids BASE_r1 and BASE_r2): a field whose two runs differ on any kernel
 * is unstable and never a difference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "names.h"

/* the value of field in an observation in the expect syntax
 * (" ret=3 flags=0 data=\"a b\""): copied into out, 0; -1 if absent */
static int field_value(const char *obs, const char *field, char *out, size_t len)
{
	size_t fl = strlen(field);
	const char *p = obs;
	while (p && *p) {
		while (*p == ' ')
			p++;
		const char *start = p;
		int quoted = 0;
		while (*p && (quoted || *p != ' ')) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quoted = !quoted;
			p++;
		}
		if ((size_t)(p - start) > fl && !strncmp(start, field, fl) && start[fl] == '=') {
			size_t n = (size_t)(p - start) - fl - 1;
			if (n >= len)
				n = len - 1;
			memcpy(out, start + fl + 1, n);
			out[n] = '\0';
			return 0;
		}
	}
	return -1;
}

static const char *const fields[] = { "ret", "flags", "items", "fds", "dropped", "gone",
				      "cloexec", "warnings", "controllen", "data", "value",
				      "vals", NULL };

static const char *obs_of(const struct sc_pcase *c, int step)
{
	if (!c)
		return NULL;
	if ((size_t)step < c->nobs)
		return c->obs[step];
	return NULL;
}

/* a field's value in one run: "(none)" when the step did not run or the
 * field was not shown */
static void value_in(const struct sc_pcase *c, int step, const char *field, char *out,
		     size_t len)
{
	const char *o = obs_of(c, step);
	if (!c)
		snprintf(out, len, "(no run)");
	else if (!o)
		snprintf(out, len, "(not run: %s)", c->status ? c->status : "?");
	else if (field_value(o, field, out, len) < 0)
		snprintf(out, len, "-");
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* the shape of what the reference saw: per step the op, ret, flags, items
 * (not the fds or data bytes), hashed */
static uint64_t shape(const struct sc_pcase *c)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char v[256];
	for (size_t i = 0; i < c->nobs; i++) {
		h = fnv(h, c->obs_op && c->obs_op[i] ? c->obs_op[i] : "?");
		for (int f = 0; f < 3; f++) {   /* ret, flags, items */
			if (field_value(c->obs[i], fields[f], v, sizeof v) == 0) {
				h = fnv(h, fields[f]);
				h = fnv(h, v);
			}
		}
		h = fnv(h, "|");
	}
	return fnv(h, c->status);
}

/* one more difference in out: the fields of step that differ, with every
 * kernel's value of each */
static struct ex_diff *add(struct ex_diffs *out, const char *base, int step, const char *op)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;
		struct ex_diff *d = realloc(out->d, cap * sizeof *d);
		if (!d)
			return NULL;
		out->d = d, out->cap = cap;
	}
	struct ex_diff *d = &out->d[out->n++];
	memset(d, 0, sizeof *d);
	snprintf(d->id, sizeof d->id, "%s", base);
	d->step = step;
	snprintf(d->op, sizeof d->op, "%s", op ? op : "?");
	return d;
}

static int add_field(struct ex_diff *d, const char *field, char vals[][512], int nk)
{
	if (d->nf == EX_MAX_FIELDS)
		return 0;
	d->field[d->nf] = field;
	for (int k = 0; k < nk; k++)
		if (!(d->values[k][d->nf] = strdup(vals[k])))
			return -1;
	d->nf++;
	return 0;
}

/* did step s run in every run on every kernel? */
static int ran_everywhere(const struct sc_pcase *c[][2], int nk, size_t s)
{
	for (int k = 0; k < nk; k++)
		for (int r = 0; r < 2; r++)
			if (!obs_of(c[k][r], (int)s))
				return 0;
	return 1;
}

static int compare_one(const struct sc_profile *pr, int nk, const char *base,
		       struct ex_diffs *out)
{
	char id[80], vals[EX_MAX_KERNELS][512], v2[512];
	const struct sc_pcase *c[EX_MAX_KERNELS][2];
	size_t steps = 0;
	for (int k = 0; k < nk; k++)
		for (int r = 0; r < 2; r++) {
			snprintf(id, sizeof id, "user/%s_r%d", base, r + 1);
			c[k][r] = sc_profile_case(&pr[k], id);
			if (c[k][r] && c[k][r]->nobs > steps)
				steps = c[k][r]->nobs;
		}
	for (size_t s = 0; s < steps; s++) {
		const char *op = NULL;
		struct ex_diff *d = NULL;
		for (int k = 0; k < nk && !op; k++)
			for (int r = 0; r < 2 && !op; r++)
				if (c[k][r] && s < c[k][r]->nobs && c[k][r]->obs_op)
					op = c[k][r]->obs_op[s];
		/* a step that did not run somewhere: that is the difference */
		int all = ran_everywhere(c, nk, s);
		for (int f = 0; fields[f] && (all || f == 0); f++) {
			int stable = 1, same = 1;
			for (int k = 0; k < nk; k++) {
				value_in(c[k][0], (int)s, fields[f], vals[k], sizeof vals[k]);
				value_in(c[k][1], (int)s, fields[f], v2, sizeof v2);
				stable &= !strcmp(vals[k], v2);
				same &= !strcmp(vals[k], vals[0]);
			}
			if (!stable) {
				out->unstable++;
				continue;
			}
			if (same)
				continue;
			if (!d && !(d = add(out, base, (int)s, op)))
				return -1;
			if (add_field(d, fields[f], vals, nk) < 0)
				return -1;
		}
	}
	return 0;
}

int ex_compare(const struct sc_profile *pr, int nk, struct ex_diffs *out,
	       void (*novel)(const char *base, uint64_t sig, void *arg), void *arg)
{
	char base[80];
	for (size_t i = 0; i < pr[0].ncases; i++) {
		const char *id = pr[0].cases[i].id;
		size_t n = strlen(id);
		if (strncmp(id, "user/", 5) || n < 9 || strcmp(id + n - 3, "_r1"))
			continue;
		snprintf(base, sizeof base, "%.*s", (int)(n - 8), id + 5);
		if (novel)
			novel(base, shape(&pr[0].cases[i]), arg);
		if (compare_one(pr, nk, base, out) < 0)
			return -1;
		out->compared++;
	}
	return 0;
}

void ex_diffs_free(struct ex_diffs *d)
{
	for (size_t i = 0; i < d->n; i++)
		for (int k = 0; k < EX_MAX_KERNELS; k++)
			for (int f = 0; f < d->d[i].nf; f++)
				free(d->d[i].values[k][f]);
	free(d->d);
	memset(d, 0, sizeof *d);
}

/* flags as the names one kernel has and the reference has not (+X) and
 * the other way (-X): CTRUNC against CTRUNC|EOR and 0 against EOR are one
 * difference */
static void flag_delta(const char *ref, const char *v, char *out, size_t len)
{
	int r = 0, x = 0;
	size_t n = 0;
	sc_flags_parse(ref, &r);
	sc_flags_parse(v, &x);
	out[0] = '\0';
	if (sc_flags_parse(ref, &r) < 0 || sc_flags_parse(v, &x) < 0) {
		snprintf(out, len, "%s", v);
		return;
	}
	for (int b = 0; b < 31; b++) {
		int bit = 1 << b;
		if ((r ^ x) & bit) {
			char name[64];
			sc_flags_str(bit, name, sizeof name);
			n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%c%s", n ? "," : "",
					      x & bit ? '+' : '-', name);
		}
	}
	if (!n)
		snprintf(out, len, "same");
}

void ex_signature(const struct ex_diff *d, char names[][64], int nk, char *out, size_t len)
{
	char v[600];
	size_t n = (size_t)snprintf(out, len, "%s\t", d->op);
	for (int f = 0; f < d->nf && n < len; f++)
		n += (size_t)snprintf(out + n, len - n, "%s%s", f ? "," : "", d->field[f]);
	for (int k = 0; k < nk && n < len; k++) {
		n += (size_t)snprintf(out + n, len - n, "\t%s=", names[k]);
		for (int f = 0; f < d->nf && n < len; f++) {
			int flags = !strcmp(d->field[f], "flags");
			if (flags && k == 0)
				snprintf(v, sizeof v, "%s", "reference");
			else if (flags)
				flag_delta(d->values[0][f], d->values[k][f], v, sizeof v);
			else
				snprintf(v, sizeof v, "%s", d->values[k][f]);
			n += (size_t)snprintf(out + n, len - n, "%s%s", f ? " / " : "", v);
		}
	}
}
