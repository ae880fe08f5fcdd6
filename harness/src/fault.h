/* fault.h - the tests' handle on the post-syscall failure points. */
#ifndef ANCDATA_FAULT_H
#define ANCDATA_FAULT_H
#include "internal.h"
/* Make point fail at its index-th use (items count from 0); -1 disarms. */
void ancdata_fault_set(int point, size_t index);
#endif
