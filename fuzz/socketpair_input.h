/* socketpair_input.h - the input encoding of the socketpair fuzz target,
 * shared by its decoder (socketpair.c) and the seed generator (seeds.c), so
 * that the seeds cannot drift from what the target reads.
 *
 * An input is a setup byte, then operations; bytes past the end read as 0.
 *
 *   setup      bits 0-1 socket type (SP_TYPE_*, 3 reads as stream),
 *              bit 2 SO_PASSCRED on the receiver (b),
 *              bit 3 receives at a small RLIMIT_NOFILE, bits 4-6 its free
 *              slots
 *   operation  op (SP_OP_*, modulo SP_NOPS), arg (bit 0: the sender, a or b;
 *              the receive is at the other end), then the op's fields:
 *
 *   send       nfds % SP_NFDS_MOD (SP_NFDS_MANY: SP_MANY_BASE + a byte
 *              % SP_MANY_MOD, around SCM_MAX_FD), variant % SP_NVARIANTS,
 *              datalen % SP_MAXDATA, flags (bit 0 MSG_OOB; bits 0-2
 *              SP_SF_BLOCK: a blocking send, see below), the data bytes,
 *              the first pool pipe (then the next ones, modulo the pool),
 *              then for SP_SEND_BADFD the slot made -1 (% nfds), and for
 *              SP_SEND_RAW: extra length % 8 (raw control is a 16-byte
 *              header, the fds, then that many 0xff bytes), cmsg_len low
 *              byte, high byte, level (bit 0: SOL_SOCKET, else the next
 *              byte), type % SP_RAW_TYPES
 *   recv       api % SP_NAPIS, flags (SP_RF_*), warn policy % 3, bufsize
 *              % SP_MAXBUF, control size low byte, high byte (% the target's
 *              control buffer; recv_fds asks for size / 4 fds)
 *
 * At most SP_MAXOPS operations are read. */
#ifndef ANCDATA_SOCKETPAIR_INPUT_H
#define ANCDATA_SOCKETPAIR_INPUT_H

/* setup byte */
#define SP_CFG_TYPE 0x03
#define SP_CFG_PASSCRED 0x04
#define SP_CFG_RLIMIT 0x08
#define SP_CFG_FREE_SHIFT 4
#define SP_CFG_FREE_MASK 0x07

enum sp_type { SP_TYPE_STREAM, SP_TYPE_DGRAM, SP_TYPE_SEQPACKET };

/* operations: op % SP_NOPS */
enum sp_op {
	SP_OP_SEND = 0,        /* 0-2: send from arg & 1 */
	SP_OP_RECV = 3,        /* 3-5: receive at 1 - (arg & 1) */
	SP_OP_RECV_WAIT = 6,   /* receive; with (arg & SP_ARG_INTERRUPT) ==
	                        * SP_ARG_INTERRUPT, when its queue is empty, it
	                        * blocks, a signal interrupts it inside the call
	                        * and a message from the peer ends it (or, with
	                        * SP_ARG_TIMEOUT too, a 1 ms timeout ends it) */
	SP_OP_SEND_A = 7,      /* send from a */
	SP_NOPS = 8,
};
#define SP_ARG_FROM 0x01
#define SP_ARG_INTERRUPT 0x06
#define SP_ARG_TIMEOUT_MASK 0xfe
#define SP_ARG_TIMEOUT 0x1e    /* (arg & SP_ARG_TIMEOUT_MASK): a 1 ms timeout
                                * that expires, interrupted once on the way
                                * (rare: it waits; the first one an input) */
#define SP_MAXOPS 24

/* send */
#define SP_NFDS_MOD 40
#define SP_NFDS_MANY 39
#define SP_MANY_BASE 250
#define SP_MANY_MOD 6
#define SP_MAXDATA 48
#define SP_SF_OOB 0x01
#define SP_SF_BLOCK_MASK 0x07
#define SP_SF_BLOCK 0x06   /* (flags & SP_SF_BLOCK_MASK): the send blocks on
                            * the target's side pair, whose buffer is full,
                            * and a signal interrupts it inside the call */
#define SP_RAW_TYPES 5
enum sp_variant {
	SP_SEND_ONE,     /* one SCM_RIGHTS item */
	SP_SEND_SPLIT,   /* two SCM_RIGHTS items (the kernel merges them) */
	SP_SEND_CREDS,   /* SCM_CREDENTIALS, then SCM_RIGHTS */
	SP_SEND_BADFD,   /* one fd slot -1: EBADF for the whole send */
	SP_SEND_RAW,     /* raw control bytes with a fuzzed header */
	SP_SEND_NONE,    /* no ancillary data */
	SP_NVARIANTS
};

/* recv */
enum sp_api { SP_API_RECVMSG, SP_API_RECVMSG_INTO, SP_API_RECV_FDS, SP_API_ALLOC, SP_NAPIS };
#define SP_RF_PEEK 0x01
#define SP_RF_CLOEXEC 0x02
#define SP_RF_TRUNC 0x04
#define SP_RF_WAITALL 0x08
#define SP_RF_STRICT 0x10
#define SP_RF_ONE_ITEM 0x20
#define SP_MAXBUF 200
#define SP_CTL 2200      /* the target's control buffer */

#endif
