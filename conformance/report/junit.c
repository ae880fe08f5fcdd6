/* junit.c - the JUnit XML writer (junit.h). */
#include "junit.h"

static const char *const TAGS[] = { NULL, "failure", "skipped", "error" };

static void attr(struct tx_buf *b, const char *name, const char *value)
{
	tx_printf(b, " %s=\"", name);
	tx_markup(b, value);
	tx_puts(b, "\"");
}

static void one_case(struct tx_buf *b, const struct junit_case *c)
{
	tx_puts(b, "  <testcase");
	attr(b, "classname", c->classname ? c->classname : "");
	attr(b, "name", c->name ? c->name : "");
	if (c->time >= 0)
		tx_printf(b, " time=\"%.3f\"", c->time);
	const char *tag = c->result <= JUNIT_ERROR ? TAGS[c->result] : "error";
	if (!tag) {
		tx_puts(b, "/>\n");
		return;
	}
	tx_printf(b, ">\n   <%s", tag);
	if (c->message)
		attr(b, "message", c->message);
	if (c->text) {
		tx_puts(b, ">");
		tx_markup(b, c->text);
		tx_printf(b, "</%s>\n", tag);
	} else {
		tx_puts(b, "/>\n");
	}
	tx_puts(b, "  </testcase>\n");
}

void junit_write(struct tx_buf *b, const char *name, const struct junit_suite *suites,
		 size_t nsuites)
{
	size_t all[4] = { 0 };
	for (size_t s = 0; s < nsuites; s++)
		for (size_t c = 0; c < suites[s].ncases; c++)
			all[suites[s].cases[c].result <= JUNIT_ERROR ? suites[s].cases[c].result
								     : JUNIT_ERROR]++;
	tx_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	attr(b, "name", name);
	tx_printf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
		  all[0] + all[1] + all[2] + all[3], all[JUNIT_FAILURE], all[JUNIT_ERROR],
		  all[JUNIT_SKIPPED]);
	for (size_t s = 0; s < nsuites; s++) {
		size_t n[4] = { 0 };
		for (size_t c = 0; c < suites[s].ncases; c++)
			n[suites[s].cases[c].result <= JUNIT_ERROR ? suites[s].cases[c].result
								   : JUNIT_ERROR]++;
		tx_puts(b, " <testsuite");
		attr(b, "name", suites[s].name);
		tx_printf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
			  suites[s].ncases, n[JUNIT_FAILURE], n[JUNIT_ERROR], n[JUNIT_SKIPPED]);
		for (size_t c = 0; c < suites[s].ncases; c++)
			one_case(b, &suites[s].cases[c]);
		tx_puts(b, " </testsuite>\n");
	}
	tx_puts(b, "</testsuites>\n");
}
