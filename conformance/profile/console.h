/* console.h - a guest's console log made into a profile. */
#ifndef ANCDATA_CONSOLE_H
#define ANCDATA_CONSOLE_H
#include <stddef.h>

#include "profile_read.h"

/* The console with CRs and terminal escapes taken out, NUL bytes shown as
 * the text \x00 (malloc'd, NUL-terminated). */
char *sc_console_clean(const char *log, size_t len);
/* The profile printed between the ==ANCDATA-PROFILE-BEGIN== and
 * ==ANCDATA-PROFILE-END== lines of a clean console: 0 with *json (malloc'd)
 * and p read, or -1 with p a kernel-error profile named name, why in
 * p->kernel_error and the console's tail (with the "Kernel panic - not
 * syncing" line when there is one) in p->console_tail.  exit_status is the
 * guest's (124: killed by timeout after timeout_s seconds).  -2: out of
 * memory. */
int sc_console_profile(const char *clean, const char *name, int exit_status, int timeout_s,
		       struct sc_profile *p, char **json);
/* ancdata guest-console NAME LOG EXIT_STATUS --output FILE [--timeout S] */
int cli_guest_console(int argc, char **argv);
#endif
