/* alloc_count.h - allocations made through the wrapped malloc family. */
#ifndef ANCDATA_ALLOC_COUNT_H
#define ANCDATA_ALLOC_COUNT_H
extern unsigned long alloc_count;
#endif
