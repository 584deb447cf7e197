/* alloc-count.h — counting the allocations a test's code makes: malloc,
 * calloc, realloc and aligned_alloc are wrapped at link time
 * (-Wl,--wrap=..., see tests/engine/meson.build), so a test can check that
 * a run allocates nothing. */
#pragma once

/* Allocations made by the process so far. */
int test_alloc_count (void);
