/* cases.h - the conformance cases, compiled in (see embed_cases.cmake). */
#ifndef ANCDATA_CASES_H
#define ANCDATA_CASES_H
struct sc_case {
	const char *file;
	const char *area;
	const char *text;
};
extern const struct sc_case sc_cases[];
extern const unsigned sc_ncases;
#endif
