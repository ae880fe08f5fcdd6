/* internal.h - pieces shared by the library's sources; not installed. */
#ifndef ANCDATA_INTERNAL_H
#define ANCDATA_INTERNAL_H

#include "ancdata.h"

/* The points after the system call where CPython can fail and must take
 * err_closefds.  Builds with ANCDATA_FAULT_INJECTION (tests only) let a
 * test make any of them fail; the installed library compiles them away. */
enum ancdata_fault {
	ANCDATA_FAULT_ITEM,  /* appending item #index (CPython: list append) */
	ANCDATA_FAULT_DATA,  /* shrinking the data (CPython: _PyBytes_Resize) */
	ANCDATA_FAULT_ADDR,  /* converting the address (CPython: makesockaddr) */
	ANCDATA_FAULT_ALLOC, /* allocating the item list (CPython: PyList_New) */
};
#ifdef ANCDATA_FAULT_INJECTION
int ancdata_fault_hit(enum ancdata_fault point, size_t index);
#define FAULT(point, index) ancdata_fault_hit((point), (index))
#else
#define FAULT(point, index) 0
#endif

/* Where the received items go: an item array, or recv_fds's fd array. */
struct sink {
	int (*put)(struct sink *s, const struct ancdata_item *item);
	size_t count;
};

struct item_sink {
	struct sink base;
	struct ancdata_item *items;
	size_t max;
};
void ancdata__item_sink(struct item_sink *is, struct ancdata_item *items,
			size_t max);

/* The parse loop; on failure err_closefds has run.  0 or a negative code. */
int ancdata__parse_sink(const unsigned char *ctl, size_t controllen,
			struct sink *sink, struct ancdata_opts *opts);

/* One system call with PEP 475 retries and the optional deadline. */
ssize_t ancdata__call(int sock, int writing, struct msghdr *msg, int flags,
		      const struct ancdata_opts *opts);

/* After a successful recvmsg: msg_flags and controllen into res, the
 * strict MSG_CTRUNC policy, the parse into sink.  0 or a negative code,
 * with every fd closed on failure. */
int ancdata__after_recv(struct msghdr *msg, struct sink *sink,
			struct ancdata_result *res, struct ancdata_opts *opts);
/* The address into res (CPython's makesockaddr); closes on failure. */
int ancdata__take_addr(struct msghdr *msg, struct ancdata_result *res,
		       const struct ancdata_opts *opts);

#ifndef SCM_PIDFD
#define SCM_PIDFD 0x04   /* Linux 6.5: SO_PASSPIDFD's pidfd */
#endif
/* the SOL_SOCKET items whose ints are fds the receiver now holds */
static inline int ancdata__carries_fds(int type)
{
	return type == SCM_RIGHTS || type == SCM_PIDFD;
}
/* close the fd of every SCM_PIDFD item (recv_fds returns none of them) */
void ancdata__close_pidfds(const void *control, size_t controllen,
			   const struct ancdata_opts *opts);

int ancdata__check_ancbufsize(ssize_t ancbufsize);
int ancdata__check_opts(const struct ancdata_opts *opts);

#endif
