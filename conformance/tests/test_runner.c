/* test_runner.c - the runner on real sockets: what an isolated run does
 * with slow steps, hangs and hostile neighbours. */
#include <criterion/criterion.h>
#include <string.h>

#include "names.h"
#include "scenario.h"

static void parse(const char *text, struct scenario *sc)
{
	char err[256];
	cr_assert_eq(sc_parse(text, sc, err, sizeof err), 0, "%s", err);
}

/* Defect 6: a fixed 10 s kill made this valid case (six gc steps, each
 * waiting its full 2 s for a pipe that stays in flight) an error. */
Test(runner, six_gc_steps_are_not_a_hang, .timeout = 0)
{
	static struct scenario sc;
	static struct sc_result res;
	parse("id six_gc\narea cleanup\nsocket stream pair\n"
	      "send a data=x rights=1\nexpect ret=1\n"
	      "gc p0\nexpect gone=-\ngc p0\nexpect gone=-\ngc p0\nexpect gone=-\n"
	      "gc p0\nexpect gone=-\ngc p0\nexpect gone=-\ngc p0\nexpect gone=-\n"
	      "recv b bufsize=1 ancbuf=CMSG_SPACE(4)\nexpect ret=1 fds=p0\n", &sc);
	sc_run_isolated(&sc, NULL, &res);
	cr_assert_eq(res.status, SC_PASS, "%s: %s", sc_status_names[res.status],
		     res.why);
	cr_assert_eq(res.nsteps, 8);
}

/* Defect 6: a run that really hangs keeps what its steps observed and
 * names the step it hung in. */
Test(runner, a_hang_keeps_the_steps_that_ran, .timeout = 0)
{
	static struct scenario sc;
	static struct sc_result res;
	parse("id hang\narea flags\nsocket stream pair\n"
	      "send a data=xy\nexpect ret=2\n"
	      "recv b bufsize=2\nexpect ret=2 data=xy\n"
	      "recv b bufsize=2\n", &sc);
	sc_run_isolated(&sc, NULL, &res);
	cr_assert_eq(res.status, SC_ERROR);
	cr_assert_eq(res.nsteps, 2, "kept %d steps", res.nsteps);
	cr_assert_eq(res.obs[1].ret, 2);
	cr_assert_eq(res.obs[1].datalen, 2);
	cr_assert(strstr(res.why, "hung in step 3 (line 8: recv)"), "%s", res.why);
}
