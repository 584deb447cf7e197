/* ref-window.c — see ref-window.h. */
#include "ops/ref-window.h"

#include "ops/ref-helpers.h"

#include <string.h>

static lt_status
parse_auto_pad (const lt_kernel_call *call,
                lt_ref_auto_pad      *out)
{
  const char *s = lt_node_get_attr_string (call->node, "auto_pad", "NOTSET");

  if (strcmp (s, "NOTSET") == 0)
    *out = LT_REF_AUTO_PAD_NOTSET;
  else if (strcmp (s, "VALID") == 0)
    *out = LT_REF_AUTO_PAD_VALID;
  else if (strcmp (s, "SAME_UPPER") == 0)
    *out = LT_REF_AUTO_PAD_SAME_UPPER;
  else if (strcmp (s, "SAME_LOWER") == 0)
    *out = LT_REF_AUTO_PAD_SAME_LOWER;
  else
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'auto_pad' has unknown value '%s'", s);
  return LT_OK;
}

lt_status
lt_ref_window_parse (const lt_kernel_call *call,
                     lt_ref_window        *w)
{
  lt_status st;

  if ((st = parse_auto_pad (call, &w->auto_pad)) != LT_OK || (st = lt_ref_get_ints (call, "strides", w->nsp, 1, w->strides)) != LT_OK || (st = lt_ref_get_ints (call, "dilations", w->nsp, 1, w->dilations)) != LT_OK || (st = lt_ref_get_ints (call, "pads", 2 * w->nsp, 0, w->pads)) != LT_OK)
    return st;
  for (int32_t i = 0; i < w->nsp; i++)
    {
      if (w->kernel[i] < 1)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "kernel extents must be >= 1");
      if (w->strides[i] < 1 || w->dilations[i] < 1)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attributes 'strides' and 'dilations' must be >= 1");
      if (w->pads[i] < 0 || w->pads[i + w->nsp] < 0)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'pads' must be >= 0");
    }
  return LT_OK;
}

lt_status
lt_ref_window_resolve (const lt_kernel_call *call,
                       lt_ref_window        *w,
                       const int64_t        *in,
                       bool                  ceil_mode,
                       int64_t              *out)
{
  for (int32_t i = 0; i < w->nsp; i++)
    {
      int64_t  span = lt_ref_window_span (w, i);
      int64_t  s = w->strides[i];
      int64_t *begin = &w->pads[i], *end = &w->pads[i + w->nsp];
      int64_t  room;

      if (w->auto_pad == LT_REF_AUTO_PAD_SAME_UPPER || w->auto_pad == LT_REF_AUTO_PAD_SAME_LOWER)
        {
          /* As many outputs as ceil(in / stride); the odd padding element
           * goes at the end for SAME_UPPER, at the start for SAME_LOWER. */
          int64_t total = ((in[i] + s - 1) / s - 1) * s + span - in[i];
          if (total < 0)
            total = 0;
          *begin = w->auto_pad == LT_REF_AUTO_PAD_SAME_UPPER ? total / 2 : total - total / 2;
          *end = total - *begin;
        }
      else if (w->auto_pad == LT_REF_AUTO_PAD_VALID)
        *begin = *end = 0;
      room = in[i] + *begin + *end - span;
      if (room < 0)
        return lt_ref_fail (call, LT_ERR_SHAPE, "the kernel is larger than the padded input on spatial axis %d", i);
      out[i] = (ceil_mode ? (room + s - 1) / s : room / s) + 1;
      /* ceil_mode: a window starting past the input and the begin padding
       * (only end padding under it) is not an output. */
      if (ceil_mode && (out[i] - 1) * s >= in[i] + *begin)
        out[i]--;
    }
  return LT_OK;
}

lt_status
lt_ref_window_check_output (const lt_kernel_call *call,
                            int32_t               nsp,
                            int64_t               channels,
                            const int64_t        *expected)
{
  const lt_kernel_tensor *y = &call->outputs[0];

  if (y->rank != nsp + 2 || y->dims[0] != call->inputs[0].dims[0] || y->dims[1] != channels)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output shape does not match the input shape");
  for (int32_t i = 0; i < nsp; i++)
    if (y->dims[i + 2] != expected[i])
      return lt_ref_fail (call, LT_ERR_SHAPE, "output spatial axis %d has extent %lld, expected %lld",
                          i, (long long) y->dims[i + 2], (long long) expected[i]);
  return LT_OK;
}
