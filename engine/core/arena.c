/* arena.c — chunked bump allocator, see arena.h. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN       16
#define ARENA_FIRST_CHUNK 4096
#define ARENA_MAX_CHUNK   (1u << 20)

typedef struct chunk
{
  struct chunk *next;
  size_t        size; /* usable bytes after the header */
  size_t        used;
} chunk;

struct lt_arena
{
  chunk *head;       /* the chunk being filled; older ones follow */
  size_t next_size;  /* size of the next regular chunk */
  size_t used;
};

/* Keeps the payload 16-byte aligned whatever the header size. */
#define CHUNK_HEADER ((sizeof (chunk) + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1))

lt_arena *
lt_arena_new (void)
{
  lt_arena *arena = calloc (1, sizeof *arena);
  if (arena)
    arena->next_size = ARENA_FIRST_CHUNK;
  return arena;
}

void
lt_arena_free (lt_arena *arena)
{
  if (arena == NULL)
    return;
  for (chunk *c = arena->head, *next; c; c = next)
    {
      next = c->next;
      free (c);
    }
  free (arena);
}

static chunk *
chunk_new (size_t size)
{
  chunk *c;

  if (size > SIZE_MAX - CHUNK_HEADER)
    return NULL;
  c = malloc (CHUNK_HEADER + size);
  if (c == NULL)
    return NULL;
  c->size = size;
  c->used = 0;
  return c;
}

void *
lt_arena_alloc (lt_arena *arena,
                size_t    size)
{
  chunk *c = arena->head;
  void  *p;

  if (size > SIZE_MAX - ARENA_ALIGN)
    return NULL;
  size = (size + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1);
  if (size == 0)
    size = ARENA_ALIGN;

  if (c == NULL || c->size - c->used < size)
    {
      if (size > arena->next_size / 4)
        {
          /* Large request: its own chunk, kept behind the current one so
           * the current chunk's free tail stays usable. */
          chunk *big = chunk_new (size);
          if (big == NULL)
            return NULL;
          big->used = size;
          if (c)
            {
              big->next = c->next;
              c->next = big;
            }
          else
            {
              big->next = NULL;
              arena->head = big;
            }
          arena->used += size;
          memset ((char *) big + CHUNK_HEADER, 0, size);
          return (char *) big + CHUNK_HEADER;
        }
      c = chunk_new (arena->next_size);
      if (c == NULL)
        return NULL;
      c->next = arena->head;
      arena->head = c;
      if (arena->next_size < ARENA_MAX_CHUNK)
        arena->next_size *= 2;
    }
  p = (char *) c + CHUNK_HEADER + c->used;
  c->used += size;
  arena->used += size;
  memset (p, 0, size);
  return p;
}

char *
lt_arena_strndup (lt_arena   *arena,
                  const char *str,
                  size_t      len)
{
  char *copy;

  if (len == SIZE_MAX)
    return NULL;
  copy = lt_arena_alloc (arena, len + 1);
  if (copy == NULL)
    return NULL;
  if (len)
    memcpy (copy, str, len);
  copy[len] = '\0';
  return copy;
}

size_t
lt_arena_get_used (const lt_arena *arena)
{
  return arena->used;
}
