/* seeds.c - the generator of corpus/<target>/seed-* (run by `ci/fuzz
 * --seeds`, checked by the CTest fuzz/seeds_current):
 *   socketpair     every conformance case's sends and receives, encoded in
 *                  the target's input format (steps it cannot express are
 *                  left out);
 *   scenario_parse every conformance case's text;
 *   cmsg_parse     the reference's synthetic buffers S1-S13 under both
 *                  next-header rules, and the shapes the kernel writes
 *                  (credentials then rights, cut at every length);
 *   profile_read   real profiles of a few cases with the kernel identity
 *                  pinned, plus broken ones (truncated, wrong format,
 *                  duplicate id).
 * Files are written atomically (io_write_atomic).
 * usage: fuzz_seeds OUTDIR */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cases.h"
#include "files.h"
#include "profile.h"
#include "scenario.h"
#include "socketpair_input.h"

struct out {
	unsigned char b[8192];
	size_t n;
};

static void put(struct out *o, unsigned v)
{
	if (o->n < sizeof o->b)
		o->b[o->n++] = (unsigned char)v;
}

static const char *outdir;

/* Each seed replaces its file atomically (io_write_atomic: a unique
 * temporary file beside it, fsync, rename, fsync of the folder). */
static void write_seed(const char *target, const char *name, const void *p, size_t n)
{
	char dir[4096], path[4200];
	snprintf(dir, sizeof dir, "%s/%s", outdir, target);
	if ((mkdir(outdir, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(dir, 0755) < 0 && errno != EEXIST)) {
		fprintf(stderr, "fuzz_seeds: cannot make %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	if ((size_t)snprintf(path, sizeof path, "%s/seed-%s", dir, name) >= sizeof path) {
		fprintf(stderr, "fuzz_seeds: path too long: %s/seed-%s\n", dir, name);
		exit(2);
	}
	if (io_write_atomic(path, p, n) < 0) {
		fprintf(stderr, "fuzz_seeds: cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

/* ---- socketpair: encoded as socketpair_input.h says, which its decoder
 * reads too ---------------------------------------------------------------- */
static void sp_send(struct out *o, int from, const struct sc_send *sd, unsigned *start)
{
	unsigned nfds = (unsigned)sd->nrefs, variant = SP_SEND_ONE, nrights = 0, bad = 0, creds = 0;
	for (int i = 0; i < sd->nitems; i++) {
		nrights += sd->items[i].kind == SC_IT_RIGHTS;
		creds |= sd->items[i].kind == SC_IT_CREDS;
	}
	for (int i = 0; i < sd->nrefs; i++)
		bad |= sd->refs[i].kind == SC_REF_BAD;
	if (sd->raw) {
		variant = SP_SEND_RAW;
		nfds = (unsigned)sd->nrawrefs;
	} else if (bad) {
		variant = SP_SEND_BADFD;
	} else if (creds) {
		variant = SP_SEND_CREDS;
	} else if (nrights > 1) {
		variant = SP_SEND_SPLIT;
	} else if (nrights == 0) {
		variant = SP_SEND_NONE;
	}
	put(o, SP_OP_SEND);
	put(o, from ? SP_ARG_FROM : 0);
	put(o, nfds >= SP_MANY_BASE ? SP_NFDS_MANY : nfds % SP_NFDS_MANY);
	put(o, variant);
	put(o, (unsigned)sd->datalen % SP_MAXDATA);
	put(o, (sd->flags & MSG_OOB) ? SP_SF_OOB : 0);
	if (nfds >= SP_MANY_BASE)
		put(o, (nfds - SP_MANY_BASE) % SP_MANY_MOD);
	for (int i = 0; i < sd->datalen % SP_MAXDATA; i++)
		put(o, sd->data[i]);
	put(o, *start);
	*start += nfds;
	if (variant == SP_SEND_BADFD)
		put(o, 1);                 /* the slot made -1 */
	if (variant == SP_SEND_RAW) {
		size_t len = 0;
		if (sd->rawlen >= 8)
			memcpy(&len, sd->rawbytes, sizeof len);
		put(o, 0);                 /* no extra length */
		put(o, (unsigned)(len & 0xff));
		put(o, (unsigned)(len >> 8 & 0xff));
		put(o, 1);                 /* bit 0: SOL_SOCKET */
		put(o, SCM_RIGHTS);
	}
}

static void sp_recv(struct out *o, int at, const struct sc_recv *rq)
{
	unsigned fl = 0, anc;
	fl |= rq->flags & MSG_PEEK ? SP_RF_PEEK : 0;
	fl |= rq->flags & MSG_CMSG_CLOEXEC ? SP_RF_CLOEXEC : 0;
	fl |= rq->flags & MSG_TRUNC ? SP_RF_TRUNC : 0;
	fl |= rq->flags & MSG_WAITALL ? SP_RF_WAITALL : 0;
	fl |= rq->strict ? SP_RF_STRICT : 0;
	fl |= rq->maxitems == 1 ? SP_RF_ONE_ITEM : 0;
	anc = rq->api == SC_API_RECV_FDS ? (unsigned)rq->maxfds * 4
				      : rq->ancbuf > 0 ? (unsigned)rq->ancbuf : 0;
	static const unsigned api[] = { [SC_API_RECVMSG] = SP_API_RECVMSG,
					[SC_API_RECVMSG_INTO] = SP_API_RECVMSG_INTO,
					[SC_API_RECV_FDS] = SP_API_RECV_FDS };
	put(o, SP_OP_RECV);
	put(o, at ? 0 : SP_ARG_FROM);      /* the receive is at the other end */
	put(o, api[rq->api]);
	put(o, fl);
	put(o, rq->warn);
	put(o, rq->bufsize > 0 ? (unsigned)rq->bufsize % SP_MAXBUF : 0);
	put(o, anc & 0xff);
	put(o, anc >> 8 & 0xff);
}

static void socketpair_seed(const struct scenario *sc)
{
	struct out o = { .n = 0 };
	unsigned cfg = sc->type, start = 0;   /* enum sc_socktype is SP_TYPE_* */
	int ops = 0;
	for (int i = 0; i < sc->nsteps; i++) {
		const struct sc_step *st = &sc->steps[i];
		if (st->op == SC_OP_SETOPT && st->u.opt.name == SO_PASSCRED && st->u.opt.value)
			cfg |= SP_CFG_PASSCRED;
		if (st->op == SC_OP_RLIMIT)
			cfg |= SP_CFG_RLIMIT | (unsigned)(st->u.rlimit.free & SP_CFG_FREE_MASK)
						<< SP_CFG_FREE_SHIFT;
	}
	put(&o, cfg);
	for (int i = 0; i < sc->nsteps && ops < SP_MAXOPS; i++) {
		const struct sc_step *st = &sc->steps[i];
		if (st->op == SC_OP_SEND && st->u.send.from < SC_L && !st->u.send.ctlpad) {
			sp_send(&o, st->u.send.from, &st->u.send, &start);
			ops++;
		} else if (st->op == SC_OP_RECV && st->u.recv.at < SC_L) {
			sp_recv(&o, st->u.recv.at, &st->u.recv);
			ops++;
		}
	}
	if (ops)
		write_seed("socketpair", sc->id, o.b, o.n);
}

/* an empty-queue receive that a signal interrupts: the EINTR path */
static void socketpair_extra(void)
{
	/* setup, op, arg (interrupted, at b), api, flags, warn, bufsize, ctl */
	static const unsigned char eintr[] = { SP_TYPE_DGRAM, SP_OP_RECV_WAIT, SP_ARG_INTERRUPT,
					       SP_API_RECVMSG, 0, 0, 16, 64, 0 };
	static const unsigned char eintr_stream[] = { SP_TYPE_STREAM, SP_OP_RECV_WAIT,
						      SP_ARG_INTERRUPT, SP_API_RECVMSG_INTO,
						      0, 0, 16, 64, 0 };
	write_seed("socketpair", "eintr_empty_dgram", eintr, sizeof eintr);
	write_seed("socketpair", "eintr_empty_stream", eintr_stream, sizeof eintr_stream);
}

/* ---- cmsg_parse -------------------------------------------------------- */
struct shape {
	const char *name;
	size_t ctl;
	int nh;
	size_t off[3], len[3];
	int type[3];
};

static const struct shape shapes[] = {
	{ "S1", 0, 0, { 0 }, { 0 }, { 0 } },
	{ "S2", 8, 0, { 0 }, { 0 }, { 0 } },
	{ "S3", 16, 1, { 0 }, { 16 }, { 1 } },
	{ "S4", 16, 1, { 0 }, { 20 }, { 1 } },
	{ "S5", 17, 1, { 0 }, { 24 }, { 1 } },
	{ "S6", 20, 1, { 0 }, { 24 }, { 1 } },
	{ "S7", 23, 1, { 0 }, { 24 }, { 1 } },
	{ "S8", 24, 1, { 0 }, { 8 }, { 1 } },
	{ "S9", 48, 2, { 0, 24 }, { 20, 20 }, { 1, 1 } },
	{ "S10", 43, 2, { 0, 24 }, { 20, 20 }, { 1, 1 } },
	{ "S11", 39, 2, { 0, 24 }, { 20, 20 }, { 1, 1 } },
	{ "S12", 48, 2, { 0, 24 }, { 20, 8 }, { 1, 1 } },
	{ "S13", 28, 1, { 0 }, { 100 }, { 1 } },
	{ "creds_rights", 56, 2, { 0, 32 }, { 28, 20 }, { 2, 1 } },
	{ "creds_rights_pidfd", 80, 3, { 0, 32, 56 }, { 28, 20, 20 }, { 2, 1, 4 } },
	{ "rights3_cut", 25, 1, { 0 }, { 28 }, { 1 } },
};

static void cmsg_seeds(void)
{
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
		for (int old = 0; old < 2; old++) {
			const struct shape *sh = &shapes[s];
			unsigned char b[3 + 128] = { 0 };
			char name[64];
			b[0] = (unsigned char)old;
			b[1] = (unsigned char)sh->ctl;
			b[2] = 0;
			for (size_t i = 0; i < sh->ctl; i++)
				b[3 + i] = (unsigned char)(0x40 + i);   /* fd-like ints */
			for (int h = 0; h < sh->nh; h++) {
				struct cmsghdr c = { .cmsg_len = sh->len[h],
						     .cmsg_level = SOL_SOCKET,
						     .cmsg_type = sh->type[h] };
				size_t room = sh->ctl - sh->off[h];
				memcpy(b + 3 + sh->off[h], &c, room < sizeof c ? room : sizeof c);
			}
			snprintf(name, sizeof name, "%s%s", sh->name, old ? "-old-glibc" : "");
			write_seed("cmsg_parse", name, b, 3 + sh->ctl);
		}
	/* the kernel's own shapes at every cut: creds then 2 fds */
	for (size_t ctl = 0; ctl <= 64; ctl += 4) {
		unsigned char b[3 + 64] = { 0, (unsigned char)ctl, 0 };
		struct cmsghdr c = { CMSG_LEN(12), SOL_SOCKET, SCM_CREDENTIALS };
		struct cmsghdr r = { CMSG_LEN(8), SOL_SOCKET, SCM_RIGHTS };
		char name[32];
		unsigned char full[64] = { 0 };
		memcpy(full, &c, sizeof c);
		memcpy(full + 32, &r, sizeof r);
		memcpy(b + 3, full, ctl);
		snprintf(name, sizeof name, "kernel_creds_rights_%zu", ctl);
		write_seed("cmsg_parse", name, b, 3 + ctl);
	}
}

/* ---- profile_read ------------------------------------------------------ */
static void profile_seeds(void)
{
	static const char *const filters[] = { "cpython_fd_pass_simple",
					       "flags_cloexec_set", "feat_rights_notrunc" };
	for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
		int failed;
		json_t *p = sc_profile(filters[i], &failed);
		json_t *k = json_object_get(p, "kernel");
		/* pinned, so the seed is the same on every machine */
		json_object_set_new(k, "release", json_string("6.1.0-seed-amd64"));
		json_object_set_new(k, "version", json_string("#1 SMP Debian 6.1.0-1"));
		json_object_set_new(k, "point_release", json_string("6.1.0-1"));
		json_object_set_new(k, "proc_version", json_string("Linux version 6.1.0-seed-amd64"));
		json_object_set_new(p, "limits", json_pack("{s:i,s:i,s:s}", "scm_max_fd", 253,
							   "enobufs_controllen", 20480,
							   "optmem_max", "20480"));
		json_object_set_new(p, "features", json_pack("{s:{s:{s:b,s:i}},s:b}", "sockopts",
							     "SO_PASSCRED", "exists", 1, "default", 0,
							     "UNIX_OOB", 1));
		json_object_set_new(p, "environment",
				    json_pack("{s:i,s:b,s:{s:i,s:i},s:s,s:i}", "euid", 0, "pid1", 1,
					      "rlimit_nofile", "soft", 1024, "hard", 4096, "lsm",
					      "lockdown,capability", "cpus_online", 1));
		size_t ci;
		json_t *c;
		json_array_foreach(json_object_get(p, "cases"), ci, c)
			json_object_set_new(c, "elapsed_us", json_integer(1000));
		json_object_del(p, "timing");
		char *text = json_dumps(p, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		write_seed("profile_read", filters[i], text, strlen(text));
		if (i == 0) {
			write_seed("profile_read", "truncated", text, strlen(text) / 2);
			char *fmt = strstr(text, "ancdata-profile/1");
			if (fmt) {
				fmt[16] = '9';
				write_seed("profile_read", "wrong_format", text, strlen(text));
				fmt[16] = '1';
			}
			json_t *cases = json_object_get(p, "cases");
			json_array_append(cases, json_array_get(cases, 0));
			char *dup = json_dumps(p, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
			write_seed("profile_read", "duplicate_id", dup, strlen(dup));
			free(dup);
		}
		free(text);
		json_decref(p);
	}
}

int main(int argc, char **argv)
{
	static struct scenario sc;
	char err[256];
	if (argc != 2) {
		fprintf(stderr, "fuzz_seeds: usage: fuzz_seeds OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	for (unsigned i = 0; i < sc_ncases; i++) {
		const char *t = sc_cases[i].text;
		if (sc_parse(t, &sc, err, sizeof err) < 0) {
			fprintf(stderr, "fuzz_seeds: %s: %s\n", sc_cases[i].file, err);
			return 2;
		}
		write_seed("scenario_parse", sc.id, t, strlen(t));
		socketpair_seed(&sc);
	}
	socketpair_extra();
	cmsg_seeds();
	profile_seeds();
	return 0;
}
