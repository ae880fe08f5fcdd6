/* recv.c - recvmsg, recvmsg_into, the allocating form and recv_fds: one
 * system call, then CPython's post-processing with err_closefds on every
 * failure after it. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int ancdata__check_ancbufsize(ssize_t ancbufsize)
{
	if (ancbufsize < 0 || ancbufsize > ANCDATA_SOCKLEN_T_LIMIT)
		return -ANCDATA_E_ANCBUF;
	return 0;
}

int ancdata__check_opts(const struct ancdata_opts *opts)
{
	if (opts == NULL)
		return 0;
	if ((unsigned)opts->warn > ANCDATA_WARN_ERROR ||
	    (unsigned)opts->rule > ANCDATA_RULE_OLD_GLIBC)
		return -ANCDATA_E_BADARG;
	return 0;
}

static void init_msg(struct msghdr *msg, struct ancdata_result *res,
		     const struct iovec *iov, int iovcnt, void *control,
		     ssize_t ancbufsize)
{
	memset(msg, 0, sizeof *msg);
	/* only addrlen bytes are ever exposed: no need to zero them all */
	res->addr.ss_family = AF_UNSPEC;
	msg->msg_name = &res->addr;
	msg->msg_namelen = sizeof res->addr;
	msg->msg_iov = (struct iovec *)iov;
	msg->msg_iovlen = (size_t)iovcnt;
	/* ancbufsize 0: no control buffer at all, as CPython */
	msg->msg_control = ancbufsize > 0 ? control : NULL;
	msg->msg_controllen = (size_t)ancbufsize;
}

int ancdata__after_recv(struct msghdr *msg, struct sink *sink,
			struct ancdata_result *res, struct ancdata_opts *opts)
{
	res->msg_flags = msg->msg_flags;
	res->controllen = msg->msg_control ? msg->msg_controllen : 0;
	if (opts && opts->strict_ctrunc && (msg->msg_flags & MSG_CTRUNC)) {
		ancdata_close_fds(msg->msg_control, res->controllen, opts);
		return -ANCDATA_E_CTRUNC;
	}
	return ancdata__parse_sink(msg->msg_control, res->controllen, sink,
				   opts);
}

int ancdata__take_addr(struct msghdr *msg, struct ancdata_result *res,
		       const struct ancdata_opts *opts)
{
	if (FAULT(ANCDATA_FAULT_ADDR, 0)) {
		ancdata_close_fds(msg->msg_control, res->controllen, opts);
		return -ANCDATA_E_ADDR;
	}
	res->addrlen = msg->msg_namelen < sizeof res->addr
			       ? msg->msg_namelen
			       : (socklen_t)sizeof res->addr;
	return 0;
}

static int check_res(const struct ancdata_result *res)
{
	if (res == NULL || (res->items == NULL && res->maxitems > 0))
		return -ANCDATA_E_NULL;
	return 0;
}

ssize_t ancdata_recvmsg_into(int sock, const struct iovec *iov, int iovcnt,
			     void *control, ssize_t ancbufsize, int flags,
			     struct ancdata_result *res,
			     struct ancdata_opts *opts)
{
	struct item_sink is;
	struct msghdr msg;
	ssize_t n;
	int rc;

	/* CPython's order (the buffers, then ancbufsize), then what only C
	 * can get wrong */
	if (iovcnt < 0)
		return -ANCDATA_E_BADARG;
	if (iov == NULL && iovcnt > 0)
		return -ANCDATA_E_NULL;
	if ((rc = ancdata__check_ancbufsize(ancbufsize)) < 0)
		return rc;
	if (control == NULL && ancbufsize > 0)
		return -ANCDATA_E_NULL;
	if ((rc = check_res(res)) < 0 || (rc = ancdata__check_opts(opts)) < 0)
		return rc;
	res->nitems = 0;
	init_msg(&msg, res, iov, iovcnt, control, ancbufsize);
	if ((n = ancdata__call(sock, 0, &msg, flags, opts)) < 0)
		return n;
	ancdata__item_sink(&is, res->items, res->maxitems);
	rc = ancdata__after_recv(&msg, &is.base, res, opts);
	if (rc == 0)
		rc = ancdata__take_addr(&msg, res, opts);
	if (rc < 0)
		return rc;
	res->nitems = is.base.count;
	return n;
}

ssize_t ancdata_recvmsg(int sock, void *buf, ssize_t bufsize, void *control,
			ssize_t ancbufsize, int flags,
			struct ancdata_result *res, struct ancdata_opts *opts)
{
	struct iovec iov = { buf, (size_t)bufsize };
	ssize_t n;

	if (bufsize < 0)
		return -ANCDATA_E_NEGBUF;
	if (buf == NULL && bufsize > 0)
		return -ANCDATA_E_NULL;
	n = ancdata_recvmsg_into(sock, &iov, 1, control, ancbufsize, flags,
				 res, opts);
	/* CPython's bytes only ever shrink: MSG_TRUNC's longer count is cut */
	return n > bufsize ? bufsize : n;
}

void ancdata_message_free(struct ancdata_message *m)
{
	if (m == NULL)
		return;
	free(m->data);
	free(m->control);
	free(m->res.items);
	memset(m, 0, sizeof *m);
}

static int fail_after(struct ancdata_message *m, struct msghdr *msg,
		      struct ancdata_opts *opts, int rc)
{
	ancdata_close_fds(msg->msg_control, m->res.controllen, opts);
	ancdata_message_free(m);
	return rc;
}

int ancdata_recvmsg_alloc(int sock, ssize_t bufsize, ssize_t ancbufsize,
			  int flags, struct ancdata_message *m,
			  struct ancdata_opts *opts)
{
	struct item_sink is;
	struct msghdr msg;
	struct iovec iov;
	size_t max;
	ssize_t n;
	int rc;

	if (m == NULL)
		return -ANCDATA_E_NULL;
	memset(m, 0, sizeof *m);
	if (bufsize < 0)
		return -ANCDATA_E_NEGBUF;
	if ((rc = ancdata__check_ancbufsize(ancbufsize)) < 0 ||
	    (rc = ancdata__check_opts(opts)) < 0)
		return rc;
	m->data = malloc(bufsize > 0 ? (size_t)bufsize : 1);
	m->control = ancbufsize > 0 ? malloc((size_t)ancbufsize) : NULL;
	if (m->data == NULL || (ancbufsize > 0 && m->control == NULL)) {
		ancdata_message_free(m);
		return -ANCDATA_E_NOMEM;
	}
	iov.iov_base = m->data;
	iov.iov_len = (size_t)bufsize;
	init_msg(&msg, &m->res, &iov, 1, m->control, ancbufsize);
	if ((n = ancdata__call(sock, 0, &msg, flags, opts)) < 0) {
		ancdata_message_free(m);
		return (int)n;
	}
	m->res.controllen = msg.msg_control ? msg.msg_controllen : 0;
	/* the item list is made after the call, as CPython's */
	max = ANCDATA_MAX_ITEMS(m->res.controllen);
	if (max > 0) {
		m->res.items = FAULT(ANCDATA_FAULT_ALLOC, 0)
				       ? NULL
				       : calloc(max, sizeof *m->res.items);
		if (m->res.items == NULL)
			return fail_after(m, &msg, opts, -ANCDATA_E_NOMEM);
	}
	m->res.maxitems = max;
	ancdata__item_sink(&is, m->res.items, max);
	if ((rc = ancdata__after_recv(&msg, &is.base, &m->res, opts)) < 0) {
		ancdata_message_free(m);   /* the fds are closed already */
		return rc;
	}
	m->res.nitems = is.base.count;
	m->len = n > bufsize ? (size_t)bufsize : (size_t)n;
	if (m->len < (size_t)bufsize) {  /* _PyBytes_Resize */
		void *p = FAULT(ANCDATA_FAULT_DATA, 0)
				  ? NULL
				  : realloc(m->data, m->len ? m->len : 1);
		if (p == NULL)
			return fail_after(m, &msg, opts, -ANCDATA_E_NOMEM);
		m->data = p;
	}
	if ((rc = ancdata__take_addr(&msg, &m->res, opts)) < 0) {
		ancdata_message_free(m);
		return rc;
	}
	return 0;
}

struct fd_sink {
	struct sink base;
	int *fds;
	size_t max, n;
};

static int put_fds(struct sink *s, const struct ancdata_item *item)
{
	struct fd_sink *fs = (struct fd_sink *)s;
	size_t k = item->len / sizeof(int);   /* a partial int is ignored */

	if (item->level != SOL_SOCKET || item->type != SCM_RIGHTS)
		return 0;
	if (k > fs->max - fs->n)
		return -ANCDATA_E_NOSPACE;
	memcpy(fs->fds + fs->n, item->data, k * sizeof(int));
	fs->n += k;
	return 0;
}

#define FDS_STACK_CTL 4096

ssize_t ancdata_recv_fds(int sock, void *buf, size_t bufsize, int *fds,
			 size_t maxfds, size_t *nfds, int *msg_flags, int flags,
			 struct ancdata_opts *opts)
{
	_Alignas(struct cmsghdr) unsigned char stack[FDS_STACK_CTL];
	struct fd_sink fs = { { put_fds, 0 }, fds, maxfds, 0 };
	struct ancdata_result res;
	struct iovec iov = { buf, bufsize };
	struct msghdr msg;
	unsigned char *ctl = stack;
	size_t ctllen;
	ssize_t n;
	int rc;

	/* CPython's order: socket.recv_fds computes CMSG_LEN(maxfds * 4)
	 * before recvmsg checks bufsize; what only C can get wrong (NULL
	 * pointers, options) comes after what CPython would report */
	if (maxfds > (ANCDATA_SOCKLEN_T_LIMIT - CMSG_LEN(0)) / sizeof(int))
		return -ANCDATA_E_ANCBUF;
	if (bufsize > SSIZE_MAX)
		return -ANCDATA_E_NEGBUF;
	if (nfds == NULL || (fds == NULL && maxfds > 0) ||
	    (buf == NULL && bufsize > 0))
		return -ANCDATA_E_NULL;
	if ((rc = ancdata__check_opts(opts)) < 0)
		return rc;
	*nfds = 0;
	ctllen = CMSG_LEN(maxfds * sizeof(int));
	if (ctllen > sizeof stack && (ctl = malloc(ctllen)) == NULL)
		return -ANCDATA_E_NOMEM;
	init_msg(&msg, &res, &iov, 1, ctl, (ssize_t)ctllen);
	n = ancdata__call(sock, 0, &msg, flags, opts);
	if (n >= 0) {
		rc = ancdata__after_recv(&msg, &fs.base, &res, opts);
		if (rc == 0)
			rc = ancdata__take_addr(&msg, &res, opts);
		if (rc < 0)
			n = rc;
		else   /* a pidfd (SO_PASSPIDFD) is not returned: not kept either */
			ancdata__close_pidfds(ctl, res.controllen, opts);
	}
	if (ctl != stack)
		free(ctl);
	if (n < 0)
		return n;
	*nfds = fs.n;
	if (msg_flags)
		*msg_flags = res.msg_flags;
	return n > (ssize_t)bufsize ? (ssize_t)bufsize : n;
}
