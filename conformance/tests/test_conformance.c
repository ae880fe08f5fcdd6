/* test_conformance.c - every compiled-in case is a Criterion test named
 * area/id (the Test() lines are generated into cases_tests.c).  A case
 * passes, fails with the first mismatch and the whole observation, or is
 * skipped when the kernel lacks a feature it requires. */
#include <jansson.h>
#include <stdio.h>

#include "cases.h"
#include "conformance_test.h"
#include "obsjson.h"

void conformance_run(unsigned index)
{
	static struct scenario sc;
	static struct sc_result res;
	char err[256];

	cr_assert_eq(sc_parse(sc_cases[index].text, &sc, err, sizeof err), 0,
		     "%s: %s", sc_cases[index].file, err);
	cr_assert_eq(strlen(sc.id) + 5, strlen(sc_cases[index].file),
		     "%s: the file is not named after its id %s",
		     sc_cases[index].file, sc.id);
	sc_run(&sc, NULL, &res);
	if (res.status == SC_SKIP) {
		/* CTest reads this marker as "skipped", apart from "passed" */
		fprintf(stderr, "ancdata-unsupported: %s\n", res.why);
		cr_skip_test("%s", res.why);
	}
	if (res.status != SC_PASS) {
		json_t *j = sc_result_json(&sc, &res);
		char *text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		cr_assert_fail("%s\n%s", res.why, text ? text : "");
		free(text);
		json_decref(j);
	}
}
