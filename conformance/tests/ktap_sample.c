/* ktap_sample.c - prints, as KTAP, a profile made here with a case of
 * every status and hostile text (newlines, '#', control bytes, an area no
 * case table knows), for ktap_test.sh to hold against the KTAP rules. */
#include <jansson.h>
#include <stdio.h>

#include "ktap.h"

static void add(json_t *cases, const char *id, const char *area,
		const char *status, const char *why)
{
	json_t *c = json_object();
	json_object_set_new(c, "id", json_string(id));
	if (area)
		json_object_set_new(c, "area", json_string(area));
	json_object_set_new(c, "status", json_string(status));
	if (why)
		json_object_set_new(c, "why", json_string(why));
	json_array_append_new(cases, c);
}

int main(void)
{
	json_t *p = json_object(), *k = json_object(), *cases = json_array();
	json_object_set_new(k, "release", json_string("6.x\n# not a diagnostic"));
	json_object_set_new(k, "machine", json_string("x86_64"));
	json_object_set_new(p, "kernel", k);
	add(cases, "passes", "flags", "pass", NULL);
	add(cases, "fails", "flags", "fail", "line 3: flags: expected CTRUNC\nnot ok 9 x # y");
	add(cases, "unsupported", "features", "skip", "unsupported: SO_X");
	add(cases, "hung", "cleanup", "error", "step 2 (line 7, gc) \x01 hung");
	add(cases, "bad#id", "\"><b>", "pass", NULL);
	add(cases, "noarea.case", NULL, "error", "line 1: area is one of ...");
	json_object_set_new(p, "cases", cases);
	int bad = sc_profile_ktap(p, stdout);
	json_decref(p);
	return bad == 3 ? 0 : 1;   /* fails, hung, noarea.case */
}
