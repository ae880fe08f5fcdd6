/* differential.c - `ancdata differential`: every scenario CPython can
 * express (no strict policy, item caps, rlimits or privilege drops, and
 * recv_fds without flags, which CPython ignores) runs twice on this kernel,
 * receiving once through libancdata and once through CPython's socket
 * module; each field in which two observations differ (return, flags,
 * items, fds that arrived, fds dropped, cloexec, warnings, data) is printed
 * with its name and both values. */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "cases.h"
#include "cli.h"
#include "names.h"

static int expressible(const struct scenario *sc)
{
	int recvs = 0;
	if (sc->mode != SC_PAIR && sc->mode != SC_LISTEN)
		return 0;
	for (int i = 0; i < sc->nsteps; i++) {
		const struct sc_step *st = &sc->steps[i];
		/* the driver receives on the main line's sockets only; getopt,
		 * ioctl, poll and the others are the kernel's, not a receive */
		if (st->op == SC_OP_RLIMIT || st->op == SC_OP_AS_NOBODY ||
		    st->op >= SC_OP_GETOPT || st->who != SC_WHO_MAIN)
			return 0;
		if (st->op != SC_OP_RECV)
			continue;
		recvs++;
		if (st->u.recv.strict || st->u.recv.maxitems ||
		    (st->u.recv.api == SC_API_RECV_FDS && st->u.recv.flags))
			return 0;
	}
	return recvs > 0;
}

/* One line a differing field of a step, with both values in the expect
 * syntax.  Whole observations are compared (every fd, dropped pipe and data
 * byte), all but controllen and the items' values, which the driver does
 * not show. */
static int differ(const struct scenario *sc, const struct sc_result *a,
		  const struct sc_result *b)
{
	const unsigned fields = SC_F_ALL & ~(unsigned)(SC_F_CONTROLLEN | SC_F_VALS);
	static char x[1 << 14], y[1 << 14];
	int n = 0;

	for (int i = 0; i < a->nsteps && i < b->nsteps; i++) {
		const struct sc_step *st = &sc->steps[i];
		unsigned d = sc_obs_diff(&a->obs[i], &b->obs[i], fields);
		for (int k = 0; sc_field_names[k]; k++) {
			if (!(d & (1u << k)))
				continue;
			sc_print_obs(&a->obs[i], 1u << k, x, sizeof x);
			sc_print_obs(&b->obs[i], 1u << k, y, sizeof y);
			printf("%s/%s line %d: %s differs\n  ancdata:%s\n  cpython:%s\n",
			       sc->area, sc->id, st->line, sc_field_names[k],
			       x[0] ? x : " -", y[0] ? y : " -");
			n++;
		}
	}
	if (a->nsteps != b->nsteps) {
		printf("%s/%s: ancdata ran %d steps, cpython %d (%s)\n", sc->area,
		       sc->id, a->nsteps, b->nsteps, b->why);
		n++;
	}
	return n;
}

int cli_differential(int argc, char **argv)
{
	static struct scenario sc;
	static struct sc_result ra, rb;
	const char *driver = NULL, *filter = NULL;
	int scenarios = 0, diffs = 0, recvs = 0;
	char err[256];

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--driver") && i + 1 < argc)
			driver = argv[++i];
		else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
			filter = argv[++i];
		else {
			fprintf(stderr, "ancdata: differential: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (!driver) {
		fprintf(stderr, "ancdata: differential wants --driver PATH (conformance/run/cpython_driver.py)\n");
		return 2;
	}
	FILE *f = fopen(driver, "r");
	if (!f) {
		fprintf(stderr, "ancdata: differential: %s: cannot be read\n", driver);
		return 2;
	}
	fclose(f);
	const struct sc_backend *py = sc_backend_cpython(driver);
	for (unsigned i = 0; i < sc_ncases; i++) {
		if (sc_parse(sc_cases[i].text, &sc, err, sizeof err) < 0 ||
		    !expressible(&sc))
			continue;
		if (filter && !strstr(sc.id, filter) && strcmp(sc.area, filter))
			continue;
		sc_run_isolated(&sc, NULL, &ra);
		if (ra.status == SC_SKIP)
			continue;
		sc_run_isolated(&sc, py, &rb);
		scenarios++;
		for (int s = 0; s < sc.nsteps; s++)
			recvs += sc.steps[s].op == SC_OP_RECV;
		diffs += differ(&sc, &ra, &rb);
	}
	printf("differential: %d scenarios, %d receives compared, %d differences\n",
	       scenarios, recvs, diffs);
	return diffs ? 1 : scenarios ? 0 : 1;
}
