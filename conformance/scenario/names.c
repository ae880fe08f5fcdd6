/* names.c - symbolic names of levels, types, socket options, message flags
 * and error codes, both ways. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ancdata.h"
#include "names.h"
#include "scenario.h"

/* Newer than some headers: values from the kernel's asm-generic/socket.h. */
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD 4
#endif
#define SO_PASSRIGHTS_ 83
#define SO_INQ_ 84
#define SO_RIGHTS_NOTRUNC_ 85

const struct sc_name sc_levels[] = {
	{ "SOL_SOCKET", SOL_SOCKET }, { "SOL_IP", 0 }, { "SOL_IPV6", 41 },
	{ "SOL_TCP", 6 }, { NULL, 0 },
};

const struct sc_name sc_types[] = {
	{ "SCM_RIGHTS", SCM_RIGHTS }, { "SCM_CREDENTIALS", SCM_CREDENTIALS },
	{ "SCM_SECURITY", 3 }, { "SCM_PIDFD", SCM_PIDFD }, { "SCM_INQ", SO_INQ_ },
	{ NULL, 0 },
};

const struct sc_name sc_sockopts[] = {
	{ "SO_PASSCRED", SO_PASSCRED }, { "SO_PASSSEC", SO_PASSSEC },
	{ "SO_PEEK_OFF", SO_PEEK_OFF }, { "SO_PASSPIDFD", SO_PASSPIDFD },
	{ "SO_PEERPIDFD", SO_PEERPIDFD }, { "SO_PASSRIGHTS", SO_PASSRIGHTS_ },
	{ "SO_INQ", SO_INQ_ }, { "SO_RIGHTS_NOTRUNC", SO_RIGHTS_NOTRUNC_ },
	{ "SO_OOBINLINE", SO_OOBINLINE }, { "SO_PEERCRED", SO_PEERCRED },
	{ "SO_SNDBUF", SO_SNDBUF }, { "SO_RCVBUF", SO_RCVBUF },
	{ "SO_SNDTIMEO", SO_SNDTIMEO }, { "SO_TYPE", SO_TYPE },
	{ "SO_RCVTIMEO", SO_RCVTIMEO }, { "SO_ERROR", SO_ERROR },
	{ "SO_ACCEPTCONN", SO_ACCEPTCONN }, { "SO_DOMAIN", SO_DOMAIN },
	{ "SO_PROTOCOL", SO_PROTOCOL }, { "SO_REUSEADDR", SO_REUSEADDR },
	{ "SO_KEEPALIVE", SO_KEEPALIVE }, { "SO_BROADCAST", SO_BROADCAST },
	{ "SO_RCVLOWAT", SO_RCVLOWAT }, { "SO_TIMESTAMP", SO_TIMESTAMP },
	{ "SO_LINGER", SO_LINGER }, { "SO_PEERSEC", SO_PEERSEC },
	{ "SO_COOKIE", 57 },
	{ NULL, 0 },
};

const struct sc_name sc_msgflags[] = {
	{ "OOB", MSG_OOB }, { "PEEK", MSG_PEEK }, { "CTRUNC", MSG_CTRUNC },
	{ "TRUNC", MSG_TRUNC }, { "DONTWAIT", MSG_DONTWAIT }, { "EOR", MSG_EOR },
	{ "WAITALL", MSG_WAITALL }, { "NOSIGNAL", MSG_NOSIGNAL },
	{ "ERRQUEUE", MSG_ERRQUEUE }, { "MORE", MSG_MORE },
	{ "CMSG_CLOEXEC", MSG_CMSG_CLOEXEC }, { NULL, 0 },
};

const char *const sc_socktype_names[] = { "stream", "dgram", "seqpacket", NULL };
const char *const sc_end_names[] = { "a", "b", "l", "c", "d", "s0", "s1", "s2", "s3",
				     "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
				     "s12", "s13", "s14", "s15", "s16", "s17", "s18",
				     "s19", NULL };
const char *const sc_mode_names[] = { "pair", "listen", "inet4", "inet6", "none", NULL };
const char *const sc_family_names[] = { "unix", "inet4", "inet6", NULL };
const char *const sc_op_names[] = { "send", "recv", "setopt", "close", "shutdown",
				    "connect", "accept", "gc", "check", "rlimit",
				    "as", "getopt", "ioctl", "poll", "open", "pair",
				    "bind", "listen", "fork", "exit", "unshare", "setown",
				    "sigurg", NULL };

/* ioctl requests a scenario may ask (values of asm-generic/sockios.h) */
const struct sc_name sc_ioctls[] = {
	{ "SIOCATMARK", 0x8905 }, { "SIOCINQ", 0x541B }, { "SIOCOUTQ", 0x5411 },
	{ "FIONREAD", 0x541B }, { "TIOCOUTQ", 0x5411 }, { NULL, 0 },
};

/* poll revents, in the order they are shown */
const struct sc_name sc_pollbits[] = {
	{ "IN", 0x001 }, { "PRI", 0x002 }, { "OUT", 0x004 }, { "ERR", 0x008 },
	{ "HUP", 0x010 }, { "RDHUP", 0x2000 }, { NULL, 0 },
};
const char *const sc_api_names[] = { "recvmsg", "recvmsg_into", "recv_fds", NULL };
const char *const sc_warn_names[] = { "record", "ignore", "error", NULL };
const char *const sc_shut_names[] = { "rd", "wr", "rdwr", NULL };
const char *const sc_cloexec_names[] = { "none", "all", "some", NULL };
const char *const sc_status_names[] = { "pass", "fail", "skip", "error", NULL };
const char *const sc_area_names[] = { "truncation", "flags", "cleanup", "send",
				      "features", "repro", NULL };

const char *const sc_field_names[] = { "ret", "flags", "items", "fds", "dropped",
				       "cloexec", "warnings", "controllen", "data",
				       "gone", "value", "vals", NULL };

int sc_index_of(const char *const *table, const char *name)
{
	for (int i = 0; table[i]; i++)
		if (!strcmp(table[i], name))
			return i;
	return -1;
}

static const struct sc_name ancdata_codes[] = {
	{ "E_NEGBUF", ANCDATA_E_NEGBUF }, { "E_ANCBUF", ANCDATA_E_ANCBUF },
	{ "E_NULL", ANCDATA_E_NULL }, { "E_BADARG", ANCDATA_E_BADARG },
	{ "E_RANGE", ANCDATA_E_RANGE },
	{ "E_ITEM_TOO_LARGE", ANCDATA_E_ITEM_TOO_LARGE },
	{ "E_TOO_MUCH", ANCDATA_E_TOO_MUCH }, { "E_SMALLBUF", ANCDATA_E_SMALLBUF },
	{ "E_WARNING", ANCDATA_E_WARNING }, { "E_CTRUNC", ANCDATA_E_CTRUNC },
	{ "E_NOMEM", ANCDATA_E_NOMEM }, { "E_NOSPACE", ANCDATA_E_NOSPACE },
	{ "E_ADDR", ANCDATA_E_ADDR }, { NULL, 0 },
};

static int digit(int c, int base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *sc_number_at(const char *s, long *v)
{
	int neg = *s == '-', base = 10, c;
	const char *d = s + neg, *start;
	unsigned long m = 0, lim = neg ? (unsigned long)LONG_MAX + 1 : LONG_MAX;

	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
		base = 16;
		d += 2;
	}
	for (start = d; (c = digit(*d, base)) >= 0; d++) {
		if (m > (lim - (unsigned long)c) / (unsigned long)base)
			return NULL;   /* out of range of a long */
		m = m * (unsigned long)base + (unsigned long)c;
	}
	if (d == start || (base == 10 && *start == '0' && d - start > 1))
		return NULL;           /* no digits, or 010 (no octal) */
	*v = !neg ? (long)m : m == lim ? LONG_MIN : -(long)m;
	return d;
}

static int number(const char *s, long *v)
{
	const char *end = sc_number_at(s, v);
	return end && *end == '\0' ? 0 : -1;
}

int sc_lookup(const struct sc_name *t, const char *name, long *value)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name)) {
			*value = t->value;
			return 0;
		}
	return number(name, value);
}

const char *sc_name_of(const struct sc_name *t, long value)
{
	for (; t->name; t++)
		if (t->value == value)
			return t->name;
	return NULL;
}

size_t sc_flags_str(int flags, char *out, size_t len)
{
	size_t n = 0;
	if (flags == 0)
		return (size_t)snprintf(out, len, "0");
	out[0] = '\0';
	for (const struct sc_name *f = sc_msgflags; f->name; f++)
		if (flags & f->value) {
			n += (size_t)snprintf(out + (n < len ? n : len),
					      n < len ? len - n : 0, "%s%s",
					      n ? "|" : "", f->name);
			flags &= ~(int)f->value;
		}
	if (flags)
		n += (size_t)snprintf(out + (n < len ? n : len),
				      n < len ? len - n : 0, "%s0x%x",
				      n ? "|" : "", (unsigned)flags);
	return n;
}

int sc_flags_parse(const char *s, int *flags)
{
	char tok[64];
	long v;

	*flags = 0;
	for (;;) {
		size_t n = strcspn(s, "|");
		if (n == 0 || n >= sizeof tok)
			return -1;     /* "", "A||B", "A|", or a long word */
		memcpy(tok, s, n);
		tok[n] = '\0';
		if (sc_lookup(sc_msgflags, tok, &v) < 0 || v < 0 || v > (long)UINT_MAX)
			return -1;
		*flags |= (int)(unsigned)v;
		if (s[n] == '\0')
			return 0;
		s += n + 1;
	}
}

const char *sc_errname(long neg)
{
	static _Thread_local char buf[32];
	const char *n;

	if (neg >= 0) {
		snprintf(buf, sizeof buf, "%ld", neg);
		return buf;
	}
	if ((n = sc_name_of(ancdata_codes, -neg)))
		return n;
	if (-neg < 4096 && (n = strerrorname_np((int)-neg)))
		return n;
	snprintf(buf, sizeof buf, "%ld", neg);
	return buf;
}

int sc_errparse(const char *s, long *neg)
{
	long v;
	if (number(s, &v) == 0) {
		*neg = v;
		return 0;
	}
	if (sc_lookup(ancdata_codes, s, &v) == 0) {
		*neg = -v;
		return 0;
	}
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);
		if (n && !strcmp(n, s)) {
			*neg = -e;
			return 0;
		}
	}
	return -1;
}

int sc_feature_known(const char *name)
{
	long opt;
	if (!strcmp(name, "root") || !strcmp(name, "UNIX_OOB") ||
	    !strcmp(name, "SCM_PIDFD") || !strcmp(name, "IO_URING") ||
	    !strcmp(name, "INET6"))
		return 1;
	/* a socket option of the table, by name (not by number) */
	return !strncmp(name, "SO_", 3) && sc_lookup(sc_sockopts, name, &opt) == 0 &&
	       sc_name_of(sc_sockopts, opt) != NULL;
}
