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
