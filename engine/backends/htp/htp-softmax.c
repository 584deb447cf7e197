/* htp-softmax.c — integer Softmax over the last axis (arithmetic in
 * lt/htp.h).  Invariants: the exp table has one entry per input code
 * difference (2^bits(x)), entries in [0, 2^15], and entry 0 is 2^15, so a
 * row's sum is at least 2^15 and the reciprocal at most 2^32; rows of up to
 * 2^16 elements keep the sum below 2^31. */
#include "htp-tensor.h"

#include <math.h>
#include <stdlib.h>

#define EXP_ONE_BITS    15 /* e = 2^15 · exp (…) */
#define RECIPROCAL_BITS 47 /* r = 2^47 / Σ e */
#define PROB_BITS       16 /* p in Q16 */
#define MAX_ROW         65536

struct lt_htp_softmax
{
  lt_dtype   x_dtype;
  lt_requant to_y; /* Q16 probability → y's code */
  int64_t    y_offset;
  size_t     size;
  uint16_t   exp_table[];
};

lt_status
lt_htp_softmax_new (const lt_htp_tensor *x,
                    const lt_htp_tensor *y,
                    lt_htp_softmax     **out,
                    lt_error            *err)
{
  lt_status       st;
  lt_htp_softmax *sm;
  size_t          size;
  lt_requant      to_y;

  *out = NULL;
  if ((st = lt_htp_check_activation (x, "input", err)) != LT_OK || (st = lt_htp_check_activation (y, "output", err)) != LT_OK || (st = lt_requant_from_ratio (1.0 / (lt_htp_scale (y->enc, 0) * (1 << PROB_BITS)), &to_y, lt_htp_tensor_label (y, "output"), err)) != LT_OK)
    return st;
  size = x->dtype == LT_DTYPE_U8 ? 256 : 65536;
  sm = malloc (sizeof *sm + size * sizeof sm->exp_table[0]);
  if (!sm)
    return lt_error_set (err, LT_ERR_NO_MEMORY, lt_htp_tensor_label (y, "output"), "no memory for the exp table");
  sm->x_dtype = x->dtype;
  sm->to_y = to_y;
  sm->y_offset = lt_htp_offset (y->enc, 0);
  sm->size = size;
  for (size_t d = 0; d < size; d++)
    sm->exp_table[d] = (uint16_t) lround (ldexp (exp (-(double) d * lt_htp_scale (x->enc, 0)), EXP_ONE_BITS));
  *out = sm;
  return LT_OK;
}

lt_status
lt_htp_softmax_apply (const lt_htp_softmax *sm,
                      const lt_htp_tensor  *x,
                      lt_htp_tensor        *y,
                      lt_error             *err)
{
  const char *label = lt_htp_tensor_label (y, "output");
  int64_t     n = lt_htp_tensor_count (x), row;

  if (x->dtype != sm->x_dtype || !x->data || !y->data || !y->enc || (y->dtype != LT_DTYPE_U8 && y->dtype != LT_DTYPE_U16))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, label, "the tensors are not those the softmax was built for");
  if (x->rank < 1 || n != lt_htp_tensor_count (y) || x->dims[x->rank - 1] != y->dims[y->rank - 1])
    return lt_error_set (err, LT_ERR_SHAPE, label, "a softmax keeps its input's shape");
  row = x->dims[x->rank - 1];
  if (row > MAX_ROW)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label,
                         "Softmax over more than %d elements is not supported on the NPU", MAX_ROW);

  for (int64_t base = 0; row > 0 && base < n; base += row)
    {
      int64_t max = 0, sum = 0, reciprocal;

      for (int64_t i = 0; i < row; i++)
        max = lt_htp_load (x, base + i) > max ? lt_htp_load (x, base + i) : max;
      for (int64_t i = 0; i < row; i++)
        sum += sm->exp_table[max - lt_htp_load (x, base + i)];
      reciprocal = (((int64_t) 1 << RECIPROCAL_BITS) + sum / 2) / sum;
      for (int64_t i = 0; i < row; i++)
        {
          int64_t e = sm->exp_table[max - lt_htp_load (x, base + i)];
          int64_t p = lt_requant_round_shift (e * reciprocal, RECIPROCAL_BITS - PROB_BITS);
          lt_htp_store (y, base + i, lt_requant_apply (sm->to_y, p) - sm->y_offset);
        }
    }
  return LT_OK;
}

void
lt_htp_softmax_free (lt_htp_softmax *sm)
{
  free (sm);
}
