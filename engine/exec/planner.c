/* planner.c — greedy best-fit placement of usage records in one arena.
 *
 * Invariant kept while placing: `placed` holds the records already given an
 * offset; a new record is checked only against those whose lifetime
 * overlaps its own, so space is shared exactly between values that are
 * never alive at the same step.  Quadratic in the number of records, which
 * is the number of values in one graph (thousands at most).
 */
#include "exec/planner.h"

#include "checked.h"

#include <stdbool.h>
#include <stdlib.h>

static bool
lifetimes_overlap (const lt_usage_record *a,
                   const lt_usage_record *b)
{
  return a->first <= b->last && b->first <= a->last;
}

/* Order of placement: larger first; ties by earlier first use so the plan
 * does not depend on qsort's stability. */
static int
compare_by_size (const void *pa,
                 const void *pb,
                 void       *data)
{
  const lt_usage_record *records = data;
  const lt_usage_record *a = &records[*(const size_t *) pa];
  const lt_usage_record *b = &records[*(const size_t *) pb];
  if (a->size != b->size)
    return a->size > b->size ? -1 : 1;
  if (a->first != b->first)
    return a->first < b->first ? -1 : 1;
  return *(const size_t *) pa < *(const size_t *) pb ? -1 : 1;
}

static int
compare_by_offset (const void *pa,
                   const void *pb,
                   void       *data)
{
  const lt_usage_record *records = data;
  uint64_t a = records[*(const size_t *) pa].offset;
  uint64_t b = records[*(const size_t *) pb].offset;
  return a < b ? -1 : a > b;
}

lt_status
lt_memory_plan (lt_usage_record *records,
                size_t           n,
                uint64_t         alignment,
                uint64_t        *peak_bytes,
                lt_error        *err)
{
  size_t  *order = NULL;
  size_t  *live = NULL;
  uint64_t peak = 0;

  *peak_bytes = 0;
  if (n == 0)
    return LT_OK;
  order = malloc (n * sizeof *order);
  live = malloc (n * sizeof *live);
  if (order == NULL || live == NULL)
    {
      free (order);
      free (live);
      return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory planning %zu values", n);
    }
  for (size_t i = 0; i < n; i++)
    order[i] = i;
  qsort_r (order, n, sizeof *order, compare_by_size, records);

  for (size_t k = 0; k < n; k++)
    {
      lt_usage_record *r = &records[order[k]];
      uint64_t         size;
      size_t           n_live = 0;

      /* Round the size up so the next offset stays aligned. */
      if (!lt_checked_add_u64 (r->size, alignment - 1, &size))
        goto overflow;
      size &= ~(alignment - 1);

      for (size_t j = 0; j < k; j++)
        if (records[order[j]].size > 0 && lifetimes_overlap (&records[order[j]], r))
          live[n_live++] = order[j];
      qsort_r (live, n_live, sizeof *live, compare_by_offset, records);

      /* Walk the gaps between overlapping records, lowest first. */
      uint64_t best = UINT64_MAX, best_gap = UINT64_MAX, cursor = 0;
      for (size_t j = 0; j < n_live; j++)
        {
          const lt_usage_record *o = &records[live[j]];
          if (o->offset > cursor && o->offset - cursor >= size && o->offset - cursor < best_gap)
            {
              best = cursor;
              best_gap = o->offset - cursor;
            }
          uint64_t end = o->offset + ((o->size + alignment - 1) & ~(alignment - 1));
          if (end > cursor)
            cursor = end;
        }
      r->offset = best != UINT64_MAX ? best : cursor;
      uint64_t end;
      if (!lt_checked_add_u64 (r->offset, size, &end))
        goto overflow;
      if (end > peak)
        peak = end;
    }
  free (order);
  free (live);
  *peak_bytes = peak;
  return LT_OK;

overflow:
  free (order);
  free (live);
  return lt_error_set (err, LT_ERR_LIMIT, NULL, "the values of the graph need more memory than can be addressed");
}
