/* ref-conv.c — reference Conv and ConvTranspose (f32, 1-D to 3-D and beyond)
 *
 * Both are computed in "gather" form: every output element is one sum,
 * accumulated in double, over the input elements and kernel taps that reach
 * it.  The padding in force at the start of each spatial axis (win.pads[i])
 * is resolved once in prepare from pads / auto_pad / output_shape; the
 * output extent is the session's, checked there against the attributes.
 *
 * Layouts (ONNX): X [N, C, D1..Dk], Conv W [M, C/group, k1..kk],
 * ConvTranspose W [C, M/group, k1..kk], B [M], Y [N, M, O1..Ok].
 */
#include "ops/ref-helpers.h"
#include "ops/ref-window.h"

#include <stdlib.h>
#include <string.h>

typedef struct conv_params
{
  lt_ref_window win;   /* pads resolved: win.pads[i] is the begin padding */
  int64_t       group;
} conv_params;

static int64_t
floor_div (int64_t a,
           int64_t b)
{
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Reads what Conv and ConvTranspose share: group, the window (its kernel
 * from W, checked against kernel_shape) and pads. */
static lt_status
parse_common (const lt_kernel_call *call,
              conv_params          *p)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  const lt_kernel_tensor *w = &call->inputs[1];
  int64_t                 kernel_shape[LT_MAX_RANK];
  lt_status               st;

  if (x->rank < 3 || w->rank != x->rank)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X must have rank >= 3 and W the same rank (got %d and %d)",
                        x->rank, w->rank);
  p->win.nsp = x->rank - 2;
  p->group = lt_node_get_attr_int (call->node, "group", 1);
  if (p->group < 1)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'group' must be >= 1 (got %lld)",
                        (long long) p->group);
  memcpy (p->win.kernel, w->dims + 2, (size_t) p->win.nsp * sizeof p->win.kernel[0]);
  if ((st = lt_ref_get_ints (call, "kernel_shape", p->win.nsp, 0, kernel_shape)) != LT_OK)
    return st;
  if (lt_node_get_attr (call->node, "kernel_shape") != NULL
      && memcmp (kernel_shape, p->win.kernel, (size_t) p->win.nsp * sizeof kernel_shape[0]) != 0)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'kernel_shape' does not match the weight shape");
  return lt_ref_window_parse (call, &p->win);
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
  int64_t                 expected[LT_MAX_RANK];
  lt_status               st;

  *scratch_bytes = 0;
  if ((st = parse_common (call, &p)) != LT_OK)
    return st;
  if (x->dims[1] % p.group != 0 || w->dims[0] % p.group != 0 || w->dims[1] * p.group != x->dims[1])
    return lt_ref_fail (call, LT_ERR_SHAPE,
                        "X has %lld channels and W %lld x %lld, which does not fit group %lld",
                        (long long) x->dims[1], (long long) w->dims[0], (long long) w->dims[1],
                        (long long) p.group);
  if ((st = lt_ref_window_resolve (call, &p.win, x->dims + 2, false, expected)) != LT_OK
      || (st = lt_ref_window_check_output (call, p.win.nsp, w->dims[0], expected)) != LT_OK
      || (st = check_bias (call, w->dims[0])) != LT_OK)
    return st;
  return lt_ref_keep_state (call, &p, sizeof p, state);
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
  v->in_size = lt_ref_box_count (p->win.nsp, v->in_dims);
  v->out_size = lt_ref_box_count (p->win.nsp, v->out_dims);
  v->k_size = lt_ref_box_count (p->win.nsp, p->win.kernel);
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

          lt_ref_unravel (o, p->win.nsp, v.out_dims, oc);
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

          lt_ref_unravel (k, p->win.nsp, p->win.kernel, kc);
          for (int32_t i = 0; i < p->win.nsp && inside; i++)
            {
              int64_t pos = oc[i] * p->win.strides[i] - p->win.pads[i] + kc[i] * p->win.dilations[i];
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
  lt_ref_window          *win = &p.win;
  int64_t                 out_pad[LT_MAX_RANK];
  int64_t                 expected[LT_MAX_RANK];
  int64_t                 out_ch;
  bool                    same;
  lt_status               st;

  *scratch_bytes = 0;
  if ((st = parse_common (call, &p)) != LT_OK
      || (st = lt_ref_get_ints (call, "output_padding", win->nsp, 0, out_pad)) != LT_OK)
    return st;
  if (w->dims[0] != x->dims[1] || x->dims[1] % p.group != 0)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X has %lld channels and W %lld, which does not fit group %lld",
                        (long long) x->dims[1], (long long) w->dims[0], (long long) p.group);
  out_ch = w->dims[1] * p.group;
  if (shape_attr != NULL
      && (shape_attr->type != LT_ATTR_INTS
          || (shape_attr->count != (uint32_t) win->nsp && shape_attr->count != (uint32_t) win->nsp + 2)))
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'output_shape' must list %d spatial extents", win->nsp);
  same = win->auto_pad == LT_REF_AUTO_PAD_SAME_UPPER || win->auto_pad == LT_REF_AUTO_PAD_SAME_LOWER;
  for (int32_t i = 0; i < win->nsp; i++)
    {
      int64_t in = x->dims[i + 2];
      int64_t full = win->strides[i] * (in - 1) + out_pad[i] + lt_ref_window_span (win, i);

      if (out_pad[i] < 0 || (out_pad[i] >= win->strides[i] && out_pad[i] >= win->dilations[i]))
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL,
                            "attribute 'output_padding' must be >= 0 and smaller than the stride or dilation");
      if (shape_attr != NULL || same)
        {
          /* The output extent is given (output_shape, or in * stride for
           * SAME); the padding that yields it is split as the ONNX spec
           * says, the odd element at the end for SAME_UPPER. */
          int64_t target = shape_attr != NULL
                               ? shape_attr->v.ints[shape_attr->count - (uint32_t) win->nsp + (uint32_t) i]
                               : in * win->strides[i];
          int64_t total = full - target;
          win->pads[i] = win->auto_pad == LT_REF_AUTO_PAD_SAME_UPPER ? floor_div (total, 2)
                                                                     : total - floor_div (total, 2);
          expected[i] = target;
        }
      else if (win->auto_pad == LT_REF_AUTO_PAD_VALID)
        {
          win->pads[i] = 0;
          expected[i] = full;
        }
      else
        expected[i] = full - win->pads[i] - win->pads[i + win->nsp];
    }
  if ((st = lt_ref_window_check_output (call, win->nsp, out_ch, expected)) != LT_OK
      || (st = check_bias (call, out_ch)) != LT_OK)
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
      lt_ref_unravel (k, p->win.nsp, p->win.kernel, kc);
      for (int32_t i = 0; i < p->win.nsp && reaches; i++)
        {
          int64_t t = oc[i] + p->win.pads[i] - kc[i] * p->win.dilations[i];
          reaches = t >= 0 && t % p->win.strides[i] == 0 && t / p->win.strides[i] < v->in_dims[i];
          xi = xi * (uint64_t) v->in_dims[i] + (uint64_t) (t / p->win.strides[i]);
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
