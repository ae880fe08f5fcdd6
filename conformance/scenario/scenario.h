/* scenario.h - the one scenario model of ancdata: what a conformance case,
 * a probe, a fuzz reproducer and a report all speak.
 *
 * A scenario is a socket type, how the pair is made, and an ordered list of
 * steps, each optionally followed by the observation it expects.  Running
 * it gives an observation: everything a user could see, with received fds
 * named by what they are (pipe p3, socket b) and never by number.  The text
 * format is documented in conformance/FORMAT.md. */
#ifndef ANCDATA_SCENARIO_H
#define ANCDATA_SCENARIO_H

#include <stddef.h>

#define SC_MAX_STEPS 128
#define SC_MAX_ITEMS 4      /* ancillary items in one send */
#define SC_MAX_REFS 300     /* fds in one send (more than SCM_MAX_FD) */
#define SC_MAX_PIPES 600    /* pipes one scenario may make */
#define SC_MAX_RAW 512      /* raw control bytes of one send */
#define SC_MAX_DATA 256     /* data bytes of one send or shown of one recv */
#define SC_MAX_TAGS 6
#define SC_MAX_REQ 4
#define SC_MAX_RITEMS 8     /* items observed in one receive */

enum sc_socktype { SC_STREAM, SC_DGRAM, SC_SEQPACKET };
/* how the header's sockets are made (sc_mode_names): an AF_UNIX pair, an
 * AF_UNIX listener, a TCP or UDP pair on the IPv4 or IPv6 loopback, or
 * nothing (the steps open what they need) */
enum sc_mode { SC_PAIR, SC_LISTEN, SC_INET4, SC_INET6, SC_NONE };
/* the ends: a and b of the pair (b receives by habit), l the listener,
 * c, d and s0..s19 more sockets the steps open (sc_end_names) */
enum sc_end { SC_A, SC_B, SC_L, SC_C, SC_D, SC_S0, SC_NEND = SC_S0 + 20 };

enum sc_op {
	SC_OP_SEND, SC_OP_RECV, SC_OP_SETOPT, SC_OP_CLOSE, SC_OP_SHUTDOWN, SC_OP_CONNECT,
	SC_OP_ACCEPT, SC_OP_GC, SC_OP_CHECK, SC_OP_RLIMIT, SC_OP_AS_NOBODY,
	SC_OP_GETOPT, SC_OP_IOCTL, SC_OP_POLL, SC_OP_OPEN, SC_OP_PAIR, SC_OP_BIND,
	SC_OP_LISTEN, SC_OP_FORK, SC_OP_EXIT, SC_OP_UNSHARE, SC_OP_SETOWN, SC_OP_SIGURG,
};

/* who runs a step: the main line, a thread of it later (while the next
 * step blocks), or the child process made by 'fork' */
enum sc_who { SC_WHO_MAIN, SC_WHO_LATER, SC_WHO_CHILD };

/* an address: another end's (getsockname), a pathname in the runner's
 * private directory, an abstract name, or autobind (bind only) */
enum sc_addrkind { SC_ADDR_NONE, SC_ADDR_END, SC_ADDR_PATH, SC_ADDR_ABSTRACT,
		   SC_ADDR_AUTO };
struct sc_addr {
	enum sc_addrkind kind;
	enum sc_end end;
	char name[24];                   /* PATH, ABSTRACT: letters, digits, _ */
};

enum sc_api { SC_API_RECVMSG, SC_API_RECVMSG_INTO, SC_API_RECV_FDS };

/* What one fd slot of an SCM_RIGHTS item holds. */
enum sc_refkind { SC_REF_PIPE, SC_REF_SOCK, SC_REF_BAD, SC_REF_URING };
struct sc_ref {
	unsigned char kind;   /* enum sc_refkind */
	unsigned char end;    /* SC_REF_SOCK: enum sc_end */
	short pipe;           /* SC_REF_PIPE: pipe index */
};

enum sc_itemkind { SC_IT_RIGHTS, SC_IT_CREDS, SC_IT_BYTES };
struct sc_item {
	enum sc_itemkind kind;
	int level, type;                 /* SC_IT_BYTES */
	int nrefs, ref0;                 /* SC_IT_RIGHTS: refs[ref0 .. +nrefs) */
	int creds_own;                   /* SC_IT_CREDS: this process's ids */
	long pid, uid, gid;              /* SC_IT_CREDS when !creds_own */
	int nbytes;                      /* SC_IT_BYTES payload */
	unsigned char bytes[32];
};

/* A raw control buffer is a list of pieces: bytes, or an fd ref. */
struct sc_send {
	enum sc_end from;
	struct sc_addr to;               /* sendto; SC_ADDR_NONE: send */
	int datalen;                     /* bytes of data */
	unsigned char data[SC_MAX_DATA];
	int flags;                       /* MSG_* */
	int nitems;
	struct sc_item items[SC_MAX_ITEMS];
	int nrefs;
	struct sc_ref refs[SC_MAX_REFS];
	int raw;                         /* send rawbytes verbatim */
	int rawlen;
	unsigned char rawbytes[SC_MAX_RAW];
	short rawref_at[16];             /* offsets of fd refs in rawbytes */
	struct sc_ref rawrefs[16];
	int nrawrefs;
	long ctlpad;                     /* > 0: one ignored item of this size */
};

enum sc_warn { SC_W_RECORD, SC_W_IGNORE, SC_W_ERROR };
struct sc_recv {
	enum sc_end at;
	enum sc_api api;
	long bufsize, ancbuf, maxfds;
	int flags;
	enum sc_warn warn;
	int strict;
	int maxitems;                    /* 0: as many as can be */
};

/* Which fields an expectation names; the rest are not compared. */
enum sc_field {
	SC_F_RET = 1 << 0, SC_F_FLAGS = 1 << 1, SC_F_ITEMS = 1 << 2, SC_F_FDS = 1 << 3,
	SC_F_DROPPED = 1 << 4, SC_F_CLOEXEC = 1 << 5, SC_F_WARNINGS = 1 << 6,
	SC_F_CONTROLLEN = 1 << 7, SC_F_DATA = 1 << 8, SC_F_GONE = 1 << 9,
	SC_F_VALUE = 1 << 10, SC_F_VALS = 1 << 11,
	SC_F_ALL = (1 << 12) - 1,
};

#define SC_MAX_VALUE 96     /* text of a value or of the items' values */

struct sc_ritem {
	int level, type;
	long len;
};

/* What one step showed.  ret < 0 is -errno or -ANCDATA_E_*. */
struct sc_obs {
	long ret;
	int flags;                        /* msg_flags */
	long controllen;
	int nitems;
	struct sc_ritem items[SC_MAX_RITEMS];
	int nfds;
	struct sc_ref fds[SC_MAX_REFS];   /* names of the fds installed */
	int cloexec;                      /* 0 none, 1 all, 2 some; -1 no fds */
	unsigned char dropped[SC_MAX_PIPES / 8]; /* pipes that lost every
	                                           reader in this step */
	unsigned char gone[SC_MAX_PIPES / 8];    /* GC/CHECK: no reader now */
	unsigned long warnings;
	int datalen;
	unsigned char data[SC_MAX_DATA];
	/* getopt, ioctl, poll: the value ("1", "self:own:own", "pidfd:child",
	 * "IN|OUT"); a receive: the values of its creds, pidfd and inq items
	 * ("creds:child:own:own,pidfd:exited,inq:256").  Words of
	 * [A-Za-z0-9:,|?_-], compared whole. */
	char value[SC_MAX_VALUE];
	char vals[SC_MAX_VALUE];
};

struct sc_step {
	enum sc_op op;
	int line;                         /* in the scenario text */
	enum sc_who who;
	int delay_ms;                     /* SC_WHO_LATER */
	union {
		struct sc_send send;
		struct sc_recv recv;
		struct { enum sc_end end; int level, name, value; } opt;
		struct { enum sc_end end; int req; } q;   /* getopt, ioctl, poll */
		struct { enum sc_end end, end2; int type, family; } open; /* open, pair */
		struct { enum sc_end end; struct sc_addr addr; } bind;
		struct { enum sc_end from; struct sc_addr to; } conn;
		struct { enum sc_end l, into; } acc;
		struct { int backlog; enum sc_end end; } listen;
		struct { enum sc_end end; int how; } sd;   /* close/shutdown */
		struct { long free; } rlimit;
		struct { int npipes; short pipes[8]; } wait; /* GC, CHECK */
	} u;
	unsigned expect;                  /* enum sc_field bits */
	struct sc_obs want;
};

struct scenario {
	char id[64];
	char area[16];
	char purpose[160];
	int ntags;
	char tags[SC_MAX_TAGS][64];
	int nreq;
	char requires[SC_MAX_REQ][24];
	enum sc_socktype type;
	enum sc_mode mode;
	int npipes;                       /* pipes the sends create */
	int nsteps;
	struct sc_step steps[SC_MAX_STEPS];
};

enum sc_status { SC_PASS, SC_FAIL, SC_SKIP, SC_ERROR };

struct sc_result {
	enum sc_status status;
	char why[512];                    /* skip, error or first mismatch */
	int nsteps;                       /* steps that ran */
	int fd_table_restored;
	struct sc_obs obs[SC_MAX_STEPS];
};

/* Parse text (NUL-terminated).  0, or -1 with one line in err naming the
 * line and the problem. */
int sc_parse(const char *text, struct scenario *sc, char *err, size_t errlen);
/* Print in the text format; parse(print(s)) == s.  Returns bytes written
 * (as snprintf). */
size_t sc_print(const struct scenario *sc, char *out, size_t outlen);
/* The given fields (enum sc_field bits) of an observation in the expect
 * syntax (" ret=28 flags=0 ..."); returns bytes written (as snprintf). */
size_t sc_print_obs(const struct sc_obs *obs, unsigned fields, char *out,
		    size_t outlen);
/* The fields of st->expect in the expect syntax: sc_print_obs of st->want. */
size_t sc_print_fields(const struct sc_step *st, char *out, size_t outlen);
/* The fields (of those given) in which two observations differ, whole:
 * every fd, pipe and data byte; 0 when they agree. */
unsigned sc_obs_diff(const struct sc_obs *a, const struct sc_obs *b,
		     unsigned fields);
/* Field-by-field equality of two parsed scenarios (for round trips). */
int sc_equal(const struct scenario *x, const struct scenario *y);

/* Receive backends: ancdata (the default) or a CPython driver. */
struct sc_backend;
extern const struct sc_backend *const sc_backend_ancdata;
const struct sc_backend *sc_backend_cpython(const char *script);

/* Run in this process (the caller forks when it wants isolation). */
void sc_run(const struct scenario *sc, const struct sc_backend *be,
	    struct sc_result *res);
/* Run in a child process: crashes and hangs become SC_ERROR. */
void sc_run_isolated(const struct scenario *sc, const struct sc_backend *be,
		     struct sc_result *res);
/* Run n scenarios one after another in one child process, as
 * sc_run_isolated would one by one, with one fork for the lot: next(i, arg)
 * gives scenario i (called in both processes, so it must give the same
 * scenario each time), done(i, ...) takes its result and how long it took
 * in microseconds.  After a crash or a hang (that scenario SC_ERROR), a
 * scenario that left an fd open or changed the process for good (as
 * nobody, unshare), the next one starts in a new child.  A step that takes
 * step_ms (0: SC_STEP_BUDGET_MS; a gc step 2 s more) counts as hung. */
#define SC_STEP_BUDGET_MS 10000
void sc_run_all(size_t n, const struct scenario *(*next)(size_t i, void *arg),
		const struct sc_backend *be, long step_ms,
		void (*done)(size_t i, const struct scenario *sc,
			     const struct sc_result *res, long long us, void *arg),
		void *arg);

/* Names used by the format and the JSON. */
const char *sc_errname(long neg);          /* "EINVAL", "E_CTRUNC", "0" */
int sc_feature(const char *name);          /* 1 present, 0 missing, -1 unknown */

#endif
