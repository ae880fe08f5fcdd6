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
#include "obsjson.h"
#include "profile.h"

static json_t *file_line(const char *path)
{
	char buf[512];
	FILE *f = fopen(path, "r");
	if (!f)
		return json_null();
	if (!fgets(buf, sizeof buf, f)) {
		fclose(f);
		return json_null();
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return json_string(buf);
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
	return json_string(rel);
}

json_t *sc_kernel_json(void)
{
	struct utsname u;
	json_t *j = json_object(), *pv = file_line("/proc/version");
	uname(&u);
	json_object_set_new(j, "release", json_string(u.release));
	json_object_set_new(j, "version", json_string(u.version));
	json_object_set_new(j, "machine", json_string(u.machine));
	json_object_set_new(j, "point_release", point_release(u.version));
	json_object_set_new(j, "proc_version", pv);
	return j;
}

/* The most fds one SCM_RIGHTS send takes (SCM_MAX_FD), by bisection. */
static int scm_max_fd(void)
{
	static int fds[4096];
	int sv[2], lo = 0, hi = 4096, null = open("/dev/null", O_RDONLY);
	char sink[8];
	if (null < 0 || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
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
	close(sv[0]);
	close(sv[1]);
	close(null);
	return lo;
}

/* The smallest control buffer the send side refuses with ENOBUFS
 * (net.core.optmem_max), by bisection over an ignored item that fills it. */
static long enobufs_controllen(void)
{
	int sv[2];
	long lo = 16, hi = 1L << 20;
	static unsigned char pad[1 << 20];
	char sink[8];
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
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
	close(sv[0]);
	close(sv[1]);
	return lo >= 1L << 20 ? -1 : lo;
}

json_t *sc_limits_json(void)
{
	json_t *j = json_object();
	struct rlimit r;
	json_object_set_new(j, "scm_max_fd", json_integer(scm_max_fd()));
	json_object_set_new(j, "enobufs_controllen", json_integer(enobufs_controllen()));
	json_object_set_new(j, "optmem_max", file_line("/proc/sys/net/core/optmem_max"));
	if (getrlimit(RLIMIT_NOFILE, &r) == 0) {
		json_t *n = json_object();
		json_object_set_new(n, "soft", json_integer((json_int_t)r.rlim_cur));
		json_object_set_new(n, "hard", json_integer((json_int_t)r.rlim_max));
		json_object_set_new(j, "rlimit_nofile", n);
	}
	json_object_set_new(j, "lsm", file_line("/sys/kernel/security/lsm"));
	json_object_set_new(j, "euid", json_integer(geteuid()));
	return j;
}

json_t *sc_features_json(void)
{
	json_t *j = json_object(), *opts = json_object();
	for (const struct sc_name *o = sc_sockopts; o->name; o++) {
		json_t *e = json_object();
		int s = socket(AF_UNIX, SOCK_STREAM, 0), v = 0;
		socklen_t len = sizeof v;
		int exists = sc_sockopt_exists((int)o->value);
		json_object_set_new(e, "exists", json_boolean(exists));
		if (exists && s >= 0 &&
		    getsockopt(s, SOL_SOCKET, (int)o->value, &v, &len) == 0 &&
		    len == sizeof v)
			json_object_set_new(e, "default", json_integer(v));
		if (s >= 0)
			close(s);
		json_object_set_new(opts, o->name, e);
	}
	json_object_set_new(j, "sockopts", opts);
	json_object_set_new(j, "UNIX_OOB", json_boolean(sc_unix_oob()));
	/* which SCM types the send side takes (EINVAL: unknown or
	 * receive-only); payloads of a plausible size */
	json_t *scm = json_object();
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0) {
		for (const struct sc_name *t = sc_types; t->name; t++) {
			struct ucred c = { getpid(), getuid(), getgid() };
			struct ancdata_cmsg item = { SOL_SOCKET, (int)t->value, &c,
						     t->value == SCM_CREDENTIALS
							     ? sizeof c
							     : sizeof(int) };
			int fd = -1;
			if (t->value == SCM_RIGHTS)
				item.data = &fd, item.len = 0;
			struct iovec iov = { "s", 1 };
			ssize_t n = ancdata_sendmsg(sv[0], &iov, 1, &item, 1, 0,
						    NULL, 0, NULL, 0, NULL);
			char sink[8];
			if (n == 1)
				recv(sv[1], sink, sizeof sink, 0);
			json_object_set_new(scm, t->name, json_string(
				n == 1 ? "sendable" : sc_errname(n)));
		}
		close(sv[0]);
		close(sv[1]);
	}
	json_object_set_new(j, "scm_send", scm);
	return j;
}

json_t *sc_profile(const char *filter, int *failed)
{
	static struct scenario sc;
	static struct sc_result res;
	json_t *p = json_object(), *cases = json_array();
	int count[4] = { 0 };
	char err[256];
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	json_object_set_new(p, "format", json_string("ancdata-profile/1"));
	json_object_set_new(p, "kernel", sc_kernel_json());
	json_object_set_new(p, "limits", sc_limits_json());
	json_object_set_new(p, "features", sc_features_json());
	for (unsigned i = 0; i < sc_ncases; i++) {
		if (sc_parse(sc_cases[i].text, &sc, err, sizeof err) < 0) {
			json_t *c = json_object();
			json_object_set_new(c, "id", json_string(sc_cases[i].file));
			json_object_set_new(c, "status", json_string("error"));
			json_object_set_new(c, "why", json_string(err));
			json_array_append_new(cases, c);
			count[SC_ERROR]++;
			continue;
		}
		if (filter && !strstr(sc.id, filter) && strcmp(sc.area, filter))
			continue;
		sc_run_isolated(&sc, NULL, &res);
		count[res.status]++;
		json_array_append_new(cases, sc_result_json(&sc, &res));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	json_object_set_new(p, "cases", cases);
	json_t *sum = json_object();
	for (int s = 0; s < 4; s++)
		json_object_set_new(sum, sc_status_names[s], json_integer(count[s]));
	json_object_set_new(sum, "total",
			    json_integer(count[0] + count[1] + count[2] + count[3]));
	json_object_set_new(p, "summary", sum);
	json_t *tm = json_object();
	json_object_set_new(tm, "elapsed_ms",
			    json_integer((t1.tv_sec - t0.tv_sec) * 1000 +
					 (t1.tv_nsec - t0.tv_nsec) / 1000000));
	json_object_set_new(p, "timing", tm);
	*failed = count[SC_FAIL] + count[SC_ERROR];
	return p;
}
