/* alloc-count.c — the link-time wrappers behind test_alloc_count. */
#include "alloc-count.h"

#include <stdatomic.h>
#include <stddef.h>

static atomic_int alloc_count;

void *__real_malloc (size_t size);
void *__real_calloc (size_t n, size_t size);
void *__real_realloc (void *p, size_t size);
void *__real_aligned_alloc (size_t alignment, size_t size);
void *__wrap_malloc (size_t size);
void *__wrap_calloc (size_t n, size_t size);
void *__wrap_realloc (void *p, size_t size);
void *__wrap_aligned_alloc (size_t alignment, size_t size);

int
test_alloc_count (void)
{
  return atomic_load (&alloc_count);
}

void *
__wrap_malloc (size_t size)
{
  atomic_fetch_add (&alloc_count, 1);
  return __real_malloc (size);
}

void *
__wrap_calloc (size_t n,
               size_t size)
{
  atomic_fetch_add (&alloc_count, 1);
  return __real_calloc (n, size);
}

void *
__wrap_realloc (void  *p,
                size_t size)
{
  atomic_fetch_add (&alloc_count, 1);
  return __real_realloc (p, size);
}

void *
__wrap_aligned_alloc (size_t alignment,
                      size_t size)
{
  atomic_fetch_add (&alloc_count, 1);
  return __real_aligned_alloc (alignment, size);
}
