/* report.c - `ancdata report`: kernel behaviour profiles compared.
 *
 *   ancdata report [--out DIR] [--baseline FILE] [--update-baseline FILE]
 *                  [NAME=]PROFILE...
 *
 * A row is anything whose value is not the same on every kernel: a case
 * (its status, or the observation of any step), a measured limit, a
 * probed feature.  Rows are grouped by area (the case areas, then limits
 * and features) and show each kernel's value side by side.  Writes
 * DIR/report.md, DIR/report.html (the same plus the full matrix, filterable)
 * and DIR/report.xml (JUnit), each atomically; prints the Markdown.
 * With --baseline, a row that the baseline does not list with the same
 * values is new, and the exit status is 1; --update-baseline writes the
 * rows of this run as the baseline to expect.  A profile that records a
 * kernel error (ci/kernels writes one when a guest panics, hangs or prints
 * a truncated profile) is shown with the tail of its console.
 * Bad input: one line, exit status 2. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "files.h"
#include "profile_read.h"

#define MAXK 16

struct kern {
	char name[64];
	struct sc_profile p;
	char *error, *console;   /* a kernel error and its console tail */
};

struct row {
	const char *area, *key, *purpose;
	const char *val[MAXK];     /* each kernel's value (NULL: absent) */
	int is_new;
	int owned;                 /* val[] (a case) or key (a limit or feature)
				      allocated here */
};

struct buf {
	char *s;
	size_t n, cap;
};

static void bput(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(NULL, 0, fmt, ap);   /* the size first */
	va_end(ap);
	if (k < 0)
		return;
	if (b->n + (size_t)k + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + (size_t)k + 1)
			cap *= 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			fprintf(stderr, "ancdata: report: out of memory\n");
			exit(2);
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)k;
}

/* "|" and newlines would break a Markdown table cell */
static void md_cell(struct buf *b, const char *s)
{
	if (!s) {
		bput(b, " (absent) |");
		return;
	}
	bput(b, " `");
	for (; *s; s++)
		bput(b, *s == '|' ? "\\|" : *s == '\n' ? " " : *s == '`' ? "'" : "%c", *s);
	bput(b, "` |");
}

/* text in HTML or XML: the same five characters escaped */
static void html_text(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		bput(b, *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;"
			: *s == '"' ? "&quot;" : "%c", *s);
}

static int read_profile(const char *arg, struct kern *k, char *err, size_t len)
{
	const char *eq = strchr(arg, '='), *path = eq ? eq + 1 : arg;
	char e[400];
	char *text = io_read_file(path, 1 << 26, e, sizeof e);
	if (!text) {
		snprintf(err, len, "%s", e);
		return -1;
	}
	if (sc_profile_read(text, strlen(text), &k->p, e, sizeof e) < 0) {
		snprintf(err, len, "%s: %s", path, e);
		free(text);
		return -1;
	}
	json_t *j = json_loads(text, 0, NULL);
	if (j) {
		const char *ke = json_string_value(json_object_get(j, "kernel_error"));
		const char *ct = json_string_value(json_object_get(j, "console_tail"));
		k->error = ke ? strdup(ke) : NULL;
		k->console = ct ? strdup(ct) : NULL;
		json_decref(j);
	}
	if (eq)
		snprintf(k->name, sizeof k->name, "%.*s", (int)(eq - arg), arg);
	else
		snprintf(k->name, sizeof k->name, "%s", k->p.release ? k->p.release : path);
	free(text);
	return 0;
}

/* the observation of a case as one value: status, then each step */
static char *case_value(const struct sc_pcase *c)
{
	struct buf b = { 0 };
	bput(&b, "%s", c->status);
	for (size_t s = 0; s < c->nobs; s++)
		bput(&b, "\n%s", c->obs[s]);
	return b.s;
}

static const char *kv_get(const struct sc_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].value;
	return NULL;
}

static int differs(const struct row *r, int nk)
{
	for (int i = 1; i < nk; i++) {
		const char *a = r->val[0], *b = r->val[i];
		if ((!a) != (!b) || (a && strcmp(a, b)))
			return 1;
	}
	return 0;
}

static struct row *rows;
static size_t nrows, caprows;

static struct row *add_row(const char *area, const char *key, const char *purpose)
{
	if (nrows == caprows) {
		caprows = caprows ? caprows * 2 : 256;
		rows = realloc(rows, caprows * sizeof *rows);
		if (!rows)
			exit(2);
	}
	struct row *r = &rows[nrows++];
	memset(r, 0, sizeof *r);
	r->area = area;
	r->key = key;
	r->purpose = purpose;
	return r;
}

static int has_key(const char *key)
{
	for (size_t i = 0; i < nrows; i++)
		if (!strcmp(rows[i].key, key))
			return 1;
	return 0;
}

/* every case, limit and feature of any kernel, with each kernel's value */
static void collect(struct kern *k, int nk)
{
	for (int i = 0; i < nk; i++)
		for (size_t c = 0; c < k[i].p.ncases; c++) {
			const struct sc_pcase *pc = &k[i].p.cases[c];
			if (has_key(pc->id))
				continue;
			struct row *r = add_row(pc->area ? pc->area : "cases", pc->id, pc->purpose);
			r->owned = 1;
			for (int j = 0; j < nk; j++) {
				const struct sc_pcase *o = sc_profile_case(&k[j].p, pc->id);
				r->val[j] = o ? case_value(o) : NULL;
			}
		}
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nk; i++) {
			size_t n = pass ? k[i].p.nfeatures : k[i].p.nlimits;
			const struct sc_kv *kv = pass ? k[i].p.features : k[i].p.limits;
			for (size_t e = 0; e < n; e++) {
				char key[300];
				snprintf(key, sizeof key, "%s.%s", pass ? "features" : "limits", kv[e].key);
				if (has_key(key))
					continue;
				struct row *r = add_row(pass ? "features" : "limits", strdup(key), NULL);
				r->owned = 2;
				for (int j = 0; j < nk; j++)
					r->val[j] = kv_get(pass ? k[j].p.features : k[j].p.limits,
							   pass ? k[j].p.nfeatures : k[j].p.nlimits, kv[e].key);
			}
		}
}

static const char *const AREAS[] = { "truncation", "flags", "cleanup", "send",
				     "features", "repro", "limits", NULL };

/* ---- the baseline: the rows expected to differ, with their values ------ */
static json_t *baseline_of(struct kern *k, int nk)
{
	json_t *j = json_object(), *exp = json_object();
	json_object_set_new(j, "format", json_string("ancdata-baseline/1"));
	for (size_t i = 0; i < nrows; i++) {
		if (!differs(&rows[i], nk))
			continue;
		json_t *v = json_object();
		for (int n = 0; n < nk; n++)
			json_object_set_new(v, k[n].name, rows[i].val[n] ? json_string(rows[i].val[n])
									 : json_null());
		json_object_set_new(exp, rows[i].key, v);
	}
	json_object_set_new(j, "expected", exp);
	return j;
}

static int mark_new(json_t *base, struct kern *k, int nk)
{
	json_t *exp = json_object_get(base, "expected");
	int n = 0;
	for (size_t i = 0; i < nrows; i++) {
		if (!differs(&rows[i], nk))
			continue;
		json_t *v = json_object_get(exp, rows[i].key);
		int same = json_is_object(v);
		for (int j = 0; same && j < nk; j++) {
			json_t *x = json_object_get(v, k[j].name);
			const char *s = json_string_value(x);
			same = rows[i].val[j] ? s && !strcmp(s, rows[i].val[j]) : json_is_null(x);
		}
		rows[i].is_new = !same;
		n += !same;
	}
	return n;
}

/* ---- the three outputs ------------------------------------------------- */
static void kernels_md(struct buf *b, struct kern *k, int nk)
{
	bput(b, "| kernel | release | point release | machine | cases (pass / fail / skip / error) |\n|---|---|---|---|---|\n");
	for (int i = 0; i < nk; i++) {
		int st[4] = { 0 };
		for (size_t c = 0; c < k[i].p.ncases; c++) {
			const char *s = k[i].p.cases[c].status;
			st[!strcmp(s, "pass") ? 0 : !strcmp(s, "fail") ? 1 : !strcmp(s, "skip") ? 2 : 3]++;
		}
		bput(b, "| %s | %s | %s | %s | %d / %d / %d / %d |\n", k[i].name,
		     k[i].p.release ? k[i].p.release : "?",
		     k[i].p.point_release ? k[i].p.point_release : "-",
		     k[i].p.machine ? k[i].p.machine : "?", st[0], st[1], st[2], st[3]);
	}
}

static int write_md(struct buf *b, struct kern *k, int nk, int have_base)
{
	int ndiff = 0;
	bput(b, "# Kernel behaviour regression report\n\n");
	kernels_md(b, k, nk);
	for (int i = 0; i < nk; i++)
		if (k[i].error)
			bput(b, "\n**Kernel error on %s:** %s\n\n```\n%s\n```\n", k[i].name, k[i].error,
			     k[i].console ? k[i].console : "(no console output)");
	for (int a = 0; AREAS[a]; a++) {
		int header = 0;
		for (size_t i = 0; i < nrows; i++) {
			struct row *r = &rows[i];
			if (strcmp(r->area, AREAS[a]) || !differs(r, nk))
				continue;
			if (!header++) {
				bput(b, "\n## %s\n\n|%s", AREAS[a], have_base ? " new |" : "");
				bput(b, " what |");
				for (int j = 0; j < nk; j++)
					bput(b, " %s |", k[j].name);
				bput(b, "\n|%s---|", have_base ? "---|" : "");
				for (int j = 0; j < nk; j++)
					bput(b, "---|");
				bput(b, "\n");
			}
			ndiff++;
			bput(b, "|");
			if (have_base)
				bput(b, " %s |", r->is_new ? "**new**" : "");
			bput(b, " %s |", r->key);
			for (int j = 0; j < nk; j++)
				md_cell(b, r->val[j]);
			bput(b, "\n");
		}
	}
	if (!ndiff)
		bput(b, "\nNo behaviour differs between these kernels.\n");
	bput(b, "\n%d of %zu cases, limits and features differ.\n", ndiff, nrows);
	return ndiff;
}

static void write_html(struct buf *b, struct buf *md, struct kern *k, int nk, int have_base)
{
	bput(b, "<!doctype html><html><head><meta charset=\"utf-8\"><title>ancdata kernel report</title>"
		"<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;font-size:13px}"
		"td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}pre{margin:0;white-space:pre-wrap}"
		".diff{background:#fff3cd}.new{background:#f8d7da}.fail,.error{color:#a00}.skip{color:#777}</style>"
		"</head><body><h1>Kernel behaviour regression report</h1><table><tr><th>kernel</th><th>release</th>"
		"<th>point release</th><th>machine</th></tr>");
	for (int i = 0; i < nk; i++) {
		bput(b, "<tr><td>");
		html_text(b, k[i].name);
		bput(b, "</td><td>");
		html_text(b, k[i].p.release);
		bput(b, "</td><td>");
		html_text(b, k[i].p.point_release ? k[i].p.point_release : "-");
		bput(b, "</td><td>");
		html_text(b, k[i].p.machine);
		bput(b, "</td></tr>");
	}
	bput(b, "</table>");
	for (int i = 0; i < nk; i++)
		if (k[i].error) {
			bput(b, "<h2 class=error>Kernel error on ");
			html_text(b, k[i].name);
			bput(b, ": ");
			html_text(b, k[i].error);
			bput(b, "</h2><pre>");
			html_text(b, k[i].console);
			bput(b, "</pre>");
		}
	bput(b, "<h2>Differences</h2><pre>");
	html_text(b, md->s);
	bput(b, "</pre><h2>Full matrix</h2><p>area <select id=area onchange=f()><option value=''>all</option>");
	for (int a = 0; AREAS[a]; a++)
		bput(b, "<option>%s</option>", AREAS[a]);
	bput(b, "</select> status <select id=status onchange=f()><option value=''>all</option>"
		"<option>pass</option><option>fail</option><option>skip</option><option>error</option></select>"
		" <label><input type=checkbox id=only onchange=f()> only rows that differ</label></p>"
		"<table id=m><tr><th>area</th><th>what</th>");
	for (int j = 0; j < nk; j++) {
		bput(b, "<th>");
		html_text(b, k[j].name);
		bput(b, "</th>");
	}
	bput(b, "</tr>");
	for (size_t i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		int d = differs(r, nk);
		bput(b, "<tr class=\"%s\" data-area=\"%s\" data-status=\"", d ? (have_base && r->is_new ? "new" : "diff") : "",
		     r->area);
		for (int j = 0; j < nk; j++)
			if (r->val[j] && strchr("pfse", r->val[j][0]))
				bput(b, "%.*s ", (int)strcspn(r->val[j], "\n"), r->val[j]);
		bput(b, "\" data-diff=\"%d\"><td>%s</td><td>", d, r->area);
		html_text(b, r->key);
		bput(b, "</td>");
		for (int j = 0; j < nk; j++) {
			const char *v = r->val[j];
			bput(b, "<td class=\"%.*s\"><pre>", v ? (int)strcspn(v, "\n") : 0, v ? v : "");
			html_text(b, v ? v : "(absent)");
			bput(b, "</pre></td>");
		}
		bput(b, "</tr>");
	}
	bput(b, "</table><script>function f(){var a=document.getElementById('area').value,"
		"s=document.getElementById('status').value,o=document.getElementById('only').checked;"
		"document.querySelectorAll('#m tr[data-area]').forEach(function(r){var ok=(!a||r.dataset.area==a)"
		"&&(!s||r.dataset.status.split(' ').indexOf(s)>=0)&&(!o||r.dataset.diff=='1');"
		"r.style.display=ok?'':'none'})}</script></body></html>\n");
}

static void write_junit(struct buf *b, struct kern *k, int nk)
{
	bput(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ancdata kernels\">\n");
	for (int i = 0; i < nk; i++) {
		bput(b, " <testsuite name=\"");
		html_text(b, k[i].name);
		bput(b, "\" tests=\"%zu\">\n", k[i].p.ncases + (k[i].error != NULL));
		if (k[i].error) {
			bput(b, "  <testcase classname=\"kernel\" name=\"boot\"><error message=\"");
			html_text(b, k[i].error);
			bput(b, "\">");
			html_text(b, k[i].console);
			bput(b, "</error></testcase>\n");
		}
		for (size_t c = 0; c < k[i].p.ncases; c++) {
			const struct sc_pcase *pc = &k[i].p.cases[c];
			bput(b, "  <testcase classname=\"%s\" name=\"", pc->area ? pc->area : "cases");
			html_text(b, pc->id);
			bput(b, "\">");
			const char *tag = !strcmp(pc->status, "fail") ? "failure"
					  : !strcmp(pc->status, "error") ? "error"
					  : !strcmp(pc->status, "skip") ? "skipped" : NULL;
			if (tag) {
				bput(b, "<%s message=\"", tag);
				html_text(b, pc->why ? pc->why : pc->status);
				bput(b, "\"/>");
			}
			bput(b, "</testcase>\n");
		}
		bput(b, " </testsuite>\n");
	}
	bput(b, "</testsuites>\n");
}

static int put_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (io_write_atomic(path, text, strlen(text)) < 0) {
		fprintf(stderr, "ancdata: report: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void release(struct kern *k, int nk)
{
	for (int i = 0; i < nk; i++) {
		sc_profile_free(&k[i].p);
		free(k[i].error);
		free(k[i].console);
		k[i].error = k[i].console = NULL;
	}
}

int cli_report(int argc, char **argv)
{
	static struct kern k[MAXK];
	const char *out = NULL, *base_path = NULL, *update = NULL;
	int nk = 0;
	char err[512];

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--baseline") && i + 1 < argc)
			base_path = argv[++i];
		else if (!strcmp(argv[i], "--update-baseline") && i + 1 < argc)
			update = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "ancdata: report: unknown option %s\n", argv[i]);
			release(k, nk);
			return 2;
		} else if (nk == MAXK) {
			fprintf(stderr, "ancdata: report: at most %d profiles\n", MAXK);
			release(k, nk);
			return 2;
		} else if (read_profile(argv[i], &k[nk], err, sizeof err) < 0) {
			fprintf(stderr, "ancdata: report: %s\n", err);
			release(k, nk);
			return 2;
		} else {
			nk++;
		}
	}
	if (nk < 1) {
		fprintf(stderr, "ancdata: report wants at least one PROFILE\n");
		return 2;
	}
	json_t *base = NULL;
	if (base_path) {
		json_error_t je;
		base = json_load_file(base_path, 0, &je);
		if (!base || !json_is_object(json_object_get(base, "expected"))) {
			fprintf(stderr, "ancdata: report: %s: not a baseline (%s)\n", base_path,
				base ? "no expected" : je.text);
			json_decref(base);
			release(k, nk);
			return 2;
		}
	}
	collect(k, nk);
	int nnew = base ? mark_new(base, k, nk) : 0;
	struct buf md = { 0 }, html = { 0 }, xml = { 0 };
	write_md(&md, k, nk, base != NULL);
	if (base)
		bput(&md, "%d of them new against %s.\n", nnew, base_path);
	int kerrors = 0;
	for (int i = 0; i < nk; i++)
		kerrors += k[i].error != NULL;
	if (kerrors)
		bput(&md, "%d kernel error%s.\n", kerrors, kerrors > 1 ? "s" : "");
	fputs(md.s, stdout);
	if (out) {
		mkdir(out, 0755);
		write_html(&html, &md, k, nk, base != NULL);
		write_junit(&xml, k, nk);
		if (put_file(out, "report.md", md.s) < 0 || put_file(out, "report.html", html.s) < 0 ||
		    put_file(out, "report.xml", xml.s) < 0)
			update = NULL, nnew = -1;   /* exit 2 after freeing */
	}
	if (update) {
		json_t *b = baseline_of(k, nk);
		char *text = json_dumps(b, JSON_INDENT(1) | JSON_SORT_KEYS);
		int bad = !text || io_write_atomic(update, text, strlen(text)) < 0;
		free(text);
		json_decref(b);
		if (bad) {
			fprintf(stderr, "ancdata: report: cannot write %s\n", update);
			nnew = -1;
		}
	}
	int rc = nnew < 0 ? 2 : (nnew || kerrors) ? 1 : 0;
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i].owned == 1)
			for (int j = 0; j < nk; j++)
				free((char *)rows[i].val[j]);
		if (rows[i].owned == 2)
			free((char *)rows[i].key);
	}
	free(rows);
	release(k, nk);
	free(md.s);
	free(html.s);
	free(xml.s);
	json_decref(base);
	return rc;
}
