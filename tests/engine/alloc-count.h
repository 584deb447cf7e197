/* alloc-count.h — counts the calls to malloc, calloc, realloc and
 * aligned_alloc of a test linked with -Wl,--wrap for each of them (see
 * tests/engine/meson.build), so a test can check that a run allocates
 * nothing. */
#pragma once

/* Allocations so far, from any thread. */
int lt_test_alloc_count (void);
