/* ktap.c - the profile as KTAP version 1 (Documentation/dev-tools/ktap.rst):
 *
 *   KTAP version 1
 *   # ancdata kernel behaviour profile: 6.18.44 x86_64
 *   1..5
 *     KTAP version 1
 *     1..86
 *     ok 1 trunc_rights1_anc0
 *     # line 9: flags: expected CTRUNC, observed 0
 *     not ok 2 trunc_rights1_anc1
 *     ok 3 feat_rights_notrunc # SKIP unsupported: SO_RIGHTS_NOTRUNC
 *     not ok 4 cleanup_gc_self_cycle # ERROR the runner died of signal 9
 *   not ok 1 truncation
 *   ...
 *
 * One subtest per area in the order of sc_area_names, one result per case
 * in the profile's order.  A failed case is "not ok" with its first
 * mismatch as a diagnostic line before it; a case the runner could not
 * finish is "not ok ... # ERROR"; an unsupported one "ok ... # SKIP" with
 * the reason.  An area fails when one of its cases does.  Text from the
 * profile goes on one line with no '#' in a description and no control
 * characters anywhere. */
#include <string.h>

#include "ktap.h"
#include "names.h"

/* s on one line: control characters (newlines too) become spaces */
static void one_line(FILE *out, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, out);
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* the area a case is reported under: its own, or "other" (a case the
 * profile could not even parse has none) */
static const char *area_of(json_t *c)
{
	const char *a = str(c, "area");
	return sc_index_of(sc_area_names, a) >= 0 ? a : "other";
}

static size_t count_area(json_t *cases, const char *area)
{
	size_t i, n = 0;
	json_t *c;
	json_array_foreach(cases, i, c)
		n += !strcmp(area_of(c), area);
	return n;
}

/* the cases of one area as a subtest, then its own result line */
static int area_ktap(json_t *cases, const char *area, int number, FILE *out)
{
	size_t i, n = count_area(cases, area), k = 0;
	json_t *c;
	int bad = 0;

	fprintf(out, "  KTAP version 1\n  1..%zu\n", n);
	json_array_foreach(cases, i, c) {
		const char *st = str(c, "status"), *why = str(c, "why");
		if (strcmp(area_of(c), area))
			continue;
		k++;
		if (!strcmp(st, "fail")) {
			fputs("  # ", out);
			one_line(out, why);
			fputc('\n', out);
		}
		int ok = !strcmp(st, "pass") || !strcmp(st, "skip");
		bad += !ok;
		fprintf(out, "  %s %zu ", ok ? "ok" : "not ok", k);
		for (const char *d = str(c, "id"); *d; d++)   /* ids are [A-Za-z0-9_] */
			fputc(*d == '#' || (unsigned char)*d < 0x20 ? '_' : *d, out);
		if (!strcmp(st, "skip") || !strcmp(st, "error")) {
			fputs(!strcmp(st, "skip") ? " # SKIP " : " # ERROR ", out);
			one_line(out, why);
		}
		fputc('\n', out);
	}
	fprintf(out, "%s %d %s%s\n", bad ? "not ok" : "ok", number, area,
		n ? "" : " # SKIP no case in this area");
	return bad;
}

int sc_profile_ktap(json_t *profile, FILE *out)
{
	json_t *cases = json_object_get(profile, "cases");
	json_t *kernel = json_object_get(profile, "kernel");
	int areas = 0, bad = 0, other = 0;
	size_t i;
	json_t *c;

	if (!json_is_array(cases))
		return -1;
	for (int a = 0; sc_area_names[a]; a++)
		areas++;
	json_array_foreach(cases, i, c)
		other |= !strcmp(area_of(c), "other");
	fputs("KTAP version 1\n# ancdata kernel behaviour profile: ", out);
	one_line(out, str(kernel, "release"));
	fputc(' ', out);
	one_line(out, str(kernel, "machine"));
	fprintf(out, "\n1..%d\n", areas + other);
	for (int a = 0; sc_area_names[a]; a++)
		bad += area_ktap(cases, sc_area_names[a], a + 1, out);
	if (other)
		bad += area_ktap(cases, "other", areas + 1, out);
	return bad;
}
