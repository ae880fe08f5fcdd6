/* profile.h - the kernel behaviour profile. */
#ifndef ANCDATA_PROFILE_H
#define ANCDATA_PROFILE_H
#include <jansson.h>
/* A user's case files (ancdata profile --cases): each read and parsed
 * before anything runs; their ids are kept apart in the profile as
 * "user/ID", each case marked "user": true. */
struct sc_user_case {
	char *file, *text, *id;
};
struct sc_user_cases {
	size_t n;
	struct sc_user_case *c;
};
/* FILE or DIR (its *.case files) each: 0, or -1 with one line in err
 * naming the file and the problem (unreadable, not a scenario, an id twice) */
int sc_user_cases_load(char *const *paths, int n, struct sc_user_cases *uc, char *err,
		       size_t len);
void sc_user_cases_free(struct sc_user_cases *uc);

/* Runs every compiled-in case whose id contains filter (NULL: all);
 * then the user's (NULL: none) likewise; *failed counts fail and error.  Each returns NULL only when a value
 * could not be made (out of memory): no key is ever silently left out. */
/* step_ms: how long a step may take before its case counts as hung (0: 10 s) */
json_t *sc_profile_with(const char *filter, const struct sc_user_cases *user, long step_ms,
			int *failed);
json_t *sc_profile(const char *filter, int *failed);   /* no user cases */
json_t *sc_kernel_json(void);
json_t *sc_limits_json(void);
json_t *sc_features_json(void);
/* not the kernel: rlimits, euid, process 1 or not, LSMs, CPUs, HZ */
json_t *sc_environment_json(void);
#endif
