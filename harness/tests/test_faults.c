/* test_faults.c - every failure point after the system call, made to fail
 * over a real socketpair: the call returns its error, every fd the kernel
 * installed is closed (its pipe has no reader left), and no other fd of the
 * process is touched. */
#include "fault.h"
#include "testutil.h"

enum api { RECVMSG, RECVMSG_INTO, RECVMSG_ALLOC, RECV_FDS };
struct fcase {
	char name[40];
	enum api api;
	int point;
	size_t index;
	ssize_t ancbuf;  /* 0: roomy */
	int err;
};

static struct fcase cases[] = {
	{ "recvmsg/item0-creds", RECVMSG, ANCDATA_FAULT_ITEM, 0, 0, ANCDATA_E_NOMEM },
	{ "recvmsg/item1-rights", RECVMSG, ANCDATA_FAULT_ITEM, 1, 0, ANCDATA_E_NOMEM },
	{ "recvmsg/addr", RECVMSG, ANCDATA_FAULT_ADDR, 0, 0, ANCDATA_E_ADDR },
	{ "recvmsg/truncated-item1", RECVMSG, ANCDATA_FAULT_ITEM, 1,
	  CMSG_SPACE(sizeof(struct ucred)) + CMSG_LEN(4), ANCDATA_E_NOMEM },
	{ "recvmsg_into/item1", RECVMSG_INTO, ANCDATA_FAULT_ITEM, 1, 0, ANCDATA_E_NOMEM },
	{ "recvmsg_into/addr", RECVMSG_INTO, ANCDATA_FAULT_ADDR, 0, 0, ANCDATA_E_ADDR },
	{ "alloc/list", RECVMSG_ALLOC, ANCDATA_FAULT_ALLOC, 0, 0, ANCDATA_E_NOMEM },
	{ "alloc/item1", RECVMSG_ALLOC, ANCDATA_FAULT_ITEM, 1, 0, ANCDATA_E_NOMEM },
	{ "alloc/resize", RECVMSG_ALLOC, ANCDATA_FAULT_DATA, 0, 0, ANCDATA_E_NOMEM },
	{ "alloc/addr", RECVMSG_ALLOC, ANCDATA_FAULT_ADDR, 0, 0, ANCDATA_E_ADDR },
	{ "recv_fds/item0", RECV_FDS, ANCDATA_FAULT_ITEM, 0, 0, ANCDATA_E_NOMEM },
	{ "recv_fds/item1", RECV_FDS, ANCDATA_FAULT_ITEM, 1, 0, ANCDATA_E_NOMEM },
	{ "recv_fds/addr", RECV_FDS, ANCDATA_FAULT_ADDR, 0, 0, ANCDATA_E_ADDR },
};

static ssize_t receive(const struct fcase *c, int s)
{
	unsigned char data[64], ctl[256];
	struct ancdata_item items[16];
	struct ancdata_result res = { .items = items, .maxitems = 16 };
	struct iovec iov = { data, sizeof data };
	ssize_t anc = c->ancbuf ? c->ancbuf : (ssize_t)sizeof ctl;
	struct ancdata_message m;
	int fds[3];
	size_t n;
	ssize_t rc;

	switch (c->api) {
	case RECVMSG:
		return ancdata_recvmsg(s, data, sizeof data, ctl, anc, 0, &res, NULL);
	case RECVMSG_INTO:
		return ancdata_recvmsg_into(s, &iov, 1, ctl, anc, 0, &res, NULL);
	case RECVMSG_ALLOC:
		rc = ancdata_recvmsg_alloc(s, 64, anc, 0, &m, NULL);
		cr_assert_null(m.data, "failure must free the message");
		return rc;
	case RECV_FDS:
		/* CMSG_LEN(12 * 4) = 64 holds the creds and three fds */
		return ancdata_recv_fds(s, data, sizeof data, fds, 12, &n, NULL,
					0, NULL);
	}
	return 0;
}

ParameterizedTestParameters(faults, after_syscall)
{
	return cr_make_param_array(struct fcase, cases,
				   sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct fcase *c, faults, after_syscall)
{
	FD_BASELINE();
	int sv[2], r[3], w[3], one = 1;
	struct iovec iov = { "hello", 5 };

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	/* credentials come first, then the rights: two items */
	cr_assert_eq(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one), 0);
	make_pipes(3, r, w);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 3, 0, NULL), 5);
	close_all(r, 3);   /* from here only installed fds hold the readers */

	ancdata_fault_set(c->point, c->index);
	ssize_t rc = receive(c, sv[1]);
	ancdata_fault_set(-1, 0);
	cr_assert_eq(rc, -c->err, "%s: %zd (%s)", c->name, rc,
		     ancdata_strerror((int)rc));
	for (int i = 0; i < 3; i++)
		cr_assert(reader_gone(w[i]), "%s: fd for pipe %d left open",
			  c->name, i);
	/* nothing else was touched */
	cr_assert(fd_is_open(sv[0]) && fd_is_open(sv[1]));
	for (int i = 0; i < 3; i++)
		cr_assert(fd_is_open(w[i]));
	close_all(w, 3);
	close_all(sv, 2);
	FD_NO_LEAK();
}

/* Disarmed, the same calls succeed and hand every fd to the caller: the
 * faults above are what made them fail. */
Test(faults, none_armed_nothing_closed)
{
	FD_BASELINE();
	int sv[2], r[3], w[3], one = 1, got[12];
	unsigned char data[64];
	struct iovec iov = { "hello", 5 };
	size_t n;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one), 0);
	make_pipes(3, r, w);
	cr_assert_eq(ancdata_send_fds(sv[0], &iov, 1, r, 3, 0, NULL), 5);
	close_all(r, 3);
	cr_assert_eq(ancdata_recv_fds(sv[1], data, sizeof data, got, 12, &n,
				      NULL, 0, NULL), 5);
	cr_assert_eq(n, 3);
	check_identity(got, 3, w);
	close_all(got, 3);
	close_all(w, 3);
	close_all(sv, 2);
	FD_NO_LEAK();
}
