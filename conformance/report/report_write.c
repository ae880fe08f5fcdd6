/* report_write.c - profiles compared, as Markdown, HTML and JUnit, in
 * memory (report.h).  No files, no globals: the CLI and the fuzz target
 * call the same code.  Every byte of profile text goes through one
 * escaping layer: tx_markup() for HTML and XML, md_text() for Markdown
 * (which is also printed on terminals: controls made visible). */
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "junit.h"
#include "names.h"
#include "report.h"
#include "text.h"

#define MAXK REPORT_MAX_KERNELS

struct row {
	const char *area, *key, *purpose;
	char *val[MAXK];           /* each kernel's value (NULL: absent), owned */
	const struct sc_pcase *pc[MAXK];   /* a case row: each kernel's case */
	int is_case, is_new;
	int known;                 /* differs as the baseline expects it to */
	char *owned_key;
	char *refval[MAXK];        /* each kernel's reference's value, owned */
	int changed[MAXK];         /* kernel's value is not its reference's */
};

struct rep {
	const struct report_kernel *k;
	int nk;
	const struct report_ref *refs;
	int nrefs;
	struct row *rows;
	size_t nrows, cap;
	int oom;
};

/* the case areas of the model (names.h), then the rows of measured limits */
#define LIMITS_AREA "limits"
#define STATUSES sc_status_names

static int status_index(const char *s)
{
	int i = s ? sc_index_of(sc_status_names, s) : -1;
	return i < 0 ? 3 : i;   /* error; the reader refuses any other */
}

static int case_failed(const struct sc_pcase *c)
{
	int s = status_index(c->status);
	return s == 1 || s == 3;
}

/* A case that fails on kernel k where its row differs between the kernels
 * exactly as the baseline says: a known kernel difference (an older kernel
 * that really behaves otherwise), shown as such and not failing the
 * verdict.  A failure the baseline does not list, or one on every kernel
 * alike (no row differs), is never known. */
static int case_known(const struct rep *r, int k, const struct sc_pcase *pc)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].is_case && r->rows[i].pc[k] == pc)
			return r->rows[i].known;
	return 0;
}

static int case_counts(const struct rep *r, int k, const struct sc_pcase *pc)
{
	return case_failed(pc) && !case_known(r, k, pc);
}

/* ---- rows ---------------------------------------------------------------- */
static char *case_value(const struct sc_pcase *c)
{
	struct tx_buf b = { 0 };
	tx_puts(&b, c->status);
	for (size_t s = 0; s < c->nobs; s++) {
		tx_puts(&b, "\n");
		tx_puts(&b, c->obs[s]);
	}
	return tx_take(&b);
}

static const char *kv_get(const struct sc_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].value;
	return NULL;
}

static int differs(const struct rep *r, const struct row *w)
{
	for (int i = 1; i < r->nk; i++) {
		const char *a = w->val[0], *b = w->val[i];
		if ((!a) != (!b) || (a && strcmp(a, b)))
			return 1;
	}
	return 0;
}

static struct row *add_row(struct rep *r, const char *area, const char *key)
{
	if (r->nrows == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct row *g = realloc(r->rows, cap * sizeof *g);
		if (!g) {
			r->oom = 1;
			return NULL;
		}
		r->rows = g;
		r->cap = cap;
	}
	struct row *w = &r->rows[r->nrows++];
	memset(w, 0, sizeof *w);
	w->area = area;
	w->key = key;
	return w;
}

static int has_key(const struct rep *r, const char *key)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (!strcmp(r->rows[i].key, key))
			return 1;
	return 0;
}

/* the profiles rows come from: the kernels', then their references' */
static const struct sc_profile *prof(const struct rep *r, int i)
{
	return i < r->nk ? r->k[i].p : r->refs[i - r->nk].p;
}

static void collect_cases(struct rep *r)
{
	for (int i = 0; i < r->nk + r->nrefs; i++)
		for (size_t c = 0; c < prof(r, i)->ncases && !r->oom; c++) {
			const struct sc_pcase *pc = &prof(r, i)->cases[c];
			if (has_key(r, pc->id))
				continue;
			struct row *w = add_row(r, pc->area ? pc->area : "cases", pc->id);
			if (!w)
				return;
			w->purpose = pc->purpose;
			w->is_case = 1;
			for (int j = 0; j < r->nk; j++) {
				w->pc[j] = sc_profile_case(r->k[j].p, pc->id);
				if (w->pc[j] && !(w->val[j] = case_value(w->pc[j])))
					r->oom = 1;
			}
			for (int f = 0; f < r->nrefs; f++) {
				const struct sc_pcase *rc = sc_profile_case(r->refs[f].p, pc->id);
				if (rc && !(w->refval[r->refs[f].kernel] = case_value(rc)))
					r->oom = 1;
			}
		}
}

static void collect_kv(struct rep *r, int features)
{
	const char *area = features ? "features" : LIMITS_AREA;
	for (int i = 0; i < r->nk + r->nrefs && !r->oom; i++) {
		const struct sc_profile *p = prof(r, i);
		size_t n = features ? p->nfeatures : p->nlimits;
		const struct sc_kv *kv = features ? p->features : p->limits;
		for (size_t e = 0; e < n && !r->oom; e++) {
			struct tx_buf key = { 0 };
			tx_printf(&key, "%s.%s", area, kv[e].key);
			char *k = tx_take(&key);
			if (!k || has_key(r, k)) {
				r->oom |= !k;
				free(k);
				continue;
			}
			struct row *w = add_row(r, area, k);
			if (!w) {
				free(k);
				return;
			}
			w->owned_key = k;
			for (int j = 0; j < r->nk; j++) {
				const struct sc_profile *q = r->k[j].p;
				const char *v = kv_get(features ? q->features : q->limits,
						       features ? q->nfeatures : q->nlimits, kv[e].key);
				if (v && !(w->val[j] = strdup(v)))
					r->oom = 1;
			}
			for (int f = 0; f < r->nrefs; f++) {
				const struct sc_profile *q = r->refs[f].p;
				const char *v = kv_get(features ? q->features : q->limits,
						       features ? q->nfeatures : q->nlimits, kv[e].key);
				if (v && !(w->refval[r->refs[f].kernel] = strdup(v)))
					r->oom = 1;
			}
		}
	}
}

static int has_ref(const struct rep *r, int k)
{
	for (int f = 0; f < r->nrefs; f++)
		if (r->refs[f].kernel == k)
			return 1;
	return 0;
}

static const char *ref_path(const struct rep *r, int k)
{
	for (int f = 0; f < r->nrefs; f++)
		if (r->refs[f].kernel == k)
			return r->refs[f].path;
	return "?";
}

/* each kernel's row against its reference: a row whose value is not the
 * reference's (or is there on one side only) has changed */
static int mark_changed(struct rep *r)
{
	int n = 0;
	for (size_t i = 0; i < r->nrows; i++)
		for (int k = 0; k < r->nk; k++) {
			struct row *w = &r->rows[i];
			const char *a = w->val[k], *b = w->refval[k];
			if (!has_ref(r, k))
				continue;
			w->changed[k] = (!a) != (!b) || (a && strcmp(a, b));
			n += w->changed[k];
		}
	return n;
}

/* ---- the baseline: the rows expected to differ, with their values ------ */
static json_t *baseline_of(const struct rep *r)
{
	json_t *j = json_object(), *exp = json_object();
	int bad = !j || !exp;
	if (!bad)
		bad |= json_object_set_new(j, "format", json_string("ancdata-baseline/1")) < 0;
	for (size_t i = 0; i < r->nrows && !bad; i++) {
		const struct row *w = &r->rows[i];
		if (!differs(r, w))
			continue;
		json_t *v = json_object();
		bad |= !v;
		for (int n = 0; n < r->nk && !bad; n++) {
			json_t *x = io_json_text(w->val[n]);
			bad |= !x || json_object_set_new(v, r->k[n].name, x) < 0;
		}
		bad |= !v || json_object_set_new(exp, w->key, v) < 0;
	}
	if (!bad)
		bad |= json_object_set_new(j, "expected", exp) < 0;
	else
		json_decref(exp);
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static int mark_new(struct rep *r, const json_t *base)
{
	json_t *exp = json_object_get(base, "expected");
	int n = 0;
	for (size_t i = 0; i < r->nrows; i++) {
		struct row *w = &r->rows[i];
		if (!differs(r, w))
			continue;
		json_t *v = json_object_get(exp, w->key);
		int same = json_is_object(v);
		for (int j = 0; same && j < r->nk; j++) {
			json_t *x = json_object_get(v, r->k[j].name);
			const char *s = json_string_value(x);
			same = w->val[j] ? s && !strcmp(s, w->val[j]) : json_is_null(x);
		}
		w->is_new = !same;
		w->known = same;
		n += !same;
	}
	return n;
}

static char *change_text(const struct row *w, int k, int now);

/* what the verdict was measured against, plain text (escaped by the caller) */
static char *against_text(const struct rep *r, const char *base_name)
{
	struct tx_buf t = { 0 };
	tx_puts(&t, "the kernels with each other");
	if (base_name)
		tx_printf(&t, "; the baseline %s", base_name);
	for (int f = 0; f < r->nrefs; f++)
		tx_printf(&t, "; %s against the reference %s (kernel %s)",
			  r->k[r->refs[f].kernel].name, r->refs[f].path,
			  r->refs[f].p->release ? r->refs[f].p->release : "?");
	if (!base_name && !r->nrefs)
		tx_puts(&t, ", no baseline, no reference");
	return tx_take(&t);
}

/* ---- Markdown ------------------------------------------------------------ */
/* text in Markdown: controls and bytes that are not UTF-8 visible as \xNN;
 * in a table cell (cell=1) also no "|", newline or backquote */
static void md_text(struct tx_buf *b, const char *s, int cell)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, i = 0, k;
	while (i < n) {
		if (cell && u[i] == '|')
			tx_puts(b, "\\|"), i++;
		else if (cell && u[i] == '\n')
			tx_puts(b, " "), i++;
		else if (cell && u[i] == '`')
			tx_puts(b, "'"), i++;
		else if ((k = tx_xml_char(u + i, n - i)))
			tx_put(b, s + i, k), i += k;
		else
			tx_printf(b, "\\x%02x", u[i++]);
	}
}

static void md_cell(struct tx_buf *b, const char *s)
{
	if (!s) {
		tx_puts(b, " (absent) |");
		return;
	}
	tx_puts(b, " `");
	md_text(b, s, 1);
	tx_puts(b, "` |");
}

/* a one-line value outside a table */
static void md_line(struct tx_buf *b, const char *s)
{
	md_text(b, s, 1);
}

static void count_statuses(const struct sc_profile *p, int st[4])
{
	memset(st, 0, 4 * sizeof *st);
	for (size_t c = 0; c < p->ncases; c++)
		st[status_index(p->cases[c].status)]++;
}

static void kernels_md(struct tx_buf *b, const struct rep *r)
{
	tx_puts(b, "| kernel | release | point release | machine | cases (pass / fail / skip / error) |\n"
		   "|---|---|---|---|---|\n");
	for (int i = 0; i < r->nk; i++) {
		const struct sc_profile *p = r->k[i].p;
		int st[4];
		count_statuses(p, st);
		tx_puts(b, "| ");
		md_line(b, r->k[i].name);
		tx_puts(b, " | ");
		md_line(b, p->release ? p->release : "?");
		tx_puts(b, " | ");
		md_line(b, p->point_release ? p->point_release : "-");
		tx_puts(b, " | ");
		md_line(b, p->machine ? p->machine : "?");
		tx_printf(b, " | %d / %d / %d / %d |\n", st[0], st[1], st[2], st[3]);
	}
}

/* the environment's keys in the order first met, each once: calls fn(key) */
static void env_keys(const struct rep *r, void (*fn)(void *, const char *), void *arg)
{
	for (int i = 0; i < r->nk; i++)
		for (size_t e = 0; e < r->k[i].p->nenv; e++) {
			const char *key = r->k[i].p->env[e].key;
			int seen = 0;
			for (int j = 0; j <= i && !seen; j++)
				for (size_t f = 0; f < r->k[j].p->nenv && !seen; f++)
					seen = (j < i || f < e) && !strcmp(r->k[j].p->env[f].key, key);
			if (!seen)
				fn(arg, key);
		}
}

struct env_ctx {
	struct tx_buf *b;
	const struct rep *r;
	int html;
};

static void env_row_cb(void *arg, const char *key)
{
	struct env_ctx *c = arg;
	if (c->html) {
		tx_puts(c->b, "<tr><td>env</td><td>");
		tx_markup(c->b, key);
		tx_puts(c->b, "</td>");
	} else {
		tx_puts(c->b, "| ");
		md_line(c->b, key);
		tx_puts(c->b, " |");
	}
	for (int j = 0; j < c->r->nk; j++) {
		const struct sc_profile *p = c->r->k[j].p;
		const char *v = kv_get(p->env, p->nenv, key);
		if (c->html) {
			tx_puts(c->b, "<td>");
			tx_markup(c->b, v ? v : "(not recorded)");
			tx_puts(c->b, "</td>");
		} else if (v) {
			md_cell(c->b, v);
		} else {
			tx_puts(c->b, " (not recorded) |");
		}
	}
	tx_puts(c->b, c->html ? "</tr>" : "\n");
}

static int any_env(const struct rep *r)
{
	for (int i = 0; i < r->nk; i++)
		if (r->k[i].p->nenv)
			return 1;
	return 0;
}

/* where each kernel ran (rlimits, euid, LSMs, CPUs, HZ): not the kernel,
 * so shown and never a row, never the verdict's */
static void env_md(struct tx_buf *b, const struct rep *r)
{
	struct env_ctx c = { b, r, 0 };
	if (!any_env(r))
		return;
	tx_puts(b, "\n## Environment\n\nWhere each kernel ran, not the kernel: shown, never "
		   "compared.\n\n| what |");
	for (int j = 0; j < r->nk; j++) {
		tx_puts(b, " ");
		md_line(b, r->k[j].name);
		tx_puts(b, " |");
	}
	tx_puts(b, "\n|---|");
	for (int j = 0; j < r->nk; j++)
		tx_puts(b, "---|");
	tx_puts(b, "\n");
	env_keys(r, env_row_cb, &c);
}

/* the value of a baseline row for the text: the differing kernels' names */
static void verdict_md(struct tx_buf *b, const struct rep *r, const char *base_name,
		       const struct report_result *res)
{
	char *against = against_text(r, base_name);
	tx_printf(b, "\n## Verdict: %s\n\nCompared: ", report_failed(res) ? "FAILED" : "all held");
	md_line(b, against ? against : "?");
	free(against);
	tx_puts(b, ".\n\n");
	if (!report_failed(res)) {
		tx_puts(b, "No case failed, no kernel error");
		if (base_name)
			tx_puts(b, ", no row new against the baseline");
		if (r->nrefs)
			tx_puts(b, ", no row changed against a reference");
		tx_puts(b, ".\n");
		return;
	}
	tx_printf(b, "%d failed case%s, %d kernel error%s",
		  res->nfailed, res->nfailed == 1 ? "" : "s", res->nkerrors,
		  res->nkerrors == 1 ? "" : "s");
	if (base_name)
		tx_printf(b, ", %d row%s new against the baseline", res->nnew,
			  res->nnew == 1 ? "" : "s");
	if (r->nrefs)
		tx_printf(b, ", %d row%s changed against a reference", res->nchanged,
			  res->nchanged == 1 ? "" : "s");
	tx_puts(b, ":\n\n");
	for (int i = 0; i < r->nk; i++)
		if (r->k[i].p->kernel_error) {
			tx_puts(b, "- **kernel error** on ");
			md_line(b, r->k[i].name);
			tx_puts(b, ": ");
			md_line(b, r->k[i].p->kernel_error);
			tx_puts(b, "\n");
		}
	for (int i = 0; i < r->nk; i++)
		for (size_t c = 0; c < r->k[i].p->ncases; c++) {
			const struct sc_pcase *pc = &r->k[i].p->cases[c];
			if (!case_failed(pc))
				continue;
			if (case_known(r, i, pc))
				tx_puts(b, "- known failure, expected by the baseline, on ");
			else
				tx_printf(b, "- **%s** on ",
					  status_index(pc->status) == 1 ? "failed" : "error");
			md_line(b, r->k[i].name);
			tx_puts(b, ": ");
			md_line(b, pc->id);
			tx_puts(b, ": ");
			md_line(b, pc->why ? pc->why : "(no reason given)");
			tx_puts(b, "\n");
		}
	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].is_new) {
			tx_puts(b, "- **new** against ");
			md_line(b, base_name);
			tx_puts(b, ": ");
			md_line(b, r->rows[i].key);
			tx_puts(b, "\n");
		}
	for (size_t i = 0; i < r->nrows; i++)
		for (int k = 0; k < r->nk; k++) {
			const struct row *w = &r->rows[i];
			if (!w->changed[k])
				continue;
			char *was = change_text(w, k, 0), *now = change_text(w, k, 1);
			tx_puts(b, "- **changed** on ");
			md_line(b, r->k[k].name);
			tx_puts(b, " against ");
			md_line(b, ref_path(r, k));
			tx_puts(b, ": ");
			md_line(b, w->key);
			tx_puts(b, ": was `");
			md_text(b, was ? was : "?", 1);
			tx_puts(b, "`, now `");
			md_text(b, now ? now : "?", 1);
			tx_puts(b, "`\n");
			free(was);
			free(now);
		}
}

/* ---- a case row's difference, field by field ---------------------------
 * An observation is "key=value key=value ..." (values may be quoted, with
 * spaces in them).  For a row that differs, each kernel's cell shows only
 * the status (when it differs) and, step by step, the fields whose value is
 * not the same on every kernel: "step 2: ret=0 flags=CTRUNC". */
#define MAXTOK 64

struct tok {
	const char *key, *val;   /* into the observation; not NUL-terminated */
	size_t klen, vlen, tlen; /* tlen: the whole key=value */
};

static size_t tokens(const char *s, size_t n, struct tok *t)
{
	size_t nt = 0, i = 0;
	while (i < n && nt < MAXTOK) {
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		size_t start = i, eq = 0;
		int quoted = 0;
		for (; i < n && (quoted || s[i] != ' '); i++) {
			if (s[i] == '"' && (i == start || s[i - 1] != '\\'))
				quoted = !quoted;
			if (s[i] == '=' && !eq && !quoted)
				eq = i;
		}
		t[nt].key = s + start;
		t[nt].klen = eq ? eq - start : i - start;
		t[nt].val = eq ? s + eq + 1 : "";
		t[nt].vlen = eq ? i - eq - 1 : 0;
		t[nt].tlen = i - start;
		nt++;
	}
	return nt;
}

/* line `line` (0: the status) of a case value, or NULL */
static const char *line_of(const char *v, size_t line, size_t *len)
{
	for (size_t l = 0; v && l < line; l++) {
		v = strchr(v, '\n');
		v = v ? v + 1 : NULL;
	}
	if (!v)
		return NULL;
	*len = strcspn(v, "\n");
	return v;
}

/* the value of key in a step's tokens (*found = 0: not there) */
static const struct tok *tok_get(const struct tok *t, size_t nt, const struct tok *key)
{
	for (size_t i = 0; i < nt; i++)
		if (t[i].klen == key->klen && !memcmp(t[i].key, key->key, key->klen))
			return &t[i];
	return NULL;
}

static int tok_same(const struct tok *a, const struct tok *b)
{
	return (!a && !b) ||
	       (a && b && a->vlen == b->vlen && !memcmp(a->val, b->val, a->vlen));
}

/* did kernel j run the case (has it observations)?  A skipped case has
 * none, and is left out of the step-by-step comparison */
static int ran(const struct row *w, int j)
{
	return w->val[j] && strchr(w->val[j], '\n');
}

/* does field key of step `line` differ between the kernels that ran it? */
static int field_differs(const struct rep *r, const struct row *w, size_t line,
			 const struct tok *key)
{
	struct tok first;
	int have_first = 0;
	int seen = 0;
	for (int j = 0; j < r->nk; j++) {
		struct tok t[MAXTOK];
		size_t len, nt = 0;
		if (!ran(w, j))
			continue;
		const char *l = line_of(w->val[j], line, &len);
		if (l)
			nt = tokens(l, len, t);
		const struct tok *v = tok_get(t, nt, key);
		if (!seen++) {
			if (v)
				first = *v, have_first = 1;
			continue;
		}
		if (!tok_same(have_first ? &first : NULL, v))
			return 1;
	}
	return 0;
}

/* is key in step `line` of a kernel before k (other than j)?  Then it was
 * named absent already */
static int named_before(const struct rep *r, const struct row *w, size_t line, int j, int k,
			const struct tok *key)
{
	(void)r;
	for (int k2 = 0; k2 < k; k2++) {
		struct tok t[MAXTOK];
		size_t len;
		const char *l = line_of(w->val[k2], line, &len);
		if (k2 != j && ran(w, k2) && l && tok_get(t, tokens(l, len, t), key))
			return 1;
	}
	return 0;
}

/* kernel j's cell of a differing case row: only what differs (malloc'd;
 * NULL: out of memory) */
/* "step 3 recv: ", the operation from whichever kernel recorded it */
static void step_label(struct tx_buf *cell, const struct row *w, size_t step)
{
	const char *op = NULL;
	for (int k = 0; k < MAXK && !op; k++)
		if (w->pc[k] && w->pc[k]->obs_op && step <= w->pc[k]->nobs)
			op = w->pc[k]->obs_op[step - 1];
	tx_printf(cell, "step %zu", step);
	if (op) {
		tx_puts(cell, " ");
		tx_puts(cell, op);
	}
	tx_puts(cell, ": ");
}

static char *case_diff(const struct rep *r, const struct row *w, int j)
{
	size_t nlines = 0, len;
	if (!w->val[j])
		return strdup("(absent)");
	for (int k = 0; k < r->nk; k++) {
		size_t n = 0;
		for (const char *v = w->val[k]; v; v = strchr(v, '\n'), v = v ? v + 1 : NULL)
			n++;
		if (n > nlines)
			nlines = n;
	}
	struct tx_buf cell = { 0 };
	tx_put(&cell, "", 0);
	const char *st = line_of(w->val[j], 0, &len);
	int status_differs = 0;
	for (int k = 0; k < r->nk; k++) {
		size_t l2;
		const char *o = line_of(w->val[k], 0, &l2);
		status_differs |= !o || l2 != len || memcmp(o, st, len);
	}
	if (status_differs) {
		tx_puts(&cell, "status ");
		tx_put(&cell, st, len);
		if (w->pc[j] && w->pc[j]->why && status_index(w->pc[j]->status) != 0) {
			tx_puts(&cell, " (");
			tx_puts(&cell, w->pc[j]->why);
			tx_puts(&cell, ")");
		}
	}
	for (size_t line = 1; line < nlines && ran(w, j); line++) {
		struct tok t[MAXTOK];
		size_t nt = 0, shown = 0;
		const char *l = line_of(w->val[j], line, &len);
		if (l)
			nt = tokens(l, len, t);
		/* this kernel's differing fields, then those only the others have */
		for (size_t i = 0; i < nt; i++) {
			if (!field_differs(r, w, line, &t[i]))
				continue;
			tx_printf(&cell, "%s", cell.n ? (shown ? " " : "; ") : "");
			if (!shown++)
				step_label(&cell, w, line);
			tx_put(&cell, t[i].key, t[i].tlen);
		}
		for (int k = 0; k < r->nk; k++) {
			struct tok o[MAXTOK];
			size_t ol, no = 0;
			const char *lo = line_of(w->val[k], line, &ol);
			if (k == j || !lo || !ran(w, k))
				continue;
			no = tokens(lo, ol, o);
			for (size_t i = 0; i < no; i++) {
				if (tok_get(t, nt, &o[i]) || named_before(r, w, line, j, k, &o[i]))
					continue;
				tx_printf(&cell, "%s", cell.n ? (shown ? " " : "; ") : "");
				if (!shown++)
					step_label(&cell, w, line);
				tx_put(&cell, o[i].key, o[i].klen);
				tx_puts(&cell, " absent");
			}
		}
		if (!l && !shown)
			tx_printf(&cell, "%sstep %zu absent", cell.n ? "; " : "", line);
	}
	char *c = tx_take(&cell);
	if (c && !*c) {
		free(c);
		c = strdup(w->val[j]);
	}
	return c;
}

static void case_cell_md(struct tx_buf *b, const struct rep *r, const struct row *w, int j)
{
	if (!w->val[j]) {
		tx_puts(b, " (absent) |");
		return;
	}
	char *c = case_diff(r, w, j);
	md_cell(b, c ? c : w->val[j]);
	free(c);
}

/* kernel k's row against its reference, as two values: was (0) and now
 * (1), for a case only the fields that differ */
static char *change_text(const struct row *w, int k, int now)
{
	struct row two = { .area = w->area, .key = w->key, .is_case = w->is_case };
	struct report_kernel kk[2] = { { "was", NULL }, { "now", NULL } };
	struct rep r2 = { .k = kk, .nk = 2 };
	two.val[0] = w->refval[k];
	two.val[1] = w->val[k];
	two.pc[1] = w->pc[k];
	if (!two.val[now])
		return strdup("(absent)");
	return w->is_case ? case_diff(&r2, &two, now) : strdup(two.val[now]);
}

static void area_md(struct tx_buf *b, const struct rep *r, const char *area, int have_base,
		    int *ndiff)
{
	int header = 0;
	for (size_t i = 0; i < r->nrows; i++) {
		const struct row *w = &r->rows[i];
		if (strcmp(w->area, area) || !differs(r, w))
			continue;
		if (!header++) {
			tx_puts(b, "\n## ");
			md_line(b, area);
			tx_printf(b, "\n\n|%s what |", have_base ? " new |" : "");
			for (int j = 0; j < r->nk; j++) {
				tx_puts(b, " ");
				md_line(b, r->k[j].name);
				tx_puts(b, " |");
			}
			tx_printf(b, "\n|%s---|", have_base ? "---|" : "");
			for (int j = 0; j < r->nk; j++)
				tx_puts(b, "---|");
			tx_puts(b, "\n");
		}
		(*ndiff)++;
		tx_puts(b, "|");
		if (have_base)
			tx_printf(b, " %s |", w->is_new ? "**new**" : "");
		tx_puts(b, " ");
		md_line(b, w->key);
		tx_puts(b, " |");
		for (int j = 0; j < r->nk; j++) {
			if (w->is_case)
				case_cell_md(b, r, w, j);
			else
				md_cell(b, w->val[j]);
		}
		tx_puts(b, "\n");
	}
}

static int known_area(const char *a)
{
	return sc_index_of(sc_area_names, a) >= 0 || !strcmp(a, LIMITS_AREA);
}

/* the areas in their order, then any other area a profile names */
static void areas_each(const struct rep *r, void (*fn)(void *, const char *), void *arg)
{
	for (int a = 0; sc_area_names[a]; a++)
		fn(arg, sc_area_names[a]);
	fn(arg, LIMITS_AREA);
	for (size_t i = 0; i < r->nrows; i++) {
		const char *a = r->rows[i].area;
		size_t first = 0;
		while (strcmp(r->rows[first].area, a))
			first++;
		if (first == i && !known_area(a))
			fn(arg, a);
	}
}

struct md_ctx {
	struct tx_buf *b;
	const struct rep *r;
	int have_base, ndiff;
};

static void md_area_cb(void *arg, const char *area)
{
	struct md_ctx *c = arg;
	area_md(c->b, c->r, area, c->have_base, &c->ndiff);
}

/* per area: the rows, how many differ, and the statuses of its cases on
 * every kernel */
static void area_count_cb(void *arg, const char *area)
{
	struct md_ctx *c = arg;
	const struct rep *r = c->r;
	int rows = 0, diff = 0, st[4] = { 0 };
	for (size_t i = 0; i < r->nrows; i++) {
		const struct row *w = &r->rows[i];
		if (strcmp(w->area, area))
			continue;
		rows++;
		diff += differs(r, w);
		for (int j = 0; j < r->nk; j++)
			if (w->pc[j])
				st[status_index(w->pc[j]->status)]++;
	}
	if (!rows)
		return;
	tx_puts(c->b, "| ");
	md_line(c->b, area);
	tx_printf(c->b, " | %d | %d | %d | %d | %d | %d | %d |\n", rows, rows - diff, diff, st[0],
		  st[1], st[2], st[3]);
}

static void skipped_md(struct tx_buf *b, const struct rep *r)
{
	int header = 0;
	for (int i = 0; i < r->nk; i++)
		for (size_t c = 0; c < r->k[i].p->ncases; c++) {
			const struct sc_pcase *pc = &r->k[i].p->cases[c];
			if (status_index(pc->status) != 2)
				continue;
			if (!header++)
				tx_puts(b, "\n## Skipped\n\n");
			tx_puts(b, "- ");
			md_line(b, pc->id);
			tx_puts(b, " on ");
			md_line(b, r->k[i].name);
			tx_puts(b, ": ");
			md_line(b, pc->why ? pc->why : "(no reason given)");
			tx_puts(b, "\n");
		}
}

static void write_md(struct tx_buf *b, const struct rep *r, const char *base_name,
		     struct report_result *res)
{
	struct md_ctx c = { b, r, base_name != NULL, 0 };
	tx_puts(b, "# Kernel behaviour regression report\n\n");
	kernels_md(b, r);
	verdict_md(b, r, base_name, res);
	tx_puts(b, "\n## Areas\n\n| area | rows | same | differ | pass | fail | skip | error |\n"
		   "|---|---|---|---|---|---|---|---|\n");
	areas_each(r, area_count_cb, &c);
	for (int i = 0; i < r->nk; i++) {
		const struct sc_profile *p = r->k[i].p;
		if (!p->kernel_error)
			continue;
		tx_puts(b, "\n**Kernel error on ");
		md_line(b, r->k[i].name);
		tx_puts(b, ":** ");
		md_line(b, p->kernel_error);
		tx_puts(b, "\n\n    ");   /* the console as an indented block */
		const char *t = p->console_tail ? p->console_tail : "(no console output)";
		for (const char *nl; (nl = strchr(t, '\n')); t = nl + 1) {
			struct tx_buf line = { 0 };
			tx_put(&line, t, (size_t)(nl - t));
			md_text(b, line.s ? line.s : "", 0);
			tx_free(&line);
			tx_puts(b, "\n    ");
		}
		md_text(b, t, 0);
		tx_puts(b, "\n");
	}
	areas_each(r, md_area_cb, &c);
	skipped_md(b, r);
	env_md(b, r);
	if (!c.ndiff)
		tx_puts(b, report_failed(res)
				   ? "\nNo row differs between these kernels, but the verdict fails: see above.\n"
				   : "\nNo behaviour differs between these kernels.\n");
	tx_printf(b, "\n%d of %zu cases, limits and features differ.\n", c.ndiff, r->nrows);
	res->ndiff = c.ndiff;
	if (base_name) {
		tx_printf(b, "%d of them new against ", res->nnew);
		md_line(b, base_name);
		tx_puts(b, ".\n");
	}
	if (res->nkerrors)
		tx_printf(b, "%d kernel error%s.\n", res->nkerrors, res->nkerrors > 1 ? "s" : "");
	if (res->nfailed)
		tx_printf(b, "%d failed case%s.\n", res->nfailed, res->nfailed > 1 ? "s" : "");
	if (res->nknown)
		tx_printf(b, "%d known failure%s, expected by the baseline.\n", res->nknown,
			  res->nknown > 1 ? "s" : "");
	if (r->nrefs)
		tx_printf(b, "%d row%s changed against a reference.\n", res->nchanged,
			  res->nchanged == 1 ? "" : "s");
	char *against = against_text(r, base_name);
	tx_printf(b, "Verdict: %s (against ", report_failed(res) ? "FAILED" : "all held");
	md_line(b, against ? against : "?");
	free(against);
	tx_puts(b, ")\n");
}

/* ---- HTML ----------------------------------------------------------------
 * Real tables, no external asset.  One table of every row (#m): it opens
 * on the rows that differ (the table's class "only" hides the others
 * before any script runs); the filters (area, status, every row) are read
 * from the address too: report.html#area=limits&status=fail&all=1 (or
 * ?area=...).  Kernel columns share the width and wrap; a differing cell
 * shows, highlighted, only what differs (the whole value under it with
 * "whole observations", or #whole=1).  The script marks the page
 * data-overflow=1 when it is wider than the window (a column pushed off
 * screen): the browser test checks it at 1400 px. */
static void html_cell(struct tx_buf *b, const struct rep *r, const struct row *w, int j, int d)
{
	const char *v = w->val[j];
	const char *st = w->pc[j] ? STATUSES[status_index(w->pc[j]->status)] : NULL;
	tx_printf(b, "<td class=\"%s%s\">", st ? st : "", w->changed[j] ? " changed" : "");
	if (d && v) {
		char *c = w->is_case ? case_diff(r, w, j) : NULL;
		tx_puts(b, "<span class=hl>");
		tx_markup(b, c ? c : v);
		tx_puts(b, "</span>");
		free(c);
		if (w->is_case) {
			tx_puts(b, "<pre class=whole>");
			tx_markup(b, v);
			tx_puts(b, "</pre>");
		}
	} else {
		tx_puts(b, "<pre>");
		tx_markup(b, v ? v : "(absent)");
		if (w->pc[j] && w->pc[j]->why) {
			tx_puts(b, "\nwhy: ");
			tx_markup(b, w->pc[j]->why);
		}
		tx_puts(b, "</pre>");
	}
	if (w->changed[j]) {
		char *was = change_text(w, j, 0);
		tx_puts(b, "<p class=was>changed; the reference had: ");
		tx_markup(b, was ? was : "?");
		tx_puts(b, "</p>");
		free(was);
	}
	tx_puts(b, "</td>");
}

static void html_row(struct tx_buf *b, const struct rep *r, const struct row *w, int have_base)
{
	int d = differs(r, w), ch = 0;
	for (int j = 0; j < r->nk; j++)
		ch |= w->changed[j];
	tx_printf(b, "<tr class=\"%s%s\" data-area=\"",
		  d ? (have_base && w->is_new ? "new" : "diff") : "same", ch ? " changed" : "");
	tx_markup(b, w->area);
	tx_puts(b, "\" data-status=\"");
	for (int j = 0; j < r->nk; j++)
		if (w->pc[j])
			tx_printf(b, "%s ", STATUSES[status_index(w->pc[j]->status)]);
	tx_printf(b, "\" data-diff=\"%d\"><td>", d || ch);
	tx_markup(b, w->area);
	tx_puts(b, "</td><td>");
	tx_markup(b, w->key);
	if (have_base && w->is_new)
		tx_puts(b, " <b>new</b>");
	tx_puts(b, "</td>");
	for (int j = 0; j < r->nk; j++)
		html_cell(b, r, w, j, d);
	tx_puts(b, "</tr>");
}

static void html_head_row(struct tx_buf *b, const struct rep *r, const char *first)
{
	tx_printf(b, "<tr><th class=a>%s</th><th class=w>what</th>", first);
	for (int j = 0; j < r->nk; j++) {
		tx_puts(b, "<th>");
		tx_markup(b, r->k[j].name);
		tx_puts(b, "</th>");
	}
	tx_puts(b, "</tr>");
}

/* "KERNEL: ID: WHY</li>" of a failed case */
static void html_failure(struct tx_buf *b, const char *kernel, const struct sc_pcase *pc)
{
	tx_markup(b, kernel);
	tx_puts(b, ": ");
	tx_markup(b, pc->id);
	tx_puts(b, ": ");
	tx_markup(b, pc->why ? pc->why : "(no reason given)");
	tx_puts(b, "</li>");
}

static void html_verdict(struct tx_buf *b, const struct rep *r, const char *base_name,
			 const struct report_result *res)
{
	char *against = against_text(r, base_name);
	tx_printf(b, "<h2 id=verdict class=%s>Verdict: %s</h2><p>Compared: ",
		  report_failed(res) ? "fail" : "pass", report_failed(res) ? "FAILED" : "all held");
	tx_markup(b, against ? against : "?");
	free(against);
	tx_puts(b, ".</p><ul>");
	for (int i = 0; i < r->nk; i++) {
		const struct sc_profile *p = r->k[i].p;
		if (p->kernel_error) {
			tx_puts(b, "<li class=error>kernel error on ");
			tx_markup(b, r->k[i].name);
			tx_puts(b, ": ");
			tx_markup(b, p->kernel_error);
			tx_puts(b, "<pre>");
			tx_markup(b, p->console_tail ? p->console_tail : "(no console output)");
			tx_puts(b, "</pre></li>");
		}
		for (size_t c = 0; c < p->ncases; c++) {
			const struct sc_pcase *pc = &p->cases[c];
			if (!case_failed(pc) || case_known(r, i, pc))
				continue;
			tx_printf(b, "<li class=fail>%s on ",
				  status_index(pc->status) == 1 ? "failed" : "error");
			html_failure(b, r->k[i].name, pc);
		}
	}
	for (size_t i = 0; i < r->nrows; i++) {
		if (r->rows[i].is_new) {
			tx_puts(b, "<li class=new>new against ");
			tx_markup(b, base_name);
			tx_puts(b, ": ");
			tx_markup(b, r->rows[i].key);
			tx_puts(b, "</li>");
		}
		for (int k = 0; k < r->nk; k++)
			if (r->rows[i].changed[k]) {
				tx_puts(b, "<li class=new>changed on ");
				tx_markup(b, r->k[k].name);
				tx_puts(b, " against ");
				tx_markup(b, ref_path(r, k));
				tx_puts(b, ": ");
				tx_markup(b, r->rows[i].key);
				tx_puts(b, "</li>");
			}
	}
	if (!report_failed(res))
		tx_puts(b, "<li>no case failed, no kernel error, no new or changed row</li>");
	tx_puts(b, "</ul>");
	/* known failures folded away, so the page still opens on what differs */
	if (res->nknown) {
		tx_printf(b, "<p><label><input type=checkbox id=knownbox onchange=\"document."
			     "getElementById('known').className=this.checked?'':'folded'\"> "
			     "show the %d known failure%s, expected by the baseline</label></p>"
			     "<ul id=known class=folded>", res->nknown,
			  res->nknown == 1 ? "" : "s");
		for (int i = 0; i < r->nk; i++)
			for (size_t c = 0; c < r->k[i].p->ncases; c++) {
				const struct sc_pcase *pc = &r->k[i].p->cases[c];
				if (!case_failed(pc) || !case_known(r, i, pc))
					continue;
				tx_puts(b, "<li class=known>on ");
				html_failure(b, r->k[i].name, pc);
			}
		tx_puts(b, "</ul>");
	}
}

static void html_kernels(struct tx_buf *b, const struct rep *r)
{
	tx_puts(b, "<h2>Kernels</h2><table id=k><tr><th>kernel</th><th>release</th>"
		   "<th>point release</th><th>machine</th><th>pass</th><th>fail</th><th>skip</th>"
		   "<th>error</th></tr>");
	for (int i = 0; i < r->nk; i++) {
		const struct sc_profile *p = r->k[i].p;
		int st[4];
		count_statuses(p, st);
		tx_puts(b, "<tr><td>");
		tx_markup(b, r->k[i].name);
		tx_puts(b, "</td><td>");
		tx_markup(b, p->release);
		tx_puts(b, "</td><td>");
		tx_markup(b, p->point_release ? p->point_release : "-");
		tx_puts(b, "</td><td>");
		tx_markup(b, p->machine);
		tx_printf(b, "</td><td>%d</td><td class=%s>%d</td><td>%d</td><td class=%s>%d</td></tr>",
			  st[0], st[1] ? "fail" : "n", st[1], st[2], st[3] ? "error" : "n", st[3]);
	}
	tx_puts(b, "</table>");
}

static const char HTML_STYLE[] =
	"<style>body{font-family:sans-serif;margin:1em;max-width:100%}"
	"table{border-collapse:collapse;font-size:13px}"
	"td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}"
	"pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}"
	"#m,#e{width:100%;table-layout:fixed}#m td,#e td{overflow-wrap:anywhere}"
	"th.a{width:6.5em}th.w{width:17em}"
	".hl{background:#ffe08a;white-space:pre-wrap}.whole{display:none;color:#555}"
	"body.whole .whole{display:block}tr.new td:nth-child(2){background:#f8d7da}"
	"td.changed{outline:2px solid #c00}.was{margin:2px 0;color:#a00}"
	".fail,.error{color:#a00}.skip{color:#777}.pass{color:#060}"
	"#m.only tr.same{display:none}.folded{display:none}</style>";

static const char HTML_SCRIPT[] =
	"<script>function q(){var h=(location.hash||location.search).replace(/^[#?]/,''),o={};"
	"h.split('&').forEach(function(p){var i=p.indexOf('=');if(i>0)"
	"o[decodeURIComponent(p.slice(0,i))]=decodeURIComponent(p.slice(i+1))});return o}"
	"function f(){var a=document.getElementById('area').value,"
	"s=document.getElementById('status').value,o=!document.getElementById('all').checked,n=0;"
	"document.getElementById('m').className=o?'only':'';"
	"document.body.className=document.getElementById('whole').checked?'whole':'';"
	"document.querySelectorAll('#m tr[data-area]').forEach(function(r){var ok=(!a||r.dataset.area==a)"
	"&&(!s||r.dataset.status.split(' ').indexOf(s)>=0)&&(!o||r.dataset.diff=='1');"
	"r.style.display=ok?'':'none';n+=ok});"
	"document.getElementById('shown').textContent=n+' rows shown';"
	"var e=document.documentElement;e.setAttribute('data-overflow',e.scrollWidth>innerWidth?'1':'0')}"
	"function load(){var o=q();if(o.area!==undefined)document.getElementById('area').value=o.area;"
	"if(o.status!==undefined)document.getElementById('status').value=o.status;"
	"document.getElementById('all').checked=o.all=='1';"
	"document.getElementById('whole').checked=o.whole=='1';f()}"
	"window.addEventListener('hashchange',load);load()</script>";

static void html_area_option(void *arg, const char *area)
{
	struct tx_buf *b = arg;
	tx_puts(b, "<option>");
	tx_markup(b, area);
	tx_puts(b, "</option>");
}

static void write_html(struct tx_buf *b, const struct rep *r, const char *base_name,
		       const struct report_result *res)
{
	tx_puts(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width\">"
		   "<title>ancdata kernel report</title>");
	tx_puts(b, HTML_STYLE);
	tx_puts(b, "</head><body><h1>Kernel behaviour regression report</h1>");
	html_kernels(b, r);
	html_verdict(b, r, base_name, res);
	tx_printf(b, "<h2>Rows</h2><p>%d of %zu cases, limits and features differ between "
		     "the kernels; they alone are shown until you ask for every row.</p>",
		  res->ndiff, r->nrows);
	tx_puts(b, "<p>area <select id=area onchange=f()><option value=''>all</option>");
	areas_each(r, html_area_option, b);
	tx_puts(b, "</select> status <select id=status onchange=f()><option value=''>all</option>"
		"<option>pass</option><option>fail</option><option>skip</option><option>error</option>"
		"</select> <label><input type=checkbox id=all onchange=f()> every row, also those "
		"that are the same</label> <label><input type=checkbox id=whole onchange=f()> whole "
		"observations</label> <span id=shown></span></p><table id=m class=only>");
	html_head_row(b, r, "area");
	for (size_t i = 0; i < r->nrows; i++)
		html_row(b, r, &r->rows[i], base_name != NULL);
	tx_puts(b, "</table>");
	if (any_env(r)) {
		struct env_ctx c = { b, r, 1 };
		tx_puts(b, "<h2>Environment</h2><p>Where each kernel ran, not the kernel: shown, "
			   "never compared.</p><table id=e>");
		html_head_row(b, r, "section");
		env_keys(r, env_row_cb, &c);
		tx_puts(b, "</table>");
	}
	tx_puts(b, HTML_SCRIPT);
	tx_puts(b, "</body></html>\n");
}

/* ---- JUnit: a suite per kernel, a case per case; kernel errors and rows new
 * against the baseline are cases too -------------------------------------- */
static const enum junit_result RESULTS[] = { JUNIT_PASS, JUNIT_FAILURE, JUNIT_SKIPPED,
					      JUNIT_ERROR };

static int write_junit(struct tx_buf *b, const struct rep *r, const char *base_name)
{
	struct junit_suite suites[MAXK + 2];
	struct junit_case *cases[MAXK + 2] = { 0 };
	size_t ns = 0;
	int rc = 0;
	for (int i = 0; i < r->nk; i++, ns++) {
		const struct sc_profile *p = r->k[i].p;
		struct junit_case *c = calloc(p->ncases + 1, sizeof *c);
		size_t n = 0;
		if (!(cases[ns] = c)) {
			rc = -1;
			goto out;
		}
		if (p->kernel_error)
			c[n++] = (struct junit_case){ "kernel", "boot", JUNIT_ERROR, p->kernel_error,
						      p->console_tail, -1 };
		for (size_t k = 0; k < p->ncases; k++) {
			const struct sc_pcase *pc = &p->cases[k];
			enum junit_result res = RESULTS[status_index(pc->status)];
			const char *msg = res == JUNIT_PASS ? NULL : pc->why ? pc->why : pc->status;
			if (case_known(r, i, pc))   /* an expected failure, as xfail */
				res = JUNIT_SKIPPED, msg = "known failure, expected by the baseline";
			c[n++] = (struct junit_case){ pc->area ? pc->area : "cases", pc->id, res,
						      msg, res == JUNIT_SKIPPED && pc->why ? pc->why : NULL,
						      pc->elapsed_us < 0 ? -1 : pc->elapsed_us / 1e6 };
		}
		suites[ns] = (struct junit_suite){ r->k[i].name, c, n };
	}
	if (base_name) {
		struct junit_case *c = calloc(r->nrows + 1, sizeof *c);
		size_t n = 0;
		if (!(cases[ns] = c)) {
			rc = -1;
			goto out;
		}
		for (size_t i = 0; i < r->nrows; i++)
			if (differs(r, &r->rows[i]))
				c[n++] = (struct junit_case){ "baseline", r->rows[i].key,
							      r->rows[i].is_new ? JUNIT_FAILURE : JUNIT_PASS,
							      r->rows[i].is_new ? "new against the baseline"
										: NULL,
							      NULL, -1 };
		suites[ns++] = (struct junit_suite){ "baseline", c, n };
	}
	if (r->nrefs) {   /* a case a row and kernel: changed against its reference */
		struct junit_case *c = calloc(r->nrows * (size_t)r->nk + 1, sizeof *c);
		size_t n = 0;
		if (!(cases[ns] = c)) {
			rc = -1;
			goto out;
		}
		for (size_t i = 0; i < r->nrows; i++)
			for (int k = 0; k < r->nk; k++)
				if (has_ref(r, k))
					c[n++] = (struct junit_case){
						r->k[k].name, r->rows[i].key,
						r->rows[i].changed[k] ? JUNIT_FAILURE : JUNIT_PASS,
						r->rows[i].changed[k] ? "changed against the reference" : NULL,
						r->rows[i].changed[k] ? ref_path(r, k) : NULL, -1 };
		suites[ns++] = (struct junit_suite){ "reference", c, n };
	}
	junit_write(b, "ancdata kernels", suites, ns);
out:
	for (size_t i = 0; i < (size_t)MAXK + 2; i++)
		free(cases[i]);
	return rc;
}

/* ---- the whole report ---------------------------------------------------- */
int report_failed(const struct report_result *r)
{
	return r->nnew || r->nfailed || r->nkerrors || r->nchanged;
}

static void rep_free(struct rep *r)
{
	for (size_t i = 0; i < r->nrows; i++) {
		for (int j = 0; j < r->nk; j++)
			free(r->rows[i].val[j]), free(r->rows[i].refval[j]);
		free(r->rows[i].owned_key);
	}
	free(r->rows);
}

int report_make(const struct report_kernel *k, int nk, const json_t *baseline,
		const char *baseline_name, const struct report_ref *refs, int nrefs,
		struct report_result *res)
{
	struct rep r = { .k = k, .nk = nk, .refs = refs, .nrefs = nrefs };
	struct tx_buf md = { 0 }, html = { 0 }, xml = { 0 };
	memset(res, 0, sizeof *res);
	if (nk < 1 || nk > MAXK || nrefs < 0 || nrefs > nk)
		return -1;
	for (int f = 0; f < nrefs; f++)
		if (refs[f].kernel < 0 || refs[f].kernel >= nk || !refs[f].p ||
		    has_ref(&(struct rep){ .refs = refs, .nrefs = f }, refs[f].kernel))
			return -1;
	collect_cases(&r);
	collect_kv(&r, 0);
	collect_kv(&r, 1);
	if (r.oom) {
		rep_free(&r);
		return -1;
	}
	res->nchanged = mark_changed(&r);
	if (baseline)
		res->nnew = mark_new(&r, baseline);
	else
		baseline_name = NULL;
	for (int i = 0; i < nk; i++) {
		res->nkerrors += k[i].p->kernel_error != NULL;
		for (size_t c = 0; c < k[i].p->ncases; c++) {
			res->nfailed += case_counts(&r, i, &k[i].p->cases[c]);
			res->nknown += case_known(&r, i, &k[i].p->cases[c]) &&
				       case_failed(&k[i].p->cases[c]);
		}
	}
	write_md(&md, &r, baseline_name, res);
	write_html(&html, &r, baseline_name, res);
	int jrc = write_junit(&xml, &r, baseline_name);
	res->md = tx_take(&md);
	res->html = tx_take(&html);
	res->xml = tx_take(&xml);
	res->baseline = baseline_of(&r);
	rep_free(&r);
	if (jrc < 0 || !res->md || !res->html || !res->xml || !res->baseline) {
		report_result_free(res);
		return -1;
	}
	return 0;
}

void report_result_free(struct report_result *r)
{
	free(r->md);
	free(r->html);
	free(r->xml);
	json_decref(r->baseline);
	memset(r, 0, sizeof *r);
}
