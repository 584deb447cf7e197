/* htp-conv.c — integer 2-D convolution (incl. grouped and depthwise).
 *
 * The plain integer reference: one loop nest per output element,
 *   acc = bias[m] + Σ (xq + x_offset) · (wq + w_offset[m])
 * over the window (padding contributes real zeros, so nothing), acc
 * saturated to int32, then y = requant (acc, x_scale·w_scale[m]/y_scale)
 * − y_offset, saturated to y's range. */
#include "htp-tensor.h"

static lt_status
check_geometry (const lt_htp_tensor      *x,
                const lt_htp_tensor      *w,
                const lt_htp_conv_params *p,
                const lt_htp_tensor      *y,
                lt_error                 *err)
{
  const char *wl = lt_htp_tensor_label (w, "weights");
  const char *yl = lt_htp_tensor_label (y, "output");

  if (x->rank != 4 || w->rank != 4 || y->rank != 4)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, wl, "only 2-D convolutions (4-D NCHW tensors) run on the NPU");
  if (p->group < 1 || x->dims[1] % p->group || w->dims[0] % p->group || w->dims[1] * p->group != x->dims[1])
    return lt_error_set (err, LT_ERR_SHAPE, wl, "%lld groups do not divide %lld input and %lld output channels",
                         (long long) p->group, (long long) x->dims[1], (long long) w->dims[0]);
  for (int i = 0; i < 2; i++)
    {
      int64_t extent = p->dilations[i] * (w->dims[2 + i] - 1) + 1;
      int64_t padded = x->dims[2 + i] + p->pads[i] + p->pads[2 + i];

      if (p->strides[i] < 1 || p->dilations[i] < 1 || p->pads[i] < 0 || p->pads[2 + i] < 0 || padded < extent)
        return lt_error_set (err, LT_ERR_SHAPE, wl, "the window does not fit the padded input");
      if (y->dims[2 + i] != (padded - extent) / p->strides[i] + 1)
        return lt_error_set (err, LT_ERR_SHAPE, yl, "output dim %d is %lld, the convolution gives %lld", 2 + i,
                             (long long) y->dims[2 + i], (long long) ((padded - extent) / p->strides[i] + 1));
    }
  if (y->dims[0] != x->dims[0] || y->dims[1] != w->dims[0])
    return lt_error_set (err, LT_ERR_SHAPE, yl, "the output must be [N, M, …] with N of the input and M of the weights");
  return LT_OK;
}

lt_status
lt_htp_conv (const lt_htp_tensor      *x,
             const lt_htp_tensor      *w,
             const lt_htp_tensor      *bias,
             const lt_htp_conv_params *p,
             lt_htp_tensor            *y,
             lt_error                 *err)
{
  lt_status st;

  if ((st = lt_htp_check_activation (x, "input", err)) != LT_OK || (st = lt_htp_check_activation (y, "output", err)) != LT_OK || (st = check_geometry (x, w, p, y, err)) != LT_OK || (st = lt_htp_check_weights (w, 0, w->dims[0], err)) != LT_OK || (st = lt_htp_check_bias (bias, w->dims[0], err)) != LT_OK)
    return st;

  const int64_t N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
  const int64_t M = w->dims[0], CG = w->dims[1], KH = w->dims[2], KW = w->dims[3];
  const int64_t OH = y->dims[2], OW = y->dims[3], MG = M / p->group;
  const int64_t x_off = lt_htp_offset (x->enc, 0), y_off = lt_htp_offset (y->enc, 0);

  if ((st = lt_htp_check_channel_ratios (x->enc, w->enc, M, y->enc, lt_htp_tensor_label (w, "weights"), err)) != LT_OK)
    return st;

  for (int64_t m = 0; m < M; m++)
    {
      lt_requant rq = lt_htp_channel_requant (x->enc, w->enc, m, y->enc);
      int64_t    w_off = lt_htp_offset (w->enc, m), c0 = (m / MG) * CG;

      for (int64_t n = 0; n < N; n++)
        for (int64_t oh = 0; oh < OH; oh++)
          for (int64_t ow = 0; ow < OW; ow++)
            {
              int64_t acc = bias ? lt_htp_load (bias, m) : 0;

              for (int64_t cg = 0; cg < CG; cg++)
                for (int64_t kh = 0; kh < KH; kh++)
                  {
                    int64_t ih = oh * p->strides[0] - p->pads[0] + kh * p->dilations[0];
                    if (ih < 0 || ih >= H)
                      continue;
                    for (int64_t kw = 0; kw < KW; kw++)
                      {
                        int64_t iw = ow * p->strides[1] - p->pads[1] + kw * p->dilations[1];
                        if (iw < 0 || iw >= W)
                          continue;
                        int64_t xq = lt_htp_load (x, ((n * C + c0 + cg) * H + ih) * W + iw);
                        int64_t wq = lt_htp_load (w, ((m * CG + cg) * KH + kh) * KW + kw);
                        acc += (xq + x_off) * (wq + w_off);
                      }
                  }
              lt_htp_store (y, ((n * M + m) * OH + oh) * OW + ow, lt_requant_apply (rq, acc) - y_off);
            }
    }
  return LT_OK;
}
