/* fault.c - compiled only into the tests' build of the library
 * (ANCDATA_FAULT_INJECTION): a test sets which post-syscall point fails. */
#include "fault.h"

static int fault_point = -1;
static size_t fault_index;

void ancdata_fault_set(int point, size_t index)
{
	fault_point = point;
	fault_index = index;
}

int ancdata_fault_hit(enum ancdata_fault point, size_t index)
{
	return (int)point == fault_point && index == fault_index;
}
