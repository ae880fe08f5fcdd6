/* stream.h - how a runner child streams what it observes to its parent:
 * a message before each step's observation as the step completes, and one
 * before the whole result (run.c writes, isolate.c reads). */
#ifndef ANCDATA_STREAM_H
#define ANCDATA_STREAM_H
#include <stddef.h>

#include "scenario.h"

enum { SC_MSG_STEP = 1, SC_MSG_RESULT = 2 };
struct sc_msg {
	int type;
	int step;         /* SC_MSG_STEP: the step; SC_MSG_RESULT: 1 when the
			   * child ends after this result */
	long long us;     /* SC_MSG_RESULT: how long the scenario took */
};

/* sc_run, reporting each step's observation on report_fd (when >= 0) */
void sc_run_streamed(const struct scenario *sc, const struct sc_backend *be,
		     struct sc_result *res, int report_fd);
/* one step's observation on fd; a child that cannot report exits */
void sc_stream_step(int fd, int i, const struct sc_obs *o);
/* len bytes to fd, through EINTR and short writes: 0, or -1 */
int sc_write_all(int fd, const void *buf, size_t len);
#endif
