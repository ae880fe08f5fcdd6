/* backend.h - who performs a scenario's receives: libancdata, or CPython's
 * socket module driven by conformance/run/cpython_driver.py. */
#ifndef ANCDATA_BACKEND_H
#define ANCDATA_BACKEND_H

#include <sys/types.h>

#include "scenario.h"

/* What one receive showed, fds by identity. */
struct sc_rx {
	long ret;
	int flags;
	long controllen;                 /* -1: not observable (CPython) */
	int nitems;
	struct sc_ritem items[SC_MAX_RITEMS];
	int nfds;
	struct { dev_t dev; ino_t ino; int cloexec; } fds[SC_MAX_REFS];
	unsigned long warnings;
	int datalen;
	unsigned char data[SC_MAX_DATA];
	/* the values of the creds, pidfd and inq items, in order (ancdata
	 * backend only): creds pid uid gid; pidfd the pid its fdinfo names
	 * (-1 exited, -2 unreadable); inq the int */
	int nvals;
	struct sc_rxval { int type; long a, b, c; } vals[SC_MAX_RITEMS];
};

struct sc_backend {
	const char *name;
	const char *script;              /* cpython: the driver */
	/* Receive on sock as rq says; *hold keeps the received fds open until
	 * release (so drops can be told from deliveries). */
	void (*recv)(const struct sc_backend *be, int sock,
		     const struct sc_recv *rq, struct sc_rx *rx, void **hold);
	void (*release)(const struct sc_backend *be, void *hold);
};

/* the pid a pidfd names (its fdinfo): -1 when the process is gone, -2
 * when it cannot be told (run.c) */
long sc_pidfd_pid(int fd);

#endif
