/* conv-geometry.c — the 2-D view of a Conv node the fast kernels use.
 *
 * Parsing and validation are the reference kernels' (ops/ref-window.h), so
 * both accept and refuse the same nodes with the same messages.  Invariant:
 * after lt_conv_geometry_init succeeds the session's output shape matches
 * the window and every extent, stride and dilation is positive.
 */
#include "conv-geometry.h"
#include "cpu-kernel-util.h"
#include "ops/ref-helpers.h"
#include "ops/ref-window.h"

#include <string.h>

bool
lt_conv_geometry_supported (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0], *w = &call->inputs[1];

  if (call->n_inputs < 2 || x->dtype != LT_DTYPE_F32 || w->dtype != LT_DTYPE_F32)
    return false;
  if ((x->rank != 3 && x->rank != 4) || w->rank != x->rank || call->outputs[0].rank != x->rank)
    return false;
  if (lt_kernel_call_get_constant (call, 1) == NULL)
    return false;
  if (call->n_inputs > 2 && call->inputs[2].dtype != LT_DTYPE_UNDEFINED &&
      (call->inputs[2].dtype != LT_DTYPE_F32 || call->inputs[2].count != (uint64_t) w->dims[0]))
    return false;
  return true;
}

lt_status
lt_conv_geometry_init (lt_conv_geometry     *g,
                       const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0], *w = &call->inputs[1];
  int32_t nsp = x->rank - 2;
  int32_t first = 2 - nsp; /* a 1-D conv fills only the width */
  int64_t kernel_shape[LT_MAX_RANK], expected[LT_MAX_RANK];
  int64_t in[2] = { 1, 1 }, out[2] = { 1, 1 }, kernel[2] = { 1, 1 }, strides[2] = { 1, 1 };
  int64_t dilations[2] = { 1, 1 }, pads[2] = { 0, 0 };
  lt_ref_window win;
  lt_status status;

  win.nsp = nsp;
  memcpy (win.kernel, w->dims + 2, (size_t) nsp * sizeof win.kernel[0]);
  if ((status = lt_ref_get_ints (call, "kernel_shape", nsp, 0, kernel_shape)) != LT_OK)
    return status;
  if (lt_node_get_attr (call->node, "kernel_shape") != NULL &&
      memcmp (kernel_shape, win.kernel, (size_t) nsp * sizeof kernel_shape[0]) != 0)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'kernel_shape' does not match the weight shape");
  if ((status = lt_ref_window_parse (call, &win)) != LT_OK)
    return status;
  g->group = lt_node_get_attr_int (call->node, "group", 1);
  if (g->group < 1 || x->dims[1] % g->group != 0 || w->dims[0] % g->group != 0 || w->dims[1] * g->group != x->dims[1])
    return lt_ref_fail (call, LT_ERR_SHAPE, "X has %lld channels and W %lld x %lld, which does not fit group %lld",
                        (long long) x->dims[1], (long long) w->dims[0], (long long) w->dims[1], (long long) g->group);
  if ((status = lt_ref_window_resolve (call, &win, x->dims + 2, false, expected)) != LT_OK ||
      (status = lt_ref_window_check_output (call, nsp, w->dims[0], expected)) != LT_OK)
    return status;
  for (int32_t i = 0; i < nsp; i++)
    {
      in[first + i] = x->dims[2 + i];
      out[first + i] = expected[i];
      kernel[first + i] = win.kernel[i];
      strides[first + i] = win.strides[i];
      dilations[first + i] = win.dilations[i];
      pads[first + i] = win.pads[i];
    }
  g->batch = x->dims[0];
  g->in_channels = x->dims[1];
  g->out_channels = w->dims[0];
  g->in_h = in[0];
  g->in_w = in[1];
  g->out_h = out[0];
  g->out_w = out[1];
  g->kernel_h = kernel[0];
  g->kernel_w = kernel[1];
  g->stride_h = strides[0];
  g->stride_w = strides[1];
  g->dilation_h = dilations[0];
  g->dilation_w = dilations[1];
  g->pad_top = pads[0];
  g->pad_left = pads[1];
  return LT_OK;
}
