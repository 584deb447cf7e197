/* seq-value.c — the engine's owned sequence and optional values (see
 * seq-value.h). */
#include "ops/seq-value.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

lt_seq_value *
lt_seq_value_new (void)
{
  lt_seq_value *value = calloc (1, sizeof *value);

  if (value != NULL)
    value->view.has_value = true;
  return value;
}

void
lt_seq_value_free (lt_seq_value *value)
{
  if (value == NULL)
    return;
  for (uint32_t k = 0; k < value->cap; k++)
    free ((void *) value->items[k].data);
  free (value->items);
  free (value->item_cap);
  free (value);
}

void
lt_seq_value_clear (lt_seq_value *value,
                    bool          has_value)
{
  value->view.count = 0;
  value->view.has_value = has_value;
}

/* Room for one more item entry. */
static bool
grow_items (lt_seq_value *value)
{
  uint32_t   cap = value->cap < 4 ? 4 : value->cap * 2;
  lt_tensor *items;
  size_t    *item_cap;

  if (value->view.count < value->cap)
    return true;
  if (value->cap > UINT32_MAX / 2)
    return false;
  items = realloc (value->items, cap * sizeof *items);
  if (items == NULL)
    return false;
  value->items = items;
  item_cap = realloc (value->item_cap, cap * sizeof *item_cap);
  if (item_cap == NULL)
    return false;
  value->item_cap = item_cap;
  memset (value->items + value->cap, 0, (cap - value->cap) * sizeof *items);
  memset (value->item_cap + value->cap, 0, (cap - value->cap) * sizeof *item_cap);
  value->cap = cap;
  value->view.tensors = value->items;
  return true;
}

bool
lt_seq_value_push (lt_seq_value  *value,
                   lt_dtype       dtype,
                   int32_t        rank,
                   const int64_t *dims,
                   void         **data)
{
  lt_tensor *item;
  uint64_t   count = 1;
  size_t     nbytes;
  void      *buffer;

  *data = NULL;
  if (dtype == LT_DTYPE_STRING || lt_dtype_bits (dtype) < 8 || rank < 0 || rank > LT_MAX_RANK)
    return false;
  for (int32_t d = 0; d < rank; d++)
    {
      if (dims[d] < 0 || (dims[d] > 0 && count > UINT64_MAX / (uint64_t) dims[d]))
        return false;
      count *= (uint64_t) dims[d];
    }
  if (!lt_dtype_storage_size (dtype, count, &nbytes) || !grow_items (value))
    return false;
  item = &value->items[value->view.count];
  buffer = (void *) item->data;
  if (nbytes > value->item_cap[value->view.count])
    {
      buffer = realloc (buffer, nbytes);
      if (buffer == NULL)
        return false;
      value->item_cap[value->view.count] = nbytes;
    }
  item->data = buffer;
  item->name = "";
  item->dtype = dtype;
  item->rank = rank;
  memset (item->dims, 0, sizeof item->dims);
  if (rank > 0)
    memcpy (item->dims, dims, (size_t) rank * sizeof *dims);
  item->count = count;
  item->nbytes = nbytes;
  value->view.count++;
  *data = count > 0 ? buffer : NULL;
  return true;
}

bool
lt_seq_value_push_copy (lt_seq_value    *value,
                        const lt_tensor *tensor)
{
  void *data;

  if (!lt_seq_value_push (value, tensor->dtype, tensor->rank, tensor->dims, &data))
    return false;
  if (data != NULL)
    memcpy (data, tensor->data, value->items[value->view.count - 1].nbytes);
  return true;
}

bool
lt_seq_value_copy (lt_seq_value      *value,
                   const lt_sequence *src)
{
  lt_seq_value_clear (value, src->has_value);
  for (uint32_t k = 0; k < src->count; k++)
    if (!lt_seq_value_push_copy (value, &src->tensors[k]))
      return false;
  return true;
}

/* Moves item `from` to `to`, shifting those between by one. */
static void
rotate (lt_seq_value *value,
        uint32_t      from,
        uint32_t      to)
{
  lt_tensor item = value->items[from];
  size_t    cap = value->item_cap[from];

  if (from > to)
    {
      memmove (&value->items[to + 1], &value->items[to], (from - to) * sizeof *value->items);
      memmove (&value->item_cap[to + 1], &value->item_cap[to], (from - to) * sizeof *value->item_cap);
    }
  else if (from < to)
    {
      memmove (&value->items[from], &value->items[from + 1], (to - from) * sizeof *value->items);
      memmove (&value->item_cap[from], &value->item_cap[from + 1], (to - from) * sizeof *value->item_cap);
    }
  value->items[to] = item;
  value->item_cap[to] = cap;
}

void
lt_seq_value_move_last (lt_seq_value *value,
                        uint32_t      position)
{
  rotate (value, value->view.count - 1, position);
}

void
lt_seq_value_remove (lt_seq_value *value,
                     uint32_t      position)
{
  /* Past the end of the ones in use, its buffer waits for a later push. */
  rotate (value, position, value->view.count - 1);
  value->view.count--;
}
