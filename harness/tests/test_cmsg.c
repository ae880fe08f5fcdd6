/* test_cmsg.c - the item walk on synthetic control buffers (no kernel makes
 * these): the reference's S1..S13 plus mixed-level cases, for each warning
 * policy and both next-header rules; CPython's CmsgMacroTests. */
#include <limits.h>
#include <stdlib.h>

#include "testutil.h"

#define MAXH 3
struct hdr {
	size_t off, len;
	int type;      /* SOL_SOCKET always; SCM_RIGHTS unless set */
	size_t closes; /* fds CPython's err_closefds closes in this header,
	                  were it to run */
};
struct scase {
	char name[32]; /* inline: Criterion re-executes, pointers would dangle */
	size_t ctl;
	enum ancdata_cmsg_rule rule;
	int nh;
	struct hdr h[MAXH];
	int nitems;
	size_t item_len[MAXH];
	int warn;
};

#define R SCM_RIGHTS
#define C SCM_CREDENTIALS
#define NEW ANCDATA_RULE_GLIBC236
#define OLD ANCDATA_RULE_OLD_GLIBC
static struct scase cases[] = {
	{ "S1", 0, NEW, 0, { { 0 } }, 0, { 0 }, 0 },
	{ "S2", 8, NEW, 0, { { 0 } }, 0, { 0 }, 0 },
	{ "S3", 16, NEW, 1, { { 0, 16, R, 0 } }, 1, { 0 }, 0 },
	{ "S4", 16, NEW, 1, { { 0, 20, R, 0 } }, 1, { 0 }, 1 },
	{ "S5", 17, NEW, 1, { { 0, 24, R, 0 } }, 1, { 1 }, 1 },
	{ "S6", 20, NEW, 1, { { 0, 24, R, 1 } }, 1, { 4 }, 1 },
	{ "S7", 23, NEW, 1, { { 0, 24, R, 1 } }, 1, { 7 }, 1 },
	{ "S8", 24, NEW, 1, { { 0, 8, R, 0 } }, 0, { 0 }, 1 },
	{ "S9", 48, NEW, 2, { { 0, 20, R, 1 }, { 24, 20, R, 1 } }, 2, { 4, 4 }, 0 },
	{ "S10", 43, NEW, 2, { { 0, 20, R, 1 }, { 24, 20, R, 0 } }, 2, { 4, 3 }, 1 },
	{ "S10-old-glibc", 43, OLD, 2, { { 0, 20, R, 1 }, { 24, 20, R, 0 } }, 1, { 4 }, 0 },
	{ "S11", 39, NEW, 2, { { 0, 20, R, 1 }, { 24, 20, R, 0 } }, 1, { 4 }, 0 },
	{ "S11-old-glibc", 39, OLD, 2, { { 0, 20, R, 1 }, { 24, 20, R, 0 } }, 1, { 4 }, 0 },
	{ "S12", 48, NEW, 2, { { 0, 20, R, 1 }, { 24, 8, R, 0 } }, 1, { 4 }, 1 },
	{ "S12-old-glibc", 48, OLD, 2, { { 0, 20, R, 1 }, { 24, 8, R, 0 } }, 1, { 4 }, 1 },
	{ "S13", 28, NEW, 1, { { 0, 100, R, 3 } }, 1, { 12 }, 1 },
	/* a complete creds item's data is never closed; the truncated rights
	 * item after it closes its one whole int */
	{ "creds-then-truncated-rights", 44, NEW, 2, { { 0, 20, C, 0 }, { 24, 24, R, 1 } }, 2, { 4, 4 }, 1 },
	/* three complete items; a warning-free walk visits all */
	{ "three-items", 72, NEW, 3, { { 0, 24, R, 2 }, { 24, 20, C, 0 }, { 48, 24, R, 2 } }, 3, { 8, 4, 8 }, 0 },
	/* the third header is malformed: both rights items before it close */
	{ "malformed-third", 64, NEW, 3, { { 0, 24, R, 2 }, { 24, 20, R, 1 }, { 48, 4, R, 0 } }, 2, { 8, 4 }, 1 },
};

/* A buffer of exactly ctl bytes (ASan sees any overread) with a real pipe
 * fd in every whole int slot of every header's region, including padding
 * and the bytes after a malformed header: bait that must stay open unless
 * CPython closes it. */
struct built {
	unsigned char *ctl;
	int fds[MAXH][16];
	int nfd[MAXH];
	int w[MAXH * 16];
	int nw;
};

static void build(const struct scase *c, struct built *b)
{
	memset(b, 0, sizeof *b);
	b->ctl = malloc(c->ctl ? c->ctl : 1);
	cr_assert_not_null(b->ctl);
	memset(b->ctl, 0xa5, c->ctl);  /* garbage, as S2 wants */
	for (int i = 0; i < c->nh; i++) {
		const struct hdr *h = &c->h[i];
		size_t end = i + 1 < c->nh ? c->h[i + 1].off : c->ctl;
		unsigned char hb[sizeof(struct cmsghdr)];
		put_hdr(hb, 0, h->len, SOL_SOCKET, h->type);
		/* a header may be cut by the end of the buffer (S11) */
		memcpy(b->ctl + h->off, hb,
		       c->ctl - h->off < sizeof hb ? c->ctl - h->off : sizeof hb);
		for (size_t s = h->off + CMSG_LEN(0); s + 4 <= end; s += 4) {
			int r;
			make_pipes(1, &r, &b->w[b->nw++]);
			memcpy(b->ctl + s, &r, sizeof r);
			b->fds[i][b->nfd[i]++] = r;
		}
	}
}

/* closed: whether err_closefds ran. */
static void check_fds(const struct scase *c, struct built *b, int closed)
{
	for (int i = 0; i < c->nh; i++)
		for (int k = 0; k < b->nfd[i]; k++) {
			int want_closed = closed && (size_t)k < c->h[i].closes;
			cr_assert_eq(!fd_is_open(b->fds[i][k]), want_closed,
				     "%s: header %d fd slot %d should be %s",
				     c->name, i, k,
				     want_closed ? "closed" : "open");
			if (!want_closed)
				close(b->fds[i][k]);
		}
	close_all(b->w, b->nw);
	free(b->ctl);
}

static void run(const struct scase *c, enum ancdata_warn_policy policy)
{
	FD_BASELINE();
	struct ancdata_item items[MAXH + 1];
	struct ancdata_opts o = { .warn = policy, .rule = c->rule };
	struct built b;
	size_t n = 99;

	build(c, &b);
	int rc = ancdata_parse_control(b.ctl, c->ctl, items, MAXH + 1, &n, &o);
	int fails = policy == ANCDATA_WARN_ERROR && c->warn;
	if (fails) {
		cr_assert_eq(rc, -ANCDATA_E_WARNING, "%s: rc %d", c->name, rc);
		cr_assert_eq(n, 0);
	} else {
		cr_assert_eq(rc, 0, "%s: rc %d", c->name, rc);
		cr_assert_eq(n, (size_t)c->nitems, "%s: %zu items", c->name, n);
		for (int i = 0; i < c->nitems; i++) {
			cr_assert_eq(items[i].len, c->item_len[i],
				     "%s: item %d has %zu bytes", c->name, i,
				     items[i].len);
			cr_assert_eq(items[i].level, SOL_SOCKET);
			cr_assert_eq(items[i].type, c->h[i].type);
			cr_assert_eq(items[i].data,
				     b.ctl + c->h[i].off + CMSG_LEN(0));
		}
	}
	cr_assert_eq(o.warnings,
		     policy == ANCDATA_WARN_RECORD ? (unsigned long)c->warn : 0,
		     "%s: %lu warnings", c->name, o.warnings);
	check_fds(c, &b, fails);
	FD_NO_LEAK();
}

ParameterizedTestParameters(synthetic, policy_record)
{
	return cr_make_param_array(struct scase, cases,
				   sizeof cases / sizeof cases[0]);
}
ParameterizedTest(struct scase *c, synthetic, policy_record)
{
	run(c, ANCDATA_WARN_RECORD);
}

ParameterizedTestParameters(synthetic, policy_ignore)
{
	return cr_make_param_array(struct scase, cases,
				   sizeof cases / sizeof cases[0]);
}
ParameterizedTest(struct scase *c, synthetic, policy_ignore)
{
	run(c, ANCDATA_WARN_IGNORE);
}

ParameterizedTestParameters(synthetic, policy_error)
{
	return cr_make_param_array(struct scase, cases,
				   sizeof cases / sizeof cases[0]);
}
ParameterizedTest(struct scase *c, synthetic, policy_error)
{
	run(c, ANCDATA_WARN_ERROR);
}

/* ancdata_close_fds is err_closefds on its own: it closes exactly what the
 * table says even when no warning policy is involved. */
ParameterizedTestParameters(synthetic, close_fds)
{
	return cr_make_param_array(struct scase, cases,
				   sizeof cases / sizeof cases[0]);
}
ParameterizedTest(struct scase *c, synthetic, close_fds)
{
	FD_BASELINE();
	struct ancdata_opts o = { .rule = c->rule };
	struct built b;
	size_t want = 0;

	build(c, &b);
	for (int i = 0; i < c->nh; i++)
		want += c->h[i].closes;
	cr_assert_eq(ancdata_close_fds(b.ctl, c->ctl, &o), want, "%s",
		     c->name);
	check_fds(c, &b, 1);
	FD_NO_LEAK();
}

/* The close hook sees exactly the fds, in order; nothing is closed. */
static void record(int fd, void *arg)
{
	int *log = arg;
	log[++log[0]] = fd;
}

Test(synthetic, close_hook_records_in_order)
{
	FD_BASELINE();
	unsigned char ctl[44];
	int log[8] = { 0 };
	int a = 1000, b2 = 1001, c = 1002;
	struct ancdata_opts o = { .close_fd = record, .close_fd_arg = log };

	put_hdr(ctl, 0, 24, SOL_SOCKET, SCM_RIGHTS);
	memcpy(ctl + 16, &a, 4);
	memcpy(ctl + 20, &b2, 4);
	put_hdr(ctl, 24, 24, SOL_SOCKET, SCM_RIGHTS);  /* truncated: 1 int */
	memcpy(ctl + 40, &c, 4);
	cr_assert_eq(ancdata_close_fds(ctl, sizeof ctl, &o), 3);
	cr_assert_eq(log[0], 3);
	cr_assert_eq(log[1], a);
	cr_assert_eq(log[2], b2);
	cr_assert_eq(log[3], c);
	FD_NO_LEAK();
}

Test(synthetic, next_rule_boundary)
{
	FD_BASELINE();
	unsigned char ctl[64] = { 0 };
	size_t off;

	put_hdr(ctl, 0, 20, SOL_SOCKET, SCM_RIGHTS);
	/* next header at 24 exists iff 24 + 16 <= controllen */
	off = 0;
	cr_assert_eq(ancdata_cmsg_next(ctl, 40, ANCDATA_RULE_GLIBC236, &off), 0);
	cr_assert_eq(off, 24);
	off = 0;
	cr_assert_eq(ancdata_cmsg_next(ctl, 39, ANCDATA_RULE_GLIBC236, &off), -1);
	/* the old rule also reads the next header's cmsg_len */
	put_hdr(ctl, 24, 20, SOL_SOCKET, SCM_RIGHTS);
	off = 0;
	cr_assert_eq(ancdata_cmsg_next(ctl, 47, ANCDATA_RULE_OLD_GLIBC, &off), -1);
	off = 0;
	cr_assert_eq(ancdata_cmsg_next(ctl, 48, ANCDATA_RULE_OLD_GLIBC, &off), 0);
	cr_assert_eq(off, 24);
	/* a current header shorter than a cmsghdr has no next */
	put_hdr(ctl, 0, 15, SOL_SOCKET, SCM_RIGHTS);
	off = 0;
	cr_assert_eq(ancdata_cmsg_next(ctl, 64, ANCDATA_RULE_GLIBC236, &off), -1);
	/* a huge cmsg_len must not wrap the offset */
	put_hdr(ctl, 0, (size_t)-1, SOL_SOCKET, SCM_RIGHTS);
	off = 0;
	cr_assert_eq(ancdata_cmsg_next(ctl, 64, ANCDATA_RULE_GLIBC236, &off), -1);
	cr_assert_eq(ancdata_cmsg_first(15, &off), -1);
	cr_assert_eq(ancdata_cmsg_first(16, &off), 0);
	cr_assert_eq(off, 0);
	FD_NO_LEAK();
}

Test(synthetic, classify_huge_length_is_truncated)
{
	FD_BASELINE();
	unsigned char ctl[32] = { 0 };
	size_t len = 0;

	put_hdr(ctl, 0, (size_t)-1, SOL_SOCKET, SCM_RIGHTS);
	cr_assert_eq(ancdata_cmsg_classify(ctl, 32, 0, &len),
		     ANCDATA_CMSG_TRUNCATED);
	cr_assert_eq(len, 16);
	cr_assert_eq(ancdata_cmsg_classify(ctl, 32, 17, &len),
		     ANCDATA_CMSG_MALFORMED);
	cr_assert_eq(ancdata_cmsg_classify(NULL, 32, 0, &len),
		     ANCDATA_CMSG_MALFORMED);
	FD_NO_LEAK();
}

Test(synthetic, parse_bad_arguments)
{
	FD_BASELINE();
	unsigned char ctl[16] = { 0 };
	size_t n;
	struct ancdata_opts bad = { .warn = 7 };

	cr_assert_eq(ancdata_parse_control(ctl, 16, NULL, 1, &n, NULL),
		     -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_parse_control(ctl, 16, NULL, 0, NULL, NULL),
		     -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_parse_control(ctl, 16, NULL, 0, &n, &bad),
		     -ANCDATA_E_BADARG);
	bad.warn = 0;
	bad.rule = 9;
	cr_assert_eq(ancdata_parse_control(ctl, 16, NULL, 0, &n, &bad),
		     -ANCDATA_E_BADARG);
	FD_NO_LEAK();
}

/* An item array too small is a failure after the system call: it closes. */
Test(synthetic, item_array_full_closes)
{
	FD_BASELINE();
	_Alignas(struct cmsghdr) unsigned char ctl[48] = { 0 };
	struct ancdata_item one;
	int r[2], w[2];
	size_t n;

	make_pipes(2, r, w);
	put_hdr(ctl, 0, 20, SOL_SOCKET, SCM_RIGHTS);
	memcpy(ctl + 16, &r[0], 4);
	put_hdr(ctl, 24, 20, SOL_SOCKET, SCM_RIGHTS);
	memcpy(ctl + 40, &r[1], 4);
	cr_assert_eq(ancdata_parse_control(ctl, 48, &one, 1, &n, NULL),
		     -ANCDATA_E_NOSPACE);
	cr_assert(!fd_is_open(r[0]) && !fd_is_open(r[1]));
	close_all(w, 2);
	FD_NO_LEAK();
}

/* CPython's CmsgMacroTests.testCMSG_LEN / testCMSG_SPACE. */
Test(macros, cmsg_len)
{
	FD_BASELINE();
	const ssize_t limit = ANCDATA_SOCKLEN_T_LIMIT;
	size_t len0, v;
	cr_assert_eq(ancdata_cmsg_len(0, &len0), 0);
	cr_assert_gt(len0, 2 * sizeof(int));
	const ssize_t toobig = limit - (ssize_t)len0 + 1;
	for (ssize_t n = 0; n < 257; n++) {
		cr_assert_eq(ancdata_cmsg_len(n, &v), 0);
		cr_assert_eq(v - len0, (size_t)n);
		cr_assert_leq(v, (size_t)limit);
	}
	for (ssize_t n = toobig - 257; n < toobig; n++) {
		cr_assert_eq(ancdata_cmsg_len(n, &v), 0);
		cr_assert_eq(v - len0, (size_t)n);
		cr_assert_leq(v, (size_t)limit);
	}
	cr_assert_eq(ancdata_cmsg_len(2147483647 - 16, &v), 0);
	cr_assert_eq(v, 2147483647u);
	cr_assert_eq(ancdata_cmsg_len(-1, &v), -ANCDATA_E_RANGE);
	cr_assert_eq(ancdata_cmsg_len(toobig, &v), -ANCDATA_E_RANGE);
	cr_assert_eq(ancdata_cmsg_len(SSIZE_MAX, &v), -ANCDATA_E_RANGE);
	FD_NO_LEAK();
}

Test(macros, cmsg_space)
{
	FD_BASELINE();
	const ssize_t limit = ANCDATA_SOCKLEN_T_LIMIT;
	size_t one, v, last = 0, len;
	cr_assert_eq(ancdata_cmsg_space(1, &one), 0);
	cr_assert_eq(ancdata_cmsg_space(0, &v), 0);
	cr_assert_gt(v, 2 * sizeof(int));
	const ssize_t toobig = limit - (ssize_t)one + 1;
	cr_assert_eq(toobig, 2147483624);
	for (int pass = 0; pass < 2; pass++) {
		ssize_t from = pass ? toobig - 257 : 0;
		last = 0;
		for (ssize_t n = from; n < from + 257; n++) {
			cr_assert_eq(ancdata_cmsg_space(n, &v), 0);
			cr_assert_eq(ancdata_cmsg_len(n, &len), 0);
			cr_assert_geq(v, last);
			cr_assert_geq(v, len);
			cr_assert_geq(v, (size_t)n + CMSG_LEN(0));
			cr_assert_leq(v, (size_t)limit);
			last = v;
		}
	}
	cr_assert_eq(ancdata_cmsg_space(-1, &v), -ANCDATA_E_RANGE);
	cr_assert_eq(ancdata_cmsg_space(toobig, &v), -ANCDATA_E_RANGE);
	cr_assert_eq(ancdata_cmsg_space(SSIZE_MAX, &v), -ANCDATA_E_RANGE);
	/* the reference's constants */
	cr_assert_eq((ancdata_cmsg_space(4, &v), v), 24);
	cr_assert_eq((ancdata_cmsg_space(12, &v), v), 32);
	cr_assert_eq((ancdata_cmsg_len(12, &v), v), 28);
	FD_NO_LEAK();
}

Test(errors, strerror_names_every_code)
{
	FD_BASELINE();
	for (int c = ANCDATA_E_NEGBUF; c <= ANCDATA_E_ADDR; c++) {
		const char *s = ancdata_strerror(-c);
		cr_assert(s && *s && strncmp(s, "Unknown", 7) != 0,
			  "code %d unnamed", c);
	}
	cr_assert_str_eq(ancdata_strerror(-ANCDATA_E_WARNING),
			 "received malformed or improperly-truncated ancillary data");
	cr_assert_str_eq(ancdata_strerror(-ETIMEDOUT), strerror(ETIMEDOUT));
	FD_NO_LEAK();
}

/* Defect 13: ancdata_strerror(INT_MIN) negated INT_MIN (UBSan under the
 * asan preset reports it; there the test dies). */
Test(errors, strerror_of_the_extremes)
{
	cr_assert_str_eq(ancdata_strerror(INT_MIN), "unknown error");
	cr_assert(ancdata_strerror(INT_MAX) && *ancdata_strerror(INT_MAX));
	cr_assert(ancdata_strerror(-INT_MAX) && *ancdata_strerror(-INT_MAX));
	cr_assert_str_eq(ancdata_strerror(ANCDATA_E_NULL),
			 ancdata_strerror(-ANCDATA_E_NULL));
}

/* Defect 19: ancdata_cmsg_next(NULL, ...) dereferenced NULL while
 * ancdata_cmsg_classify checks for it; the other walk functions alike. */
Test(synthetic, walk_functions_take_null)
{
	unsigned char ctl[48] = { 0 };
	size_t off = 0, v;
	struct cmsghdr h = { .cmsg_len = CMSG_LEN(4) };

	memcpy(ctl, &h, sizeof h);
	cr_assert_eq(ancdata_cmsg_next(NULL, 48, ANCDATA_RULE_GLIBC236, &off), -1);
	cr_assert_eq(ancdata_cmsg_next(NULL, 48, ANCDATA_RULE_OLD_GLIBC, &off), -1);
	cr_assert_eq(off, 0);
	cr_assert_eq(ancdata_cmsg_next(ctl, 48, ANCDATA_RULE_GLIBC236, NULL), -1);
	cr_assert_eq(ancdata_cmsg_next(ctl, 48, ANCDATA_RULE_GLIBC236, &off), 0);
	cr_assert_eq(off, CMSG_SPACE(4));
	cr_assert_eq(ancdata_cmsg_first(48, NULL), -1);
	cr_assert_eq(ancdata_cmsg_classify(ctl, 48, 0, NULL), ANCDATA_CMSG_MALFORMED);
	cr_assert_eq(ancdata_cmsg_len(4, NULL), -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_cmsg_space(4, NULL), -ANCDATA_E_NULL);
	cr_assert_eq(ancdata_cmsg_len(4, &v), 0);
	cr_assert_eq(ancdata_close_fds(NULL, 48, NULL), 0);
}
