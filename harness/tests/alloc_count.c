/* alloc_count.c - counts the allocations of everything linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc (the library's objects):
 * shared by test_noalloc and bench_recv. */
#include <stddef.h>

#include "alloc_count.h"

unsigned long alloc_count;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
	alloc_count++;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	alloc_count++;
	return __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
	alloc_count++;
	return __real_realloc(p, n);
}
