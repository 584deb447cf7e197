/* ref-gemm.c — reference Gemm, MatMul, MatMulInteger and QLinearMatMul
 *
 * Gemm: Y = alpha * A' * B' + beta * C, A' and B' optionally transposed,
 * C broadcast to [M, N].  MatMul and MatMulInteger follow numpy.matmul: a
 * 1-D A is a row vector, a 1-D B a column vector (the added axis is not in
 * the output), leading (batch) axes broadcast.  Float sums accumulate in
 * double, integer ones in int64 then wrap to int32 as the spec's int32
 * output implies.  QLinearMatMul is MatMulInteger followed by
 * requantization to the output's scale and zero point.
 */
#include "ops/ref-quant.h"

#include <stdlib.h>
#include <string.h>

/* ---- Gemm ----------------------------------------------------------------- */

typedef struct gemm_params
{
  bool    trans_a, trans_b;
  float   alpha, beta;
  int64_t m, k, n;
  int64_t c_strides[LT_MAX_RANK]; /* C read as [M, N] (0 on broadcast axes); 2 used */
} gemm_params;

static lt_status
gemm_prepare (const lt_kernel_call *call,
              void                **state,
              size_t               *scratch_bytes)
{
  const lt_kernel_tensor *a = &call->inputs[0];
  const lt_kernel_tensor *b = &call->inputs[1];
  const lt_kernel_tensor *y = &call->outputs[0];
  gemm_params             p;
  int64_t                 k_b;

  *scratch_bytes = 0;
  p.trans_a = lt_node_get_attr_int (call->node, "transA", 0) != 0;
  p.trans_b = lt_node_get_attr_int (call->node, "transB", 0) != 0;
  p.alpha = lt_node_get_attr_float (call->node, "alpha", 1.0f);
  p.beta = lt_node_get_attr_float (call->node, "beta", 1.0f);
  if (a->rank != 2 || b->rank != 2 || b->dtype != LT_DTYPE_F32)
    return lt_ref_fail (call, LT_ERR_SHAPE, "A and B must be 2-D float tensors");
  p.m = a->dims[p.trans_a ? 1 : 0];
  p.k = a->dims[p.trans_a ? 0 : 1];
  k_b = b->dims[p.trans_b ? 1 : 0];
  p.n = b->dims[p.trans_b ? 0 : 1];
  if (k_b != p.k)
    return lt_ref_fail (call, LT_ERR_SHAPE, "inner dimensions differ: A' has %lld columns, B' %lld rows",
                        (long long) p.k, (long long) k_b);
  if (y->rank != 2 || y->dims[0] != p.m || y->dims[1] != p.n)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must be [%lld, %lld]", (long long) p.m, (long long) p.n);
  p.c_strides[0] = p.c_strides[1] = 0;
  if (lt_ref_has_input (call, 2))
    {
      const lt_kernel_tensor *c = &call->inputs[2];
      if (c->dtype != LT_DTYPE_F32 || c->rank > 2 || !lt_ref_broadcast_strides (c, y, p.c_strides))
        return lt_ref_fail (call, LT_ERR_SHAPE, "C must be a float tensor that broadcasts to [%lld, %lld]",
                            (long long) p.m, (long long) p.n);
    }
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

static lt_status
gemm_run (const lt_kernel_call *call)
{
  const gemm_params *p = call->state;
  const float       *a = call->inputs[0].data, *b = call->inputs[1].data;
  const float       *c = lt_ref_has_input (call, 2) ? call->inputs[2].data : NULL;
  float             *y = call->outputs[0].data;
  /* Element (i, l) of A' is a[i * sa0 + l * sa1]; likewise for B'. */
  int64_t sa0 = p->trans_a ? 1 : p->k, sa1 = p->trans_a ? p->m : 1;
  int64_t sb0 = p->trans_b ? 1 : p->n, sb1 = p->trans_b ? p->k : 1;

  for (int64_t i = 0; i < p->m; i++)
    for (int64_t j = 0; j < p->n; j++)
      {
        double acc = 0.0;
        for (int64_t l = 0; l < p->k; l++)
          acc += (double) a[i * sa0 + l * sa1] * (double) b[l * sb0 + j * sb1];
        acc *= p->alpha;
        if (c != NULL && call->inputs[2].count > 0)
          acc += (double) p->beta * c[i * p->c_strides[0] + j * p->c_strides[1]];
        y[i * p->n + j] = (float) acc;
      }
  return LT_OK;
}

/* ---- MatMul and MatMulInteger -------------------------------------------- */

typedef struct matmul_params
{
  int64_t  m, k, n;
  int32_t  batch_rank;
  int64_t  batch_dims[LT_MAX_RANK];
  int64_t  strides[2][LT_MAX_RANK]; /* per batch axis, in matrices of A and of B */
  uint64_t batch_count;
  uint32_t a_in, b_in; /* input positions of A and B */
  /* integer forms: zero points (and for QLinearMatMul, scales) of A are
   * per tensor or per row, those of B per tensor or per column */
  bool a_per_row;
  bool b_per_col;
} matmul_params;

/* Strides, in whole matrices, of the leading `n_batch` axes of `t` read
 * broadcast to the batch shape of p. */
static void
batch_strides (const lt_kernel_tensor *t,
               int32_t                 n_batch,
               const matmul_params    *p,
               int64_t                *strides)
{
  lt_kernel_tensor in = { .rank = n_batch }, out = { .rank = p->batch_rank };

  memcpy (in.dims, t->dims, (size_t) n_batch * sizeof in.dims[0]);
  memcpy (out.dims, p->batch_dims, (size_t) p->batch_rank * sizeof out.dims[0]);
  lt_ref_broadcast_strides (&in, &out, strides);
}

/* Works out the numpy.matmul geometry of inputs p->a_in and p->b_in and
 * checks the output shape against it. */
static lt_status
matmul_geometry (const lt_kernel_call *call,
                 matmul_params        *p)
{
  const lt_kernel_tensor *a = &call->inputs[p->a_in];
  const lt_kernel_tensor *b = &call->inputs[p->b_in];
  const lt_kernel_tensor *y = &call->outputs[0];
  int32_t                 a_batch = a->rank > 2 ? a->rank - 2 : 0;
  int32_t                 b_batch = b->rank > 2 ? b->rank - 2 : 0;
  int64_t                 k_b;
  int32_t                 out_rank;

  if (a->rank < 1 || b->rank < 1)
    return lt_ref_fail (call, LT_ERR_SHAPE, "A and B must have rank >= 1");
  p->m = a->rank == 1 ? 1 : a->dims[a->rank - 2];
  p->k = a->dims[a->rank - 1];
  k_b = b->rank == 1 ? b->dims[0] : b->dims[b->rank - 2];
  p->n = b->rank == 1 ? 1 : b->dims[b->rank - 1];
  if (k_b != p->k)
    return lt_ref_fail (call, LT_ERR_SHAPE, "inner dimensions differ: A has %lld columns, B %lld rows",
                        (long long) p->k, (long long) k_b);
  p->batch_rank = a_batch > b_batch ? a_batch : b_batch;
  p->batch_count = 1;
  for (int32_t i = 0; i < p->batch_rank; i++)
    {
      int64_t da = i - (p->batch_rank - a_batch) >= 0 ? a->dims[i - (p->batch_rank - a_batch)] : 1;
      int64_t db = i - (p->batch_rank - b_batch) >= 0 ? b->dims[i - (p->batch_rank - b_batch)] : 1;
      if (da != db && da != 1 && db != 1)
        return lt_ref_fail (call, LT_ERR_SHAPE, "batch axes of A and B do not broadcast");
      p->batch_dims[i] = da == 1 ? db : da;
      p->batch_count *= (uint64_t) p->batch_dims[i];
    }
  batch_strides (a, a_batch, p, p->strides[0]);
  batch_strides (b, b_batch, p, p->strides[1]);
  out_rank = p->batch_rank + (a->rank > 1) + (b->rank > 1);
  if (y->rank != out_rank || y->count != p->batch_count * (uint64_t) p->m * (uint64_t) p->n)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output shape does not match the inputs' matmul shape");
  return LT_OK;
}

static lt_status
matmul_prepare (const lt_kernel_call *call,
                void                **state,
                size_t               *scratch_bytes)
{
  matmul_params p = { .a_in = 0, .b_in = 1 };
  lt_status     st;

  *scratch_bytes = 0;
  if (call->inputs[1].dtype != LT_DTYPE_F32)
    return lt_ref_fail (call, LT_ERR_SHAPE, "A and B must both be float");
  if ((st = matmul_geometry (call, &p)) != LT_OK)
    return st;
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

static lt_status
matmul_run (const lt_kernel_call *call)
{
  const matmul_params *p = call->state;
  const float         *a = call->inputs[0].data, *b = call->inputs[1].data;
  float               *y = call->outputs[0].data;
  int64_t              index[LT_MAX_RANK] = { 0 };
  uint64_t             mat[2] = { 0, 0 }; /* matrix numbers in A and B */
  int64_t              strides[2][LT_MAX_RANK];

  memcpy (strides, p->strides, sizeof strides);
  for (uint64_t bi = 0; bi < p->batch_count; bi++, lt_ref_index_next (p->batch_rank, p->batch_dims, index, 2, strides, mat))
    {
      const float *ab = a + mat[0] * (uint64_t) (p->m * p->k);
      const float *bb = b + mat[1] * (uint64_t) (p->k * p->n);
      float       *yb = y + bi * (uint64_t) (p->m * p->n);

      for (int64_t i = 0; i < p->m; i++)
        for (int64_t j = 0; j < p->n; j++)
          {
            double acc = 0.0;
            for (int64_t l = 0; l < p->k; l++)
              acc += (double) ab[i * p->k + l] * (double) bb[l * p->n + j];
            yb[i * p->n + j] = (float) acc;
          }
    }
  return LT_OK;
}

static bool
is_8bit (lt_dtype t)
{
  return t == LT_DTYPE_U8 || t == LT_DTYPE_I8;
}

/* MatMulInteger: A, B, a_zero_point, b_zero_point.  QLinearMatMul: A,
 * a_scale, a_zero_point, B, b_scale, b_zero_point, y_scale, y_zero_point. */
static bool
is_qlinear (const lt_kernel_call *call)
{
  return call->node->op == LT_OP_QLinearMatMul;
}

static bool
matmul_integer_supports (const lt_kernel_call *call)
{
  uint32_t b_in = is_qlinear (call) ? 3 : 1;

  return call->n_inputs > b_in && is_8bit (call->inputs[0].dtype) && is_8bit (call->inputs[b_in].dtype);
}

/* A zero point (or scale) is a scalar (one element), or one value per row
 * of A (`per` = M) / per column of B (`per` = N). */
static lt_status
check_per_axis (const lt_kernel_call *call,
                uint32_t              index,
                int64_t               per,
                bool                 *per_axis)
{
  const lt_kernel_tensor *z = &call->inputs[index];

  if (!lt_ref_has_input (call, index) || z->count == 1)
    return LT_OK;
  if (z->count == (uint64_t) per && per > 1)
    {
      *per_axis = true;
      return LT_OK;
    }
  return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "input %u must be a scalar or have %lld entries (got %llu)",
                      index, (long long) per, (unsigned long long) z->count);
}

static lt_status
matmul_integer_prepare (const lt_kernel_call *call,
                        void                **state,
                        size_t               *scratch_bytes)
{
  bool          q = is_qlinear (call);
  matmul_params p = { .a_in = 0, .b_in = q ? 3 : 1 };
  uint32_t      za = 2, zb = q ? 5 : 3;
  lt_status     st;

  *scratch_bytes = 0;
  if ((st = matmul_geometry (call, &p)) != LT_OK || (st = check_per_axis (call, za, p.m, &p.a_per_row)) != LT_OK || (st = check_per_axis (call, zb, p.n, &p.b_per_col)) != LT_OK)
    return st;
  if ((lt_ref_has_input (call, za) && call->inputs[za].dtype != call->inputs[p.a_in].dtype) || (lt_ref_has_input (call, zb) && call->inputs[zb].dtype != call->inputs[p.b_in].dtype))
    return lt_ref_fail (call, LT_ERR_SHAPE, "a zero point does not have the type of its matrix");
  if (q)
    {
      bool a_rows = false, b_cols = false;
      if ((st = check_per_axis (call, 1, p.m, &a_rows)) != LT_OK || (st = check_per_axis (call, 4, p.n, &b_cols)) != LT_OK || (st = lt_ref_check_quant_params (call, "y", &call->inputs[6], &call->inputs[7], call->outputs[0].dtype, 0)) != LT_OK)
        return st;
      p.a_per_row |= a_rows;
      p.b_per_col |= b_cols;
      if (!is_8bit (call->outputs[0].dtype))
        return lt_ref_fail (call, LT_ERR_SHAPE, "output must be int8 or uint8");
    }
  else if (call->outputs[0].dtype != LT_DTYPE_I32)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must be int32");
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

/* Sums (a - za) * (b - zb) exactly in int64; QLinearMatMul then requantizes
 * with a_scale * b_scale / y_scale (computed in float, as ONNX does). */
static lt_status
matmul_integer_run (const lt_kernel_call *call)
{
  const matmul_params    *p = call->state;
  bool                    q = is_qlinear (call);
  const lt_kernel_tensor *a = &call->inputs[p->a_in], *b = &call->inputs[p->b_in];
  const lt_kernel_tensor *za = lt_ref_has_input (call, 2) ? &call->inputs[2] : NULL;
  const lt_kernel_tensor *zb = lt_ref_has_input (call, q ? 5 : 3) ? &call->inputs[q ? 5 : 3] : NULL;
  lt_kernel_tensor       *y = &call->outputs[0];
  int64_t                 index[LT_MAX_RANK] = { 0 };
  uint64_t                mat[2] = { 0, 0 };
  int64_t                 strides[2][LT_MAX_RANK];

  memcpy (strides, p->strides, sizeof strides);
  for (uint64_t bi = 0; bi < p->batch_count; bi++, lt_ref_index_next (p->batch_rank, p->batch_dims, index, 2, strides, mat))
    {
      uint64_t a0 = mat[0] * (uint64_t) (p->m * p->k);
      uint64_t b0 = mat[1] * (uint64_t) (p->k * p->n);
      uint64_t y0 = bi * (uint64_t) (p->m * p->n);

      for (int64_t i = 0; i < p->m; i++)
        for (int64_t j = 0; j < p->n; j++)
          {
            uint64_t row = p->a_per_row ? (uint64_t) i : 0, col = p->b_per_col ? (uint64_t) j : 0;
            int64_t  a_zero = lt_ref_quant_zero (za, row), b_zero = lt_ref_quant_zero (zb, col);
            int64_t  acc = 0;

            for (int64_t l = 0; l < p->k; l++)
              acc += (lt_ref_index_input (a, a0 + (uint64_t) (i * p->k + l)) - a_zero) * (lt_ref_index_input (b, b0 + (uint64_t) (l * p->n + j)) - b_zero);
            if (q)
              {
                float scale = lt_ref_quant_scale (&call->inputs[1], row) * lt_ref_quant_scale (&call->inputs[4], col) / lt_ref_quant_scale (&call->inputs[6], 0);
                lt_ref_store_quantized (y->dtype, y->data, y0 + (uint64_t) (i * p->n + j),
                                        (double) acc * scale + (double) lt_ref_quant_zero (&call->inputs[7], 0));
              }
            else
              ((int32_t *) y->data)[y0 + (uint64_t) (i * p->n + j)] = (int32_t) (uint32_t) acc;
          }
    }
  return LT_OK;
}

const lt_kernel lt_ref_gemm_kernel = {
  .name = "lt_ref_gemm",
  .supports = lt_ref_supports_f32,
  .prepare = gemm_prepare,
  .run = gemm_run,
  .release = free,
};

const lt_kernel lt_ref_matmul_kernel = {
  .name = "lt_ref_matmul",
  .supports = lt_ref_supports_f32,
  .prepare = matmul_prepare,
  .run = matmul_run,
  .release = free,
};

const lt_kernel lt_ref_matmul_integer_kernel = {
  .name = "lt_ref_matmul_integer",
  .supports = matmul_integer_supports,
  .prepare = matmul_integer_prepare,
  .run = matmul_integer_run,
  .release = free,
};

const lt_kernel lt_ref_qlinear_matmul_kernel = {
  .name = "lt_ref_qlinear_matmul",
  .supports = matmul_integer_supports,
  .prepare = matmul_integer_prepare,
  .run = matmul_integer_run,
  .release = free,
};
