/* send.c - sendmsg (CPython's control buffer: the sum of CMSG_SPACE, zero
 * filled), the raw form that sends control bytes verbatim, and send_fds. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int check_send(const struct iovec *iov, int iovcnt,
		      const struct ancdata_opts *opts)
{
	if (iovcnt < 0)
		return -ANCDATA_E_BADARG;
	if (iov == NULL && iovcnt > 0)
		return -ANCDATA_E_NULL;
	return ancdata__check_opts(opts);
}

/* The control buffer's size: 0 or a negative code. */
static int control_size(const struct ancdata_cmsg *items, size_t nitems,
			size_t *total)
{
	size_t sum = 0, space;

	for (size_t i = 0; i < nitems; i++) {
		if (items[i].data == NULL && items[i].len > 0)
			return -ANCDATA_E_NULL;
		if (items[i].len > (size_t)SSIZE_MAX ||
		    ancdata_cmsg_space((ssize_t)items[i].len, &space) < 0)
			return -ANCDATA_E_ITEM_TOO_LARGE;
		if (space > ANCDATA_SOCKLEN_T_LIMIT - sum)
			return -ANCDATA_E_TOO_MUCH;
		sum += space;
	}
	*total = sum;
	return 0;
}

static void build_control(unsigned char *ctl, size_t len,
			  const struct ancdata_cmsg *items, size_t nitems)
{
	size_t off = 0;

	memset(ctl, 0, len);
	for (size_t i = 0; i < nitems; i++) {
		struct cmsghdr h = {
			.cmsg_len = CMSG_LEN(items[i].len),
			.cmsg_level = items[i].level,
			.cmsg_type = items[i].type,
		};
		memcpy(ctl + off, &h, sizeof h);
		if (items[i].len)
			memcpy(ctl + off + CMSG_LEN(0), items[i].data,
			       items[i].len);
		off += CMSG_SPACE(items[i].len);
	}
}

static ssize_t send_msg(int sock, const struct iovec *iov, int iovcnt,
			void *control, size_t controllen, int flags,
			const struct sockaddr *addr, socklen_t addrlen,
			const struct ancdata_opts *opts)
{
	struct msghdr msg = {
		.msg_name = (void *)addr,
		.msg_namelen = addr ? addrlen : 0,
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = (size_t)iovcnt,
		.msg_control = control,
		.msg_controllen = controllen,
	};
	return ancdata__call(sock, 1, &msg, flags, opts);
}

ssize_t ancdata_sendmsg(int sock, const struct iovec *iov, int iovcnt,
			const struct ancdata_cmsg *items, size_t nitems,
			int flags, const struct sockaddr *addr,
			socklen_t addrlen, void *ctlbuf, size_t ctlbufsize,
			struct ancdata_opts *opts)
{
	unsigned char *ctl = NULL;
	size_t len = 0;
	ssize_t n;
	int rc;

	if ((rc = check_send(iov, iovcnt, opts)) < 0)
		return rc;
	if (items == NULL && nitems > 0)
		return -ANCDATA_E_NULL;
	if ((rc = control_size(items, nitems, &len)) < 0)
		return rc;
	if (len > 0) {
		if (ctlbuf != NULL) {
			if (ctlbufsize < len)
				return -ANCDATA_E_SMALLBUF;
			ctl = ctlbuf;
		} else if ((ctl = malloc(len)) == NULL) {
			return -ANCDATA_E_NOMEM;
		}
		build_control(ctl, len, items, nitems);
	}
	n = send_msg(sock, iov, iovcnt, ctl, len, flags, addr, addrlen, opts);
	if (ctl != ctlbuf)
		free(ctl);
	return n;
}

ssize_t ancdata_sendmsg_raw(int sock, const struct iovec *iov, int iovcnt,
			    const void *control, size_t controllen, int flags,
			    const struct sockaddr *addr, socklen_t addrlen,
			    struct ancdata_opts *opts)
{
	int rc = check_send(iov, iovcnt, opts);
	if (rc < 0)
		return rc;
	return send_msg(sock, iov, iovcnt, (void *)control, controllen, flags,
			addr, addrlen, opts);
}

ssize_t ancdata_send_fds(int sock, const struct iovec *iov, int iovcnt,
			 const int *fds, size_t nfds, int flags,
			 struct ancdata_opts *opts)
{
	_Alignas(struct cmsghdr) unsigned char ctl[CMSG_SPACE(253 * sizeof(int))];
	struct ancdata_cmsg item = { SOL_SOCKET, SCM_RIGHTS, fds,
				     nfds * sizeof(int) };

	if (fds == NULL && nfds > 0)
		return -ANCDATA_E_NULL;
	if (nfds > (size_t)ANCDATA_SOCKLEN_T_LIMIT / sizeof(int))
		return -ANCDATA_E_ITEM_TOO_LARGE;
	/* up to SCM_MAX_FD fds on the stack; more (for the kernel to
	 * refuse) on the heap */
	void *buf = item.len <= sizeof ctl - CMSG_LEN(0) ? ctl : NULL;
	return ancdata_sendmsg(sock, iov, iovcnt, &item, 1, flags, NULL, 0,
			       buf, buf ? sizeof ctl : 0, opts);
}
