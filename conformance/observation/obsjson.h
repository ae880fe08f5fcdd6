/* obsjson.h - scenario results as JSON. */
#ifndef ANCDATA_OBSJSON_H
#define ANCDATA_OBSJSON_H
#include <jansson.h>

#include "names.h"
#include "scenario.h"

/* NULL only when out of memory: no key is ever left out, and bytes that
 * are not UTF-8 come out as \xNN. */
json_t *sc_obs_json(const struct sc_step *st, const struct sc_obs *o);
json_t *sc_result_json(const struct scenario *sc, const struct sc_result *res);
#endif
