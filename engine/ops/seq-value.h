/* seq-value.h — a sequence or optional value the engine owns.
 *
 * A session keeps one lt_seq_value per computed sequence or optional (and
 * a Loop one per carried one); kernels fill the outputs' and read the
 * inputs' as `const lt_sequence *` (the first member, so a caller's bound
 * lt_sequence reads the same way).  Each tensor's bytes are a buffer of
 * the value's own that keeps its capacity from one run to the next: a
 * value refilled with tensors no larger than before allocates nothing,
 * one that grows (a sequence a Loop extends each iteration) reallocates.
 *
 * Invariants: view.tensors == items; view.count <= cap; items[k].data is
 * NULL or a buffer of item_cap[k] bytes, for every k < cap.
 */
#pragma once

#include "lt/dtype.h"
#include "lt/tensor.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct lt_seq_value
{
  lt_sequence view;     /* what readers see; must stay first */
  lt_tensor  *items;    /* cap entries, the first view.count in use */
  size_t     *item_cap; /* bytes allocated at items[k].data */
  uint32_t    cap;
} lt_seq_value;

/* A new, empty sequence (has_value true), or NULL when out of memory. */
lt_seq_value *lt_seq_value_new (void);

void lt_seq_value_free (lt_seq_value *value); /* accepts NULL */

/* Empties the value, keeping its buffers; `has_value` false makes it an
 * empty optional. */
void lt_seq_value_clear (lt_seq_value *value,
                         bool          has_value);

/* Appends a tensor of that type and returns its buffer in *data (NULL
 * when it has no elements) for the caller to fill.  False when out of
 * memory, too large, or the dtype is STRING or sub-byte (their elements
 * are not plain bytes this value could own). */
bool lt_seq_value_push (lt_seq_value  *value,
                        lt_dtype       dtype,
                        int32_t        rank,
                        const int64_t *dims,
                        void         **data);

/* Appends a copy of `tensor`; false as lt_seq_value_push. */
bool lt_seq_value_push_copy (lt_seq_value    *value,
                             const lt_tensor *tensor);

/* Makes `value` a copy of `src` (has_value and every tensor); false as
 * lt_seq_value_push.  `src` may not be `value`'s own view. */
bool lt_seq_value_copy (lt_seq_value      *value,
                        const lt_sequence *src);

/* Moves the last tensor to `position` (<= count - 1), shifting the ones
 * from there up by one. */
void lt_seq_value_move_last (lt_seq_value *value,
                             uint32_t      position);

/* Removes the tensor at `position` (< count), keeping its buffer for a
 * later push. */
void lt_seq_value_remove (lt_seq_value *value,
                          uint32_t      position);
