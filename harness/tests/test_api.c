/* test_api.c - every API function over real socketpairs: CPython's generic
 * recvmsg/recvmsg_into/sendmsg tests, recv_fds/send_fds, the allocating
 * form, the raw send, the strict MSG_CTRUNC policy, addresses, CLOEXEC and
 * every bad argument. */
#include <stdlib.h>
#include <netinet/in.h>
#include <sys/un.h>

#include "testutil.h"

#define NITEMS 16
struct rx {
	unsigned char data[1024], ctl[10240];
	struct ancdata_item items[NITEMS];
	struct ancdata_result res;
};

static void rx_init(struct rx *x)
{
	x->res.items = x->items;
	x->res.maxitems = NITEMS;
}

static void pair(int type, int sv[2])
{
	cr_assert_eq(socketpair(AF_UNIX, type, 0, sv), 0);
}

static void send_msg(int s, const void *p, size_t n)
{
	struct iovec iov = { (void *)p, n };
	cr_assert_eq(ancdata_sendmsg(s, &iov, 1, NULL, 0, 0, NULL, 0, NULL, 0,
				     NULL), (ssize_t)n);
}

static ssize_t recv_x(int s, struct rx *x, ssize_t bufsize, ssize_t anc,
		      int flags)
{
	rx_init(x);
	return ancdata_recvmsg(s, x->data, bufsize, x->ctl, anc, flags,
			       &x->res, NULL);
}

Test(recvmsg, generic_stream)
{
	FD_BASELINE();
	struct rx x;
	int sv[2];

	pair(SOCK_STREAM, sv);
	send_msg(sv[0], MSG, MSGLEN);                 /* testRecvmsg */
	cr_assert_eq(recv_x(sv[1], &x, MSGLEN, 0, 0), (ssize_t)MSGLEN);
	cr_assert_arr_eq(x.data, MSG, MSGLEN);
	cr_assert_eq(x.res.nitems, 0);
	cr_assert_eq(x.res.msg_flags, 0);
	cr_assert_eq(x.res.addrlen, 0);               /* connected: None */
	send_msg(sv[0], MSG, MSGLEN);                 /* ...Shorter */
	cr_assert_eq(recv_x(sv[1], &x, 70, 0, 0), (ssize_t)MSGLEN);
	send_msg(sv[0], MSG, MSGLEN);                 /* ...ShortAncillaryBuf */
	cr_assert_eq(recv_x(sv[1], &x, MSGLEN, 1, 0), (ssize_t)MSGLEN);
	cr_assert_eq(x.res.msg_flags & MSG_CTRUNC, 0);
	cr_assert_eq(x.res.nitems, 0);
	send_msg(sv[0], MSG, MSGLEN);                 /* ...LongAncillaryBuf */
	cr_assert_eq(recv_x(sv[1], &x, MSGLEN, 10240, 0), (ssize_t)MSGLEN);
	cr_assert_eq(x.res.msg_flags, 0);
	send_msg(sv[0], MSG, MSGLEN);                 /* ...Peek */
	cr_assert_eq(recv_x(sv[1], &x, 25, 0, MSG_PEEK), 25);
	cr_assert_arr_eq(x.data, MSG, 25);
	cr_assert_eq(recv_x(sv[1], &x, MSGLEN, 0, MSG_PEEK), (ssize_t)MSGLEN);
	cr_assert_eq(recv_x(sv[1], &x, MSGLEN, 0, 0), (ssize_t)MSGLEN);
	cr_assert_arr_eq(x.data, MSG, MSGLEN);
	struct iovec two[2] = { { (void *)MSG, 3 }, { (void *)(MSG + 3), MSGLEN - 3 } };
	cr_assert_eq(ancdata_sendmsg(sv[0], two, 2, NULL, 0, 0, NULL, 0, NULL,
				     0, NULL), (ssize_t)MSGLEN); /* ...FromSendmsg */
	cr_assert_eq(recv_x(sv[1], &x, MSGLEN, 0, 0), (ssize_t)MSGLEN);
	cr_assert_arr_eq(x.data, MSG, MSGLEN);
	send_msg(sv[0], MSG, MSGLEN);                 /* ...Overflow */
	cr_assert_eq(recv_x(sv[1], &x, 25, 0, 0), 25);
	cr_assert_eq(recv_x(sv[1], &x, 1024, 0, 0), 3);
	cr_assert_arr_eq(x.data, MSG + 25, 3);
	close(sv[0]);                                 /* ...EOF */
	cr_assert_eq(recv_x(sv[1], &x, 1024, 0, 0), 0);
	cr_assert_eq(x.res.nitems, 0);
	close(sv[1]);                                 /* ...AfterClose */
	cr_assert_eq(recv_x(sv[1], &x, 1024, 0, 0), -EBADF);
	FD_NO_LEAK();
}

/* Datagrams: MSG_TRUNC reported; recvmsg's data never exceeds bufsize but
 * recvmsg_into returns the kernel's count with flags=MSG_TRUNC. */
Test(recvmsg, dgram_trunc)
{
	FD_BASELINE();
	struct rx x;
	unsigned char small[4];
	struct iovec iov = { small, sizeof small };
	int sv[2];

	pair(SOCK_DGRAM, sv);
	send_msg(sv[0], MSG, MSGLEN);                 /* testRecvmsgTrunc */
	cr_assert_eq(recv_x(sv[1], &x, 25, 0, 0), 25);
	cr_assert(x.res.msg_flags & MSG_TRUNC);
	cr_assert_arr_eq(x.data, MSG, 25);
	send_msg(sv[0], "0123456789", 10);
	rx_init(&x);
	cr_assert_eq(ancdata_recvmsg_into(sv[1], &iov, 1, NULL, 0, MSG_TRUNC,
					  &x.res, NULL), 10);
	cr_assert(x.res.msg_flags & MSG_TRUNC);
	cr_assert_arr_eq(small, "0123", 4);
	send_msg(sv[0], "0123456789", 10);
	cr_assert_eq(recv_x(sv[1], &x, 4, 0, MSG_TRUNC), 4);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* testRecvmsgIntoScatter: "Mary had a little lamb" into 4 + 7 + 14 bytes. */
Test(recvmsg_into, scatter)
{
	FD_BASELINE();
	char b1[4], b2[11] = "0123456789", b3[14];
	struct iovec iov[3] = { { b1, 4 }, { b2 + 2, 7 }, { b3, 14 } };
	struct ancdata_result res = { 0 };
	int sv[2];

	memset(b3, '-', sizeof b3);
	pair(SOCK_STREAM, sv);
	send_msg(sv[0], "Mary had a little lamb", 22);
	cr_assert_eq(ancdata_recvmsg_into(sv[1], iov, 3, NULL, 0, 0, &res, NULL),
		     22);
	cr_assert_arr_eq(b1, "Mary", 4);
	cr_assert_str_eq(b2, "01 had a 9");
	cr_assert_arr_eq(b3, "little lamb---", 14);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* The sender's address comes back on a datagram socket bound to a name. */
Test(recvmsg, address)
{
	FD_BASELINE();
	struct sockaddr_un a = { .sun_family = AF_UNIX }, b = a;
	socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 1 +
			 (socklen_t)snprintf(a.sun_path + 1, 100, "ancdata-a-%d",
					     getpid());
	socklen_t blen = offsetof(struct sockaddr_un, sun_path) + 1 +
			 (socklen_t)snprintf(b.sun_path + 1, 100, "ancdata-b-%d",
					     getpid());
	int s = socket(AF_UNIX, SOCK_DGRAM, 0), r = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct iovec iov = { "x", 1 };
	struct rx x;

	cr_assert_eq(bind(s, (struct sockaddr *)&a, alen), 0);
	cr_assert_eq(bind(r, (struct sockaddr *)&b, blen), 0);
	cr_assert_eq(ancdata_sendmsg(s, &iov, 1, NULL, 0, 0,
				     (struct sockaddr *)&b, blen, NULL, 0, NULL), 1);
	cr_assert_eq(recv_x(r, &x, 16, 0, 0), 1);
	cr_assert_eq(x.res.addrlen, alen);
	cr_assert_arr_eq(&x.res.addr, &a, alen);
	/* no address on a connectionless socket: the kernel's error */
	cr_assert_eq(ancdata_sendmsg(s, &iov, 1, NULL, 0, 0, NULL, 0, NULL, 0,
				     NULL), -ENOTCONN);
	close(s);
	close(r);
	FD_NO_LEAK();
}

Test(recvmsg, cloexec_only_when_asked)
{
	FD_BASELINE();
	int sv[2], r[2], w[2], got[2];
	struct iovec iov = { "a", 1 };
	struct rx x;

	pair(SOCK_STREAM, sv);
	make_pipes(2, r, w);
	for (int round = 0; round < 2; round++) {
		cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 2, 0, NULL), 1);
		cr_assert_eq(recv_x(sv[1], &x, 1, 64, round ? MSG_CMSG_CLOEXEC : 0),
			     1);
		cr_assert_eq(items_fds(x.items, x.res.nitems, got, 2), 2);
		for (int i = 0; i < 2; i++)
			cr_assert_eq(fcntl(got[i], F_GETFD) & FD_CLOEXEC,
				     round ? FD_CLOEXEC : 0);
		close_all(got, 2);
	}
	close_all(r, 2);
	close_all(w, 2);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* SendRecvFdsTests.testSendAndRecvFds: 10 pipes, recv_fds(56, 20). */
Test(recv_fds, send_and_recv_fds)
{
	FD_BASELINE();
	int sv[2], r[10], w[10], got[20], flags = -1;
	struct iovec iov = { (void *)MSG, MSGLEN };
	char buf[56];
	size_t n = 99;

	pair(SOCK_STREAM, sv);
	make_pipes(10, r, w);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 10, 0, NULL),
		     (ssize_t)MSGLEN);
	close_all(r, 10);
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, sizeof buf, got, 20, &n,
				      &flags, 0, NULL), (ssize_t)MSGLEN);
	cr_assert_arr_eq(buf, MSG, MSGLEN);
	cr_assert_eq(n, 10);
	cr_assert_eq(flags, 0);
	check_identity(got, 10, w);
	close_all(got, 10);
	close_all(w, 10);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* The reference's Linux observations: maxfds 1 of 3 sent, and maxfds 0. */
Test(recv_fds, fewer_slots_than_fds)
{
	FD_BASELINE();
	int sv[2], r[3], w[3], got[3], flags;
	struct iovec iov = { "abc", 3 };
	char buf[8];
	size_t n;

	pair(SOCK_STREAM, sv);
	make_pipes(3, r, w);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 3, 0, NULL), 3);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 3, 0, NULL), 3);
	close_all(r, 3);
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, sizeof buf, got, 1, &n,
				      &flags, 0, NULL), 3);
	cr_assert_eq(n, 1);
	cr_assert(flags & MSG_CTRUNC);
	check_identity(got, 1, w);
	close(got[0]);
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, sizeof buf, got, 0, &n,
				      &flags, 0, NULL), 3);
	cr_assert_eq(n, 0);
	cr_assert(flags & MSG_CTRUNC);
	for (int i = 0; i < 3; i++)
		cr_assert(reader_gone(w[i]), "pipe %d kept a reader", i);
	close_all(w, 3);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* Unrelated items are skipped: credentials come first with SO_PASSCRED. */
Test(recv_fds, ignores_other_items)
{
	FD_BASELINE();
	int sv[2], r[2], w[2], got[16], one = 1, flags;
	struct iovec iov = { "z", 1 };
	char buf[4];
	size_t n;

	pair(SOCK_STREAM, sv);
	cr_assert_eq(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one), 0);
	make_pipes(2, r, w);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 2, 0, NULL), 1);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 2, 0, NULL), 1);
	close_all(r, 2);
	/* CMSG_LEN(16*4) = 80: creds (32) then rights (24) fit */
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, 1, got, 16, &n, &flags, 0,
				      NULL), 1);
	cr_assert_eq(n, 2);
	cr_assert_eq(flags, 0);
	check_identity(got, 2, w);
	close_all(got, 2);
	/* CMSG_LEN(8*4) = 48: after the creds no room for one fd */
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, 1, got, 8, &n, &flags, 0,
				      NULL), 1);
	cr_assert_eq(n, 0);
	cr_assert(flags & MSG_CTRUNC);
	cr_assert(reader_gone(w[0]) && reader_gone(w[1]));
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, 1, got, 8, &n, &flags,
				      MSG_DONTWAIT, NULL), -EAGAIN,
		     "flags reach the kernel; the queue is empty");
	close_all(w, 2);
	close_all(sv, 2);
	FD_NO_LEAK();
}

Test(recvmsg_alloc, fds_and_shrink)
{
	FD_BASELINE();
	int sv[2], r[2], w[2], got[2];
	struct iovec iov = { (void *)MSG, MSGLEN };
	struct ancdata_message m;

	pair(SOCK_STREAM, sv);
	make_pipes(2, r, w);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 2, 0, NULL),
		     (ssize_t)MSGLEN);
	close_all(r, 2);
	cr_assert_eq(ancdata_recvmsg_alloc(sv[1], 4096, 256, 0, &m, NULL), 0);
	cr_assert_eq(m.len, MSGLEN);
	cr_assert_arr_eq(m.data, MSG, MSGLEN);
	cr_assert_eq(m.res.nitems, 1);
	cr_assert_eq(m.res.msg_flags, 0);
	cr_assert_eq(items_fds(m.res.items, m.res.nitems, got, 2), 2);
	check_identity(got, 2, w);
	ancdata_message_free(&m);   /* frees memory, not fds */
	cr_assert(fd_is_open(got[0]) && fd_is_open(got[1]));
	close_all(got, 2);
	close_all(w, 2);
	/* no ancillary buffer: nothing allocated for items, fds dropped */
	make_pipes(1, r, w);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 1, 0, NULL),
		     (ssize_t)MSGLEN);
	close(r[0]);
	cr_assert_eq(ancdata_recvmsg_alloc(sv[1], 10, 0, 0, &m, NULL), 0);
	cr_assert_eq(m.len, 10);
	cr_assert_null(m.res.items);
	cr_assert(m.res.msg_flags & MSG_CTRUNC);
	cr_assert(reader_gone(w[0]));
	ancdata_message_free(&m);
	close_all(w, 1);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* The allocating form with MSG_TRUNC on a datagram: the kernel's count is
 * the whole datagram, but the data the caller gets is what fit in the
 * buffer (found by ci/mutants: alloc_len_mtrunc survived every test). */
Test(recvmsg_alloc, mtrunc_keeps_the_buffer_length)
{
	FD_BASELINE();
	int sv[2];
	struct ancdata_message m;

	pair(SOCK_DGRAM, sv);
	send_msg(sv[0], "0123456789", 10);
	cr_assert_eq(ancdata_recvmsg_alloc(sv[1], 4, 0, MSG_TRUNC, &m, NULL), 0);
	cr_assert_eq(m.len, 4, "len %zu: the data is 4 bytes, whatever the kernel counted", m.len);
	cr_assert_arr_eq(m.data, "0123", 4);
	cr_assert(m.res.msg_flags & MSG_TRUNC);
	ancdata_message_free(&m);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* An ancillary buffer exactly at the socklen_t limit is CPython's largest
 * accepted size (one more is "invalid ancillary data buffer length"); on an
 * empty socket the call gets as far as the kernel's EAGAIN without the
 * kernel touching the buffer (found by ci/mutants:
 * ancbufsize_limit_off_by_one). */
Test(recvmsg, ancbufsize_at_the_limit)
{
	FD_BASELINE();
	int sv[2];
	struct rx x;

	pair(SOCK_DGRAM, sv);
	cr_assert_eq(recv_x(sv[1], &x, 16, ANCDATA_SOCKLEN_T_LIMIT, MSG_DONTWAIT), -EAGAIN);
	cr_assert_eq(recv_x(sv[1], &x, 16, (ssize_t)ANCDATA_SOCKLEN_T_LIMIT + 1, MSG_DONTWAIT),
		     -ANCDATA_E_ANCBUF);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* err_closefds closes the ints of SOL_SOCKET/SCM_RIGHTS items only: an item
 * of another level whose type is also 1 (IP_TOS is 1 at SOL_IP) holds data,
 * not fds, and an open fd number in it must survive (found by ci/mutants:
 * close_any_level). */
static void record_close(int fd, void *arg)
{
	int *closed = arg;
	closed[closed[0] + 1] = fd;
	closed[0]++;
}

Test(close_fds, only_sol_socket_rights)
{
	FD_BASELINE();
	_Alignas(struct cmsghdr) unsigned char ctl[CMSG_SPACE(sizeof(int)) * 2];
	int r[1], w[1], closed[4] = { 0 };
	struct ancdata_opts opts = { .close_fd = record_close, .close_fd_arg = closed };
	struct cmsghdr *h = (struct cmsghdr *)ctl;

	make_pipes(1, r, w);
	memset(ctl, 0, sizeof ctl);
	h->cmsg_len = CMSG_LEN(sizeof(int));
	h->cmsg_level = IPPROTO_IP;
	h->cmsg_type = 1;                          /* IP_TOS, the number of SCM_RIGHTS */
	memcpy(CMSG_DATA(h), &r[0], sizeof(int));
	h = (struct cmsghdr *)(ctl + CMSG_SPACE(sizeof(int)));
	h->cmsg_len = CMSG_LEN(sizeof(int));
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(h), &w[0], sizeof(int));
	cr_assert_eq(ancdata_close_fds(ctl, sizeof ctl, &opts), 1);
	cr_assert_eq(closed[0], 1);
	cr_assert_eq(closed[1], w[0], "closed fd %d, the SCM_RIGHTS one is %d", closed[1], w[0]);
	close_all(r, 1);
	close_all(w, 1);
	FD_NO_LEAK();
}

/* SCM_MAX_FD: 253 fds go, 254 are refused; and flags are honoured, which
 * CPython's send_fds does not do (gh-107898). */
Test(send_fds, limit_and_flags)
{
	FD_BASELINE();
	int sv[2], fds[258], got[253], flags;
	struct iovec iov = { "x", 1 };
	char b;
	size_t n;

	pair(SOCK_SEQPACKET, sv);
	int null = open("/dev/null", O_RDONLY);
	for (int i = 0; i < 258; i++)
		fds[i] = null;
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, fds, 253, 0, NULL), 1);
	/* every count past SCM_MAX_FD is the kernel's EINVAL, never a buffer
	 * of the library's own that is too small (ci/mutants:
	 * send_fds_stack_bound, a stack buffer used for up to 258 fds) */
	for (int k = 254; k <= 258; k++)
		cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, fds, (size_t)k, 0, NULL), -EINVAL,
			     "%d fds", k);
	cr_assert_eq(ancdata_recv_fds(sv[1], &b, 1, got, 253, &n, &flags, 0,
				      NULL), 1);
	cr_assert_eq(n, 253);
	cr_assert_eq(flags, 0);
	close_all(got, 253);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, fds, 1, MSG_OOB, NULL),
		     -EOPNOTSUPP);
	close(null);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* The control buffer is CPython's: items at CMSG_SPACE strides, each
 * header CMSG_LEN(len), padding zeroed, the total the sum of CMSG_SPACE. */
Test(sendmsg, control_buffer_layout)
{
	FD_BASELINE();
	int sv[2], r[1], w[1], got[1], one = 1;
	struct ucred cred = { getpid(), getuid(), getgid() };
	unsigned char ctl[128];
	struct iovec iov = { "q", 1 };
	struct rx x;

	pair(SOCK_STREAM, sv);
	cr_assert_eq(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one), 0);
	make_pipes(1, r, w);
	struct ancdata_cmsg items[2] = {
		{ SOL_SOCKET, SCM_CREDENTIALS, &cred, sizeof cred },
		{ SOL_SOCKET, SCM_RIGHTS, r, sizeof(int) },
	};
	memset(ctl, 0xee, sizeof ctl);
	cr_assert_eq(ancdata_sendmsg(sv[0], &iov, 1, items, 2, 0, NULL, 0, ctl,
				     CMSG_SPACE(12) + CMSG_SPACE(4), NULL), 1);
	struct cmsghdr h;
	memcpy(&h, ctl, sizeof h);
	cr_assert_eq(h.cmsg_len, CMSG_LEN(12));
	cr_assert_eq(h.cmsg_type, SCM_CREDENTIALS);
	cr_assert_arr_eq(ctl + 16, &cred, 12);
	cr_assert_arr_eq(ctl + 28, "\0\0\0\0", 4);
	memcpy(&h, ctl + CMSG_SPACE(12), sizeof h);
	cr_assert_eq(h.cmsg_len, CMSG_LEN(4));
	cr_assert_eq(h.cmsg_type, SCM_RIGHTS);
	cr_assert_arr_eq(ctl + 52, "\0\0\0\0", 4);
	cr_assert_eq(ctl[56], 0xee, "wrote past the sum of CMSG_SPACE");
	close(r[0]);
	cr_assert_eq(recv_x(sv[1], &x, 1, 256, 0), 1);
	cr_assert_eq(x.res.nitems, 2);
	cr_assert_eq(x.items[0].type, SCM_CREDENTIALS);
	cr_assert_arr_eq(x.items[0].data, &cred, sizeof cred);
	cr_assert_eq(items_fds(x.items, 2, got, 1), 1);
	check_identity(got, 1, w);
	close(got[0]);
	close(w[0]);
	/* too small a caller buffer is refused before anything is sent */
	cr_assert_eq(ancdata_sendmsg(sv[0], &iov, 1, items, 2, 0, NULL, 0, ctl,
				     CMSG_SPACE(12) + CMSG_LEN(4), NULL),
		     -ANCDATA_E_SMALLBUF);
	/* the allocating path sends the same */
	items[1].len = 0;
	cr_assert_eq(ancdata_sendmsg(sv[0], &iov, 1, items, 2, 0, NULL, 0, NULL,
				     0, NULL), 1);
	cr_assert_eq(recv_x(sv[1], &x, 1, 256, 0), 1);
	cr_assert_eq(x.res.nitems, 1);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* CPython's size checks: an item too large, a sum too large. */
Test(sendmsg, size_limits)
{
	FD_BASELINE();
	struct iovec iov = { "q", 1 };
	int sv[2];
	pair(SOCK_STREAM, sv);
	struct ancdata_cmsg big = { SOL_SOCKET, SCM_RIGHTS, "",
				    ANCDATA_SOCKLEN_T_LIMIT - CMSG_SPACE(1) + 1 };
	cr_assert_eq(ancdata_sendmsg(sv[0], &iov, 1, &big, 1, 0, NULL, 0, NULL,
				     0, NULL), -ANCDATA_E_ITEM_TOO_LARGE);
	struct ancdata_cmsg two[2] = {
		{ SOL_SOCKET, SCM_RIGHTS, "", 0x40000000 },
		{ SOL_SOCKET, SCM_RIGHTS, "", 0x40000000 },
	};
	cr_assert_eq(ancdata_sendmsg(sv[0], &iov, 1, two, 2, 0, NULL, 0, NULL,
				     0, NULL), -ANCDATA_E_TOO_MUCH);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, (int *)"", (size_t)1 << 40,
				      0, NULL), -ANCDATA_E_ITEM_TOO_LARGE);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* The raw form sends bytes verbatim, so the kernel's own checks answer. */
Test(sendmsg_raw, malformed_control)
{
	FD_BASELINE();
	_Alignas(struct cmsghdr) unsigned char ctl[64] = { 0 };
	struct iovec iov = { "r", 1 };
	int sv[2], null = open("/dev/null", O_RDONLY);
	struct rx x;

	pair(SOCK_STREAM, sv);
	put_hdr(ctl, 0, 8, SOL_SOCKET, SCM_RIGHTS);          /* short len */
	cr_assert_eq(ancdata_sendmsg_raw(sv[0], &iov, 1, ctl, 24, 0, NULL, 0,
					 NULL), -EINVAL);
	put_hdr(ctl, 0, 40, SOL_SOCKET, SCM_RIGHTS);         /* overlong */
	cr_assert_eq(ancdata_sendmsg_raw(sv[0], &iov, 1, ctl, 24, 0, NULL, 0,
					 NULL), -EINVAL);
	put_hdr(ctl, 0, 20, SOL_SOCKET, 99);                 /* unknown type */
	cr_assert_eq(ancdata_sendmsg_raw(sv[0], &iov, 1, ctl, 24, 0, NULL, 0,
					 NULL), -EINVAL);
	cr_assert_eq(ancdata_sendmsg_raw(sv[0], &iov, 1, NULL, 24, 0, NULL, 0,
					 NULL), -EFAULT);
	put_hdr(ctl, 0, 22, SOL_SOCKET, SCM_RIGHTS);         /* 4 + 2 bytes */
	memcpy(ctl + 16, &null, 4);
	cr_assert_eq(ancdata_sendmsg_raw(sv[0], &iov, 1, ctl, 24, 0, NULL, 0,
					 NULL), 1);
	cr_assert_eq(ancdata_sendmsg_raw(sv[0], &iov, 1, ctl, 15, 0, NULL, 0,
					 NULL), 1);                  /* no header */
	cr_assert_eq(recv_x(sv[1], &x, 1, 64, 0), 1);
	cr_assert_eq(x.res.nitems, 1);
	cr_assert_eq(x.items[0].len, 4, "the odd 2 bytes are dropped");
	int got;
	memcpy(&got, x.items[0].data, 4);
	close(got);
	cr_assert_eq(recv_x(sv[1], &x, 1, 64, 0), 1);
	cr_assert_eq(x.res.nitems, 0);
	close(null);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* systemd's recvmsg_safe policy: MSG_CTRUNC closes what did arrive. */
Test(strict_ctrunc, closes_everything)
{
	FD_BASELINE();
	int sv[2], r[3], w[3];
	struct iovec iov = { "s", 1 };
	struct ancdata_opts o = { .strict_ctrunc = 1 };
	struct rx x;

	pair(SOCK_STREAM, sv);
	make_pipes(3, r, w);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 3, 0, NULL), 1);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 3, 0, NULL), 1);
	close_all(r, 3);
	rx_init(&x);
	/* room for one fd: the kernel installs it, the policy closes it */
	cr_assert_eq(ancdata_recvmsg(sv[1], x.data, 1, x.ctl, CMSG_LEN(4), 0,
				     &x.res, &o), -ANCDATA_E_CTRUNC);
	cr_assert_eq(x.res.nitems, 0);
	/* room for all three: no MSG_CTRUNC, the policy changes nothing */
	rx_init(&x);
	cr_assert_eq(ancdata_recvmsg(sv[1], x.data, 1, x.ctl, 64, 0, &x.res, &o),
		     1);
	int got[3];
	cr_assert_eq(items_fds(x.items, x.res.nitems, got, 3), 3);
	check_identity(got, 3, w);
	close_all(got, 3);
	for (int i = 0; i < 3; i++)
		cr_assert(reader_gone(w[i]), "pipe %d kept a reader", i);
	close_all(w, 3);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* Found by differential exploration (issue 10): with SO_PASSPIDFD set,
 * recv_fds left the pidfd the kernel installed (it returns SCM_RIGHTS fds
 * only), and strict MSG_CTRUNC left it too: neither may keep a pidfd the
 * caller never sees. */
static int pass_pidfd(int sock)
{
	int one = 1;
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
	return setsockopt(sock, SOL_SOCKET, SO_PASSPIDFD, &one, sizeof one);
}

Test(recv_fds, a_pidfd_it_does_not_return_is_closed)
{
	FD_BASELINE();
	int sv[2], r[1], w[1], got[2];
	size_t n = 9;
	struct iovec iov = { "x", 1 };
	char buf[4];

	pair(SOCK_STREAM, sv);
	if (pass_pidfd(sv[1]) < 0) {
		close_all(sv, 2);
		cr_skip_test("no SO_PASSPIDFD on this kernel");
	}
	cr_assert_eq(ancdata_sendmsg(sv[0], &iov, 1, NULL, 0, 0, NULL, 0, NULL, 0, NULL), 1);
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, sizeof buf, got, 2, &n, NULL, 0, NULL), 1);
	cr_assert_eq(n, 0);
	make_pipes(1, r, w);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 1, 0, NULL), 1);
	close_all(r, 1);
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, sizeof buf, got, 2, &n, NULL, 0, NULL), 1);
	cr_assert_eq(n, 1);
	check_identity(got, 1, w);
	close_all(got, 1);
	close_all(w, 1);
	close_all(sv, 2);
	FD_NO_LEAK();
}

Test(close_fds, an_item_array_too_small_closes_the_pidfd_too)
{
	FD_BASELINE();
	int sv[2], r[1], w[1];
	struct iovec iov = { "s", 1 };
	struct rx x;

	pair(SOCK_STREAM, sv);
	if (pass_pidfd(sv[1]) < 0) {
		close_all(sv, 2);
		cr_skip_test("no SO_PASSPIDFD on this kernel");
	}
	make_pipes(1, r, w);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 1, 0, NULL), 1);
	close_all(r, 1);
	rx_init(&x);
	x.res.maxitems = 1;   /* SCM_RIGHTS, then SCM_PIDFD: no room for it */
	cr_assert_eq(ancdata_recvmsg(sv[1], x.data, 1, x.ctl, 256, 0, &x.res, NULL),
		     -ANCDATA_E_NOSPACE);
	cr_assert(reader_gone(w[0]), "the pipe kept a reader");
	close_all(w, 1);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* testRecvmsgBadArgs and friends: each bad argument has its code, nothing
 * is consumed, and a good call works afterwards. */
Test(bad_args, every_function)
{
	FD_BASELINE();
	struct ancdata_opts bad = { .warn = 3 };
	struct ancdata_message m;
	struct ancdata_result res = { 0 };
	struct iovec iov = { "b", 1 };
	char buf[8];
	int sv[2], fds[1];
	size_t n, v;
	struct rx x;

	pair(SOCK_STREAM, sv);
	send_msg(sv[0], MSG, MSGLEN);
	rx_init(&x);
	cr_assert_eq(ancdata_recvmsg(sv[1], buf, -1, NULL, 0, 0, &res, NULL),
		     -ANCDATA_E_NEGBUF);
	cr_assert_eq(ancdata_recvmsg(sv[1], buf, 8, x.ctl, -1, 0, &res, NULL),
		     -ANCDATA_E_ANCBUF);
	cr_assert_eq(ancdata_recvmsg(sv[1], buf, 8, x.ctl,
				     (ssize_t)ANCDATA_SOCKLEN_T_LIMIT + 1, 0,
				     &res, NULL), -ANCDATA_E_ANCBUF);
	cr_assert_eq(ancdata_recvmsg(sv[1], NULL, 8, NULL, 0, 0, &res, NULL),
		     -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_recvmsg(sv[1], buf, 8, NULL, 16, 0, &res, NULL),
		     -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_recvmsg(sv[1], buf, 8, NULL, 0, 0, NULL, NULL),
		     -ANCDATA_E_NULL);
	res.maxitems = 4;   /* items NULL */
	cr_assert_eq(ancdata_recvmsg(sv[1], buf, 8, NULL, 0, 0, &res, NULL),
		     -ANCDATA_E_NULL);
	res.maxitems = 0;
	cr_assert_eq(ancdata_recvmsg(sv[1], buf, 8, NULL, 0, 0, &res, &bad),
		     -ANCDATA_E_BADARG);
	cr_assert_eq(ancdata_recvmsg_into(sv[1], &iov, -1, NULL, 0, 0, &res,
					  NULL), -ANCDATA_E_BADARG);
	cr_assert_eq(ancdata_recvmsg_into(sv[1], NULL, 1, NULL, 0, 0, &res,
					  NULL), -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_recvmsg_alloc(sv[1], 8, 0, 0, NULL, NULL),
		     -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_recvmsg_alloc(sv[1], -1, 0, 0, &m, NULL),
		     -ANCDATA_E_NEGBUF);
	cr_assert_eq(ancdata_recvmsg_alloc(sv[1], 8, -5, 0, &m, NULL),
		     -ANCDATA_E_ANCBUF);
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, 8, fds, 1, NULL, NULL, 0,
				      NULL), -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, 8, NULL, 1, &n, NULL, 0,
				      NULL), -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_recv_fds(sv[1], buf, 8, fds, (size_t)1 << 40, &n,
				      NULL, 0, NULL), -ANCDATA_E_ANCBUF);
	/* CPython's order: a negative size is reported before a NULL buffer
	 * (socket.recv_fds(sock, -1, 1) is "negative buffer size") */
	cr_assert_eq(ancdata_recv_fds(sv[1], NULL, (size_t)-1, fds, 1, &n, NULL,
				      0, NULL), -ANCDATA_E_NEGBUF);
	cr_assert_eq(ancdata_recv_fds(sv[1], NULL, (size_t)-1, NULL, 1, NULL,
				      NULL, 0, &bad), -ANCDATA_E_NEGBUF);
	cr_assert_eq(ancdata_recv_fds(sv[1], NULL, (size_t)-1, fds,
				      (size_t)1 << 40, &n, NULL, 0, NULL),
		     -ANCDATA_E_ANCBUF);
	cr_assert_eq(ancdata_recvmsg(sv[1], NULL, -1, NULL, -1, 0, NULL, NULL),
		     -ANCDATA_E_NEGBUF);
	cr_assert_eq(ancdata_recvmsg(sv[1], buf, 8, NULL, -1, 0, NULL, &bad),
		     -ANCDATA_E_ANCBUF);
	cr_assert_eq(ancdata_sendmsg(sv[0], &iov, -1, NULL, 0, 0, NULL, 0, NULL,
				     0, NULL), -ANCDATA_E_BADARG);
	cr_assert_eq(ancdata_sendmsg(sv[0], &iov, 1, NULL, 1, 0, NULL, 0, NULL,
				     0, NULL), -ANCDATA_E_NULL);
	struct ancdata_cmsg nulldata = { SOL_SOCKET, SCM_RIGHTS, NULL, 4 };
	cr_assert_eq(ancdata_sendmsg(sv[0], &iov, 1, &nulldata, 1, 0, NULL, 0,
				     NULL, 0, NULL), -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_sendmsg_raw(sv[0], NULL, 1, NULL, 0, 0, NULL, 0,
					 NULL), -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, NULL, 1, 0, NULL),
		     -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, fds, 0, 0, &bad),
		     -ANCDATA_E_BADARG);
	cr_assert_eq(ancdata_cmsg_len(-1, &v), -ANCDATA_E_RANGE);
	/* the kernel's own answers for what is not a socket */
	int notsock = open("/dev/null", O_RDONLY);
	cr_assert_eq(ancdata_recvmsg(notsock, buf, 8, NULL, 0, 0, &res, NULL),
		     -ENOTSOCK);
	close(notsock);
	/* nothing was consumed: the message is still whole */
	cr_assert_eq(recv_x(sv[1], &x, MSGLEN, 0, 0), (ssize_t)MSGLEN);
	cr_assert_arr_eq(x.data, MSG, MSGLEN);
	close_all(sv, 2);
	FD_NO_LEAK();
}
