/* htp-pool.c — integer MaxPool and AveragePool, 2-D NCHW.
 *
 * MaxPool: the largest q in the window (the map q → real is increasing, so
 * it is the largest real value), re-expressed in y's encoding.
 * AveragePool: sum = Σ (q + x_offset) over the window's valid (or, with
 * count_include_pad, all) positions — padding adds real zeros — then
 * y = requant (sum, x_scale / (y_scale · count)) − y_offset.  The
 * requantization of each count is split once per output element; it depends
 * on the shape only, never on the data. */
#include "htp-tensor.h"

static lt_status
check_pool (const lt_htp_tensor      *x,
            const lt_htp_pool_params *p,
            const lt_htp_tensor      *y,
            lt_error                 *err)
{
  const char *yl = lt_htp_tensor_label (y, "output");
  lt_status   st;
  lt_requant  rq;

  if ((st = lt_htp_check_activation (x, "input", err)) != LT_OK || (st = lt_htp_check_activation (y, "output", err)) != LT_OK)
    return st;
  if (x->rank != 4 || y->rank != 4)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, yl, "only 2-D pooling (4-D NCHW tensors) runs on the NPU");
  if (y->dims[0] != x->dims[0] || y->dims[1] != x->dims[1])
    return lt_error_set (err, LT_ERR_SHAPE, yl, "pooling keeps the batch and channel dims");
  for (int i = 0; i < 2; i++)
    if (p->kernel[i] < 1 || p->strides[i] < 1 || p->pads[i] < 0 || p->pads[2 + i] < 0 || p->pads[i] >= p->kernel[i] || p->pads[2 + i] >= p->kernel[i] || (y->dims[2 + i] - 1) * p->strides[i] - p->pads[i] >= x->dims[2 + i])
      return lt_error_set (err, LT_ERR_SHAPE, yl, "the pooling window does not fit the input along axis %d", 2 + i);
  /* The smallest ratio (largest count) may vanish to 0; the largest must fit. */
  return lt_requant_from_ratio (lt_htp_scale (x->enc, 0) / lt_htp_scale (y->enc, 0), &rq, yl, err);
}

lt_status
lt_htp_pool (const lt_htp_tensor      *x,
             const lt_htp_pool_params *p,
             lt_htp_tensor            *y,
             lt_error                 *err)
{
  lt_status st;

  if ((st = check_pool (x, p, y, err)) != LT_OK)
    return st;

  const int64_t NC = x->dims[0] * x->dims[1], H = x->dims[2], W = x->dims[3];
  const int64_t OH = y->dims[2], OW = y->dims[3];
  const int64_t xo = lt_htp_offset (x->enc, 0), yo = lt_htp_offset (y->enc, 0);
  const double  x_over_y = lt_htp_scale (x->enc, 0) / lt_htp_scale (y->enc, 0);
  lt_requant    rq_max;

  lt_requant_from_ratio (x_over_y, &rq_max, NULL, NULL);
  for (int64_t nc = 0; nc < NC; nc++)
    for (int64_t oh = 0; oh < OH; oh++)
      for (int64_t ow = 0; ow < OW; ow++)
        {
          int64_t best = INT64_MIN, sum = 0, valid = 0;
          int64_t h0 = oh * p->strides[0] - p->pads[0], w0 = ow * p->strides[1] - p->pads[1];

          for (int64_t ih = h0; ih < h0 + p->kernel[0]; ih++)
            for (int64_t iw = w0; iw < w0 + p->kernel[1]; iw++)
              {
                if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                  continue;
                int64_t q = lt_htp_load (x, (nc * H + ih) * W + iw);
                best = q > best ? q : best;
                sum += q + xo;
                valid++;
              }

          int64_t out = ((nc * OH) + oh) * OW + ow;
          if (p->is_max)
            lt_htp_store (y, out, lt_requant_apply (rq_max, best + xo) - yo);
          else
            {
              /* The padded window as ONNX counts it: clipped to the padded input. */
              int64_t    full = (lt_requant_clamp (h0 + p->kernel[0], h0, H + p->pads[2]) - h0) * (lt_requant_clamp (w0 + p->kernel[1], w0, W + p->pads[3]) - w0);
              lt_requant rq;
              lt_requant_from_ratio (x_over_y / (double) (p->count_include_pad ? full : valid), &rq, NULL, NULL);
              lt_htp_store (y, out, lt_requant_apply (rq, sum) - yo);
            }
        }
  return LT_OK;
}
