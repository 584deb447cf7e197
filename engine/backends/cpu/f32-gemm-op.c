/* f32-gemm-op.c — the Gemm op on the packed GEMM:
 * Y = alpha · A' · B' + beta · C, A' and B' optionally transposed.
 *
 * A constant B (the usual fully-connected weight) is packed once in
 * prepare; otherwise B is read in place when small and untransposed, else
 * packed into scratch on each run, after A.  C is
 * the epilogue's bias, read in place with broadcast strides, scaled by beta.
 */
#include "cpu-kernel-util.h"
#include "ops/ref-common.h"
#include "f32-gemm.h"

#include <stdlib.h>

typedef struct gemm_op_state
{
  const lt_f32_gemm_ukernel *ukernel;
  size_t                     m, n, k;
  bool                       trans_a, trans_b;
  float                      alpha, beta;
  size_t                     bias_row_stride, bias_col_stride;
  float                     *packed_b; /* when B is constant, else NULL */
} gemm_op_state;

static bool
gemm_op_supports (const lt_kernel_call *call)
{
  const lt_kernel_tensor *c = call->n_inputs > 2 ? &call->inputs[2] : NULL;

  if (call->n_inputs < 2 || call->inputs[0].dtype != LT_DTYPE_F32 || call->inputs[1].dtype != LT_DTYPE_F32 ||
      call->inputs[0].rank != 2 || call->inputs[1].rank != 2 || call->outputs[0].rank != 2)
    return false;
  return c == NULL || c->dtype == LT_DTYPE_UNDEFINED || (c->dtype == LT_DTYPE_F32 && c->rank <= 2);
}

static void
gemm_op_release (void *state)
{
  gemm_op_state *self = state;

  if (self != NULL)
    free (self->packed_b);
  free (self);
}

/* Broadcast strides of C read as [M, N]; false when C does not broadcast. */
static bool
bias_strides (const lt_kernel_tensor *c,
              size_t                  m,
              size_t                  n,
              size_t                 *row_stride,
              size_t                 *col_stride)
{
  int64_t rows = c->rank == 2 ? c->dims[0] : 1;
  int64_t cols = c->rank >= 1 ? c->dims[c->rank - 1] : 1;

  if ((rows != 1 && rows != (int64_t) m) || (cols != 1 && cols != (int64_t) n))
    return false;
  *col_stride = cols == 1 ? 0 : 1;
  *row_stride = rows == 1 ? 0 : (size_t) cols;
  return true;
}

static lt_status
gemm_op_prepare (const lt_kernel_call *call,
                 void                **state,
                 size_t               *scratch_bytes)
{
  const lt_kernel_tensor *a = &call->inputs[0], *b = &call->inputs[1];
  const lt_tensor        *constant_b = lt_kernel_call_get_constant (call, 1);
  gemm_op_state          *self = calloc (1, sizeof *self);
  size_t                  k_b;

  if (self == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory");
  self->ukernel = lt_f32_gemm_ukernel_for (lt_cpu_isa_get ());
  self->trans_a = lt_node_get_attr_int (call->node, "transA", 0) != 0;
  self->trans_b = lt_node_get_attr_int (call->node, "transB", 0) != 0;
  self->alpha = lt_node_get_attr_float (call->node, "alpha", 1.0f);
  self->beta = lt_node_get_attr_float (call->node, "beta", 1.0f);
  self->m = (size_t) a->dims[self->trans_a ? 1 : 0];
  self->k = (size_t) a->dims[self->trans_a ? 0 : 1];
  k_b = (size_t) b->dims[self->trans_b ? 1 : 0];
  self->n = (size_t) b->dims[self->trans_b ? 0 : 1];
  if (k_b != self->k || call->outputs[0].dims[0] != (int64_t) self->m || call->outputs[0].dims[1] != (int64_t) self->n)
    {
      lt_status status = lt_ref_fail (call, LT_ERR_SHAPE, "A' is %zux%zu and B' %zux%zu: they do not multiply into the output",
                                      self->m, self->k, k_b, self->n);

      gemm_op_release (self);
      return status;
    }
  if (call->n_inputs > 2 && call->inputs[2].dtype == LT_DTYPE_F32 &&
      !bias_strides (&call->inputs[2], self->m, self->n, &self->bias_row_stride, &self->bias_col_stride))
    {
      lt_status status = lt_ref_fail (call, LT_ERR_SHAPE, "C does not broadcast to %zux%zu", self->m, self->n);

      gemm_op_release (self);
      return status;
    }
  *scratch_bytes = lt_f32_gemm_packed_a_size (self->ukernel, self->m, self->k) * sizeof (float);
  if (constant_b == NULL)
    *scratch_bytes += lt_f32_gemm_packed_b_size (self->ukernel, self->k, self->n) * sizeof (float);
  else
    {
      float *b_copy = lt_kernel_call_copy_constant_f32 (constant_b);

      self->packed_b = malloc (lt_f32_gemm_packed_b_size (self->ukernel, self->k, self->n) * sizeof (float) + 1);
      if (b_copy == NULL || self->packed_b == NULL)
        {
          free (b_copy);
          gemm_op_release (self);
          return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory packing B");
        }
      lt_f32_gemm_pack_b (self->ukernel, self->k, self->n, b_copy, self->trans_b ? self->k : self->n, self->trans_b,
                          self->packed_b, NULL);
      free (b_copy);
    }
  *state = self;
  return LT_OK;
}

/* alpha, C as the bias scaled by beta, and a fused activation's bounds. */
static void
gemm_op_epilogue (const lt_kernel_call *call,
                  const gemm_op_state  *self,
                  lt_f32_gemm_epilogue *epilogue)
{
  *epilogue = lt_f32_gemm_epilogue_identity ();
  epilogue->alpha = self->alpha;
  if (call->clamp != NULL)
    {
      epilogue->min = call->clamp->min;
      epilogue->max = call->clamp->max;
    }
  if (call->n_inputs > 2 && call->inputs[2].dtype == LT_DTYPE_F32 && self->beta != 0.0f)
    {
      epilogue->bias = call->inputs[2].data;
      epilogue->bias_row_stride = self->bias_row_stride;
      epilogue->bias_col_stride = self->bias_col_stride;
      epilogue->bias_scale = self->beta;
    }
}

static lt_status
gemm_op_run (const lt_kernel_call *call)
{
  const gemm_op_state *self = call->state;
  float               *packed_a = call->scratch;
  float               *packed_b = self->packed_b;
  lt_f32_gemm_epilogue epilogue;

  gemm_op_epilogue (call, self, &epilogue);
  lt_f32_gemm_pack_a (self->ukernel, self->m, self->k, call->inputs[0].data, self->trans_a ? self->m : self->k,
                      self->trans_a, packed_a);
  if (packed_b == NULL && !self->trans_b && lt_f32_gemm_prefers_direct_b (self->k, self->n))
    {
      lt_f32_gemm_compute_direct_b (self->ukernel, self->m, self->n, self->k, packed_a, call->inputs[1].data, self->n,
                                    call->outputs[0].data, self->n, &epilogue, call->pool);
      return LT_OK;
    }
  if (packed_b == NULL)
    {
      packed_b = packed_a + lt_f32_gemm_packed_a_size (self->ukernel, self->m, self->k);
      lt_f32_gemm_pack_b (self->ukernel, self->k, self->n, call->inputs[1].data, self->trans_b ? self->k : self->n,
                          self->trans_b, packed_b, call->pool);
    }
  lt_f32_gemm_compute (self->ukernel, self->m, self->n, self->k, packed_a, packed_b, call->outputs[0].data, self->n,
                       &epilogue, call->pool);
  return LT_OK;
}

const lt_kernel lt_f32_gemm_op = {
  .name = "lt_f32_gemm_op",
  .score = 100,
  .supports = gemm_op_supports,
  .prepare = gemm_op_prepare,
  .run = gemm_op_run,
  .release = gemm_op_release,
  .applies_clamp = true,
};
