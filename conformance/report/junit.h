/* junit.h - the one JUnit XML writer: test suites of test cases, each
 * passed, failed, skipped or in error, with a message, a text and a time.
 * Every string goes through the escaping layer (text.h), so any bytes make
 * well-formed XML. */
#ifndef ANCDATA_JUNIT_H
#define ANCDATA_JUNIT_H
#include <stddef.h>

#include "text.h"

enum junit_result { JUNIT_PASS, JUNIT_FAILURE, JUNIT_SKIPPED, JUNIT_ERROR };

struct junit_case {
	const char *classname, *name;
	enum junit_result result;
	const char *message;   /* the reason (NULL: none) */
	const char *text;      /* longer output, e.g. a console tail (NULL: none) */
	double time;           /* seconds; < 0: not known */
};

struct junit_suite {
	const char *name;
	const struct junit_case *cases;
	size_t ncases;
};

/* <testsuites name=NAME> with every suite, each with its counts */
void junit_write(struct tx_buf *b, const char *name, const struct junit_suite *suites,
		 size_t nsuites);
#endif
