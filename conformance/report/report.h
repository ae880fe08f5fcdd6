/* report.h - kernel behaviour profiles compared, written in memory as
 * Markdown, HTML and JUnit XML (the `ancdata report` command writes them to
 * files; the report_write fuzz target parses them).
 *
 * A row is anything whose value is not the same on every kernel: a case
 * (its status, or the observation of any step), a measured limit, a probed
 * feature.  The verdict fails on a failed (or errored) case, a kernel
 * error, and a row the baseline does not expect; each is listed with its
 * reason; so does a row of a kernel that differs from its reference (a
 * saved profile of the same kernel, --against).  The environment (rlimits,
 * LSMs, CPUs...) is shown, never compared.  A case that fails on one kernel while its row differs exactly
 * as the baseline expects is a known failure: listed, never hidden, not
 * failing the verdict. */
#ifndef ANCDATA_REPORT_H
#define ANCDATA_REPORT_H
#include <jansson.h>

#include "profile_read.h"

#define REPORT_MAX_KERNELS 16

struct report_kernel {
	const char *name;              /* the column's name; unique */
	const struct sc_profile *p;
};

/* a saved profile of the same kernel (an earlier run): each of its rows
 * that the kernel's differs from now is a change and fails the verdict */
struct report_ref {
	int kernel;                    /* the column it is the reference of */
	const char *path;              /* named in the text */
	const struct sc_profile *p;
};

struct report_result {
	char *md, *html, *xml;         /* malloc'd */
	json_t *baseline;              /* the rows of this run as a baseline */
	int ndiff;                     /* rows that differ */
	int nnew;                      /* of them, not expected by the baseline */
	int nfailed;                   /* failed or errored cases, all kernels,
					  but for the known ones */
	int nknown;                    /* failed cases whose row the baseline
					  expects (a known kernel difference) */
	int nkerrors;                  /* kernels with a kernel error */
	int nchanged;                  /* rows that differ from a reference */
};

/* baseline: the "expected" rows of a baseline file (NULL: none), named
 * baseline_name in the text; refs: at most one reference a kernel.
 * 0, or -1 when out of memory. */
int report_make(const struct report_kernel *k, int nk, const json_t *baseline,
		const char *baseline_name, const struct report_ref *refs, int nrefs,
		struct report_result *r);
void report_result_free(struct report_result *r);
/* 1 when the verdict fails: a failed case, a kernel error, a new row or a
 * row changed against a reference */
int report_failed(const struct report_result *r);
#endif
