/* conv-geometry.c — attribute parsing and validation shared by the fast
 * Conv kernels.  Invariant: after lt_conv_geometry_init succeeds every
 * field is positive (pads non-negative) and out_h/out_w match both the
 * formula and the session's output shape. */
#include "conv-geometry.h"
#include "cpu-kernel-util.h"

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

/* Reads an INTS attribute of `spatial` elements into out[], or leaves the
 * defaults; false when present with the wrong length. */
static bool
read_ints (const lt_node *node,
           const char    *name,
           int            expected,
           int64_t       *out)
{
  const lt_attr *attr = lt_node_get_attr (node, name);

  if (attr == NULL)
    return true;
  if (attr->type != LT_ATTR_INTS || (int) attr->count != expected)
    return false;
  memcpy (out, attr->v.ints, expected * sizeof (int64_t));
  return true;
}

lt_status
lt_conv_geometry_init (lt_conv_geometry     *g,
                       const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0], *w = &call->inputs[1];
  const lt_kernel_tensor *y = &call->outputs[0];
  const lt_node *node = call->node;
  int spatial = x->rank - 2;
  int64_t in[2] = { 1, 1 }, kernel[2] = { 1, 1 }, strides[2] = { 1, 1 };
  int64_t dilations[2] = { 1, 1 }, pads[4] = { 0, 0, 0, 0 }, out[2] = { 1, 1 };
  const char *auto_pad = lt_node_get_attr_string (node, "auto_pad", "NOTSET");
  for (int s = 0; s < spatial; s++)
    {
      in[2 - spatial + s] = x->dims[2 + s];
      kernel[2 - spatial + s] = w->dims[2 + s];
      out[2 - spatial + s] = y->dims[2 + s];
    }
  {
    int64_t k_attr[2] = { kernel[0], kernel[1] }, s_attr[2] = { 1, 1 }, d_attr[2] = { 1, 1 };
    int64_t p_attr[4] = { 0, 0, 0, 0 };
    int off = 2 - spatial;

    memcpy (k_attr, kernel + off, spatial * sizeof (int64_t));
    if (!read_ints (node, "kernel_shape", spatial, k_attr) || !read_ints (node, "strides", spatial, s_attr) ||
        !read_ints (node, "dilations", spatial, d_attr) || !read_ints (node, "pads", 2 * spatial, p_attr))
      return lt_kernel_call_fail (call, LT_ERR_INVALID_MODEL, "a kernel_shape, strides, dilations or pads attribute has the wrong length");
    for (int s = 0; s < spatial; s++)
      {
        if (k_attr[s] != kernel[off + s])
          return lt_kernel_call_fail (call, LT_ERR_INVALID_MODEL, "kernel_shape does not match the weight's shape");
        strides[off + s] = s_attr[s];
        dilations[off + s] = d_attr[s];
        pads[off + s] = p_attr[s];
        pads[2 + off + s] = p_attr[spatial + s];
      }
  }
  g->group = lt_node_get_attr_int (node, "group", 1);
  g->batch = x->dims[0];
  g->in_channels = x->dims[1];
  g->out_channels = w->dims[0];
  if (g->group < 1 || g->in_channels % g->group != 0 || g->out_channels % g->group != 0 ||
      w->dims[1] * g->group != g->in_channels)
    return lt_kernel_call_fail (call, LT_ERR_INVALID_MODEL, "group %lld does not fit %lld input and %lld output channels",
                                (long long) g->group, (long long) g->in_channels, (long long) g->out_channels);
  for (int s = 0; s < 2; s++)
    {
      int64_t extent = (kernel[s] - 1) * dilations[s] + 1;

      if (strides[s] < 1 || dilations[s] < 1 || kernel[s] < 1 || pads[s] < 0 || pads[2 + s] < 0)
        return lt_kernel_call_fail (call, LT_ERR_INVALID_MODEL, "a stride, dilation or kernel size is not positive, or a pad is negative");
      if (strcmp (auto_pad, "SAME_UPPER") == 0 || strcmp (auto_pad, "SAME_LOWER") == 0)
        {
          int64_t want = (in[s] + strides[s] - 1) / strides[s];
          int64_t total = (want - 1) * strides[s] + extent - in[s];

          total = total > 0 ? total : 0;
          pads[s] = auto_pad[5] == 'U' ? total / 2 : total - total / 2;
          pads[2 + s] = total - pads[s];
        }
      else if (strcmp (auto_pad, "VALID") == 0)
        pads[s] = pads[2 + s] = 0;
      else if (strcmp (auto_pad, "NOTSET") != 0)
        return lt_kernel_call_fail (call, LT_ERR_INVALID_MODEL, "unknown auto_pad \"%s\"", auto_pad);
      if (in[s] + pads[s] + pads[2 + s] < extent ||
          (in[s] + pads[s] + pads[2 + s] - extent) / strides[s] + 1 != out[s])
        return lt_kernel_call_fail (call, LT_ERR_SHAPE, "output size %lld does not follow from input %lld, kernel %lld, stride %lld",
                                (long long) out[s], (long long) in[s], (long long) kernel[s], (long long) strides[s]);
    }
  if (y->dims[0] != g->batch || y->dims[1] != g->out_channels)
    return lt_kernel_call_fail (call, LT_ERR_SHAPE, "output batch or channels disagree with the inputs");
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
