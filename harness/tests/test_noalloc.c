/* test_noalloc.c - the receive path allocates nothing when the caller
 * supplies the buffers.  Linked with -Wl,--wrap=malloc,... so every
 * allocation the library's objects make passes through a counter. */
#include <stdlib.h>

#include "alloc_count.h"
#include "testutil.h"


Test(noalloc, caller_buffers)
{
	FD_BASELINE();
	int sv[2], r[8], w[8], got[8];
	unsigned char data[64], ctl[256], sendctl[CMSG_SPACE(8 * sizeof(int))];
	struct ancdata_item items[16];
	struct ancdata_result res = { .items = items, .maxitems = 16 };
	struct iovec iov = { (void *)MSG, MSGLEN }, in = { data, sizeof data };
	struct ancdata_cmsg item = { SOL_SOCKET, SCM_RIGHTS, r, sizeof r };
	size_t n;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	make_pipes(8, r, w);
	unsigned long before = alloc_count;
	for (int i = 0; i < 100; i++) {
		cr_assert_eq(ancdata_sendmsg(sv[0], &iov, 1, &item, 1, 0, NULL, 0,
					     sendctl, sizeof sendctl, NULL),
			     (ssize_t)MSGLEN);
		cr_assert_eq(ancdata_recvmsg(sv[1], data, sizeof data, ctl,
					     sizeof ctl, 0, &res, NULL),
			     (ssize_t)MSGLEN);
		close_all(got, (int)items_fds(items, res.nitems, got, 8));
		cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 8, 0, NULL),
			     (ssize_t)MSGLEN);
		cr_assert_eq(ancdata_recvmsg_into(sv[1], &in, 1, ctl, sizeof ctl,
						  0, &res, NULL), (ssize_t)MSGLEN);
		close_all(got, (int)items_fds(items, res.nitems, got, 8));
		cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 8, 0, NULL),
			     (ssize_t)MSGLEN);
		cr_assert_eq(ancdata_recv_fds(sv[1], data, sizeof data, got, 8,
					      &n, NULL, 0, NULL), (ssize_t)MSGLEN);
		close_all(got, (int)n);
	}
	cr_assert_eq(alloc_count, before, "%lu allocations in 300 round trips",
		     alloc_count - before);
	/* the counter works: the allocating form does allocate */
	struct ancdata_message m;
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 1, 0, NULL),
		     (ssize_t)MSGLEN);
	cr_assert_eq(ancdata_recvmsg_alloc(sv[1], 64, 64, 0, &m, NULL), 0);
	cr_assert_gt(alloc_count, before);
	close_all(got, (int)items_fds(m.res.items, m.res.nitems, got, 8));
	ancdata_message_free(&m);
	close_all(r, 8);
	close_all(w, 8);
	close_all(sv, 2);
	FD_NO_LEAK();
}
