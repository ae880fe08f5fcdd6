/* test_profile.c - the profile's measurements leak no fd on their error
 * paths: with one fd left under RLIMIT_NOFILE, open("/dev/null") succeeds
 * and socketpair fails (scm_max_fd once kept the /dev/null fd then). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <sys/resource.h>

#include "profile.h"

static int open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	cr_assert_not_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3;   /* ".", ".." and the folder's own fd */
}

Test(profile, limits_leak_no_fd_when_socketpair_fails)
{
	struct rlimit old, low;
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	int before = open_fds();
	char open_[4096] = { 0 };
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self = dirfd(d);
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd != self && fd < (int)sizeof open_)
			open_[fd] = 1;
	}
	closedir(d);
	/* the lowest limit that leaves exactly one fd free */
	rlim_t limit = 0;
	for (int free_ = 0; free_ < 1; limit++)
		free_ += !open_[limit];
	low = old;
	low.rlim_cur = limit;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	json_t *j = sc_limits_json();
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	json_decref(j);
	cr_assert_eq(open_fds(), before, "%d fds open after sc_limits_json, %d before",
		     open_fds(), before);
}

/* ---- the environment, apart from the kernel ---------------------------- */
#include <string.h>
#include <unistd.h>

#include "profile_read.h"

static const char *kv(const struct sc_kv *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return v[i].value;
	return NULL;
}

/* the environment has its own section, never in limits; numbers are JSON
 * numbers; the LSMs are never null */
Test(profile, environment_apart_from_limits)
{
	json_t *env = sc_environment_json(), *lim = sc_limits_json();
	cr_assert_not_null(env);
	cr_assert_not_null(lim);
	cr_assert(json_is_integer(json_object_get(json_object_get(env, "rlimit_nofile"), "soft")));
	cr_assert(json_is_string(json_object_get(env, "lsm")), "lsm is never null");
	cr_assert(json_is_boolean(json_object_get(env, "pid1")));
	cr_assert(json_is_integer(json_object_get(env, "cpus_online")));
	cr_assert(json_is_integer(json_object_get(json_object_get(env, "hz"), "user_hz")));
	cr_assert_null(json_object_get(lim, "rlimit_nofile"));
	cr_assert_null(json_object_get(lim, "lsm"));
	cr_assert_null(json_object_get(lim, "euid"));
	json_t *opt = json_object_get(lim, "optmem_max");
	cr_assert(json_is_integer(opt) || (json_is_null(opt) && access("/proc/sys/net/core/optmem_max", R_OK)),
		  "optmem_max is a number");
	json_decref(env);
	json_decref(lim);
}

/* a profile of the earlier layout reads as one of now, and round-trips */
Test(profile, earlier_layout_reads_as_now)
{
	static const char old[] =
		"{\"format\": \"ancdata-profile/1\", \"kernel\": {\"release\": \"6.1\"},"
		" \"limits\": {\"scm_max_fd\": 253, \"optmem_max\": \"20480\","
		"  \"rlimit_nofile\": {\"soft\": 1024, \"hard\": 4096}, \"lsm\": null, \"euid\": 0},"
		" \"cases\": [{\"id\": \"a\", \"status\": \"pass\", \"elapsed_us\": 7, \"user\": true}]}";
	struct sc_profile p, q;
	char err[256];
	cr_assert_eq(sc_profile_read(old, strlen(old), &p, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(kv(p.limits, p.nlimits, "optmem_max"), "20480");
	cr_assert_null(kv(p.limits, p.nlimits, "rlimit_nofile.soft"));
	cr_assert_str_eq(kv(p.env, p.nenv, "rlimit_nofile.soft"), "1024");
	cr_assert_str_eq(kv(p.env, p.nenv, "lsm"), "null");
	cr_assert_eq(p.cases[0].elapsed_us, 7);
	cr_assert_eq(p.cases[0].user, 1);
	char *again = sc_profile_write(&p);
	cr_assert_not_null(again);
	cr_assert_eq(sc_profile_read(again, strlen(again), &q, err, sizeof err), 0, "%s", err);
	cr_assert(sc_profile_equal(&p, &q), "%s", again);
	free(again);
	sc_profile_free(&p);
	sc_profile_free(&q);
}

/* a bad elapsed_us or user is refused with a line naming the case */
Test(profile, bad_time_or_user_refused)
{
	static const char *const bad[] = {
		"{\"format\": \"ancdata-profile/1\", \"kernel\": {\"release\": \"6.1\"},"
		" \"cases\": [{\"id\": \"a\", \"status\": \"pass\", \"elapsed_us\": -1}]}",
		"{\"format\": \"ancdata-profile/1\", \"kernel\": {\"release\": \"6.1\"},"
		" \"cases\": [{\"id\": \"a\", \"status\": \"pass\", \"user\": 1}]}",
		"{\"format\": \"ancdata-profile/1\", \"kernel\": {\"release\": \"6.1\"},"
		" \"environment\": 3, \"cases\": []}" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sc_profile p;
		char err[256];
		cr_assert_eq(sc_profile_read(bad[i], strlen(bad[i]), &p, err, sizeof err), -1,
			     "%s", bad[i]);
		cr_assert_null(strchr(err, '\n'));
	}
}
