/* feature_probe.c - what this kernel offers, found by probing (never by version
 * number): socket options that exist, MSG_OOB on AF_UNIX streams, whether
 * we are root.  Scenarios name these in 'requires'. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "feature_probe.h"
#include "names.h"
#include "scenario.h"

int sc_sockopt_exists(int name)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), v = 0, rc;
	socklen_t len = sizeof v;
	if (s < 0)
		return 0;
	if (name == 84) /* SO_INQ: getsockopt answers ENOPROTOOPT; set it */
		rc = setsockopt(s, SOL_SOCKET, name, &v, sizeof v);
	else
		rc = getsockopt(s, SOL_SOCKET, name, &v, &len);
	int exists = rc == 0 || errno != ENOPROTOOPT;
	close(s);
	return exists;
}

int sc_unix_oob(void)
{
	int sv[2], ok;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 0;
	ok = send(sv[0], "o", 1, MSG_OOB) == 1;
	close(sv[0]);
	close(sv[1]);
	return ok;
}

/* io_uring_setup works here (not compiled out, not turned off by the
 * kernel.io_uring_disabled sysctl) */
int sc_io_uring(void)
{
#ifdef SYS_io_uring_setup
	unsigned char params[120] = { 0 };   /* struct io_uring_params */
	int fd = (int)syscall(SYS_io_uring_setup, 1, params);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
#else
	return 0;
#endif
}

/* Feature names for 'requires': root, UNIX_OOB, any SO_* of the option
 * table (present when the kernel knows it), SCM_PIDFD (with SO_PASSPIDFD). */
int sc_feature(const char *name)
{
	long opt;
	if (!sc_feature_known(name))
		return -1;
	if (!strcmp(name, "root"))
		return geteuid() == 0;
	if (!strcmp(name, "UNIX_OOB"))
		return sc_unix_oob();
	if (!strcmp(name, "IO_URING"))
		return sc_io_uring();
	if (!strcmp(name, "INET6")) {
		int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s >= 0)
			close(s);
		return s >= 0;
	}
	if (!strcmp(name, "SCM_PIDFD"))
		name = "SO_PASSPIDFD";
	return sc_lookup(sc_sockopts, name, &opt) == 0 && sc_sockopt_exists((int)opt);
}
