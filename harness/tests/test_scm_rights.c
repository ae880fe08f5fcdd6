/* test_scm_rights.c - CPython's SCMRightsTest matrix over a real AF_UNIX
 * stream socketpair, through recvmsg and recvmsg_into: what CPython's test
 * requires, plus fd identity (each received fd reads what its pipe holds,
 * in order), no warning on Linux, and every fd the kernel dropped really
 * closed. */
#include "testutil.h"

enum send_kind { ONE_ITEM, SEPARATE, EMPTY, PARTIAL_INT, PARTIAL_MIDDLE };
enum check { FDS, TRUNC_HEADER, TRUNC_ARRAY, PARTIAL };

struct mcase {
	char name[40];
	int nsend;            /* pipes made and (up to) sent */
	enum send_kind send;
	ssize_t ancbuf;
	enum check check;
	int numfds, maxcmsgs; /* FDS: checkRecvmsgFDs */
	int ignore_ctrunc;
	size_t maxdata;       /* TRUNC_ARRAY */
};

#define BADFD (-0x5555)
static struct mcase cases[] = {
	{ "FDPassSimple", 1, ONE_ITEM, 10240, FDS, 1, 1, 0, 0 },
	{ "MultipleFDPass", 4, ONE_ITEM, 10240, FDS, 4, 1, 0, 0 },
	{ "FDPassCMSG_SPACE", 4, ONE_ITEM, CMSG_SPACE(16), FDS, 4, 1, 0, 0 },
	{ "FDPassCMSG_LEN", 1, ONE_ITEM, CMSG_LEN(16), FDS, 1, 1, 1, 0 },
	{ "FDPassSeparate", 2, SEPARATE, 10240, FDS, 2, 2, 0, 0 },
	{ "FDPassSeparateMinSpace", 2, SEPARATE, CMSG_SPACE(4) + CMSG_LEN(8),
	  FDS, 2, 2, 1, 0 },
	{ "FDPassEmpty", 0, EMPTY, 10240, FDS, 0, 1, 1, 0 },
	{ "FDPassPartialInt", 0, PARTIAL_INT, 10240, PARTIAL, 0, 1, 1, 0 },
	{ "FDPassPartialIntInMiddle", 2, PARTIAL_MIDDLE, 10240, PARTIAL, 2, 2,
	  1, 0 },
	{ "CmsgTruncNoBufSize", 1, ONE_ITEM, 0, TRUNC_HEADER, 0, 0, 1, 0 },
	{ "CmsgTrunc0", 1, ONE_ITEM, 0, TRUNC_HEADER, 0, 0, 1, 0 },
	{ "CmsgTrunc1", 1, ONE_ITEM, 1, TRUNC_HEADER, 0, 0, 0, 0 },
	{ "CmsgTrunc2Int", 1, ONE_ITEM, 2 * sizeof(int), TRUNC_HEADER, 0, 0, 0, 0 },
	{ "CmsgTruncLen0Minus1", 1, ONE_ITEM, CMSG_LEN(0) - 1, TRUNC_HEADER, 0,
	  0, 0, 0 },
	{ "CmsgTruncLen0", 1, ONE_ITEM, CMSG_LEN(0), TRUNC_ARRAY, 0, 0, 0, 0 },
	{ "CmsgTruncLen0Plus1", 2, ONE_ITEM, CMSG_LEN(0) + 1, TRUNC_ARRAY, 0, 0,
	  0, 1 },
	{ "CmsgTruncLen1", 2, ONE_ITEM, CMSG_LEN(sizeof(int)), TRUNC_ARRAY, 0,
	  0, 0, sizeof(int) },
	{ "CmsgTruncLen2Minus1", 2, ONE_ITEM, CMSG_LEN(2 * sizeof(int)) - 1,
	  TRUNC_ARRAY, 0, 0, 0, 2 * sizeof(int) - 1 },
};
#define NCASES (sizeof cases / sizeof cases[0])

/* sendAncillaryIfPossible: on an errno, resend MSG without ancillary data */
static void send_case(int s, const struct mcase *c, const int *r)
{
	struct iovec iov = { (void *)MSG, MSGLEN };
	struct ancdata_cmsg items[2];
	int arr[2], nitems = 1;
	ssize_t n;

	switch (c->send) {
	case ONE_ITEM:
		items[0] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, r,
						  c->nsend * sizeof(int) };
		break;
	case SEPARATE:
		items[0] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, &r[0], 4 };
		items[1] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, &r[1], 4 };
		nitems = 2;
		break;
	case EMPTY:
		items[0] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, "", 0 };
		break;
	case PARTIAL_INT:
		arr[0] = BADFD;
		items[0] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, arr,
						  sizeof(int) - 1 };
		break;
	case PARTIAL_MIDDLE:
		arr[0] = r[0];
		arr[1] = BADFD;
		items[0] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, arr,
						  2 * sizeof(int) - 1 };
		items[1] = (struct ancdata_cmsg){ SOL_SOCKET, SCM_RIGHTS, &r[1], 4 };
		nitems = 2;
		break;
	}
	n = ancdata_sendmsg(s, &iov, 1, items, nitems, 0, NULL, 0, NULL, 0, NULL);
	if (n < 0 && n > -ANCDATA_E_NEGBUF)
		n = ancdata_sendmsg(s, &iov, 1, NULL, 0, 0, NULL, 0, NULL, 0, NULL);
	cr_assert_eq(n, (ssize_t)MSGLEN, "%s: sendmsg gave %zd", c->name, n);
}

/* checkFlags(eor=True): MSG_OOB and MSG_TRUNC unset; MSG_CTRUNC as asked */
static void check_flags(const struct mcase *c, int flags, int ctrunc_set)
{
	cr_assert_eq(flags & (MSG_OOB | MSG_TRUNC), 0, "%s: flags 0x%x",
		     c->name, flags);
	if (ctrunc_set)
		cr_assert(flags & MSG_CTRUNC, "%s: MSG_CTRUNC unset", c->name);
	else if (!c->ignore_ctrunc)
		cr_assert_not(flags & MSG_CTRUNC, "%s: MSG_CTRUNC set", c->name);
}

static void run(const struct mcase *c, int into)
{
	FD_BASELINE();
	int sv[2], r[4], w[4], got[8];
	unsigned char data[64], ctl[10240];
	struct ancdata_item items[ANCDATA_MAX_ITEMS(sizeof ctl)];
	struct ancdata_result res = { .items = items,
				      .maxitems = sizeof items / sizeof items[0] };
	struct ancdata_opts o = { 0 };
	ssize_t n;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	make_pipes(c->nsend, r, w);
	send_case(sv[0], c, r);
	close_all(r, c->nsend);  /* the queued message holds the only refs */

	if (into) {
		struct iovec iov = { data, MSGLEN };
		n = ancdata_recvmsg_into(sv[1], &iov, 1, ctl, c->ancbuf, 0,
					 &res, &o);
		cr_assert(n >= 0 && n <= (ssize_t)MSGLEN, "%s: %zd", c->name, n);
	} else {
		n = ancdata_recvmsg(sv[1], data, MSGLEN, ctl, c->ancbuf, 0, &res,
				    &o);
	}
	cr_assert_eq(n, (ssize_t)MSGLEN, "%s: %s", c->name,
		     ancdata_strerror((int)n));
	cr_assert_arr_eq(data, MSG, MSGLEN);
	cr_assert_eq(o.warnings, 0, "%s: Linux output warned", c->name);
	for (size_t i = 0; i < res.nitems; i++) {
		cr_assert_eq(items[i].level, SOL_SOCKET);
		cr_assert_eq(items[i].type, SCM_RIGHTS);
	}
	size_t nfds = items_fds(items, res.nitems, got, 8);

	switch (c->check) {
	case FDS:        /* checkRecvmsgFDs */
		check_flags(c, res.msg_flags, 0);
		cr_assert_leq(res.nitems, (size_t)c->maxcmsgs, "%s", c->name);
		for (size_t i = 0; i < res.nitems; i++)
			cr_assert_eq(items[i].len % sizeof(int), 0);
		cr_assert_eq(nfds, (size_t)c->numfds, "%s: %zu fds", c->name,
			     nfds);
		break;
	case TRUNC_HEADER: /* checkTruncatedHeader */
		check_flags(c, res.msg_flags, !c->ignore_ctrunc);
		cr_assert_eq(res.nitems, 0, "%s", c->name);
		break;
	case TRUNC_ARRAY:  /* checkTruncatedArray(ancbuf, maxdata) */
		check_flags(c, res.msg_flags, 1);
		cr_assert_leq(res.nitems, 1, "%s", c->name);
		if (res.nitems)
			cr_assert_leq(items[0].len, c->maxdata, "%s: %zu bytes",
				      c->name, items[0].len);
		break;
	case PARTIAL:
		check_flags(c, res.msg_flags, 0);
		cr_assert_leq(res.nitems, (size_t)c->maxcmsgs, "%s", c->name);
		if (c->send == PARTIAL_INT)
			for (size_t i = 0; i < res.nitems; i++)
				cr_assert_lt(items[i].len, sizeof(int));
		cr_assert_leq(nfds, (size_t)c->numfds, "%s", c->name);
		break;
	}
	/* checkFDs: fd i is pipe i, in order */
	check_identity(got, (int)nfds, w);
	/* what was not delivered, the kernel closed: no read end anywhere */
	for (int i = (int)nfds; i < c->nsend; i++)
		cr_assert(reader_gone(w[i]), "%s: pipe %d still has a reader",
			  c->name, i);
	close_all(got, (int)nfds);  /* closeRecvmsgFDs */
	for (int i = 0; i < c->nsend; i++)
		cr_assert(reader_gone(w[i]));
	close_all(w, c->nsend);
	close_all(sv, 2);
	FD_NO_LEAK();
}

ParameterizedTestParameters(scm_rights, recvmsg)
{
	return cr_make_param_array(struct mcase, cases, NCASES);
}
ParameterizedTest(struct mcase *c, scm_rights, recvmsg)
{
	run(c, 0);
}

ParameterizedTestParameters(scm_rights, recvmsg_into)
{
	return cr_make_param_array(struct mcase, cases, NCASES);
}
ParameterizedTest(struct mcase *c, scm_rights, recvmsg_into)
{
	run(c, 1);
}
