/* backend_ancdata.c - receives through libancdata with the scenario's API,
 * sizes, flags and policies. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ancdata.h"
#include "backend.h"

#ifndef SCM_PIDFD
#define SCM_PIDFD 4
#endif

/* fds to close at release: SCM_RIGHTS ones and any SCM_PIDFD */
static struct held {
	int n;
	int fd[SC_MAX_REFS + SC_MAX_RITEMS];
} held;

static void note_fd(struct sc_rx *rx, int fd, int rights)
{
	struct stat st;
	if (held.n < (int)(sizeof held.fd / sizeof held.fd[0]))
		held.fd[held.n++] = fd;
	if (!rights || rx->nfds == SC_MAX_REFS)
		return;
	if (fstat(fd, &st) == 0) {
		rx->fds[rx->nfds].dev = st.st_dev;
		rx->fds[rx->nfds].ino = st.st_ino;
	}
	rx->fds[rx->nfds++].cloexec = (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

/* the values of an item worth showing: creds, the first pidfd, inq */
static void take_value(struct sc_rx *rx, const struct ancdata_item *it)
{
	struct ucred u;
	int v;
	if (rx->nvals == SC_MAX_RITEMS || it->level != SOL_SOCKET)
		return;
	if (it->type == SCM_CREDENTIALS && it->len >= sizeof u) {
		memcpy(&u, it->data, sizeof u);
		rx->vals[rx->nvals++] = (struct sc_rxval){ SCM_CREDENTIALS, u.pid, u.uid, u.gid };
	} else if ((it->type == SCM_PIDFD || it->type == 84) && it->len >= sizeof v) {
		memcpy(&v, it->data, sizeof v);
		rx->vals[rx->nvals++] = (struct sc_rxval){
			it->type, it->type == SCM_PIDFD ? sc_pidfd_pid(v) : v, 0, 0 };
	}
}

static void take_items(struct sc_rx *rx, const struct ancdata_item *it, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((int)i < SC_MAX_RITEMS) {
			rx->items[i] = (struct sc_ritem){ it[i].level, it[i].type,
							  (long)it[i].len };
			rx->nitems = (int)i + 1;
		}
		take_value(rx, &it[i]);
		if (it[i].level != SOL_SOCKET)
			continue;
		int rights = it[i].type == SCM_RIGHTS;
		if (!rights && it[i].type != SCM_PIDFD)
			continue;
		for (size_t j = 0; j + sizeof(int) <= it[i].len; j += sizeof(int)) {
			int fd;
			memcpy(&fd, it[i].data + j, sizeof fd);
			note_fd(rx, fd, rights);
		}
	}
}

static void recv_ancdata(const struct sc_backend *be, int sock,
			 const struct sc_recv *rq, struct sc_rx *rx, void **hold)
{
	static unsigned char data[1 << 16];
	static _Alignas(struct cmsghdr) unsigned char ctl[1 << 16];
	static struct ancdata_item items[SC_MAX_RITEMS + 64];
	struct ancdata_opts o = { .warn = (enum ancdata_warn_policy)rq->warn,
				  .strict_ctrunc = rq->strict };
	struct ancdata_result res = { .items = items,
				      .maxitems = rq->maxitems ? (size_t)rq->maxitems
							       : sizeof items / sizeof items[0] };
	void *buf = rq->bufsize > 0 ? data : NULL;
	void *control = rq->ancbuf > 0 ? ctl : NULL;
	ssize_t n;
	(void)be;

	held.n = 0;
	if (rq->api == SC_API_RECV_FDS) {
		static int fds[4096];
		size_t nfds = 0;
		n = ancdata_recv_fds(sock, buf, rq->bufsize < 0 ? (size_t)-1 : (size_t)rq->bufsize,
				     fds, (size_t)rq->maxfds, &nfds, &rx->flags,
				     rq->flags, &o);
		if (n >= 0)
			for (size_t i = 0; i < nfds; i++)
				note_fd(rx, fds[i], 1);
	} else if (rq->api == SC_API_RECVMSG_INTO) {
		struct iovec iov = { buf, rq->bufsize > 0 ? (size_t)rq->bufsize : 0 };
		n = rq->bufsize < 0 ? -ANCDATA_E_NEGBUF
				    : ancdata_recvmsg_into(sock, &iov, 1, control,
							   rq->ancbuf, rq->flags,
							   &res, &o);
	} else {
		n = ancdata_recvmsg(sock, buf, rq->bufsize, control, rq->ancbuf,
				    rq->flags, &res, &o);
	}
	rx->ret = n;
	rx->warnings = o.warnings;
	if (n < 0)
		return;
	if (rq->api != SC_API_RECV_FDS) {
		rx->flags = res.msg_flags;
		rx->controllen = (long)res.controllen;
		take_items(rx, items, res.nitems);
	}
	long shown = n;
	if (shown > rq->bufsize)
		shown = rq->bufsize;
	if (shown > SC_MAX_DATA)
		shown = SC_MAX_DATA;
	rx->datalen = (int)shown;
	memcpy(rx->data, data, (size_t)shown);
	*hold = held.n ? &held : NULL;
}

static void release_ancdata(const struct sc_backend *be, void *hold)
{
	struct held *h = hold;
	(void)be;
	for (int i = 0; i < h->n; i++)
		close(h->fd[i]);
	h->n = 0;
}

static const struct sc_backend ancdata_backend = {
	"ancdata", NULL, recv_ancdata, release_ancdata,
};
const struct sc_backend *const sc_backend_ancdata = &ancdata_backend;
