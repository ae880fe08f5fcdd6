/* profile_read.h - a kernel behaviour profile read back from its JSON:
 * what reports compare.  Every string is owned by the struct. */
#ifndef ANCDATA_PROFILE_READ_H
#define ANCDATA_PROFILE_READ_H
#include <stddef.h>

struct sc_kv {
	char *key, *value;          /* value: JSON text of a scalar */
};

struct sc_pcase {
	char *id, *area, *purpose, *status, *why;
	size_t nobs;
	char **obs;                 /* each step's observation, expect syntax */
	char **obs_op;              /* each step's operation ("recv"; NULL: not
				       recorded) */
	size_t ntags;
	char **tags;
	long long elapsed_us;       /* the run's time; -1: not recorded */
	int user;                   /* a user's case (profile --cases) */
};

struct sc_profile {
	char *release, *version, *machine, *point_release;
	/* a guest that panicked, hung or printed no (or a broken) profile:
	 * why (NULL: none), and the tail of its console */
	char *kernel_error, *console_tail;
	size_t nlimits, nfeatures, nenv;
	struct sc_kv *limits, *features;   /* flattened: "sockopts.SO_INQ.exists" */
	struct sc_kv *env;          /* the environment, not the kernel: shown,
				       never compared */
	size_t ncases;
	struct sc_pcase *cases;
};

/* 0, or -1 with one line in err naming what is wrong (and where).
 * A profile from before the environment section (no "environment") is read
 * as one of now: its limits' rlimit_nofile, lsm and euid are the
 * environment, its optmem_max text a number (the format is the same,
 * ancdata-profile/1: every addition is one an older reader ignores). */
int sc_profile_read(const char *text, size_t len, struct sc_profile *p,
		    char *err, size_t errlen);
/* The profile as JSON again (malloc'd); reading it
 * gives the same. */
char *sc_profile_write(const struct sc_profile *p);
int sc_profile_equal(const struct sc_profile *a, const struct sc_profile *b);
void sc_profile_free(struct sc_profile *p);
const struct sc_pcase *sc_profile_case(const struct sc_profile *p, const char *id);
#endif
