/* cmsg.c - the item walk: CPython's get_cmsg_data_len, the two
 * FIRSTHDR/NXTHDR rules, the parse loop and err_closefds, as pure functions
 * over (control, controllen) that never read outside the buffer. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define HDR CMSG_LEN(0)            /* sizeof(struct cmsghdr), aligned */
#define ALIGN(n) CMSG_ALIGN(n)

/* Header fields are read with memcpy: a fuzzer's buffer need not be aligned. */
static size_t hdr_len(const unsigned char *ctl, size_t off)
{
	size_t v;
	memcpy(&v, ctl + off + offsetof(struct cmsghdr, cmsg_len), sizeof v);
	return v;
}

static int hdr_int(const unsigned char *ctl, size_t off, size_t field)
{
	int v;
	memcpy(&v, ctl + off + field, sizeof v);
	return v;
}

static const size_t SIZE_LIMIT = ANCDATA_SOCKLEN_T_LIMIT;

int ancdata_cmsg_len(ssize_t n, size_t *out)
{
	if (out == NULL)
		return -ANCDATA_E_NULL;
	if (n < 0 || (size_t)n > SIZE_LIMIT - CMSG_LEN(0))
		return -ANCDATA_E_RANGE;
	*out = CMSG_LEN((size_t)n);
	return 0;
}

int ancdata_cmsg_space(ssize_t n, size_t *out)
{
	/* CMSG_SPACE(1): counts padding before and after the data. */
	if (out == NULL)
		return -ANCDATA_E_NULL;
	if (n < 0 || (size_t)n > SIZE_LIMIT - CMSG_SPACE(1))
		return -ANCDATA_E_RANGE;
	*out = CMSG_SPACE((size_t)n);
	return 0;
}

int ancdata_cmsg_first(size_t controllen, size_t *off)
{
	if (off == NULL || controllen < sizeof(struct cmsghdr))
		return -1;
	*off = 0;
	return 0;
}

int ancdata_cmsg_next(const void *control, size_t controllen,
		      enum ancdata_cmsg_rule rule, size_t *off)
{
	const unsigned char *ctl = control;
	size_t cur, len, step, next;

	/* as ancdata_cmsg_classify: no buffer, no header */
	if (ctl == NULL || off == NULL)
		return -1;
	cur = *off;
	if (cur > controllen || controllen - cur < HDR)
		return -1;
	len = hdr_len(ctl, cur);
	if (len < sizeof(struct cmsghdr))
		return -1;
	if (len > SIZE_MAX - (sizeof(size_t) - 1))
		return -1;
	step = ALIGN(len);
	/* glibc 2.36: room for the current item and a whole next header. */
	if (controllen - cur < HDR || controllen - cur - HDR < step)
		return -1;
	next = cur + step;
	if (rule == ANCDATA_RULE_OLD_GLIBC) {
		/* older glibc also required the next item's own aligned length
		 * to fit (it read that cmsg_len before trusting it) */
		size_t nlen = hdr_len(ctl, next);
		if (nlen > SIZE_MAX - (sizeof(size_t) - 1) ||
		    ALIGN(nlen) > controllen - next)
			return -1;
	}
	*off = next;
	return 0;
}

int ancdata_cmsg_classify(const void *control, size_t controllen, size_t off,
			  size_t *datalen)
{
	const unsigned char *ctl = control;
	size_t len, space;

	/* cmsg_min_space(CMSG_LEN(0)): the whole header is in the buffer */
	if (ctl == NULL || datalen == NULL || off > controllen ||
	    controllen - off < HDR)
		return ANCDATA_CMSG_MALFORMED;
	len = hdr_len(ctl, off);
	if (len < HDR)
		return ANCDATA_CMSG_MALFORMED;
	space = controllen - off - HDR;    /* get_cmsg_data_space */
	if (space >= len - HDR) {
		*datalen = len - HDR;
		return ANCDATA_CMSG_COMPLETE;
	}
	*datalen = space;
	return ANCDATA_CMSG_TRUNCATED;
}

static void close_one(const struct ancdata_opts *opts, int fd)
{
	if (opts && opts->close_fd)
		opts->close_fd(fd, opts->close_fd_arg);
	else
		close(fd);
}

static enum ancdata_cmsg_rule rule_of(const struct ancdata_opts *opts)
{
	return opts ? opts->rule : ANCDATA_RULE_GLIBC236;
}

/* the fds of the items (all that carry fds, or only SCM_PIDFD) closed */
static size_t close_items(const void *control, size_t controllen,
			  const struct ancdata_opts *opts, int only_pidfd)
{
	const unsigned char *ctl = control;
	size_t off, datalen, closed = 0;
	int st;

	if (ctl == NULL || ancdata_cmsg_first(controllen, &off) < 0)
		return 0;
	do {
		st = ancdata_cmsg_classify(ctl, controllen, off, &datalen);
		if (st == ANCDATA_CMSG_MALFORMED)
			break;
		int level = hdr_int(ctl, off, offsetof(struct cmsghdr, cmsg_level));
		int type = hdr_int(ctl, off, offsetof(struct cmsghdr, cmsg_type));
		if (level == SOL_SOCKET &&
		    (only_pidfd ? type == SCM_PIDFD : ancdata__carries_fds(type))) {
			for (size_t i = 0; i < datalen / sizeof(int); i++) {
				close_one(opts, hdr_int(ctl, off + HDR,
							i * sizeof(int)));
				closed++;
			}
		}
		if (st != ANCDATA_CMSG_COMPLETE)
			break;
	} while (ancdata_cmsg_next(ctl, controllen, rule_of(opts), &off) == 0);
	return closed;
}

size_t ancdata_close_fds(const void *control, size_t controllen,
			 const struct ancdata_opts *opts)
{
	return close_items(control, controllen, opts, 0);
}

void ancdata__close_pidfds(const void *control, size_t controllen,
			   const struct ancdata_opts *opts)
{
	close_items(control, controllen, opts, 1);
}

/* Warn once; under the error policy the caller must take err_closefds. */
static int warn(struct ancdata_opts *opts)
{
	if (opts == NULL || opts->warn == ANCDATA_WARN_RECORD) {
		if (opts)
			opts->warnings++;
		return 0;
	}
	return opts->warn == ANCDATA_WARN_ERROR ? -ANCDATA_E_WARNING : 0;
}

/* The parse loop of sock_recvmsg_guts, items going to a sink. */
static int parse(const unsigned char *ctl, size_t controllen,
		 struct sink *sink, struct ancdata_opts *opts)
{
	size_t off, datalen;
	int st, rc;

	if (ctl == NULL || ancdata_cmsg_first(controllen, &off) < 0)
		return 0;
	do {
		st = ancdata_cmsg_classify(ctl, controllen, off, &datalen);
		if (st != ANCDATA_CMSG_COMPLETE && (rc = warn(opts)) < 0)
			return rc;
		if (st == ANCDATA_CMSG_MALFORMED)
			break;
		struct ancdata_item item = {
			.level = hdr_int(ctl, off,
					 offsetof(struct cmsghdr, cmsg_level)),
			.type = hdr_int(ctl, off,
					offsetof(struct cmsghdr, cmsg_type)),
			.data = ctl + off + HDR,
			.len = datalen,
		};
		if (FAULT(ANCDATA_FAULT_ITEM, sink->count))
			return -ANCDATA_E_NOMEM;
		if ((rc = sink->put(sink, &item)) < 0)
			return rc;
		sink->count++;
		if (st == ANCDATA_CMSG_TRUNCATED)
			break;
	} while (ancdata_cmsg_next(ctl, controllen, rule_of(opts), &off) == 0);
	return 0;
}

/* Parse, and on any failure close what CPython's err_closefds closes. */
int ancdata__parse_sink(const unsigned char *ctl, size_t controllen,
			struct sink *sink, struct ancdata_opts *opts)
{
	int rc = parse(ctl, controllen, sink, opts);
	if (rc < 0)
		ancdata_close_fds(ctl, controllen, opts);
	return rc;
}

static int put_item(struct sink *s, const struct ancdata_item *item)
{
	struct item_sink *is = (struct item_sink *)s;
	if (s->count >= is->max)
		return -ANCDATA_E_NOSPACE;
	is->items[s->count] = *item;
	return 0;
}

void ancdata__item_sink(struct item_sink *is, struct ancdata_item *items,
			size_t max)
{
	is->base.put = put_item;
	is->base.count = 0;
	is->items = items;
	is->max = max;
}

int ancdata_parse_control(const void *control, size_t controllen,
			  struct ancdata_item *items, size_t maxitems,
			  size_t *nitems, struct ancdata_opts *opts)
{
	struct item_sink is;
	int rc;

	if (nitems == NULL || (items == NULL && maxitems > 0))
		return -ANCDATA_E_NULL;
	if ((rc = ancdata__check_opts(opts)) < 0)
		return rc;
	ancdata__item_sink(&is, items, maxitems);
	rc = ancdata__parse_sink(control, controllen, &is.base, opts);
	*nitems = rc < 0 ? 0 : is.base.count;
	return rc;
}
