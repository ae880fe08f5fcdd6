/* conformance_test.h - what the generated Criterion tests call. */
#ifndef ANCDATA_CONFORMANCE_TEST_H
#define ANCDATA_CONFORMANCE_TEST_H
#include <criterion/criterion.h>
void conformance_run(unsigned index);
#endif
