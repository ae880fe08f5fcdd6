/* profile.c - the kernel behaviour profile: who the kernel is, the limits
 * it enforces (measured), the options and SCM types it offers (probed),
 * and the status and observation of every case. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "ancdata.h"
#include "cases.h"
#include "feature_probe.h"
#include "files.h"
#include "json_text.h"
#include "obsjson.h"
#include "profile.h"

/* fds and files closed on every way out of a scope (systemd's _cleanup_) */
static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static void close_pair(int (*sv)[2])
{
	close_fd(&(*sv)[0]);
	close_fd(&(*sv)[1]);
}

static void close_file(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define AUTO_FD __attribute__((cleanup(close_fd)))
#define AUTO_PAIR __attribute__((cleanup(close_pair)))
#define AUTO_FILE __attribute__((cleanup(close_file)))

/* Every member set through here: a value that could not be made (out of
 * memory; text goes through io_json_text, so bytes that are not UTF-8 are
 * \xNN, never a NULL) or not set marks the object failed instead of
 * silently losing the key. */
static void set(json_t *o, const char *k, json_t *v, int *bad)
{
	if (!o || !v || json_object_set_new(o, k, v) < 0)
		*bad = 1;
}

static json_t *done(json_t *j, int bad)
{
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *file_line(const char *path)
{
	char buf[512];
	AUTO_FILE FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof buf, f))
		return json_null();
	buf[strcspn(buf, "\n")] = '\0';
	return io_json_text(buf);
}

/* Debian puts the package's point release in the kernel version string
 * (uname -v, also the end of /proc/version): "#1 SMP PREEMPT_DYNAMIC Debian
 * 6.1.192-2 (2025-...)".  Only there: earlier in /proc/version "Debian"
 * names the compiler's version. */
static json_t *point_release(const char *version)
{
	const char *d = version ? strstr(version, "Debian ") : NULL;
	char rel[64];
	if (!d || sscanf(d + 7, "%63s", rel) != 1)
		return json_null();
	return io_json_text(rel);
}

json_t *sc_kernel_json(void)
{
	struct utsname u;
	json_t *j = json_object();
	int bad = 0;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof u);
	set(j, "release", io_json_text(u.release), &bad);
	set(j, "version", io_json_text(u.version), &bad);
	set(j, "machine", io_json_text(u.machine), &bad);
	set(j, "point_release", point_release(u.version), &bad);
	set(j, "proc_version", file_line("/proc/version"), &bad);
	return done(j, bad);
}

/* The most fds one SCM_RIGHTS send takes (SCM_MAX_FD), by bisection. */
static int scm_max_fd(void)
{
	static int fds[4096];
	AUTO_FD int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	AUTO_PAIR int sv[2] = { -1, -1 };
	int lo = 0, hi = 4096;
	char sink[8];
	if (null < 0 || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	for (int i = 0; i < hi; i++)
		fds[i] = null;
	struct iovec iov = { "m", 1 };
	while (lo < hi) {   /* lo sends, hi+1 does not */
		int mid = (lo + hi + 1) / 2;
		if (ancdata_send_fds(sv[0], &iov, 1, fds, (size_t)mid, 0, NULL) == 1) {
			lo = mid;
			recv(sv[1], sink, sizeof sink, 0);   /* drops the fds */
		} else {
			hi = mid - 1;
		}
	}
	return lo;
}

/* The smallest control buffer the send side refuses with ENOBUFS
 * (net.core.optmem_max), by bisection over an ignored item that fills it. */
static long enobufs_controllen(void)
{
	AUTO_PAIR int sv[2] = { -1, -1 };
	long lo = 16, hi = 1L << 20;
	static unsigned char pad[1 << 20];
	char sink[8];
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	struct iovec iov = { "e", 1 };
	while (lo < hi) {   /* hi fails, lo succeeds */
		long mid = lo + (hi - lo) / 2;
		struct cmsghdr h = { .cmsg_len = (size_t)mid };
		memcpy(pad, &h, sizeof h);
		if (ancdata_sendmsg_raw(sv[0], &iov, 1, pad, (size_t)mid, 0, NULL, 0,
					NULL) == 1) {
			recv(sv[1], sink, sizeof sink, 0);
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo >= 1L << 20 ? -1 : lo;
}

/* a file's first line as a JSON number (a kernel's sysctl), or null */
static json_t *file_number(const char *path)
{
	char buf[64], *end;
	AUTO_FILE FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof buf, f))
		return json_null();
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	if (end == buf || (*end && *end != '\n') || errno)
		return json_null();
	return json_integer((json_int_t)v);
}

/* What the kernel enforces, measured: the same kernel gives the same
 * values wherever it runs (the environment's share is sc_environment_json) */
json_t *sc_limits_json(void)
{
	json_t *j = json_object();
	int bad = 0;
	set(j, "scm_max_fd", json_integer(scm_max_fd()), &bad);
	set(j, "enobufs_controllen", json_integer(enobufs_controllen()), &bad);
	set(j, "optmem_max", file_number("/proc/sys/net/core/optmem_max"), &bad);
	return done(j, bad);
}

static json_t *rlimit_json(int resource, int *bad)
{
	struct rlimit r;
	if (getrlimit(resource, &r) < 0)
		return json_null();
	json_t *n = json_object();
	set(n, "soft", r.rlim_cur == RLIM_INFINITY ? json_string("unlimited")
						  : json_integer((json_int_t)r.rlim_cur), bad);
	set(n, "hard", r.rlim_max == RLIM_INFINITY ? json_string("unlimited")
						  : json_integer((json_int_t)r.rlim_max), bad);
	return n;
}

/* The LSMs the kernel runs (securityfs); never null: a securityfs that is
 * not mounted says so */
static json_t *lsm_json(void)
{
	struct stat st;
	json_t *v = file_line("/sys/kernel/security/lsm");
	if (!json_is_null(v))
		return v;
	return json_string(stat("/sys/kernel/security", &st) == 0 && st.st_nlink > 2
				   ? "unknown (no /sys/kernel/security/lsm)"
				   : "unknown (securityfs not mounted)");
}

/* CONFIG_HZ from the kernel's own config, where it is to be found */
static json_t *config_hz(const char *release, int *bad)
{
	char path[320], line[128];
	json_t *o = json_object();
	snprintf(path, sizeof path, "/boot/config-%s", release);
	AUTO_FILE FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f)) {
		int hz;
		if (sscanf(line, "CONFIG_HZ=%d", &hz) == 1) {
			set(o, "value", json_integer(hz), bad);
			set(o, "source", io_json_text(path), bad);
			return o;
		}
	}
	set(o, "value", json_null(), bad);
	set(o, "source", json_string("unknown (no /boot/config-RELEASE)"), bad);
	return o;
}

/* a cheap hint of a container, or null */
static json_t *container_hint(void)
{
	const char *c = getenv("container");   /* systemd-nspawn, podman, lxc */
	if (c && *c)
		return io_json_text(c);
	if (access("/.dockerenv", F_OK) == 0)
		return json_string("docker (/.dockerenv)");
	if (access("/run/.containerenv", F_OK) == 0)
		return json_string("podman (/run/.containerenv)");
	return json_null();
}

json_t *sc_environment_json(void)
{
	json_t *j = json_object(), *hz = json_object();
	struct utsname u;
	int bad = 0;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof u);
	set(j, "euid", json_integer(geteuid()), &bad);
	set(j, "pid1", json_boolean(getpid() == 1), &bad);
	set(j, "rlimit_nofile", rlimit_json(RLIMIT_NOFILE, &bad), &bad);
	set(j, "rlimit_memlock", rlimit_json(RLIMIT_MEMLOCK, &bad), &bad);
	set(j, "lsm", lsm_json(), &bad);
	set(j, "cpus_online", json_integer(sysconf(_SC_NPROCESSORS_ONLN)), &bad);
	set(hz, "user_hz", json_integer(sysconf(_SC_CLK_TCK)), &bad);
	set(hz, "user_hz_source", json_string("sysconf(_SC_CLK_TCK): the unit of /proc/self/stat "
					      "times, not CONFIG_HZ"), &bad);
	set(hz, "config_hz", config_hz(u.release, &bad), &bad);
	set(j, "hz", hz, &bad);
	set(j, "container", container_hint(), &bad);
	return done(j, bad);
}

static json_t *sockopt_json(const struct sc_name *o, int *bad)
{
	json_t *e = json_object();
	AUTO_FD int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int v = 0;
	socklen_t len = sizeof v;
	int exists = sc_sockopt_exists((int)o->value);
	set(e, "exists", json_boolean(exists), bad);
	if (exists && s >= 0 && getsockopt(s, SOL_SOCKET, (int)o->value, &v, &len) == 0 &&
	    len == sizeof v)
		set(e, "default", json_integer(v), bad);
	return e;
}

/* which SCM types the send side takes (EINVAL: unknown or receive-only);
 * payloads of a plausible size */
static json_t *scm_send_json(int *bad)
{
	json_t *scm = json_object();
	AUTO_PAIR int sv[2] = { -1, -1 };
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return scm;
	for (const struct sc_name *t = sc_types; t->name; t++) {
		struct ucred c = { getpid(), getuid(), getgid() };
		struct ancdata_cmsg item = { SOL_SOCKET, (int)t->value, &c,
					     t->value == SCM_CREDENTIALS ? sizeof c : sizeof(int) };
		int fd = -1;
		if (t->value == SCM_RIGHTS)
			item.data = &fd, item.len = 0;
		struct iovec iov = { "s", 1 };
		ssize_t n = ancdata_sendmsg(sv[0], &iov, 1, &item, 1, 0, NULL, 0, NULL, 0, NULL);
		char sink[8];
		if (n == 1)
			recv(sv[1], sink, sizeof sink, 0);
		set(scm, t->name, io_json_text(n == 1 ? "sendable" : sc_errname(n)), bad);
	}
	return scm;
}

json_t *sc_features_json(void)
{
	json_t *j = json_object(), *opts = json_object();
	int bad = 0;
	for (const struct sc_name *o = sc_sockopts; o->name; o++)
		set(opts, o->name, sockopt_json(o, &bad), &bad);
	set(j, "sockopts", opts, &bad);
	set(j, "UNIX_OOB", json_boolean(sc_unix_oob()), &bad);
	set(j, "scm_send", scm_send_json(&bad), &bad);
	return done(j, bad);
}

static json_t *parse_error_json(const char *file, const char *err, int *bad)
{
	json_t *c = json_object();
	set(c, "id", io_json_text(file), bad);
	set(c, "status", json_string("error"), bad);
	set(c, "why", io_json_text(err), bad);
	return c;
}

static void append(json_t *a, json_t *v, int *bad)
{
	if (!a || !v || json_array_append_new(a, v) < 0)
		*bad = 1;
}

/* ---- a user's case files ------------------------------------------------ */
static int user_add(struct sc_user_cases *uc, const char *path, char *err, size_t len)
{
	static struct scenario sc;
	char e[400];
	char *text = io_read_file(path, 1 << 20, e, sizeof e);
	if (!text) {
		snprintf(err, len, "%s", e);
		return -1;
	}
	if (sc_parse(text, &sc, e, sizeof e) < 0) {
		snprintf(err, len, "%s: %s", path, e);
		free(text);
		return -1;
	}
	for (size_t i = 0; i < uc->n; i++)
		if (!strcmp(uc->c[i].id, sc.id)) {
			snprintf(err, len, "%s: id %s is also the id of %s", path, sc.id,
				 uc->c[i].file);
			free(text);
			return -1;
		}
	struct sc_user_case *g = realloc(uc->c, (uc->n + 1) * sizeof *g);
	if (!g) {
		free(text);
		snprintf(err, len, "out of memory");
		return -1;
	}
	uc->c = g;
	g[uc->n] = (struct sc_user_case){ strdup(path), text, strdup(sc.id) };
	if (!g[uc->n++].file || !g[uc->n - 1].id) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_case_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".case");
}

/* a folder: its *.case files, in name order (none: an error) */
static int user_dir(struct sc_user_cases *uc, const char *dir, char *err, size_t len)
{
	struct dirent **names;
	int n = scandir(dir, &names, is_case_file, by_name), rc = 0;
	if (n < 0) {
		snprintf(err, len, "cannot read the folder %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!n) {
		snprintf(err, len, "%s: no .case file in this folder", dir);
		rc = -1;
	}
	for (int i = 0; i < n; i++) {
		char *path = NULL;
		if (!rc && asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0)
			snprintf(err, len, "out of memory"), rc = -1;
		if (!rc)
			rc = user_add(uc, path, err, len);
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int sc_user_cases_load(char *const *paths, int n, struct sc_user_cases *uc, char *err,
		       size_t len)
{
	for (int i = 0; i < n; i++) {
		struct stat st;
		int rc = stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)
				 ? user_dir(uc, paths[i], err, len)
				 : user_add(uc, paths[i], err, len);
		if (rc < 0)
			return -1;
	}
	return 0;
}

void sc_user_cases_free(struct sc_user_cases *uc)
{
	for (size_t i = 0; i < uc->n; i++)
		free(uc->c[i].file), free(uc->c[i].text), free(uc->c[i].id);
	free(uc->c);
	memset(uc, 0, sizeof *uc);
}

static int matches(const struct scenario *sc, const char *id, const char *filter)
{
	return !filter || strstr(id, filter) || !strcmp(sc->area, filter);
}

/* The cases a profile runs, in order: the built-in ones, then the user's
 * (their ids "user/ID"), those the filter names; a text that does not
 * parse is kept as such and reported in its place. */
struct entry {
	const char *text, *file;
	int user;
};
struct plan {
	struct entry *e;
	size_t n;
	json_t *cases;
	size_t shown;          /* entries appended to cases so far */
	int count[4], bad;
};

static const struct scenario *plan_scenario(size_t i, void *arg)
{
	static struct scenario sc;
	struct plan *pl = arg;
	char err[256];
	return sc_parse(pl->e[i].text, &sc, err, sizeof err) < 0 ? NULL : &sc;
}

/* the entries before i that did not parse, in their place */
static void parse_errors_upto(struct plan *pl, size_t i)
{
	static struct scenario sc;
	char err[256];
	for (; pl->shown < i; pl->shown++)
		if (sc_parse(pl->e[pl->shown].text, &sc, err, sizeof err) < 0) {
			append(pl->cases, parse_error_json(pl->e[pl->shown].file, err, &pl->bad),
			       &pl->bad);
			pl->count[SC_ERROR]++;
		}
}

/* one case's result, with its time; a user's case is marked as one and
 * its id kept apart from the built-in ones ("user/ID") */
static void case_done(size_t i, const struct scenario *sc, const struct sc_result *res,
		      long long us, void *arg)
{
	struct plan *pl = arg;
	parse_errors_upto(pl, i);
	pl->shown = i + 1;
	pl->count[res->status]++;
	json_t *c = sc_result_json(sc, res);
	if (c && pl->e[i].user) {
		char id[sizeof sc->id + 8];
		snprintf(id, sizeof id, "user/%s", sc->id);
		set(c, "id", io_json_text(id), &pl->bad);
		set(c, "user", json_true(), &pl->bad);
	}
	if (c)
		set(c, "elapsed_us", json_integer(us), &pl->bad);
	else
		pl->bad = 1;
	append(pl->cases, c, &pl->bad);
}

static int plan_add(struct plan *pl, size_t cap, const char *text, const char *file, int user,
		    const char *filter)
{
	static struct scenario sc;
	char err[256], id[sizeof sc.id + 8];
	if (sc_parse(text, &sc, err, sizeof err) == 0) {
		snprintf(id, sizeof id, "%s%s", user ? "user/" : "", sc.id);
		if (!matches(&sc, id, filter))
			return 0;
	}
	if (pl->n == cap)
		return -1;
	pl->e[pl->n++] = (struct entry){ text, file, user };
	return 0;
}

json_t *sc_profile_with(const char *filter, const struct sc_user_cases *user, long step_ms,
			int *failed)
{
	json_t *p = json_object();
	struct plan pl = { .cases = json_array() };
	size_t cap = sc_ncases + (user ? user->n : 0);
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	set(p, "format", json_string("ancdata-profile/1"), &pl.bad);
	set(p, "kernel", sc_kernel_json(), &pl.bad);
	set(p, "environment", sc_environment_json(), &pl.bad);
	set(p, "limits", sc_limits_json(), &pl.bad);
	set(p, "features", sc_features_json(), &pl.bad);
	if (!(pl.e = calloc(cap ? cap : 1, sizeof *pl.e)))
		pl.bad = 1;
	for (unsigned i = 0; pl.e && i < sc_ncases; i++)
		plan_add(&pl, cap, sc_cases[i].text, sc_cases[i].file, 0, filter);
	for (size_t i = 0; pl.e && user && i < user->n; i++)
		plan_add(&pl, cap, user->c[i].text, user->c[i].file, 1, filter);
	/* one runner child for the lot, a new one only after a crash or a hang */
	sc_run_all(pl.n, plan_scenario, NULL, step_ms, case_done, &pl);
	parse_errors_upto(&pl, pl.n);
	free(pl.e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int bad = pl.bad, *count = pl.count;
	set(p, "cases", pl.cases, &bad);
	json_t *sum = json_object();
	for (int s = 0; s < 4; s++)
		set(sum, sc_status_names[s], json_integer(count[s]), &bad);
	set(sum, "total", json_integer(count[0] + count[1] + count[2] + count[3]), &bad);
	set(p, "summary", sum, &bad);
	json_t *tm = json_object();
	set(tm, "elapsed_ms",
	    json_integer((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000),
	    &bad);
	set(p, "timing", tm, &bad);
	*failed = count[SC_FAIL] + count[SC_ERROR];
	return done(p, bad);
}

json_t *sc_profile(const char *filter, int *failed)
{
	return sc_profile_with(filter, NULL, 0, failed);
}
