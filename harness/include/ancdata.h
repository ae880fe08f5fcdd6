/* ancdata.h - libancdata, the reference recvmsg wrapper.
 *
 * Semantics are CPython's socket.recvmsg() / recvmsg_into() / sendmsg() /
 * CMSG_LEN() / CMSG_SPACE() and socket.recv_fds() / send_fds(), done in C,
 * with one guarantee CPython gives only on its error path made absolute:
 * no received fd ever leaks.
 *
 * Errors: every function returns a negative code on failure.  -errno (for
 * example -EAGAIN, -ETIMEDOUT, -EINTR) comes from the system; the
 * -ANCDATA_E_* codes below are the library's own.  ancdata_strerror() names
 * both.  Every public name starts with ancdata_ / ANCDATA_.
 */
#ifndef ANCDATA_H
#define ANCDATA_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the shared library exports: the functions below and nothing else
 * (it is built with -fvisibility=hidden). */
#if defined(__GNUC__) || defined(__clang__)
#define ANCDATA_API __attribute__((visibility("default")))
#else
#define ANCDATA_API
#endif

/* CPython's SOCKLEN_T_LIMIT: the largest control buffer or CMSG_* result. */
#define ANCDATA_SOCKLEN_T_LIMIT 0x7fffffff

/* Upper bound on the items one control buffer of N bytes can hold
 * (each header takes at least CMSG_LEN(0) bytes): size item arrays with it. */
#define ANCDATA_MAX_ITEMS(n) ((size_t)(n) / CMSG_LEN(0))

enum ancdata_error {
	ANCDATA_E_NEGBUF = 1000,  /* "negative buffer size in recvmsg()" */
	ANCDATA_E_ANCBUF,         /* "invalid ancillary data buffer length" */
	ANCDATA_E_NULL,           /* NULL where a buffer or result is needed */
	ANCDATA_E_BADARG,         /* an argument out of its domain (policy, iovcnt) */
	ANCDATA_E_RANGE,          /* CMSG_LEN()/CMSG_SPACE() argument out of range */
	ANCDATA_E_ITEM_TOO_LARGE, /* sendmsg: "ancillary data item too large" */
	ANCDATA_E_TOO_MUCH,       /* sendmsg: "too much ancillary data" */
	ANCDATA_E_SMALLBUF,       /* sendmsg: caller's control buffer is too small */
	ANCDATA_E_WARNING,        /* "received malformed or improperly-truncated
	                             ancillary data" under ANCDATA_WARN_ERROR */
	ANCDATA_E_CTRUNC,         /* strict policy: MSG_CTRUNC, everything closed */
	ANCDATA_E_NOMEM,          /* allocation failed */
	ANCDATA_E_NOSPACE,        /* caller's item or fd array is full */
	ANCDATA_E_ADDR,           /* the sender's address could not be converted */
};

/* What happens when a header is malformed or improperly truncated
 * (CPython's RuntimeWarning, raised at most once per call). */
enum ancdata_warn_policy {
	ANCDATA_WARN_RECORD = 0, /* count it in opts->warnings (the default) */
	ANCDATA_WARN_IGNORE,     /* do nothing */
	ANCDATA_WARN_ERROR,      /* close the fds and fail with ANCDATA_E_WARNING */
};

/* How the walk finds the next header (the walk is ancdata's own, not libc's).
 * GLIBC236: the next header exists iff off + CMSG_ALIGN(cmsg_len) +
 *   sizeof(struct cmsghdr) <= controllen; its own cmsg_len is not looked at.
 * OLD_GLIBC: as before glibc 2.36: additionally the next header's own
 *   CMSG_ALIGN(cmsg_len) must fit, so a truncated later item is dropped
 *   silently instead of being returned with a warning. */
enum ancdata_cmsg_rule {
	ANCDATA_RULE_GLIBC236 = 0,
	ANCDATA_RULE_OLD_GLIBC,
};

/* Options of a call.  A zeroed struct (or NULL) gives CPython's defaults:
 * warnings recorded, glibc 2.36 rule, no timeout, EINTR always retried. */
struct ancdata_opts {
	enum ancdata_warn_policy warn;
	enum ancdata_cmsg_rule rule;
	unsigned long warnings;  /* RECORD: incremented once per warning call */
	int strict_ctrunc;       /* nonzero: MSG_CTRUNC closes every fd received
	                            and fails with ANCDATA_E_CTRUNC (as systemd's
	                            recvmsg_safe does) */
	int timeout_ms;          /* > 0: one deadline for the whole call (poll);
	                            expiry is -ETIMEDOUT.  <= 0: none */
	/* PEP 475: called on every EINTR; nonzero stops the call with -EINTR
	 * (CPython: a signal handler raised).  NULL: always retry. */
	int (*on_eintr)(void *arg);
	void *on_eintr_arg;
	/* How fds are closed on an error path; NULL means close(2).  For tests
	 * and fuzzers that must see which fds would be closed. */
	void (*close_fd)(int fd, void *arg);
	void *close_fd_arg;
};

/* One ancillary item (level, type, data).  data points into the control
 * buffer of the call that produced it; len is only the in-buffer bytes of a
 * truncated item, so it may not be a multiple of sizeof(int). */
struct ancdata_item {
	int level;
	int type;
	const unsigned char *data;
	size_t len;
};

/* Result of a receive into caller-supplied storage.  Set items/maxitems
 * before the call (maxitems = ANCDATA_MAX_ITEMS(ancbufsize) always
 * suffices); the rest is written by the call. */
struct ancdata_result {
	struct ancdata_item *items;
	size_t maxitems;
	size_t nitems;
	int msg_flags;
	size_t controllen;             /* msg_controllen the kernel returned */
	struct sockaddr_storage addr;
	socklen_t addrlen;             /* 0: no address (CPython's None) */
};

/* An item to send. */
struct ancdata_cmsg {
	int level;
	int type;
	const void *data;
	size_t len;
};

/* ---- CMSG_LEN / CMSG_SPACE with CPython's limits ----------------------- */
ANCDATA_API int ancdata_cmsg_len(ssize_t n, size_t *out);   /* 0 or -ANCDATA_E_RANGE */
ANCDATA_API int ancdata_cmsg_space(ssize_t n, size_t *out); /* 0 or -ANCDATA_E_RANGE */

/* ---- receive ------------------------------------------------------------ */
/* recvmsg(bufsize, ancbufsize, flags) into buf (bufsize bytes) and control
 * (ancbufsize bytes).  Returns the data length (never more than bufsize, as
 * CPython's bytes result) or a negative code.  Allocates nothing. */
ANCDATA_API ssize_t ancdata_recvmsg(int sock, void *buf, ssize_t bufsize, void *control,
			ssize_t ancbufsize, int flags,
			struct ancdata_result *res, struct ancdata_opts *opts);

/* recvmsg_into(buffers, ancbufsize, flags): scatter into iov.  Returns the
 * kernel's byte count, which exceeds the buffers with MSG_TRUNC on a
 * datagram socket.  Allocates nothing. */
ANCDATA_API ssize_t ancdata_recvmsg_into(int sock, const struct iovec *iov, int iovcnt,
			     void *control, ssize_t ancbufsize, int flags,
			     struct ancdata_result *res,
			     struct ancdata_opts *opts);

/* The allocating convenience form: data, control buffer and items are
 * allocated to the sizes asked for; free with ancdata_message_free (which
 * frees memory only: the fds stay the caller's). */
struct ancdata_message {
	unsigned char *data;
	size_t len;
	struct ancdata_result res;
	void *control;
};
ANCDATA_API int ancdata_recvmsg_alloc(int sock, ssize_t bufsize, ssize_t ancbufsize,
			  int flags, struct ancdata_message *msg,
			  struct ancdata_opts *opts);
ANCDATA_API void ancdata_message_free(struct ancdata_message *msg);

/* recv_fds(bufsize, maxfds): control buffer CMSG_LEN(maxfds * sizeof(int)),
 * whole ints of every SOL_SOCKET/SCM_RIGHTS item into fds (capacity
 * maxfds), *nfds set, msg_flags in *msg_flags.  Unlike CPython, flags are
 * passed to the kernel (gh-107898).  Allocates nothing up to maxfds 1020. */
ANCDATA_API ssize_t ancdata_recv_fds(int sock, void *buf, size_t bufsize, int *fds,
			 size_t maxfds, size_t *nfds, int *msg_flags, int flags,
			 struct ancdata_opts *opts);

/* ---- send --------------------------------------------------------------- */
/* sendmsg(buffers, ancdata, flags, address).  The control buffer is the
 * sum of CMSG_SPACE(len), zero-filled; it is built in ctlbuf (ctlbufsize
 * bytes) when given, else allocated.  addr may be NULL. */
ANCDATA_API ssize_t ancdata_sendmsg(int sock, const struct iovec *iov, int iovcnt,
			const struct ancdata_cmsg *items, size_t nitems,
			int flags, const struct sockaddr *addr,
			socklen_t addrlen, void *ctlbuf, size_t ctlbufsize,
			struct ancdata_opts *opts);

/* Control bytes sent verbatim (malformed on purpose if you like):
 * control/controllen go to the kernel unchecked. */
ANCDATA_API ssize_t ancdata_sendmsg_raw(int sock, const struct iovec *iov, int iovcnt,
			    const void *control, size_t controllen, int flags,
			    const struct sockaddr *addr, socklen_t addrlen,
			    struct ancdata_opts *opts);

/* send_fds(buffers, fds): one SOL_SOCKET/SCM_RIGHTS item.  Unlike CPython,
 * flags are honoured (gh-107898). */
ANCDATA_API ssize_t ancdata_send_fds(int sock, const struct iovec *iov, int iovcnt,
			 const int *fds, size_t nfds, int flags,
			 struct ancdata_opts *opts);

/* ---- the item walk, as pure functions over (control, controllen) -------- */
enum ancdata_cmsg_class {
	ANCDATA_CMSG_MALFORMED = -1, /* header not wholly inside, or bad length */
	ANCDATA_CMSG_COMPLETE = 0,
	ANCDATA_CMSG_TRUNCATED = 1,  /* only part of the data is in the buffer */
};

/* CPython's get_cmsg_data_len for the header at offset off. */
ANCDATA_API int ancdata_cmsg_classify(const void *control, size_t controllen, size_t off,
			  size_t *datalen);
/* CMSG_FIRSTHDR / CMSG_NXTHDR as offsets: 0 on success with *off set,
 * -1 when there is no (next) header. */
ANCDATA_API int ancdata_cmsg_first(size_t controllen, size_t *off);
ANCDATA_API int ancdata_cmsg_next(const void *control, size_t controllen,
		      enum ancdata_cmsg_rule rule, size_t *off);

/* What CPython does after the system call, without the system call: walk,
 * warn (opts->warn), fill items, close on error.  Returns 0 or a negative
 * code; on error every complete SCM_RIGHTS fd up to the stop point has been
 * closed through opts->close_fd. */
ANCDATA_API int ancdata_parse_control(const void *control, size_t controllen,
			  struct ancdata_item *items, size_t maxitems,
			  size_t *nitems, struct ancdata_opts *opts);

/* CPython's err_closefds: close every complete int of every SOL_SOCKET/
 * SCM_RIGHTS item up to the stop point; nothing after a malformed header.
 * Unlike CPython, the fd of a SOL_SOCKET/SCM_PIDFD item (SO_PASSPIDFD) is
 * closed too: it is a received fd like the others.  Returns how many fds
 * it closed. */
ANCDATA_API size_t ancdata_close_fds(const void *control, size_t controllen,
			 const struct ancdata_opts *opts);

ANCDATA_API const char *ancdata_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
