/* cmsg_parse.c - fuzz target: raw control bytes and a returned
 * msg_controllen into libancdata's item walk and close-on-error logic,
 * including buffers no kernel produces (inconsistent cmsg_len, headers cut
 * anywhere, macOS-style untruncated lengths).
 *
 * Input: byte 0 = options (bit 0: old glibc next-header rule; bits 1-3:
 * item array capacity, 0 = roomy), bytes 1-2 = msg_controllen (little
 * endian, capped at the bytes left), then the control bytes.  The buffer
 * handed over is exactly controllen bytes, so ASan sees any read past it.
 *
 * Oracles: the items, the warning and the fds closed on every error path
 * must match ref_walk below, a slow re-implementation of CPython's rules
 * that does its arithmetic in 128 bits and reads bytes one at a time; the
 * close hook records fds instead of closing them, so "exactly these and
 * nothing else" is checked literally. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ancdata.h"

typedef unsigned __int128 u128;

#define MAXREF 4096
struct ref {
	size_t n;                       /* items */
	size_t off[MAXREF / 16 + 1];
	int level[MAXREF / 16 + 1], type[MAXREF / 16 + 1];
	size_t len[MAXREF / 16 + 1];
	int warned;
	size_t nclose;
	int closes[MAXREF / 4 + 1];
};

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int32_t rd32(const uint8_t *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return (int32_t)v;
}

static u128 align8(u128 x)
{
	return (x + 7) / 8 * 8;
}

/* The next header's offset by the rule, or -1. */
static long long ref_next(const uint8_t *c, u128 ctl, u128 off, int old)
{
	u128 len = rd64(c + off);
	if (len < 16)
		return -1;
	u128 next = off + align8(len);
	if (next + 16 > ctl)
		return -1;
	if (old && next + align8(rd64(c + next)) > ctl)
		return -1;
	return (long long)next;
}

static void ref_walk(const uint8_t *c, size_t ctl, int old, struct ref *r)
{
	r->n = r->nclose = 0;   /* only the first n and nclose entries are read */
	r->warned = 0;
	if (ctl < 16)
		return;
	for (long long off = 0; off >= 0; off = ref_next(c, ctl, (u128)off, old)) {
		u128 o = (u128)off;
		if (o + 16 > ctl) {              /* header not wholly inside */
			r->warned = 1;
			return;
		}
		u128 len = rd64(c + off);
		if (len < 16) {
			r->warned = 1;
			return;
		}
		u128 space = ctl - o - 16, want = len - 16;
		int truncated = space < want;
		size_t got = (size_t)(truncated ? space : want);
		r->off[r->n] = (size_t)off;
		r->level[r->n] = rd32(c + off + 8);
		r->type[r->n] = rd32(c + off + 12);
		r->len[r->n] = got;
		if (r->level[r->n] == SOL_SOCKET &&
		    (r->type[r->n] == SCM_RIGHTS || r->type[r->n] == 4 /* SCM_PIDFD */))
			for (size_t i = 0; i + 4 <= got; i += 4)
				r->closes[r->nclose++] = rd32(c + off + 16 + i);
		r->n++;
		if (truncated) {
			r->warned = 1;
			return;
		}
	}
}

static void die(const char *why)
{
	fprintf(stderr, "cmsg_parse: %s\n", why);
	abort();
}

struct closelog {
	size_t n;
	int fd[MAXREF / 4 + 1];
};

static void record(int fd, void *arg)
{
	struct closelog *l = arg;
	if (l->n > MAXREF / 4)
		die("closed more ints than the buffer holds");
	l->fd[l->n++] = fd;
}

static void same_closes(const struct ref *r, const struct closelog *l,
			const char *path)
{
	if (l->n != r->nclose || memcmp(l->fd, r->closes, l->n * sizeof(int))) {
		fprintf(stderr, "cmsg_parse: %s closed %zu fds, the reference %zu\n",
			path, l->n, r->nclose);
		die("the fds closed differ from the reference");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref r;
	static struct closelog log;
	static struct ancdata_item items[MAXREF / 16 + 1];
	static uint8_t scratch[MAXREF];
	if (size < 3 || size - 3 > MAXREF)
		return 0;
	int old = data[0] & 1;
	size_t cap = (data[0] >> 1) & 7;
	size_t avail = size - 3, ctl = (size_t)(data[1] | data[2] << 8);
	if (ctl > avail)
		ctl = avail;
	uint8_t *c = malloc(ctl ? ctl : 1);
	memcpy(c, data + 3, ctl);
	ref_walk(c, ctl, old, &r);

	struct ancdata_opts o = {
		.rule = old ? ANCDATA_RULE_OLD_GLIBC : ANCDATA_RULE_GLIBC236,
		.close_fd = record, .close_fd_arg = &log,
	};
	size_t n = 0, max = cap ? cap : sizeof items / sizeof items[0];

	/* 1. record policy: the items and one warning */
	log.n = 0;
	o.warn = ANCDATA_WARN_RECORD;
	int rc = ancdata_parse_control(c, ctl, items, max, &n, &o);
	if (r.n > max) {
		if (rc != -ANCDATA_E_NOSPACE)
			die("too many items for the array did not fail");
		same_closes(&r, &log, "the full item array");
	} else {
		if (rc != 0 || n != r.n)
			die("the items differ from the reference walk");
		if (o.warnings != (unsigned long)r.warned)
			die("the warning differs from the reference walk");
		if (log.n)
			die("fds closed on success");
		for (size_t i = 0; i < n; i++) {
			if (items[i].level != r.level[i] || items[i].type != r.type[i] ||
			    items[i].len != r.len[i] || items[i].data != c + r.off[i] + 16)
				die("an item differs from the reference walk");
			memcpy(scratch, items[i].data, items[i].len); /* in bounds? */
		}
	}
	/* 2. error policy: a warning takes err_closefds */
	log.n = 0;
	o.warn = ANCDATA_WARN_ERROR;
	o.warnings = 0;
	rc = ancdata_parse_control(c, ctl, items, sizeof items / sizeof items[0], &n, &o);
	if (r.warned) {
		if (rc != -ANCDATA_E_WARNING || n != 0)
			die("the error policy did not fail on a warning");
		same_closes(&r, &log, "the error policy");
	} else if (rc != 0 || log.n) {
		die("the error policy failed without a warning");
	}
	/* 3. ignore policy: the items, no count, nothing closed */
	log.n = 0;
	o.warn = ANCDATA_WARN_IGNORE;
	rc = ancdata_parse_control(c, ctl, items, sizeof items / sizeof items[0], &n, &o);
	if (rc != 0 || n != r.n || o.warnings || log.n)
		die("the ignore policy differs from the reference walk");
	/* 4. err_closefds on its own */
	log.n = 0;
	if (ancdata_close_fds(c, ctl, &o) != r.nclose)
		die("ancdata_close_fds counts other fds than the reference");
	same_closes(&r, &log, "ancdata_close_fds");
	free(c);
	return 0;
}
