/* junit_cli.c - `ancdata junit`: JUnit XML from a table, so that the shell
 * tools (ci/fuzz) write their JUnit through the one writer (junit.c) and
 * its one escaping layer, as the reports do.
 *
 *   ancdata junit [--name NAME] --output FILE < TABLE
 *
 * TABLE is one test case a line, seven fields separated by TABs:
 *   SUITE CLASSNAME NAME RESULT TIME MESSAGE TEXT
 * RESULT is pass, failure, skipped or error; TIME is seconds (- if not
 * known); MESSAGE and TEXT may be empty.  Suites appear in the order they
 * first appear.  Bad input (a line of other fields, an unknown result, a
 * time that is not a number, no case at all): one line, exit 2, nothing
 * written. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "files.h"
#include "junit.h"
#include "say.h"

#define NFIELDS 7

static const char usage_text[] =
"usage: ancdata junit [--name NAME] --output FILE < TABLE\n"
"Writes JUnit XML through the report's writer from a table on standard\n"
"input: one test case a line, seven TAB-separated fields\n"
"  SUITE CLASSNAME NAME RESULT TIME MESSAGE TEXT\n"
"RESULT is pass, failure, skipped or error; TIME is seconds or -.\n"
"\n"
"options:\n"
"  --name NAME    the name of the <testsuites> (default ancdata)\n"
"  --output FILE  where the XML goes (replaced atomically)\n"
"  --help         this text\n"
"\n"
"exit status:\n"
"  0  written\n"
"  2  bad usage or a bad table (one line, nothing written)\n";

struct table {
	char *text;                 /* stdin, NUL-terminated, cut into fields */
	struct junit_case *cases;
	char **suite_of;            /* each case's suite name */
	size_t n;
};

#define fail(...) io_bad("junit", __VA_ARGS__)

static int result_of(const char *s, enum junit_result *r)
{
	static const char *const names[] = { "pass", "failure", "skipped", "error" };
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*r = (enum junit_result)i;
			return 0;
		}
	return -1;
}

/* the table's lines into cases; 0, or the exit status of a refusal */
static int parse(struct table *t)
{
	size_t lines = 0, line = 0;
	for (char *c = t->text; *c; c++)
		lines += *c == '\n';
	t->cases = calloc(lines + 1, sizeof *t->cases);
	t->suite_of = calloc(lines + 1, sizeof *t->suite_of);
	if (!t->cases || !t->suite_of)
		return fail("out of memory");
	for (char *s = t->text, *nl; *s; s = nl + 1) {
		char *f[NFIELDS];
		int k = 0;
		line++;
		if (!(nl = strchr(s, '\n')))
			return fail("line %zu does not end with a newline", line);
		*nl = '\0';
		for (char *p = s; k < NFIELDS; k++) {
			f[k] = p;
			char *tab = strchr(p, '\t');
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (k != NFIELDS - 1 || strchr(f[NFIELDS - 1], '\t'))
			return fail("line %zu does not have 7 TAB-separated fields", line);
		struct junit_case *c = &t->cases[t->n];
		if (result_of(f[3], &c->result) < 0)
			return fail("line %zu: unknown result '%s' (pass, failure, skipped, error)",
				    line, f[3]);
		char *end;
		errno = 0;
		c->time = !strcmp(f[4], "-") ? -1 : strtod(f[4], &end);
		if (strcmp(f[4], "-") && (errno || end == f[4] || *end || c->time < 0))
			return fail("line %zu: time '%s' is not seconds or -", line, f[4]);
		t->suite_of[t->n] = f[0];
		c->classname = f[1];
		c->name = f[2];
		c->message = *f[5] ? f[5] : NULL;
		c->text = *f[6] ? f[6] : NULL;
		t->n++;
	}
	return t->n ? 0 : fail("no test case on standard input");
}

/* cases grouped by suite, in the order the suites first appear */
static char *write_xml(const struct table *t, const char *name)
{
	struct junit_suite *suites = calloc(t->n, sizeof *suites);
	struct junit_case *sorted = calloc(t->n, sizeof *sorted);
	struct tx_buf b = { 0 };
	size_t ns = 0, k = 0;
	char *xml = NULL;

	if (!suites || !sorted)
		goto out;
	for (size_t i = 0; i < t->n; i++) {
		size_t s;
		for (s = 0; s < ns && strcmp(suites[s].name, t->suite_of[i]); s++)
			;
		if (s < ns)
			continue;   /* this suite's cases were taken when it first came */
		suites[ns].name = t->suite_of[i];
		suites[ns].cases = sorted + k;
		for (size_t j = i; j < t->n; j++)
			if (!strcmp(t->suite_of[j], t->suite_of[i]))
				sorted[k++] = t->cases[j];
		suites[ns].ncases = (size_t)(sorted + k - suites[ns].cases);
		ns++;
	}
	junit_write(&b, name, suites, ns);
	xml = tx_take(&b);
out:
	free(suites);
	free(sorted);
	return xml;
}

int cli_junit(int argc, char **argv)
{
	const char *name = "ancdata", *output = NULL;
	char err[512];
	struct table t = { 0 };
	int rc;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return 0;
		}
		const char **slot = !strcmp(argv[i], "--name") ? &name
			: !strcmp(argv[i], "--output") ? &output : NULL;
		if (!slot || i + 1 == argc)
			return fail("unknown option or missing value '%s' (see ancdata junit --help)",
				    argv[i]);
		*slot = argv[++i];
	}
	if (!output)
		return fail("wants --output FILE (see ancdata junit --help)");
	if (io_output_ok(output, err, sizeof err) < 0)
		return fail("%s", err);
	if (!(t.text = io_read_file("-", 1 << 24, err, sizeof err)))
		return fail("standard input: %s", err);
	rc = parse(&t);
	if (!rc) {
		char *xml = write_xml(&t, name);
		if (!xml)
			rc = fail("out of memory");
		else if (io_write_atomic(output, xml, strlen(xml)) < 0)
			rc = fail("cannot write %s: %s", output, strerror(errno));
		free(xml);
	}
	free(t.text);
	free(t.cases);
	free(t.suite_of);
	return rc;
}
