/* ktap.h - a kernel behaviour profile as KTAP version 1, the format
 * kselftest runners and the labs that run them (KernelCI, LAVA, LKFT)
 * read. */
#ifndef ANCDATA_KTAP_H
#define ANCDATA_KTAP_H
#include <jansson.h>
#include <stdio.h>
/* Writes the cases of profile (as sc_profile makes it) to out: one subtest
 * per area, one result line per case.  Returns the number of cases that
 * failed or could not run (not ok), or -1 if the profile has no cases
 * list. */
int sc_profile_ktap(json_t *profile, FILE *out);
#endif
