/* ref-conv.c — reference Conv, ConvTranspose (f32) and QLinearConv, over
 * any number of spatial axes.
 *
 * All are computed in "gather" form: every output element is one sum,
 * accumulated in double, over the input elements and kernel taps that reach
 * it (QLinearConv's integer products, zero points subtracted, are exact in
 * double; padding contributes nothing, as a zero point would).  The padding in force at the start of each spatial axis (win.pads[i])
 * is resolved once in prepare from pads / auto_pad / output_shape; the
 * output extent is the session's, checked there against the attributes.
 *
 * Layouts (ONNX): X [N, C, D1..Dk], Conv W [M, C/group, k1..kk],
 * ConvTranspose W [C, M/group, k1..kk], B [M], Y [N, M, O1..Ok].
 * QLinearConv takes X, x_scale, x_zero_point, W, w_scale, w_zero_point,
 * y_scale, y_zero_point and an int32 B.
 */
#include "ops/ref-quant.h"
#include "ops/ref-window.h"

#include <stdlib.h>
#include <string.h>

typedef struct conv_params
{
  lt_ref_window win; /* pads resolved: win.pads[i] is the begin padding */
  int64_t       group;
  uint32_t      x_in, w_in, b_in; /* input positions of X, W and the bias */
  bool          quantized;        /* QLinearConv: integer X and W, requantized Y */
} conv_params;

static int64_t
floor_div (int64_t a,
           int64_t b)
{
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Reads what the convolutions share: group, the window (its kernel from
 * W, checked against kernel_shape) and pads.  p's input positions are set. */
static lt_status
parse_common (const lt_kernel_call *call,
              conv_params          *p)
{
  const lt_kernel_tensor *x = &call->inputs[p->x_in];
  const lt_kernel_tensor *w = &call->inputs[p->w_in];
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
  if (lt_node_get_attr (call->node, "kernel_shape") != NULL && memcmp (kernel_shape, p->win.kernel, (size_t) p->win.nsp * sizeof kernel_shape[0]) != 0)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'kernel_shape' does not match the weight shape");
  return lt_ref_window_parse (call, &p->win);
}

/* The bias is float, or int32 (in units of x_scale * w_scale) for
 * QLinearConv. */
static lt_status
check_bias (const lt_kernel_call *call,
            const conv_params    *p,
            int64_t               channels)
{
  const lt_kernel_tensor *b = &call->inputs[p->b_in];
  lt_dtype                want = p->quantized ? LT_DTYPE_I32 : LT_DTYPE_F32;

  if (lt_ref_has_input (call, p->b_in) && (b->rank != 1 || b->dims[0] != channels || b->dtype != want))
    return lt_ref_fail (call, LT_ERR_SHAPE, "bias B must be a %s vector of %lld elements", lt_dtype_name (want),
                        (long long) channels);
  return LT_OK;
}

/* QLinearConv: X, x_scale, x_zero_point, W, w_scale, w_zero_point,
 * y_scale, y_zero_point, B.  W's scale and zero point are per tensor or
 * per output channel. */
static lt_status
check_quant_params (const lt_kernel_call *call,
                    int64_t               channels)
{
  const lt_kernel_tensor *in = call->inputs;
  int64_t                 w_channels = in[4].count > 1 ? channels : 0;
  lt_status               st;

  if (call->n_inputs < 8)
    return lt_ref_fail (call, LT_ERR_SHAPE, "QLinearConv needs 8 or 9 inputs");
  if ((st = lt_ref_check_quant_params (call, "x", &in[1], &in[2], in[0].dtype, 0)) != LT_OK || (st = lt_ref_check_quant_params (call, "w", &in[4], &in[5], in[3].dtype, w_channels)) != LT_OK || (st = lt_ref_check_quant_params (call, "y", &in[6], &in[7], call->outputs[0].dtype, 0)) != LT_OK)
    return st;
  if (!lt_ref_is_quantized_type (call->outputs[0].dtype))
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must be a quantized integer type");
  return LT_OK;
}

static lt_status
conv_prepare_with (const lt_kernel_call *call,
                   conv_params          *pp,
                   void                **state,
                   size_t               *scratch_bytes)
{
  conv_params             p = *pp;
  const lt_kernel_tensor *x = &call->inputs[p.x_in];
  const lt_kernel_tensor *w = &call->inputs[p.w_in];
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
  if ((st = lt_ref_window_resolve (call, &p.win, x->dims + 2, false, expected)) != LT_OK || (st = lt_ref_window_check_output (call, p.win.nsp, w->dims[0], expected)) != LT_OK || (st = check_bias (call, &p, w->dims[0])) != LT_OK || (p.quantized && (st = check_quant_params (call, w->dims[0])) != LT_OK))
    return st;
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

static lt_status
conv_prepare (const lt_kernel_call *call,
              void                **state,
              size_t               *scratch_bytes)
{
  conv_params p = { .x_in = 0, .w_in = 1, .b_in = 2 };

  return conv_prepare_with (call, &p, state, scratch_bytes);
}

static lt_status
qlinear_conv_prepare (const lt_kernel_call *call,
                      void                **state,
                      size_t               *scratch_bytes)
{
  conv_params p = { .x_in = 0, .w_in = 3, .b_in = 8, .quantized = true };

  return conv_prepare_with (call, &p, state, scratch_bytes);
}

/* The tensors and extents every run uses. */
typedef struct conv_view
{
  const lt_kernel_tensor *x, *w;
  const lt_kernel_tensor *b; /* NULL without bias */
  lt_kernel_tensor       *y;
  int64_t                 x_zero; /* QLinearConv's zero points; 0 / NULL otherwise */
  const lt_kernel_tensor *w_zero;
  const int64_t          *in_dims;  /* spatial extents of X */
  const int64_t          *out_dims; /* spatial extents of Y */
  int64_t                 batch, in_ch, out_ch;
  int64_t                 cg, mg;                    /* input and output channels per group */
  uint64_t                in_size, out_size, k_size; /* elements per spatial box */
} conv_view;

static void
conv_view_init (const lt_kernel_call *call,
                conv_view            *v)
{
  const conv_params *p = call->state;

  v->x = &call->inputs[p->x_in];
  v->w = &call->inputs[p->w_in];
  v->b = lt_ref_has_input (call, p->b_in) ? &call->inputs[p->b_in] : NULL;
  v->y = &call->outputs[0];
  v->x_zero = p->quantized ? lt_ref_quant_zero (&call->inputs[2], 0) : 0;
  v->w_zero = p->quantized ? &call->inputs[5] : NULL;
  v->in_dims = v->x->dims + 2;
  v->out_dims = v->y->dims + 2;
  v->batch = v->x->dims[0];
  v->in_ch = v->x->dims[1];
  v->out_ch = v->y->dims[1];
  v->cg = v->in_ch / p->group;
  v->mg = v->out_ch / p->group;
  v->in_size = lt_ref_box_count (p->win.nsp, v->in_dims);
  v->out_size = lt_ref_box_count (p->win.nsp, v->out_dims);
  v->k_size = lt_ref_box_count (p->win.nsp, p->win.kernel);
}

/* Element i of X and of W (whose zero point is that of output channel m),
 * zero points subtracted. */
static double
x_at (const conv_view *v,
      uint64_t         i)
{
  return lt_ref_get_f64 (v->x->dtype, v->x->data, i) - (double) v->x_zero;
}

static double
w_at (const conv_view *v,
      int64_t          m,
      uint64_t         i)
{
  return lt_ref_get_f64 (v->w->dtype, v->w->data, i) - (double) lt_ref_quant_zero (v->w_zero, (uint64_t) m);
}

/* The sum (without bias) that output element oc of channel m of image n
 * receives. */
typedef double (*output_sum_fn) (const conv_params *p,
                                 const conv_view   *v,
                                 int64_t            n,
                                 int64_t            m,
                                 const int64_t     *oc);

/* Fills every output element with its bias plus `sum`; QLinearConv
 * requantizes that with x_scale * w_scale / y_scale (computed in float,
 * as ONNX does) and y's zero point. */
static lt_status
run_outputs (const lt_kernel_call *call,
             output_sum_fn         sum)
{
  const conv_params *p = call->state;
  conv_view          v;

  conv_view_init (call, &v);
  if (v.y->count == 0)
    return LT_OK;
  for (int64_t n = 0; n < v.batch; n++)
    for (int64_t m = 0; m < v.out_ch; m++)
      for (uint64_t o = 0; o < v.out_size; o++)
        {
          int64_t  oc[LT_MAX_RANK];
          uint64_t at = ((uint64_t) (n * v.out_ch + m)) * v.out_size + o;
          double   acc;

          lt_ref_unravel (o, p->win.nsp, v.out_dims, oc);
          acc = (v.b ? lt_ref_get_f64 (v.b->dtype, v.b->data, (uint64_t) m) : 0.0) + sum (p, &v, n, m, oc);
          if (p->quantized)
            {
              float scale = lt_ref_quant_scale (&call->inputs[1], 0) * lt_ref_quant_scale (&call->inputs[4], (uint64_t) m) / lt_ref_quant_scale (&call->inputs[6], 0);
              lt_ref_store_quantized (v.y->dtype, v.y->data, at,
                                      acc * scale + (double) lt_ref_quant_zero (&call->inputs[7], 0));
            }
          else
            lt_ref_set_f64 (v.y->dtype, v.y->data, at, acc);
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
      uint64_t xc = ((uint64_t) (n * v->in_ch + g * v->cg + c)) * v->in_size;
      uint64_t wc = ((uint64_t) (m * v->cg + c)) * v->k_size;
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
            acc += x_at (v, xc + xi) * w_at (v, m, wc + k);
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
  conv_params             p = { .x_in = 0, .w_in = 1, .b_in = 2 };
  lt_ref_window          *win = &p.win;
  int64_t                 out_pad[LT_MAX_RANK];
  int64_t                 expected[LT_MAX_RANK];
  int64_t                 out_ch;
  bool                    same;
  lt_status               st;

  *scratch_bytes = 0;
  if ((st = parse_common (call, &p)) != LT_OK || (st = lt_ref_get_ints (call, "output_padding", win->nsp, 0, out_pad)) != LT_OK)
    return st;
  if (w->dims[0] != x->dims[1] || x->dims[1] % p.group != 0)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X has %lld channels and W %lld, which does not fit group %lld",
                        (long long) x->dims[1], (long long) w->dims[0], (long long) p.group);
  out_ch = w->dims[1] * p.group;
  if (shape_attr != NULL && (shape_attr->type != LT_ATTR_INTS || (shape_attr->count != (uint32_t) win->nsp && shape_attr->count != (uint32_t) win->nsp + 2)))
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
  if ((st = lt_ref_window_check_output (call, win->nsp, out_ch, expected)) != LT_OK || (st = check_bias (call, &p, out_ch)) != LT_OK)
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
          acc += x_at (v, ((uint64_t) (n * v->in_ch + ic)) * v->in_size + xi) * w_at (v, m, ((uint64_t) (ic * v->mg + mi)) * v->k_size + k);
        }
    }
  return acc;
}

static lt_status
conv_transpose_run (const lt_kernel_call *call)
{
  return run_outputs (call, conv_transpose_sum);
}

static bool
qlinear_conv_supports (const lt_kernel_call *call)
{
  return call->n_inputs >= 8 && lt_ref_is_quantized_type (call->inputs[0].dtype) && lt_ref_is_quantized_type (call->inputs[3].dtype);
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

const lt_kernel lt_ref_qlinear_conv_kernel = {
  .name = "lt_ref_qlinear_conv",
  .supports = qlinear_conv_supports,
  .prepare = qlinear_conv_prepare,
  .run = conv_run,
  .release = free,
};
