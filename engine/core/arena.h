/* arena.h — bump allocation for IR objects
 *
 * Names, nodes, attribute arrays and small tensor payloads of a graph live in
 * one arena and die with it, so the importer never frees piecemeal and a
 * failed import releases everything with one call.  Chunks grow
 * geometrically; an allocation larger than a chunk gets a chunk of its own.
 * Not thread-safe: one arena per graph under construction.
 */
#pragma once

#include <stddef.h>

typedef struct lt_arena lt_arena;

lt_arena *lt_arena_new (void);
void      lt_arena_free (lt_arena *arena); /* accepts NULL */

/* `size` bytes aligned to 16, zero-filled; NULL when out of memory. */
void *lt_arena_alloc (lt_arena *arena,
                      size_t    size);

/* A NUL-terminated copy of `len` bytes. */
char *lt_arena_strndup (lt_arena   *arena,
                        const char *str,
                        size_t      len);

/* Bytes handed out so far (for memory reports). */
size_t lt_arena_get_used (const lt_arena *arena);
