/* htp-matmul.c — integer Gemm / MatMul with constant-style weights.
 *
 * The plain integer reference: for each row r of a (leading dims folded)
 * and column n,
 *   acc = bias[n] + Σ_k (a[r,k] + a_offset) · (b[k,n] + b_offset[n])
 * saturated to int32, y = requant (acc, a_scale·b_scale[n]/y_scale)
 * − y_offset, saturated to y's range. */
#include "htp-tensor.h"

lt_status
lt_htp_matmul (const lt_htp_tensor *a,
               const lt_htp_tensor *b,
               const lt_htp_tensor *bias,
               bool                 trans_b,
               lt_htp_tensor       *y,
               lt_error            *err)
{
  lt_status st;

  if ((st = lt_htp_check_activation (a, "input", err)) != LT_OK || (st = lt_htp_check_activation (y, "output", err)) != LT_OK)
    return st;
  if (a->rank < 2 || b->rank != 2 || y->rank != a->rank)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, lt_htp_tensor_label (b, "weights"),
                         "the NPU multiplies an input of rank 2 or more by 2-D weights");

  const int64_t K = a->dims[a->rank - 1];
  const int64_t N = trans_b ? b->dims[0] : b->dims[1];
  const int64_t R = lt_htp_tensor_count (a) / (K ? K : 1);
  const int32_t n_axis = trans_b ? 0 : 1;

  if ((trans_b ? b->dims[1] : b->dims[0]) != K)
    return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (b, "weights"),
                         "the weights' inner dim is not the input's last dim, %lld", (long long) K);
  for (int32_t i = 0; i < a->rank - 1; i++)
    if (y->dims[i] != a->dims[i])
      return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (y, "output"), "output dim %d differs from the input's", i);
  if (y->dims[y->rank - 1] != N)
    return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (y, "output"), "the output's last dim must be %lld", (long long) N);
  if ((st = lt_htp_check_weights (b, n_axis, N, err)) != LT_OK || (st = lt_htp_check_bias (bias, N, err)) != LT_OK)
    return st;

  if ((st = lt_htp_check_channel_ratios (a->enc, b->enc, N, y->enc, lt_htp_tensor_label (b, "weights"), err)) != LT_OK)
    return st;

  const int64_t a_off = lt_htp_offset (a->enc, 0), y_off = lt_htp_offset (y->enc, 0);

  for (int64_t n = 0; n < N; n++)
    {
      lt_requant rq = lt_htp_channel_requant (a->enc, b->enc, n, y->enc);
      int64_t    b_off = lt_htp_offset (b->enc, n);

      for (int64_t r = 0; r < R; r++)
        {
          int64_t acc = bias ? lt_htp_load (bias, n) : 0;

          for (int64_t k = 0; k < K; k++)
            {
              int64_t bq = lt_htp_load (b, trans_b ? n * K + k : k * N + n);
              acc += (lt_htp_load (a, r * K + k) + a_off) * (bq + b_off);
            }
          lt_htp_store (y, r * N + n, lt_requant_apply (rq, acc) - y_off);
        }
    }
  return LT_OK;
}
