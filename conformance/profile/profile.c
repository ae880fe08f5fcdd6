/* profile.c - the kernel behaviour profile: who the kernel is, the limits
 * it enforces (measured), the options and SCM types it offers (probed),
 * and the status and observation of every case. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "ancdata.h"
#include "cases.h"
#include "feature_probe.h"
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

json_t *sc_limits_json(void)
{
	json_t *j = json_object();
	struct rlimit r;
	int bad = 0;
	set(j, "scm_max_fd", json_integer(scm_max_fd()), &bad);
	set(j, "enobufs_controllen", json_integer(enobufs_controllen()), &bad);
	set(j, "optmem_max", file_line("/proc/sys/net/core/optmem_max"), &bad);
	if (getrlimit(RLIMIT_NOFILE, &r) == 0) {
		json_t *n = json_object();
		set(n, "soft", json_integer((json_int_t)r.rlim_cur), &bad);
		set(n, "hard", json_integer((json_int_t)r.rlim_max), &bad);
		set(j, "rlimit_nofile", n, &bad);
	}
	set(j, "lsm", file_line("/sys/kernel/security/lsm"), &bad);
	set(j, "euid", json_integer(geteuid()), &bad);
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

json_t *sc_profile(const char *filter, int *failed)
{
	static struct scenario sc;
	static struct sc_result res;
	json_t *p = json_object(), *cases = json_array();
	int count[4] = { 0 }, bad = 0;
	char err[256];
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	set(p, "format", json_string("ancdata-profile/1"), &bad);
	set(p, "kernel", sc_kernel_json(), &bad);
	set(p, "limits", sc_limits_json(), &bad);
	set(p, "features", sc_features_json(), &bad);
	for (unsigned i = 0; i < sc_ncases; i++) {
		if (sc_parse(sc_cases[i].text, &sc, err, sizeof err) < 0) {
			append(cases, parse_error_json(sc_cases[i].file, err, &bad), &bad);
			count[SC_ERROR]++;
			continue;
		}
		if (filter && !strstr(sc.id, filter) && strcmp(sc.area, filter))
			continue;
		sc_run_isolated(&sc, NULL, &res);
		count[res.status]++;
		append(cases, sc_result_json(&sc, &res), &bad);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	set(p, "cases", cases, &bad);
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
