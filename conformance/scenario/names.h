/* names.h - the symbolic names the scenario format and the JSON use. */
#ifndef ANCDATA_NAMES_H
#define ANCDATA_NAMES_H

#include <stddef.h>

struct sc_name {
	const char *name;
	long value;
};

extern const struct sc_name sc_levels[], sc_types[], sc_sockopts[],
	sc_msgflags[];

/* value of name in table (or a decimal/hex number): 0 or -1 */
int sc_lookup(const struct sc_name *t, const char *name, long *value);
/* name of value, or NULL */
const char *sc_name_of(const struct sc_name *t, long value);
/* "CTRUNC|TRUNC" (or "0"); returns bytes written as snprintf */
size_t sc_flags_str(int flags, char *out, size_t len);
/* parse "CTRUNC|TRUNC", "0", or a number */
int sc_flags_parse(const char *s, int *flags);
/* "EINVAL" / "E_CTRUNC" for a negative return; -1 if unknown */
int sc_errparse(const char *s, long *neg);

#endif
