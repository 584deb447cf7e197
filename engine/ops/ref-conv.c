/* ref-conv.c — reference Conv and ConvTranspose (f32, 1-D to 3-D and beyond)
 *
 * Both are computed in "gather" form: every output element is one sum,
 * accumulated in double, over the input elements and kernel taps that reach
 * it.  The padding in force at the start of each spatial axis (pad_begin)
 * is resolved once in prepare from pads / auto_pad / output_shape; the
 * output extent is the session's, checked there against the attributes.
 *
 * Layouts (ONNX): X [N, C, D1..Dk], Conv W [M, C/group, k1..kk],
 * ConvTranspose W [C, M/group, k1..kk], B [M], Y [N, M, O1..Ok].
 */
#include "ops/ref-prepare.h"

#include <stdlib.h>
#include <string.h>

typedef struct conv_params
{
  int32_t nsp;                     /* number of spatial axes */
  int64_t group;
  int64_t kernel[LT_MAX_RANK];     /* kernel extent per spatial axis */
  int64_t strides[LT_MAX_RANK];
  int64_t dilations[LT_MAX_RANK];
  int64_t pad_begin[LT_MAX_RANK];
} conv_params;

typedef enum auto_pad
{
  AUTO_PAD_NOTSET,
  AUTO_PAD_VALID,
  AUTO_PAD_SAME_UPPER,
  AUTO_PAD_SAME_LOWER,
} auto_pad;

static int64_t
floor_div (int64_t a,
           int64_t b)
{
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static lt_status
parse_auto_pad (const lt_kernel_call *call,
                auto_pad             *out)
{
  const char *s = lt_node_get_attr_string (call->node, "auto_pad", "NOTSET");

  if (strcmp (s, "NOTSET") == 0)
    *out = AUTO_PAD_NOTSET;
  else if (strcmp (s, "VALID") == 0)
    *out = AUTO_PAD_VALID;
  else if (strcmp (s, "SAME_UPPER") == 0)
    *out = AUTO_PAD_SAME_UPPER;
  else if (strcmp (s, "SAME_LOWER") == 0)
    *out = AUTO_PAD_SAME_LOWER;
  else
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'auto_pad' has unknown value '%s'", s);
  return LT_OK;
}

/* Reads what Conv and ConvTranspose share: group, kernel_shape (checked
 * against W), strides, dilations; pads go to pads[0..2*nsp). */
static lt_status
parse_common (const lt_kernel_call *call,
              conv_params          *p,
              int64_t              *pads)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  const lt_kernel_tensor *w = &call->inputs[1];
  lt_status               st;

  if (x->rank < 3 || w->rank != x->rank)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X must have rank >= 3 and W the same rank (got %d and %d)",
                        x->rank, w->rank);
  p->nsp = x->rank - 2;
  p->group = lt_node_get_attr_int (call->node, "group", 1);
  if (p->group < 1)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'group' must be >= 1 (got %lld)",
                        (long long) p->group);
  if ((st = lt_ref_get_ints (call, "kernel_shape", p->nsp, 0, p->kernel)) != LT_OK)
    return st;
  for (int32_t i = 0; i < p->nsp; i++)
    {
      if (lt_node_get_attr (call->node, "kernel_shape") != NULL && p->kernel[i] != w->dims[i + 2])
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'kernel_shape' does not match the weight shape");
      p->kernel[i] = w->dims[i + 2];
    }
  if ((st = lt_ref_get_ints (call, "strides", p->nsp, 1, p->strides)) != LT_OK
      || (st = lt_ref_get_ints (call, "dilations", p->nsp, 1, p->dilations)) != LT_OK
      || (st = lt_ref_get_ints (call, "pads", 2 * p->nsp, 0, pads)) != LT_OK)
    return st;
  for (int32_t i = 0; i < p->nsp; i++)
    {
      if (p->strides[i] < 1 || p->dilations[i] < 1)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attributes 'strides' and 'dilations' must be >= 1");
      if (pads[i] < 0 || pads[i + p->nsp] < 0)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'pads' must be >= 0");
    }
  return LT_OK;
}

/* Checks the output's batch and channel dims and returns LT_ERR_SHAPE
 * unless spatial axis i of the output has extent `expected[i]`. */
static lt_status
check_output (const lt_kernel_call *call,
              const conv_params    *p,
              int64_t               channels,
              const int64_t        *expected)
{
  const lt_kernel_tensor *y = &call->outputs[0];

  if (y->rank != p->nsp + 2 || y->dims[0] != call->inputs[0].dims[0] || y->dims[1] != channels)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output shape does not match the input and weight shapes");
  for (int32_t i = 0; i < p->nsp; i++)
    if (y->dims[i + 2] != expected[i])
      return lt_ref_fail (call, LT_ERR_SHAPE, "output spatial axis %d has extent %lld, expected %lld",
                          i, (long long) y->dims[i + 2], (long long) expected[i]);
  return LT_OK;
}

static lt_status
check_bias (const lt_kernel_call *call,
            int64_t               channels)
{
  if (lt_ref_has_input (call, 2)
      && (call->inputs[2].rank != 1 || call->inputs[2].dims[0] != channels
          || call->inputs[2].dtype != LT_DTYPE_F32))
    return lt_ref_fail (call, LT_ERR_SHAPE, "bias B must be a float vector of %lld elements", (long long) channels);
  return LT_OK;
}

static lt_status
conv_prepare (const lt_kernel_call *call,
              void                **state,
              size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  const lt_kernel_tensor *w = &call->inputs[1];
  conv_params             p;
  int64_t                 pads[2 * LT_MAX_RANK];
  int64_t                 expected[LT_MAX_RANK];
  auto_pad                mode;
  lt_status               st;

  *scratch_bytes = 0;
  if ((st = parse_common (call, &p, pads)) != LT_OK || (st = parse_auto_pad (call, &mode)) != LT_OK)
    return st;
  if (x->dims[1] % p.group != 0 || w->dims[0] % p.group != 0 || w->dims[1] * p.group != x->dims[1])
    return lt_ref_fail (call, LT_ERR_SHAPE,
                        "X has %lld channels and W %lld x %lld, which does not fit group %lld",
                        (long long) x->dims[1], (long long) w->dims[0], (long long) w->dims[1],
                        (long long) p.group);
  for (int32_t i = 0; i < p.nsp; i++)
    {
      int64_t in = x->dims[i + 2];
      int64_t span = (p.kernel[i] - 1) * p.dilations[i] + 1;
      int64_t pad_end;

      if (mode == AUTO_PAD_SAME_UPPER || mode == AUTO_PAD_SAME_LOWER)
        {
          int64_t out = (in + p.strides[i] - 1) / p.strides[i];
          int64_t total = (out - 1) * p.strides[i] + span - in;
          if (total < 0)
            total = 0;
          p.pad_begin[i] = mode == AUTO_PAD_SAME_UPPER ? total / 2 : total - total / 2;
          pad_end = total - p.pad_begin[i];
        }
      else if (mode == AUTO_PAD_VALID)
        p.pad_begin[i] = pad_end = 0;
      else
        {
          p.pad_begin[i] = pads[i];
          pad_end = pads[i + p.nsp];
        }
      if (in + p.pad_begin[i] + pad_end < span)
        return lt_ref_fail (call, LT_ERR_SHAPE, "the kernel is larger than the padded input on spatial axis %d", i);
      expected[i] = (in + p.pad_begin[i] + pad_end - span) / p.strides[i] + 1;
    }
  if ((st = check_output (call, &p, w->dims[0], expected)) != LT_OK || (st = check_bias (call, w->dims[0])) != LT_OK)
    return st;
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

/* Coordinates of linear index `index` in a box of extents dims[0..n). */
static void
unravel (uint64_t       index,
         int32_t        n,
         const int64_t *dims,
         int64_t       *coords)
{
  for (int32_t i = n - 1; i >= 0; i--)
    {
      coords[i] = (int64_t) (index % (uint64_t) dims[i]);
      index /= (uint64_t) dims[i];
    }
}

static uint64_t
box_count (int32_t        n,
           const int64_t *dims)
{
  uint64_t c = 1;
  for (int32_t i = 0; i < n; i++)
    c *= (uint64_t) dims[i];
  return c;
}

/* The tensors and extents both runs use. */
typedef struct conv_view
{
  const float   *x, *w, *b;     /* b is NULL without bias */
  float         *y;
  const int64_t *in_dims;       /* spatial extents of X */
  const int64_t *out_dims;      /* spatial extents of Y */
  int64_t        batch, in_ch, out_ch;
  int64_t        cg, mg;        /* input and output channels per group */
  uint64_t       in_size, out_size, k_size; /* elements per spatial box */
} conv_view;

static void
conv_view_init (const lt_kernel_call *call,
                conv_view            *v)
{
  const conv_params *p = call->state;

  v->x = call->inputs[0].data;
  v->w = call->inputs[1].data;
  v->b = lt_ref_has_input (call, 2) ? call->inputs[2].data : NULL;
  v->y = call->outputs[0].data;
  v->in_dims = call->inputs[0].dims + 2;
  v->out_dims = call->outputs[0].dims + 2;
  v->batch = call->inputs[0].dims[0];
  v->in_ch = call->inputs[0].dims[1];
  v->out_ch = call->outputs[0].dims[1];
  v->cg = v->in_ch / p->group;
  v->mg = v->out_ch / p->group;
  v->in_size = box_count (p->nsp, v->in_dims);
  v->out_size = box_count (p->nsp, v->out_dims);
  v->k_size = box_count (p->nsp, p->kernel);
}

/* The sum (without bias) that output element oc of channel m of image n
 * receives. */
typedef double (*output_sum_fn) (const conv_params *p,
                                 const conv_view   *v,
                                 int64_t            n,
                                 int64_t            m,
                                 const int64_t     *oc);

/* Fills every output element with its bias plus `sum`. */
static lt_status
run_outputs (const lt_kernel_call *call,
             output_sum_fn         sum)
{
  const conv_params *p = call->state;
  conv_view          v;

  conv_view_init (call, &v);
  if (call->outputs[0].count == 0)
    return LT_OK;
  for (int64_t n = 0; n < v.batch; n++)
    for (int64_t m = 0; m < v.out_ch; m++)
      for (uint64_t o = 0; o < v.out_size; o++)
        {
          int64_t oc[LT_MAX_RANK];

          unravel (o, p->nsp, v.out_dims, oc);
          v.y[((uint64_t) (n * v.out_ch + m)) * v.out_size + o]
              = (float) ((v.b ? v.b[m] : 0.0) + sum (p, &v, n, m, oc));
        }
  return LT_OK;
}

static double
conv_sum (const conv_params *p,
          const conv_view   *v,
          int64_t            n,
          int64_t            m,
          const int64_t     *oc)
{
  int64_t g = m / v->mg;
  int64_t kc[LT_MAX_RANK];
  double  acc = 0.0;

  for (int64_t c = 0; c < v->cg; c++)
    {
      const float *xc = v->x + ((uint64_t) (n * v->in_ch + g * v->cg + c)) * v->in_size;
      const float *wc = v->w + ((uint64_t) (m * v->cg + c)) * v->k_size;
      for (uint64_t k = 0; k < v->k_size; k++)
        {
          uint64_t xi = 0;
          bool     inside = true;

          unravel (k, p->nsp, p->kernel, kc);
          for (int32_t i = 0; i < p->nsp && inside; i++)
            {
              int64_t pos = oc[i] * p->strides[i] - p->pad_begin[i] + kc[i] * p->dilations[i];
              inside = pos >= 0 && pos < v->in_dims[i];
              xi = xi * (uint64_t) v->in_dims[i] + (uint64_t) pos;
            }
          if (inside)
            acc += (double) xc[xi] * (double) wc[k];
        }
    }
  return acc;
}

static lt_status
conv_run (const lt_kernel_call *call)
{
  return run_outputs (call, conv_sum);
}

static lt_status
conv_transpose_prepare (const lt_kernel_call *call,
                        void                **state,
                        size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  const lt_kernel_tensor *w = &call->inputs[1];
  const lt_attr          *shape_attr = lt_node_get_attr (call->node, "output_shape");
  conv_params             p;
  int64_t                 pads[2 * LT_MAX_RANK];
  int64_t                 out_pad[LT_MAX_RANK];
  int64_t                 expected[LT_MAX_RANK];
  int64_t                 out_ch;
  auto_pad                mode;
  lt_status               st;

  *scratch_bytes = 0;
  if ((st = parse_common (call, &p, pads)) != LT_OK || (st = parse_auto_pad (call, &mode)) != LT_OK
      || (st = lt_ref_get_ints (call, "output_padding", p.nsp, 0, out_pad)) != LT_OK)
    return st;
  if (w->dims[0] != x->dims[1] || x->dims[1] % p.group != 0)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X has %lld channels and W %lld, which does not fit group %lld",
                        (long long) x->dims[1], (long long) w->dims[0], (long long) p.group);
  out_ch = w->dims[1] * p.group;
  if (shape_attr != NULL
      && (shape_attr->type != LT_ATTR_INTS
          || (shape_attr->count != (uint32_t) p.nsp && shape_attr->count != (uint32_t) p.nsp + 2)))
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'output_shape' must list %d spatial extents", p.nsp);
  for (int32_t i = 0; i < p.nsp; i++)
    {
      int64_t in = x->dims[i + 2];
      int64_t span = (p.kernel[i] - 1) * p.dilations[i] + 1;
      int64_t full = p.strides[i] * (in - 1) + out_pad[i] + span;

      if (out_pad[i] < 0 || (out_pad[i] >= p.strides[i] && out_pad[i] >= p.dilations[i]))
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL,
                            "attribute 'output_padding' must be >= 0 and smaller than the stride or dilation");
      if (shape_attr != NULL || mode == AUTO_PAD_SAME_UPPER || mode == AUTO_PAD_SAME_LOWER)
        {
          /* The output extent is given (output_shape, or in * stride for
           * SAME); the padding that yields it is split as the ONNX spec
           * says, the odd element at the end for SAME_UPPER. */
          int64_t target = shape_attr != NULL
                               ? shape_attr->v.ints[shape_attr->count - (uint32_t) p.nsp + (uint32_t) i]
                               : in * p.strides[i];
          int64_t total = full - target;
          p.pad_begin[i] = mode == AUTO_PAD_SAME_UPPER ? floor_div (total, 2) : total - floor_div (total, 2);
          expected[i] = target;
        }
      else
        {
          p.pad_begin[i] = mode == AUTO_PAD_VALID ? 0 : pads[i];
          expected[i] = full - (mode == AUTO_PAD_VALID ? 0 : pads[i] + pads[i + p.nsp]);
        }
    }
  if ((st = check_output (call, &p, out_ch, expected)) != LT_OK || (st = check_bias (call, out_ch)) != LT_OK)
    return st;
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

static double
conv_transpose_sum (const conv_params *p,
                    const conv_view   *v,
                    int64_t            n,
                    int64_t            m,
                    const int64_t     *oc)
{
  int64_t g = m / v->mg, mi = m % v->mg;
  int64_t kc[LT_MAX_RANK];
  double  acc = 0.0;

  for (uint64_t k = 0; k < v->k_size; k++)
    {
      uint64_t xi = 0;
      bool     reaches = true;

      /* Input position i reaches output o through tap k when
       * o = i * stride - pad_begin + k * dilation. */
      unravel (k, p->nsp, p->kernel, kc);
      for (int32_t i = 0; i < p->nsp && reaches; i++)
        {
          int64_t t = oc[i] + p->pad_begin[i] - kc[i] * p->dilations[i];
          reaches = t >= 0 && t % p->strides[i] == 0 && t / p->strides[i] < v->in_dims[i];
          xi = xi * (uint64_t) v->in_dims[i] + (uint64_t) (t / p->strides[i]);
        }
      if (!reaches)
        continue;
      for (int64_t c = 0; c < v->cg; c++)
        {
          int64_t ic = g * v->cg + c;
          acc += (double) v->x[((uint64_t) (n * v->in_ch + ic)) * v->in_size + xi]
                 * (double) v->w[((uint64_t) (ic * v->mg + mi)) * v->k_size + k];
        }
    }
  return acc;
}

static lt_status
conv_transpose_run (const lt_kernel_call *call)
{
  return run_outputs (call, conv_transpose_sum);
}

const lt_kernel lt_ref_conv_kernel = {
  .name = "lt_ref_conv",
  .score = 0,
  .supports = lt_ref_supports_f32,
  .prepare = conv_prepare,
  .run = conv_run,
  .release = free,
};

const lt_kernel lt_ref_conv_transpose_kernel = {
  .name = "lt_ref_conv_transpose",
  .score = 0,
  .supports = lt_ref_supports_f32,
  .prepare = conv_transpose_prepare,
  .run = conv_transpose_run,
  .release = free,
};
