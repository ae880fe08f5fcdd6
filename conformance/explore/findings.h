/* findings.h - differences clustered, minimised and written as findings
 * (the state lives in OUT/clusters.tsv and OUT/clusters/). */
#ifndef ANCDATA_FINDINGS_H
#define ANCDATA_FINDINGS_H
#include "explore.h"

/* a scenario written as DIR/ID.case (sc_print, comment lines first) */
int ex_write_case(const char *dir, const char *id, struct scenario *sc, const char *comment);
int ex_read_case(const char *file, struct scenario *sc);
/* the *.case files of dir removed */
void ex_clear_cases(const char *dir);
/* OUT/diffs.tsv clustered by signature (op, field, every kernel's value),
 * (of each scenario only its first differing step: the rest follows from
 * it), one representative each, the smallest; writes the first round of
 * minimisation candidates into OUT/batch.  Candidates, or -1. */
int ex_clusters_start(const char *out);
/* one minimisation round judged from the batch's profiles; the next
 * round's candidates written.  Candidates, or -1. */
int ex_shrink_round(const char *out, const struct sc_profile *pr, char names[][64], int nk);
/* OUT/findings.{md,json,html} and OUT/findings/explore_K.case; 1 when a
 * finding is new or does not reproduce, 0 when none is, -1 on an error.
 * With the profiles of OUT/findings/ run on every kernel (nk > 0), each
 * finding says whether it reproduces: its case holds on the reference and
 * on every kernel that saw what the reference saw, and does not hold on
 * the others (what ancdata probe --kernel K says of it). */
int ex_findings(const char *out, const struct sc_profile *pr, char names[][64], int nk);
#endif
