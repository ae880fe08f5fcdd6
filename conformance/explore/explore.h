/* explore.h - differential exploration: random scenarios run on several
 * kernels, compared step by step and field by field, minimised, clustered.
 *
 * One job a file: gen.c (scenarios, deterministic for a seed), compare.c
 * (profiles -> differences, unstable fields left out), shrink.c
 * (minimisation candidates), findings.c (clusters -> .case files and the
 * findings report), explore_cli.c (ancdata explore ...).  The scenarios
 * are struct scenario, written with sc_print; ci/explore runs each batch
 * on every kernel through ci/kernels. */
#ifndef ANCDATA_EXPLORE_H
#define ANCDATA_EXPLORE_H
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "profile_read.h"

/* a small deterministic generator (splitmix64) */
struct ex_rng { uint64_t s; };
uint64_t ex_next(struct ex_rng *r);
unsigned ex_below(struct ex_rng *r, unsigned n);   /* 0 .. n-1 */

/* A fresh random scenario (pair mode, every step non-blocking). */
void ex_gen_random(struct ex_rng *r, struct scenario *sc);
/* sc changed a little: a step removed, added, doubled or redrawn */
void ex_mutate(struct ex_rng *r, struct scenario *sc);
/* sc never waits: every send and receive non-blocking, a gc made a check */
void ex_nonblocking(struct scenario *sc);
/* sc made runnable after steps were moved: pipes renumbered in the order
 * the sends make them, expectations, requires and tags dropped; 0, or -1
 * when it cannot be made valid (print and parse again disagree) */
int ex_normalise(struct scenario *sc);

/* One difference: a step whose fields (those stable on every kernel) are
 * not the same on all of them: field[f] is the name of a differing field,
 * values[k][f] kernel k's value of it.  A step that did not run on some
 * kernel differs in "ret" only (its value says why it did not run). */
#define EX_MAX_KERNELS 8
#define EX_MAX_FIELDS 12
struct ex_diff {
	char id[64];
	int step;
	char op[16];
	int nf;
	const char *field[EX_MAX_FIELDS];
	char *values[EX_MAX_KERNELS][EX_MAX_FIELDS];
};
struct ex_diffs {
	size_t n, cap;
	struct ex_diff *d;
	size_t compared, unstable;   /* scenarios compared; fields unstable */
};
/* profiles[0] is the reference.  Case ids are user/BASE_r1 and BASE_r2:
 * the two runs of one scenario.  Adds every difference to out; signature
 * lines of never-seen observations go to novel (callback may be NULL). */
int ex_compare(const struct sc_profile *profiles, int nk, struct ex_diffs *out,
	       void (*novel)(const char *base, uint64_t sig, void *arg), void *arg);
void ex_diffs_free(struct ex_diffs *d);
/* the cluster signature of a difference: "op TAB field,field... TAB
 * name=value / value... TAB ..." (flags as what each kernel has more (+X)
 * or less (-X) than the reference, so that one flag's difference is one
 * cluster) */
void ex_signature(const struct ex_diff *d, char names[][64], int nk, char *out, size_t len);

/* Minimisation candidates of sc (each smaller: a step gone, an item gone,
 * an argument made plainer), each given to emit; returns how many, or -1
 * when emit failed. */
int ex_shrink_candidates(const struct scenario *sc,
			 int (*emit)(struct scenario *c, void *arg), void *arg);
/* how big a scenario is: steps first, then arguments */
long ex_size(const struct scenario *sc);

/* ancdata explore SUBCOMMAND ... */
int cli_explore(int argc, char **argv);
#endif
