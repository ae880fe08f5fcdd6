/* profile.h - the kernel behaviour profile. */
#ifndef ANCDATA_PROFILE_H
#define ANCDATA_PROFILE_H
#include <jansson.h>
/* Runs every compiled-in case whose id contains filter (NULL: all);
 * *failed counts fail and error.  Each returns NULL only when a value
 * could not be made (out of memory): no key is ever silently left out. */
json_t *sc_profile(const char *filter, int *failed);
json_t *sc_kernel_json(void);
json_t *sc_limits_json(void);
json_t *sc_features_json(void);
#endif
