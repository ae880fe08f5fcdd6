/* findings.c - clusters of differences (one per signature: the operation,
 * the field and every kernel's value), each minimised in batched rounds,
 * then written as findings: a ready .case file with the reference's
 * values as expect and every kernel's observation in a comment, and the
 * findings report in Markdown, HTML and JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "files.h"
#include "findings.h"
#include "json_text.h"
#include "names.h"
#include "text.h"

#define MAX_CLUSTERS 512
struct cluster {
	char rep[64];      /* the scenario it is minimised from */
	char known[64];    /* a built-in case that shows it, or "" */
	int active;        /* still being minimised */
	long size;
	char *sig;         /* op TAB field TAB name=value... */
};
struct state {
	int n;
	struct cluster c[MAX_CLUSTERS];
};

static void state_free(struct state *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->c[i].sig);
	s->n = 0;
}

static int state_write(const char *out, const struct state *s)
{
	struct tx_buf b = { 0 };
	char p[4096];
	for (int i = 0; i < s->n; i++)
		tx_printf(&b, "%d\t%s\t%s\t%d\t%ld\t%s\n", i, s->c[i].rep,
			  s->c[i].known[0] ? s->c[i].known : "-", s->c[i].active, s->c[i].size,
			  s->c[i].sig);
	snprintf(p, sizeof p, "%s/clusters.tsv", out);
	int rc = b.oom ? -1 : io_write_atomic(p, b.s ? b.s : "", b.n);
	tx_free(&b);
	return rc;
}

static int state_read(const char *out, struct state *s)
{
	char p[4096], err[256];
	snprintf(p, sizeof p, "%s/clusters.tsv", out);
	char *t = io_read_file(p, (size_t)1 << 28, err, sizeof err), *line, *save = NULL;
	if (!t)
		return -1;
	s->n = 0;
	for (line = strtok_r(t, "\n", &save); line && s->n < MAX_CLUSTERS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct cluster *c = &s->c[s->n];
		char *f[6], *q = line;
		int k;
		for (k = 0; k < 5 && q; k++) {
			f[k] = q;
			if ((q = strchr(q, '\t')))
				*q++ = '\0';
		}
		if (k < 5 || !q)
			continue;
		f[5] = q;
		snprintf(c->rep, sizeof c->rep, "%s", f[1]);
		snprintf(c->known, sizeof c->known, "%s", strcmp(f[2], "-") ? f[2] : "");
		c->active = atoi(f[3]);
		c->size = atol(f[4]);
		c->sig = strdup(f[5]);
		s->n++;
	}
	free(t);
	return 0;
}

static int cluster_of(const struct state *s, const char *sig)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->c[i].sig, sig))
			return i;
	return -1;
}

struct batch {
	const char *dir;
	int cluster, n;
};

static int emit(struct scenario *c, void *arg)
{
	struct batch *b = arg;
	char id[64];
	for (int r = 1; r <= 2; r++) {
		snprintf(id, sizeof id, "k%d_%d_r%d", b->cluster, b->n, r);
		if (ex_write_case(b->dir, id, c, NULL) < 0)
			return -1;
	}
	b->n++;
	return 0;
}

/* OUT/batch: the candidates of every active cluster */
static int write_candidates(const char *out, struct state *s)
{
	char batch[4096], p[4096];
	static struct scenario sc;
	int total = 0;
	snprintf(batch, sizeof batch, "%s/batch", out);
	mkdir(batch, 0777);
	struct batch b = { batch, 0, 0 };
	ex_clear_cases(batch);   /* the old batch removed */
	for (int i = 0; i < s->n; i++) {
		if (!s->c[i].active)
			continue;
		snprintf(p, sizeof p, "%s/clusters/%d.case", out, i);
		if (ex_read_case(p, &sc) < 0)
			return -1;
		b.cluster = i, b.n = 0;
		int n = ex_shrink_candidates(&sc, emit, &b);
		if (n < 0)
			return -1;
		if (!n)
			s->c[i].active = 0;
		total += n;
	}
	return state_write(out, s) < 0 ? -1 : total;
}

static int copy_case(const char *from, const char *dir, const char *id, const char *comment)
{
	static struct scenario sc;
	if (ex_read_case(from, &sc) < 0)
		return -1;
	ex_nonblocking(&sc);
	return ex_write_case(dir, id, &sc, comment);
}

/* the comment lines at the head of a case file (the observations) */
static char *comment_of(const char *file)
{
	char err[256];
	char *t = io_read_file(file, 1 << 20, err, sizeof err);
	if (!t)
		return NULL;
	char *e = t;
	while (*e == '#') {
		char *nl = strchr(e, '\n');
		if (!nl)
			break;
		e = nl + 1;
	}
	*e = '\0';
	return t;
}

int ex_clusters_start(const char *out)
{
	static struct state s;
	static struct scenario sc;
	char p[4096], err[256], dir[4096], last[64] = "";
	int first = 0;
	snprintf(p, sizeof p, "%s/diffs.tsv", out);
	char *t = io_read_file(p, (size_t)1 << 30, err, sizeof err), *save = NULL;
	if (!t) {
		s.n = 0;
		return state_write(out, &s) < 0 ? -1 : 0;
	}
	snprintf(dir, sizeof dir, "%s/clusters", out);
	mkdir(dir, 0777);
	s.n = 0;
	for (char *line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (!tab2)
			continue;
		*tab1 = '\0';
		const char *base = line, *sig = tab2 + 1;
		/* only a scenario's first differing step: what follows is its
		 * consequence (a setopt refused, then every receive it changes) */
		int step = atoi(tab1 + 1);
		if (!strcmp(base, last) && step > first)
			continue;
		snprintf(last, sizeof last, "%s", base);
		first = step;
		snprintf(p, sizeof p, "%s/differing/%s.case", out, base);
		if (ex_read_case(p, &sc) < 0)
			continue;
		ex_nonblocking(&sc);
		long size = ex_size(&sc);
		int k = cluster_of(&s, sig);
		if (k < 0) {
			if (s.n == MAX_CLUSTERS)
				continue;
			k = s.n++;
			memset(&s.c[k], 0, sizeof s.c[k]);
			s.c[k].sig = strdup(sig);
			s.c[k].size = -1;
			s.c[k].active = 1;
		}
		struct cluster *c = &s.c[k];
		if (!strncmp(base, "c_", 2) && !c->known[0])
			snprintf(c->known, sizeof c->known, "%s", base + 2);
		if (c->size < 0 || size < c->size) {
			c->size = size;
			snprintf(c->rep, sizeof c->rep, "%s", base);
			char *com = comment_of(p), id[32];
			snprintf(id, sizeof id, "%d", k);
			if (copy_case(p, dir, id, com) < 0) {
				free(com);
				free(t);
				return -1;
			}
			free(com);
		}
	}
	free(t);
	int rc = write_candidates(out, &s);
	state_free(&s);
	return rc;
}

/* every kernel's observation of a run, as comment lines */
static void comment(const struct sc_profile *pr, char names[][64], int nk, const char *id,
		    struct tx_buf *b)
{
	for (int k = 0; k < nk; k++) {
		const struct sc_pcase *c = sc_profile_case(&pr[k], id);
		tx_printf(b, "# %s (%s): %s\n", names[k], pr[k].release ? pr[k].release : "?",
			  c ? c->status : "no run");
		for (size_t s = 0; c && s < c->nobs; s++)
			tx_printf(b, "#   step %zu %s:%s\n", s + 1,
				  c->obs_op && c->obs_op[s] ? c->obs_op[s] : "?", c->obs[s]);
	}
}

int ex_shrink_round(const char *out, const struct sc_profile *pr, char names[][64], int nk)
{
	static struct state s;
	static struct scenario sc;
	struct ex_diffs d = { 0 };
	char sig[8192], p[4096], dir[4096];
	if (state_read(out, &s) < 0 || ex_compare(pr, nk, &d, NULL, NULL) < 0)
		return -1;
	int best[MAX_CLUSTERS];
	long bsize[MAX_CLUSTERS];
	for (int i = 0; i < s.n; i++)
		best[i] = -1, bsize[i] = s.c[i].size;
	for (size_t i = 0; i < d.n; i++) {
		int k, j;
		if (sscanf(d.d[i].id, "k%d_%d", &k, &j) != 2 || k < 0 || k >= s.n || !s.c[k].active)
			continue;
		ex_signature(&d.d[i], names, nk, sig, sizeof sig);
		if (strcmp(sig, s.c[k].sig))
			continue;
		snprintf(p, sizeof p, "%s/batch/%s_r1.case", out, d.d[i].id);
		if (ex_read_case(p, &sc) < 0)
			continue;
		long size = ex_size(&sc);
		if (size < bsize[k])
			best[k] = j, bsize[k] = size;
	}
	snprintf(dir, sizeof dir, "%s/clusters", out);
	for (int k = 0; k < s.n; k++) {
		if (!s.c[k].active)
			continue;
		if (best[k] < 0) {
			s.c[k].active = 0;   /* nothing smaller shows it: minimal */
			continue;
		}
		char id[64], kid[32];
		struct tx_buf b = { 0 };
		snprintf(id, sizeof id, "user/k%d_%d_r1", k, best[k]);
		comment(pr, names, nk, id, &b);
		snprintf(p, sizeof p, "%s/batch/k%d_%d_r1.case", out, k, best[k]);
		snprintf(kid, sizeof kid, "%d", k);
		int rc = copy_case(p, dir, kid, b.s);
		tx_free(&b);
		if (rc < 0) {
			ex_diffs_free(&d);
			return -1;
		}
		s.c[k].size = bsize[k];
	}
	ex_diffs_free(&d);
	int rc = write_candidates(out, &s);
	state_free(&s);
	return rc;
}

/* the reference's (first kernel's) observation of each step, from the
 * comment at the head of a cluster's case: "#   step N op: obs" lines
 * after the first "# NAME (...)" line, up to the next kernel */
static int ref_obs(const char *com, char obs[][1024], char kernels[][64], char kvals[][8192],
		   int *nk)
{
	int steps = 0, k = -1;
	for (const char *l = com; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *nl = strchr(l, '\n');
		int len = nl ? (int)(nl - l) : (int)strlen(l);
		if (!strncmp(l, "#   step ", 9)) {
			const char *c = memchr(l, ':', (size_t)len);
			if (k == 0 && c && steps < SC_MAX_STEPS)
				snprintf(obs[steps++], 1024, "%.*s", len - (int)(c + 1 - l), c + 1);
			size_t have = strlen(kvals[k]);   /* every kernel's, to compare */
			if (k >= 0 && have + (size_t)len + 2 < 8192)
				snprintf(kvals[k] + have, 8192 - have, "%.*s\n", len, l);
		} else if (!strncmp(l, "# ", 2) && k + 1 < EX_MAX_KERNELS) {
			k++;
			const char *sp = memchr(l + 2, ' ', (size_t)len - 2);
			snprintf(kernels[k], 64, "%.*s", sp ? (int)(sp - l - 2) : len - 2, l + 2);
			kvals[k][0] = '\0';
		}
	}
	*nk = k + 1;
	return steps;
}

/* the case with expect lines from the reference: each step line printed
 * by sc_print followed by "expect" and the reference's observation, then
 * parsed and printed again (so it is the model's text) */
static int with_expect(struct scenario *sc, char obs[][1024], int nobs, char *out, size_t len)
{
	static char text[1 << 17], spliced[1 << 18];
	static struct scenario back;
	char err[256];
	size_t n = 0;
	int step = 0, header = 1;
	if (sc_print(sc, text, sizeof text) >= sizeof text)
		return -1;
	for (char *l = text; *l;) {
		char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l) : strlen(l);
		if (n + ll + 1100 >= sizeof spliced)
			return -1;
		memcpy(spliced + n, l, ll);
		n += ll;
		spliced[n++] = '\n';
		if (!ll)
			header = 0;
		if (!header && ll && l[0] != '#' && strncmp(l, "expect", 6)) {
			if (step < nobs && obs[step][0])
				n += (size_t)snprintf(spliced + n, sizeof spliced - n, "expect %s\n", obs[step]);
			step++;
		}
		l = nl ? nl + 1 : l + ll;
	}
	spliced[n] = '\0';
	if (sc_parse(spliced, &back, err, sizeof err) < 0)
		return -1;
	return sc_print(&back, out, len) < len ? 0 : -1;
}

static const char *suggest_tag(const struct scenario *sc, char *out, size_t len)
{
	for (int i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].op == SC_OP_SETOPT) {
			const char *n = sc_name_of(sc_sockopts, sc->steps[i].u.opt.name);
			if (n) {
				snprintf(out, len, "feature:%s", n);
				return out;
			}
		}
	for (int i = 0; i < sc->nsteps; i++)
		if ((sc->steps[i].op == SC_OP_SEND && (sc->steps[i].u.send.flags & 1)) ||
		    (sc->steps[i].op == SC_OP_RECV && (sc->steps[i].u.recv.flags & 1))) {
			snprintf(out, len, "feature:UNIX_OOB");
			return out;
		}
	snprintf(out, len, "linux-git:to-bisect");
	return out;
}

/* does finding i reproduce?  Its case (user/explore_I) passes on the
 * reference and on every kernel that saw what the reference saw, and does
 * not pass (fails, or is an error as when the sockets cannot be made) on
 * the others.  Each kernel's status into st ("host pass, uml fail"); 1
 * yes, 0 no, -1 not run */
static int reproduces(int i, const struct sc_profile *pr, char names[][64], int nk,
		      char kvals[][8192], char *st, size_t len)
{
	char id[64];
	size_t n = 0;
	int ok = 1;
	st[0] = '\0';
	if (nk < 1)
		return -1;
	snprintf(id, sizeof id, "user/explore_%d", i);
	for (int k = 0; k < nk; k++) {
		const struct sc_pcase *c = sc_profile_case(&pr[k], id);
		const char *s = c && c->status ? c->status : "no run";
		int want_pass = k == 0 || !strcmp(kvals[k], kvals[0]);
		ok &= want_pass ? !strcmp(s, "pass") : strcmp(s, "pass") && strcmp(s, "no run");
		n += (size_t)snprintf(st + n, n < len ? len - n : 0, "%s%s %s", k ? ", " : "",
				      names[k], s);
	}
	return ok;
}

int ex_findings(const char *out, const struct sc_profile *pr, char names[][64], int npr)
{
	static struct state s;
	static struct scenario sc;
	static char obs[SC_MAX_STEPS][1024], kvals[EX_MAX_KERNELS][8192], text[1 << 18];
	char kernels[EX_MAX_KERNELS][64], p[4096], dir[4096], tag[64];
	int nk = 0, fresh = 0, unreproduced = 0;
	if (state_read(out, &s) < 0)
		return -1;
	snprintf(dir, sizeof dir, "%s/findings", out);
	mkdir(dir, 0777);
	ex_clear_cases(dir);
	struct tx_buf md = { 0 }, html = { 0 };
	json_t *arr = json_array();
	tx_puts(&md, "# Exploration findings\n\n");
	tx_puts(&html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Exploration "
		"findings</title></head><body>\n<h1>Exploration findings</h1>\n<table border=\"1\">\n"
		"<tr><th>#</th><th>step</th><th>field</th><th>values</th><th>steps</th><th>known</th>"
		"<th>case</th><th>tag</th><th>reproduces</th></tr>\n");
	tx_puts(&md, "| # | step | field | values (reference first) | steps | known | case | tag | "
		"reproduces (probe --kernel) |\n|---|---|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < s.n; i++) {
		snprintf(p, sizeof p, "%s/clusters/%d.case", out, i);
		char *com = comment_of(p);
		if (!com || ex_read_case(p, &sc) < 0) {
			free(com);
			continue;
		}
		int nobs = ref_obs(com, obs, kernels, kvals, &nk);
		char id[64], *f[3], *q = s.c[i].sig, file[96];
		for (int k = 0; k < 3; k++) {   /* op, field, values */
			f[k] = q;
			if (k < 2 && (q = strchr(q, '\t')))
				*q++ = '\0';
			if (!q)
				break;
		}
		snprintf(id, sizeof id, "explore_%d", i);
		snprintf(sc.id, sizeof sc.id, "%s", id);
		snprintf(sc.area, sizeof sc.area, "repro");
		snprintf(sc.purpose, sizeof sc.purpose, "found by ancdata explore: %s %s differs",
			 f[0], q ? f[1] : "");
		suggest_tag(&sc, tag, sizeof tag);
		sc.ntags = 1;
		snprintf(sc.tags[0], sizeof sc.tags[0], "%s", tag);
		snprintf(file, sizeof file, "findings/%s.case", id);
		if (with_expect(&sc, obs, nobs, text, sizeof text) == 0) {
			struct tx_buf c = { 0 };
			tx_puts(&c, com);
			tx_puts(&c, text);
			snprintf(p, sizeof p, "%s/%s", out, file);
			if (c.oom || io_write_atomic(p, c.s, c.n) < 0)
				file[0] = '\0';
			tx_free(&c);
		} else {
			file[0] = '\0';
		}
		const char *vals = q ? f[2] : "";
		const char *known = s.c[i].known;
		char rstat[512], rshow[600];
		int rep = reproduces(i, pr, names, npr, kvals, rstat, sizeof rstat);
		snprintf(rshow, sizeof rshow, "%s%s%s%s", rep < 0 ? "not checked" : rep ? "yes" : "NO",
			 rep < 0 ? "" : " (", rstat, rep < 0 ? "" : ")");
		fresh += !known[0];
		unreproduced += rep == 0;
		/* values: "name=value" TAB-separated, side by side */
		char shown[8192];
		snprintf(shown, sizeof shown, "%s", vals);
		for (char *t = shown; (t = strchr(t, '\t'));)
			*t = ' ', t++;
		tx_printf(&md, "| %d | %s | %s | `%s` | %d | %s | %s | %s | %s |\n", i, f[0],
			  q ? f[1] : "", shown, sc.nsteps, known[0] ? known : "new",
			  file[0] ? file : "-", tag, rshow);
		tx_printf(&html, "<tr><td>%d</td><td>", i);
		tx_markup(&html, f[0]);
		tx_puts(&html, "</td><td>");
		tx_markup(&html, q ? f[1] : "");
		tx_puts(&html, "</td><td><table>");
		json_t *jv = json_object();
		for (char *v = (char *)vals, *nx; v && *v; v = nx) {
			nx = strchr(v, '\t');
			if (nx)
				*nx++ = '\0';
			char *eq = strchr(v, '=');
			if (!eq)
				continue;
			*eq = '\0';
			tx_puts(&html, "<tr><th>");
			tx_markup(&html, v);
			tx_puts(&html, "</th><td>");
			tx_markup(&html, eq + 1);
			tx_puts(&html, "</td></tr>");
			json_object_set_new(jv, v, io_json_text(eq + 1));
		}
		tx_printf(&html, "</table></td><td>%d</td><td>", sc.nsteps);
		tx_markup(&html, known[0] ? known : "new");
		tx_puts(&html, "</td><td>");
		tx_markup(&html, file[0] ? file : "-");
		tx_puts(&html, "</td><td>");
		tx_markup(&html, tag);
		tx_puts(&html, "</td><td>");
		tx_markup(&html, rshow);
		tx_puts(&html, "</td></tr>\n");
		json_array_append_new(arr, json_pack("{s:i, s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:o, s:o, s:o}",
			"cluster", i, "op", io_json_text(f[0]), "field", io_json_text(q ? f[1] : ""),
			"values", jv, "steps", sc.nsteps,
			"known", known[0] ? io_json_text(known) : json_null(),
			"case", file[0] ? io_json_text(file) : json_null(), "tag", io_json_text(tag),
			"from", io_json_text(s.c[i].rep),
			"reproduces", rep < 0 ? json_null() : json_boolean(rep),
			"statuses", io_json_text(rstat)));
		free(com);
	}
	tx_printf(&md, "\n%d clusters, %d new (no case in conformance/cases/ shows them)%s.\n", s.n,
		  fresh, npr < 1 ? "" : unreproduced ? "; SOME DO NOT REPRODUCE" : "; every one reproduces");
	tx_puts(&html, "</table>\n</body></html>\n");
	json_t *doc = json_pack("{s:s, s:o, s:i, s:i, s:i}", "format", "ancdata-explore/1", "findings",
				arr, "clusters", s.n, "new", fresh, "unreproduced", unreproduced);
	char *js = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	int rc = -1;
	if (!md.oom && !html.oom && js) {
		snprintf(p, sizeof p, "%s/findings.md", out);
		rc = io_write_atomic(p, md.s, md.n);
		snprintf(p, sizeof p, "%s/findings.html", out);
		rc |= io_write_atomic(p, html.s, html.n);
		snprintf(p, sizeof p, "%s/findings.json", out);
		rc |= io_write_atomic(p, js, strlen(js));
	}
	free(js);
	json_decref(doc);
	tx_free(&md);
	tx_free(&html);
	printf("explore: %d clusters, %d new%s; findings in %s/findings.md\n", s.n, fresh,
	       npr < 1 ? "" : unreproduced ? ", some do not reproduce" : ", every one reproduces", out);
	state_free(&s);
	return rc < 0 ? -1 : fresh || unreproduced ? 1 : 0;
}
