/* names.h - the symbolic names the scenario format and the JSON use. */
#ifndef ANCDATA_NAMES_H
#define ANCDATA_NAMES_H

#include <stddef.h>

struct sc_name {
	const char *name;
	long value;
};

extern const struct sc_name sc_levels[], sc_types[], sc_sockopts[],
	sc_msgflags[], sc_ioctls[], sc_pollbits[];

/* One name table per concept of the model, indexed by its enum (scenario.h)
 * and ended by NULL: the parser, printer, JSON, reports and fuzzers all use
 * these, never a list of their own. */
extern const char *const sc_socktype_names[];  /* enum sc_socktype */
extern const char *const sc_end_names[];       /* enum sc_end: a b l c d s0..s19 */
extern const char *const sc_mode_names[];      /* enum sc_mode */
extern const char *const sc_family_names[];    /* open's families */
extern const char *const sc_op_names[];        /* enum sc_op */
extern const char *const sc_api_names[];       /* enum sc_api */
extern const char *const sc_warn_names[];      /* enum sc_warn */
extern const char *const sc_shut_names[];      /* SHUT_RD/WR/RDWR */
extern const char *const sc_cloexec_names[];   /* sc_obs.cloexec 0 1 2 */
extern const char *const sc_status_names[];    /* enum sc_status */
extern const char *const sc_area_names[];      /* case areas, report order */
extern const char *const sc_field_names[];     /* enum sc_field, by bit */
/* index of name in a NULL-ended table, or -1 */
int sc_index_of(const char *const *table, const char *name);

/* A number at the start of s: decimal or 0x hexadecimal, optionally
 * negative, no leading zeros (010 is refused, not octal), in range of a
 * long.  Returns the end of it, or NULL. */
const char *sc_number_at(const char *s, long *v);
/* value of name in table (or a whole number as sc_number_at): 0 or -1 */
int sc_lookup(const struct sc_name *t, const char *name, long *value);
/* name of value, or NULL */
const char *sc_name_of(const struct sc_name *t, long value);
/* "CTRUNC|TRUNC" (or "0"); returns bytes written as snprintf */
size_t sc_flags_str(int flags, char *out, size_t len);
/* parse "CTRUNC|TRUNC", "0", or a number */
int sc_flags_parse(const char *s, int *flags);
/* 1 when name is a feature 'requires' may name (root, UNIX_OOB, IO_URING,
 * SCM_PIDFD, an SO_* of the option table), else 0; pure, never probes */
int sc_feature_known(const char *name);
/* "EINVAL" / "E_CTRUNC" for a negative return; -1 if unknown */
int sc_errparse(const char *s, long *neg);

#endif
