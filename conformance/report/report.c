/* report.c - `ancdata report`: kernel behaviour profiles compared.
 *
 *   ancdata report [--out DIR] [--baseline FILE] [--update-baseline FILE]
 *                  [--against [NAME=]PROFILE]... [--check] [NAME=]PROFILE...
 *
 * Reads every input first (the profiles, the baseline, the names, where the
 * outputs go): bad input is one line on stderr, exit status 2, and nothing
 * is printed or written.  Then writes DIR/report.md, DIR/report.html and
 * DIR/report.xml (JUnit), each atomically, and prints the Markdown.  The
 * comparison itself is report_write.c. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "files.h"
#include "report.h"
#include "text.h"
#include "say.h"

#define MAXK REPORT_MAX_KERNELS

static const char USAGE[] =
	"usage: ancdata report [--out DIR] [--baseline FILE] [--update-baseline FILE]\n"
	"                      [--against [NAME=]PROFILE]... [--check] [NAME=]PROFILE...\n"
	"Compares kernel behaviour profiles (ancdata profile --output, ci/kernels):\n"
	"a row is a case, limit or feature whose value is not the same on every\n"
	"kernel.  Prints the report as Markdown.\n"
	"  NAME=PROFILE           the profile's column name (default: its kernel release);\n"
	"                         names must differ\n"
	"  --out DIR              also write DIR/report.md, report.html, report.xml (JUnit)\n"
	"  --baseline FILE        rows that FILE does not expect with the same values are new\n"
	"  --update-baseline FILE write this run's differing rows as the baseline to expect\n"
"  --against [NAME=]PROFILE  a saved profile of the same kernel (an earlier run) as\n"
"                         the reference of the profile named NAME (default: the one\n"
"                         of the same kernel release); a row that differs from it\n"
"                         has changed and fails the verdict; repeat for more kernels\n"
	"  --check                read and check every input, print and write nothing\n"
	"  --help                 this text\n"
	"Exit status: 0 all held (no failed case, no kernel error, no new row);\n"
	"1 a case failed, a kernel had an error, a row is new against the baseline,\n"
"or a row changed against a reference;\n"
	"2 bad input (one line on stderr, nothing written).\n";

struct input {
	const char *out, *base_path, *update;
	int check, nk, nref;
	struct report_kernel k[MAXK];
	struct sc_profile p[MAXK];
	char *names[MAXK];
	json_t *base;
	const char *ref_arg[MAXK];     /* --against [NAME=]PROFILE, as given */
	struct sc_profile refp[MAXK];
	struct report_ref ref[MAXK];
};

#define fail(...) io_bad("report", __VA_ARGS__)

/* a name fit for a column and a baseline key: UTF-8 text, no controls */
static int good_name(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), k;
	if (!n || n > 200)
		return 0;
	for (size_t i = 0; i < n; i += k)
		if (!(k = tx_xml_char(u + i, n - i)) || u[i] == '\t' || u[i] == '\n')
			return 0;
	return 1;
}

static int read_profile(struct input *in, const char *arg)
{
	const char *eq = strchr(arg, '='), *path = eq ? eq + 1 : arg;
	struct sc_profile *p = &in->p[in->nk];
	char e[400];
	if (in->nk == MAXK)
		return fail("at most %d profiles", MAXK);
	char *text = io_read_file(path, 1 << 26, e, sizeof e);
	if (!text)
		return fail("%s", e);
	int bad = sc_profile_read(text, strlen(text), p, e, sizeof e) < 0;
	free(text);
	if (bad)
		return fail("%s: %s", path, e);
	char *name = eq ? strndup(arg, (size_t)(eq - arg)) : strdup(p->release);
	in->names[in->nk] = name;
	in->k[in->nk] = (struct report_kernel){ name, p };
	in->nk++;
	if (!name)
		return fail("out of memory");
	if (!good_name(name))
		return fail("%s: its name is empty, too long or not plain text (give NAME=)", path);
	for (int i = 0; i < in->nk - 1; i++)
		if (!strcmp(in->names[i], name))
			return fail("two profiles named '%s' (%s): give each its own NAME=", name,
				    path);
	return 0;
}

/* --against [NAME=]PROFILE: the reference of the kernel named NAME, or of
 * the one kernel of the same release */
static int read_refs(struct input *in)
{
	char e[400];
	for (int f = 0; f < in->nref; f++) {
		const char *arg = in->ref_arg[f], *eq = strchr(arg, '='), *path = eq ? eq + 1 : arg;
		struct sc_profile *p = &in->refp[f];
		int k = -1;
		char *text = io_read_file(path, 1 << 26, e, sizeof e);
		if (!text)
			return fail("--against: %s", e);
		int bad = sc_profile_read(text, strlen(text), p, e, sizeof e) < 0;
		free(text);
		if (bad)
			return fail("--against %s: %s", path, e);
		for (int i = 0; i < in->nk; i++) {
			int named = eq ? strlen(in->names[i]) == (size_t)(eq - arg) &&
						 !strncmp(in->names[i], arg, (size_t)(eq - arg))
				       : !strcmp(in->p[i].release, p->release);
			if (named && k >= 0)
				return fail("--against %s: kernels %s and %s both have its release %s "
					    "(give NAME=%s)", path, in->names[k], in->names[i],
					    p->release, path);
			if (named)
				k = i;
		}
		if (k < 0)
			return fail(eq ? "--against %s: no profile named as its NAME=" :
					 "--against %s: no profile of its kernel release (give NAME=)",
				    path);
		for (int g = 0; g < f; g++)
			if (in->ref[g].kernel == k)
				return fail("--against %s: %s has a reference already", path,
					    in->names[k]);
		in->ref[f] = (struct report_ref){ k, path, p };
	}
	return 0;
}

static int read_baseline(struct input *in)
{
	json_error_t je;
	char e[400];
	char *text = io_read_file(in->base_path, 1 << 26, e, sizeof e);
	if (!text)
		return fail("%s", e);
	in->base = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!in->base) {
		for (char *c = je.text; *c; c++)   /* one line, whatever the input */
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = ' ';
		return fail("%s: not a baseline (not JSON: %s)", in->base_path, je.text);
	}
	const char *fmt = json_string_value(json_object_get(in->base, "format"));
	if (!fmt || strcmp(fmt, "ancdata-baseline/1") ||
	    !json_is_object(json_object_get(in->base, "expected")))
		return fail("%s: not a baseline (format ancdata-baseline/1 with expected rows)",
			    in->base_path);
	return 0;
}

/* where a file is to be written: its folder exists and is writable, and
 * the file, if there, is a regular file */
static int writable_file(const char *path)
{
	struct stat st;
	char *dir = strdup(path), *slash;
	if (!dir)
		return fail("out of memory");
	slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(slash[1] = '\0') : (void)(*slash = '\0');
	int ok = access(slash ? dir : ".", W_OK | X_OK) == 0;
	free(dir);
	if (!ok)
		return fail("cannot write %s: %s", path, strerror(errno));
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return fail("cannot write %s: %s", path, "not a regular file");
	return 0;
}

/* --out DIR: a writable folder, or one that can be made in a writable one */
static int writable_dir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return fail("--out %s: %s", dir, "not a folder");
		if (access(dir, W_OK | X_OK) < 0)
			return fail("--out %s: %s", dir, strerror(errno));
		return 0;
	}
	return writable_file(dir);
}

static int parse(struct input *in, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int rc;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(USAGE, stdout);
			return 0 - 1;   /* done, exit 0 */
		} else if (!strcmp(a, "--check")) {
			in->check = 1;
		} else if (!strcmp(a, "--against")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return fail("--against wants a [NAME=]PROFILE");
			if (in->nref == MAXK)
				return fail("at most %d --against", MAXK);
			in->ref_arg[in->nref++] = argv[++i];
		} else if (!strcmp(a, "--out") || !strcmp(a, "--baseline") ||
			   !strcmp(a, "--update-baseline")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return fail("%s wants a %s", a, a[2] == 'o' ? "folder" : "file");
			const char **to = a[2] == 'o' ? &in->out : a[2] == 'b' ? &in->base_path
									  : &in->update;
			*to = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			return fail("unknown option %s (see ancdata report --help)", a);
		} else if ((rc = read_profile(in, a))) {
			return rc;
		}
	}
	if (in->nk < 1 && !in->check)
		return fail("wants at least one PROFILE (see ancdata report --help)");
	if (in->base_path && read_baseline(in))
		return 2;
	if (read_refs(in))
		return 2;
	if (in->out && writable_dir(in->out))
		return 2;
	if (in->update && writable_file(in->update))
		return 2;
	return 0;
}

static int put_file(const char *dir, const char *name, const char *text)
{
	char *path;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return fail("out of memory");
	int bad = io_write_atomic(path, text, strlen(text)) < 0;
	if (bad)
		fail("cannot write %s: %s", path, strerror(errno));
	free(path);
	return bad ? 2 : 0;
}

static int put_all(const struct input *in, const struct report_result *r)
{
	if (in->out) {
		if (mkdir(in->out, 0755) < 0 && errno != EEXIST)
			return fail("cannot make %s: %s", in->out, strerror(errno));
		if (put_file(in->out, "report.md", r->md) || put_file(in->out, "report.html", r->html) ||
		    put_file(in->out, "report.xml", r->xml))
			return 2;
	}
	if (in->update) {
		char *text = json_dumps(r->baseline, JSON_INDENT(1) | JSON_SORT_KEYS);
		int bad = !text || io_write_atomic(in->update, text, strlen(text)) < 0;
		free(text);
		if (bad)
			return fail("cannot write %s: %s", in->update, strerror(errno));
	}
	if (fputs(r->md, stdout) == EOF || fflush(stdout) == EOF)
		return fail("cannot print the report: %s", strerror(errno));
	return 0;
}

int cli_report(int argc, char **argv)
{
	static struct input in;
	struct report_result r;
	int rc = parse(&in, argc, argv);
	if (rc == -1)
		rc = 0;   /* --help */
	else if (!rc && !in.check) {
		if (report_make(in.k, in.nk, in.base, in.base_path, in.ref, in.nref, &r) < 0) {
			rc = fail("out of memory");
		} else {
			rc = put_all(&in, &r);
			if (!rc)
				rc = report_failed(&r);
			report_result_free(&r);
		}
	}
	for (int i = 0; i < in.nk; i++) {
		sc_profile_free(&in.p[i]);
		free(in.names[i]);
	}
	for (int f = 0; f < in.nref; f++)
		sc_profile_free(&in.refp[f]);
	json_decref(in.base);
	memset(&in, 0, sizeof in);
	return rc;
}
