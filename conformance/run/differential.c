/* differential.c - `ancdata differential`: every scenario CPython can
 * express (no strict policy, item caps, rlimits or privilege drops, and
 * recv_fds without flags, which CPython ignores) runs twice on this kernel,
 * receiving once through libancdata and once through CPython's socket
 * module; any difference in data, items, flags, warnings, fds that arrived
 * or fds dropped is printed as one line. */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "cases.h"
#include "cli.h"
#include "obsjson.h"

static int expressible(const struct scenario *sc)
{
	int recvs = 0;
	for (int i = 0; i < sc->nsteps; i++) {
		const struct sc_step *st = &sc->steps[i];
		if (st->op == SC_OP_RLIMIT || st->op == SC_OP_AS_NOBODY)
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

static int differ(const struct scenario *sc, const struct sc_result *a,
		  const struct sc_result *b)
{
	int n = 0;
	char x[512], y[512];
	for (int i = 0; i < a->nsteps && i < b->nsteps; i++) {
		const struct sc_step *st = &sc->steps[i];
		struct sc_obs oa = a->obs[i], ob = b->obs[i];
		oa.controllen = ob.controllen = 0;   /* CPython does not show it */
		json_t *ja = sc_obs_json(st, &oa), *jb = sc_obs_json(st, &ob);
		snprintf(x, sizeof x, "%s", json_string_value(json_object_get(ja, "text")));
		snprintf(y, sizeof y, "%s", json_string_value(json_object_get(jb, "text")));
		json_decref(ja);
		json_decref(jb);
		if (strcmp(x, y)) {
			printf("%s/%s line %d:\n  ancdata: %s\n  cpython: %s\n",
			       sc->area, sc->id, st->line, x, y);
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
