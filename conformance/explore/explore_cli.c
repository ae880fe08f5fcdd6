/* explore_cli.c - ancdata explore: the steps ci/explore drives, each
 * reading and writing the state folder OUT, so that a run can stop and
 * go on (resumable):
 *
 *   explore gen --out OUT --seed S --round R --count N [--with-cases] [--corpus DIR]
 *       OUT/batch/: N scenarios (fresh, or mutants of OUT/pool/), each
 *       twice (ID_r1, ID_r2); --with-cases adds the built-in cases with
 *       their expectations removed (ids c_CASE), --corpus the scenario
 *       fuzz corpus likewise (ids f_N)
 *   explore compare --out OUT NAME=PROFILE...   (the first: reference)
 *       the batch's differences appended to OUT/diffs.tsv, never-seen
 *       observations into OUT/pool/, differing scenarios into
 *       OUT/differing/; exit 1 when a difference showed
 *   explore shrink --out OUT [NAME=PROFILE...]
 *       without profiles: clusters OUT/diffs.tsv (OUT/clusters/K/) and
 *       writes the first round of candidates; with the round's profiles:
 *       keeps each cluster's smallest candidate that still shows its
 *       difference and writes the next round.  Prints how many candidates
 *       the next round has (0: done)
 *   explore findings --out OUT [NAME=PROFILE...]
 *       OUT/findings.{md,json,html} and OUT/findings/explore_K.case; with
 *       the profiles of OUT/findings/ run on every kernel, whether each
 *       reproduces; exit 1 when a finding is new (no case in
 *       conformance/cases/ shows it) or does not reproduce
 *
 * Exit status 2: bad input, one line on stderr. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cases.h"
#include "explore.h"
#include "files.h"
#include "findings.h"
#include "say.h"

#define bad(...) io_bad("explore", __VA_ARGS__)

static int path(char *out, size_t len, const char *dir, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(out, len, "%s/", dir);
	va_start(ap, fmt);
	n += vsnprintf(out + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return (size_t)n < len ? 0 : -1;
}

static int mkdir_in(const char *dir, const char *sub)
{
	char p[4096];
	path(p, sizeof p, dir, "%s", sub);
	return mkdir(p, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

/* the *.case files of dir removed */
void ex_clear_cases(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[4096];
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 5 && !strcmp(e->d_name + n - 5, ".case") && !path(p, sizeof p, dir, "%s", e->d_name))
			unlink(p);
	}
	if (d)
		closedir(d);
}

int ex_write_case(const char *dir, const char *id, struct scenario *sc, const char *comment)
{
	static char text[1 << 17];
	char p[4096];
	size_t c = comment ? strlen(comment) : 0;
	snprintf(sc->id, sizeof sc->id, "%s", id);
	if (c >= sizeof text / 2)
		c = 0;
	memcpy(text, comment ? comment : "", c);
	if (c + sc_print(sc, text + c, sizeof text - c) >= sizeof text)
		return -1;
	if (path(p, sizeof p, dir, "%s.case", id) < 0)
		return -1;
	/* a batch is scratch, rewritten each round: no fsync for it */
	if (strstr(dir, "/batch") == dir + strlen(dir) - 6) {
		FILE *f = fopen(p, "w");
		size_t n = strlen(text);
		int rc = f && fwrite(text, 1, n, f) == n ? 0 : -1;
		if (f && fclose(f))
			rc = -1;
		return rc;
	}
	return io_write_atomic(p, text, strlen(text));
}

int ex_read_case(const char *file, struct scenario *sc)
{
	char err[512];
	char *t = io_read_file(file, 1 << 20, err, sizeof err);
	int rc = t ? sc_parse(t, sc, err, sizeof err) : -1;
	free(t);
	return rc;
}

/* both runs of a scenario into the batch */
static int batch_add(const char *batch, const char *base, struct scenario *sc)
{
	char id[64];
	for (int r = 1; r <= 2; r++) {
		snprintf(id, sizeof id, "%.58s_r%d", base, r);
		if (ex_write_case(batch, id, sc, NULL) < 0)
			return -1;
	}
	return 0;
}

/* names of the *.case files in dir (malloc'd, sorted) */
static int list_cases(const char *dir, char ***names)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), k = 0;
	*names = NULL;
	if (n < 0)
		return 0;
	*names = calloc((size_t)n + 1, sizeof **names);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);
		if (*names && l > 5 && !strcmp(ents[i]->d_name + l - 5, ".case") && ents[i]->d_name[0] != '.')
			(*names)[k++] = strdup(ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return k;
}

static void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int number_arg(const char *s, long max, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || end == s || *end || *v < 0 || *v > max ? -1 : 0;
}

/* the scenario fuzz corpus (any file that parses, pair mode) with its
 * expectations removed, never waiting: ids f_N */
static int from_corpus(const char *dir, const char *batch)
{
	struct dirent **ents;
	static struct scenario sc;
	char p[4096], base[64];
	int n = scandir(dir, &ents, NULL, alphasort), made = 0;
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && !path(p, sizeof p, dir, "%s", ents[i]->d_name) &&
		    ex_read_case(p, &sc) == 0 && sc.mode == SC_PAIR) {
			ex_nonblocking(&sc);
			snprintf(base, sizeof base, "f_%d", i);
			if (ex_normalise(&sc) == 0 && sc.nsteps && batch_add(batch, base, &sc) == 0)
				made++;
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return made;
}

static int cmd_gen(int argc, char **argv)
{
	const char *out = NULL;
	long seed = 1, round = 0, count = 100;
	int with_cases = 0;
	const char *corpus = NULL;
	for (int i = 0; i < argc; i++) {
		long *slot = !strcmp(argv[i], "--seed") ? &seed : !strcmp(argv[i], "--round") ? &round
			: !strcmp(argv[i], "--count") ? &count : NULL;
		if (!strcmp(argv[i], "--with-cases"))
			with_cases = 1;
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--corpus") && i + 1 < argc)
			corpus = argv[++i];
		else if (slot && i + 1 < argc) {
			if (number_arg(argv[++i], 1000000000L, slot) < 0)
				return bad("gen: %s wants a number from 0 to 1000000000, not '%s'", argv[i - 1], argv[i]);
		} else
			return bad("gen: unknown option or missing value '%s'", argv[i]);
	}
	if (!out)
		return bad("gen: --out OUT wanted");
	char batch[4096], pool[4096], p[4096];
	if (mkdir(out, 0777) < 0 && errno != EEXIST)
		return bad("gen: cannot make %s: %s", out, strerror(errno));
	if (mkdir_in(out, "batch") < 0 || mkdir_in(out, "pool") < 0)
		return bad("gen: cannot make folders in %s: %s", out, strerror(errno));
	path(batch, sizeof batch, out, "batch");
	path(pool, sizeof pool, out, "pool");
	ex_clear_cases(batch);
	static struct scenario sc;
	char err[256], base[64];
	int made = 0;
	for (unsigned i = 0; with_cases && i < sc_ncases; i++) {
		if (sc_parse(sc_cases[i].text, &sc, err, sizeof err) < 0)
			continue;
		snprintf(base, sizeof base, "c_%.50s", sc.id);
		if (ex_normalise(&sc) == 0 && batch_add(batch, base, &sc) == 0)
			made++;
	}
	if (corpus)
		made += from_corpus(corpus, batch);
	char **names;
	int npool = list_cases(pool, &names);
	struct ex_rng r = { (uint64_t)seed * 0x100000001ULL + (uint64_t)round };
	for (long i = 0; i < count; i++) {
		int ok = 0;
		if (npool && ex_below(&r, 3)) {   /* guided: a mutant of a novel one */
			path(p, sizeof p, pool, "%s", names[ex_below(&r, (unsigned)npool)]);
			if (ex_read_case(p, &sc) == 0 && sc.mode == SC_PAIR) {
				int times = 1 + (int)ex_below(&r, 3);
				for (int t = 0; t < times; t++)
					ex_mutate(&r, &sc);
				ex_nonblocking(&sc);
				ok = ex_normalise(&sc) == 0 && sc.nsteps > 0;
			}
		}
		if (!ok)
			ex_gen_random(&r, &sc);
		snprintf(base, sizeof base, "s%ld_%ld_%ld", seed, round, i);
		if (batch_add(batch, base, &sc) < 0)
			return bad("gen: cannot write into %s: %s", batch, strerror(errno));
		made++;
	}
	free_names(names, npool);
	printf("explore: round %ld: %d scenarios (each twice) in %s\n", round, made, batch);
	return 0;
}

/* NAME=PROFILE arguments read */
static int read_profiles(int argc, char **argv, int at, struct sc_profile *pr, char names[][64])
{
	char err[512];
	int nk = 0;
	for (int i = at; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i] || eq - argv[i] >= 64)
			return bad("%s: not NAME=PROFILE", argv[i]), -1;
		if (nk == EX_MAX_KERNELS)
			return bad("more than %d kernels", EX_MAX_KERNELS), -1;
		snprintf(names[nk], 64, "%.*s", (int)(eq - argv[i]), argv[i]);
		char *t = io_read_file(eq + 1, (size_t)1 << 31, err, sizeof err);
		if (!t || sc_profile_read(t, strlen(t), &pr[nk], err, sizeof err) < 0) {
			free(t);
			return bad("%s", err), -1;
		}
		free(t);
		nk++;
	}
	if (nk < 2)
		return bad("wants at least two NAME=PROFILE (the first the reference)"), -1;
	return nk;
}

struct seen {
	const char *out;
	size_t n, cap;
	uint64_t *h;
	int novel;
	FILE *log;
};

static int seen_has(const struct seen *s, uint64_t h)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->h[i] == h)
			return 1;
	return 0;
}

static void seen_add(struct seen *s, uint64_t h)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint64_t *n = realloc(s->h, cap * sizeof *n);
		if (!n)
			return;
		s->h = n, s->cap = cap;
	}
	s->h[s->n++] = h;
}

/* a never-seen observation: the scenario kept in the pool */
static void on_novel(const char *base, uint64_t h, void *arg)
{
	struct seen *s = arg;
	char from[4096], to[4096];
	static struct scenario sc;
	if (seen_has(s, h))
		return;
	seen_add(s, h);
	if (s->log)
		fprintf(s->log, "%016llx\n", (unsigned long long)h);
	path(from, sizeof from, s->out, "batch/%s_r1.case", base);
	path(to, sizeof to, s->out, "pool");
	if (ex_read_case(from, &sc) == 0 && ex_write_case(to, base, &sc, NULL) == 0)
		s->novel++;
}

static void load_seen(struct seen *s)
{
	char p[4096], line[64];
	path(p, sizeof p, s->out, "seen");
	FILE *f = fopen(p, "r");
	while (f && fgets(line, sizeof line, f))
		seen_add(s, strtoull(line, NULL, 16));
	if (f)
		fclose(f);
	s->log = fopen(p, "a");
}

/* every kernel's observation of the run r1 of base, as comment lines */
static void obs_comment(const struct sc_profile *pr, char names[][64], int nk, const char *base,
			char *out, size_t len)
{
	char id[96];
	size_t n = 0;
	out[0] = '\0';
	snprintf(id, sizeof id, "user/%s_r1", base);
	for (int k = 0; k < nk && n < len; k++) {
		const struct sc_pcase *c = sc_profile_case(&pr[k], id);
		n += (size_t)snprintf(out + n, len - n, "# %s (%s): %s\n", names[k],
				      pr[k].release ? pr[k].release : "?", c ? c->status : "no run");
		for (size_t s = 0; c && s < c->nobs && n < len; s++)
			n += (size_t)snprintf(out + n, len - n, "#   step %zu %s:%s\n", s + 1,
					      c->obs_op && c->obs_op[s] ? c->obs_op[s] : "?", c->obs[s]);
	}
}

static int cmd_compare(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[0], "--out"))
		return bad("compare: --out OUT NAME=PROFILE... wanted");
	const char *out = argv[1];
	static struct sc_profile pr[EX_MAX_KERNELS];
	char names[EX_MAX_KERNELS][64], p[4096];
	int nk = read_profiles(argc, argv, 2, pr, names);
	if (nk < 0)
		return 2;
	struct ex_diffs d = { 0 };
	struct seen s = { .out = out };
	load_seen(&s);
	if (ex_compare(pr, nk, &d, on_novel, &s) < 0)
		return bad("compare: out of memory");
	if (s.log)
		fclose(s.log);
	free(s.h);
	mkdir_in(out, "differing");
	path(p, sizeof p, out, "diffs.tsv");
	FILE *f = fopen(p, "a");
	if (!f)
		return bad("compare: cannot write %s: %s", p, strerror(errno));
	static char comment[1 << 16], sig[8192];
	static struct scenario sc;
	char from[4096], dir[4096];
	path(dir, sizeof dir, out, "differing");
	const char *last = "";
	for (size_t i = 0; i < d.n; i++) {
		ex_signature(&d.d[i], names, nk, sig, sizeof sig);
		fprintf(f, "%s\t%d\t%s\n", d.d[i].id, d.d[i].step, sig);
		if (strcmp(last, d.d[i].id)) {
			last = d.d[i].id;
			obs_comment(pr, names, nk, last, comment, sizeof comment);
			path(from, sizeof from, out, "batch/%s_r1.case", last);
			if (ex_read_case(from, &sc) == 0)
				ex_write_case(dir, last, &sc, comment);
		}
	}
	fclose(f);
	path(p, sizeof p, out, "progress.tsv");
	if ((f = fopen(p, "a"))) {
		fprintf(f, "%zu\t%zu\t%zu\t%d\n", d.compared, d.n, d.unstable, s.novel);
		fclose(f);
	}
	printf("explore: compared %zu scenarios on %d kernels: %zu differing fields, %zu unstable "
	       "(left out), %d new observations kept\n", d.compared, nk, d.n, d.unstable, s.novel);
	int rc = d.n ? 1 : 0;
	ex_diffs_free(&d);
	for (int k = 0; k < nk; k++)
		sc_profile_free(&pr[k]);
	return rc;
}

static int cmd_shrink(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[0], "--out"))
		return bad("shrink: --out OUT [NAME=PROFILE...] wanted");
	const char *out = argv[1];
	static struct sc_profile pr[EX_MAX_KERNELS];
	char names[EX_MAX_KERNELS][64];
	int nk = 0;
	if (argc > 2 && (nk = read_profiles(argc, argv, 2, pr, names)) < 0)
		return 2;
	int rc = nk ? ex_shrink_round(out, pr, names, nk) : ex_clusters_start(out);
	for (int k = 0; k < nk; k++)
		sc_profile_free(&pr[k]);
	if (rc < 0)
		return bad("shrink: cannot read or write the state in %s", out);
	printf("explore: shrink: %d candidates in the next round\n", rc);
	return 0;
}

static int cmd_findings(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[0], "--out"))
		return bad("findings: --out OUT [NAME=PROFILE...] wanted");
	static struct sc_profile pr[EX_MAX_KERNELS];
	char names[EX_MAX_KERNELS][64];
	int nk = 0;
	if (argc > 2 && (nk = read_profiles(argc, argv, 2, pr, names)) < 0)
		return 2;
	int rc = ex_findings(argv[1], pr, names, nk);
	for (int k = 0; k < nk; k++)
		sc_profile_free(&pr[k]);
	if (rc < 0)
		return bad("findings: cannot read or write the state in %s", argv[1]);
	return rc;
}

static const char usage_text[] =
"usage: ancdata explore gen --out OUT --seed S --round R --count N [--with-cases] [--corpus DIR]\n"
"       ancdata explore compare --out OUT NAME=PROFILE...   (the first: reference)\n"
"       ancdata explore shrink --out OUT [NAME=PROFILE...]\n"
"       ancdata explore findings --out OUT [NAME=PROFILE...]\n"
"The steps of differential exploration, each reading and writing the state\n"
"folder OUT (resumable); ci/explore drives them across kernels.\n"
"  gen       a batch of scenarios (each twice) into OUT/batch/\n"
"  compare   the batch's profiles compared field by field; differences to\n"
"            OUT/diffs.tsv, never-seen observations to OUT/pool/\n"
"  shrink    clusters and minimisation candidates, round by round\n"
"  findings  OUT/findings.{md,json,html} and a .case file per finding;\n"
"            with the profiles of OUT/findings/ on each kernel, whether\n"
"            each reproduces\n"
"\n"
"exit status:\n"
"  0  done, nothing differs or no new finding\n"
"  1  compare: a difference showed; findings: a finding no case shows,\n"
"     or one that does not reproduce\n"
"  2  bad usage or bad input (one line on stderr)\n";

int cli_explore(int argc, char **argv)
{
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc < 1)
		return bad("wants gen, compare, shrink or findings (see ci/explore --help)");
	if (!strcmp(argv[0], "gen"))
		return cmd_gen(argc - 1, argv + 1);
	if (!strcmp(argv[0], "compare"))
		return cmd_compare(argc - 1, argv + 1);
	if (!strcmp(argv[0], "shrink"))
		return cmd_shrink(argc - 1, argv + 1);
	if (!strcmp(argv[0], "findings"))
		return cmd_findings(argc - 1, argv + 1);
	return bad("unknown subcommand '%s' (gen, compare, shrink, findings)", argv[0]);
}
