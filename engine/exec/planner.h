/* planner.h — memory planning from usage records
 *
 * Each value a session computes is a usage record: its size in bytes and
 * the first and last step (position in the execution order) at which it is
 * alive, both inclusive.  The planner gives every record an offset in one
 * arena so that two records whose lifetimes overlap never share a byte, and
 * reports the arena's size (its peak).  Records are placed largest first,
 * each into the smallest gap between records it overlaps in time that fits
 * (best fit), else above them all.
 *
 * In-place execution is expressed before planning: a node that writes its
 * output into its input's memory makes the two one record whose lifetime
 * spans both (see lt_session).
 */
#pragma once

#include "lt/status.h"

#include <stddef.h>
#include <stdint.h>

typedef struct lt_usage_record
{
  uint64_t size;    /* bytes; 0 takes no space */
  int32_t  first;   /* step that produces it */
  int32_t  last;    /* last step that reads it, >= first */
  uint64_t offset;  /* out: bytes from the arena start, a multiple of the alignment */
} lt_usage_record;

/* Plans `n` records.  `alignment` is a power of two; every offset and the
 * peak are multiples of it.  Needs temporary memory (freed before return):
 * LT_ERR_NO_MEMORY when that fails, LT_ERR_LIMIT when sizes overflow. */
lt_status lt_memory_plan (lt_usage_record *records,
                          size_t           n,
                          uint64_t         alignment,
                          uint64_t        *peak_bytes,
                          lt_error        *err);
