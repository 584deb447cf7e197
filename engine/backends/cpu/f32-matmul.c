/* f32-matmul.c — MatMul (numpy.matmul semantics) on the packed GEMM.
 *
 * A is [..., M, K] (a 1-D A is one row), B is [..., K, N] (a 1-D B is one
 * column); the leading batch axes broadcast.  When B has no batch axes the
 * batch of A folds into M and the whole node is one GEMM, with B packed once
 * in prepare when it is constant (the weights of a linear layer).  A B
 * computed at run time is read in place when small, else packed.  Otherwise
 * each output batch is its own GEMM: run in parallel across batches, each
 * with its own slice of scratch, when there are several; one at a time,
 * parallel inside, when there is one.
 */
#include "cpu-kernel-util.h"
#include "ops/ref-common.h"
#include "f32-gemm.h"
#include "exec/threadpool.h"

#include <stdlib.h>
#include <string.h>

typedef struct matmul_state
{
  const lt_f32_gemm_ukernel *ukernel;
  size_t                     m, n, k;
  size_t                     batches; /* output batch count; 1 when folded */
  int32_t                    batch_rank;
  int64_t                    batch_dims[LT_MAX_RANK];
  int64_t                    a_strides[LT_MAX_RANK]; /* in matrices, 0 where broadcast */
  int64_t                    b_strides[LT_MAX_RANK];
  size_t                     packed_a_floats, packed_b_floats;
  float                     *packed_b; /* constant, folded B; else NULL */
  bool                       direct_b; /* B read in place (not constant) */
} matmul_state;

static bool
matmul_supports (const lt_kernel_call *call)
{
  return call->n_inputs == 2 && call->inputs[0].dtype == LT_DTYPE_F32 && call->inputs[1].dtype == LT_DTYPE_F32 &&
         call->inputs[0].rank >= 1 && call->inputs[1].rank >= 1;
}

static void
matmul_release (void *state)
{
  matmul_state *self = state;

  if (self != NULL)
    free (self->packed_b);
  free (self);
}

/* Strides (in matrices) of an operand's batch axes, right-aligned to the
 * output's batch axes; false when a dim neither matches nor is 1. */
static bool
batch_strides (const lt_kernel_tensor *t,
               const matmul_state     *self,
               int64_t                *strides)
{
  int32_t rank = t->rank >= 2 ? t->rank - 2 : 0;
  int64_t stride = 1;

  for (int32_t axis = self->batch_rank - 1; axis >= 0; axis--)
    {
      int32_t own = axis - (self->batch_rank - rank);
      int64_t dim = own >= 0 ? t->dims[own] : 1;

      if (dim != 1 && dim != self->batch_dims[axis])
        return false;
      strides[axis] = dim == 1 ? 0 : stride;
      stride *= dim;
    }
  return true;
}

/* Whether each run packs B into scratch. */
static bool
scratch_packs_b (const matmul_state *self)
{
  return self->packed_b == NULL && !self->direct_b;
}

static lt_status
matmul_prepare (const lt_kernel_call *call,
                void                **state,
                size_t               *scratch_bytes)
{
  const lt_kernel_tensor *a = &call->inputs[0], *b = &call->inputs[1], *y = &call->outputs[0];
  const lt_tensor        *constant_b = lt_kernel_call_get_constant (call, 1);
  matmul_state           *self = calloc (1, sizeof *self);
  int64_t                 k_b;
  bool                    fold;

  if (self == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory");
  self->ukernel = lt_f32_gemm_ukernel_for (lt_cpu_isa_get ());
  self->m = a->rank >= 2 ? (size_t) a->dims[a->rank - 2] : 1;
  self->k = (size_t) a->dims[a->rank - 1];
  k_b = b->rank >= 2 ? b->dims[b->rank - 2] : b->dims[0];
  self->n = b->rank >= 2 ? (size_t) b->dims[b->rank - 1] : 1;
  fold = b->rank <= 2;
  self->batch_rank = y->rank - (a->rank >= 2 ? 1 : 0) - (b->rank >= 2 ? 1 : 0);
  if (self->batch_rank < 0 || k_b != (int64_t) self->k)
    {
      lt_status status = lt_ref_fail (call, LT_ERR_SHAPE, "A has %zu columns but B %lld rows", self->k, (long long) k_b);

      matmul_release (self);
      return status;
    }
  self->batches = 1;
  for (int32_t axis = 0; axis < self->batch_rank; axis++)
    {
      self->batch_dims[axis] = y->dims[axis];
      self->batches *= (size_t) y->dims[axis];
    }
  if (!batch_strides (a, self, self->a_strides) || !batch_strides (b, self, self->b_strides))
    {
      matmul_release (self);
      return lt_ref_fail (call, LT_ERR_SHAPE, "the batch axes of A and B do not broadcast to the output's");
    }
  if (fold)
    {
      /* A's batch axes are contiguous rows: one GEMM of batches·M rows. */
      self->m *= self->batches;
      self->batches = 1;
      self->batch_rank = 0;
    }
  self->packed_a_floats = lt_f32_gemm_packed_a_size (self->ukernel, self->m, self->k);
  self->packed_b_floats = lt_f32_gemm_packed_b_size (self->ukernel, self->k, self->n);
  if (fold && constant_b != NULL)
    {
      float *b_copy = lt_kernel_call_copy_constant_f32 (constant_b);

      self->packed_b = malloc (self->packed_b_floats * sizeof (float) + 1);
      if (b_copy == NULL || self->packed_b == NULL)
        {
          free (b_copy);
          matmul_release (self);
          return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory packing B");
        }
      lt_f32_gemm_pack_b (self->ukernel, self->k, self->n, b_copy, self->n, false, self->packed_b, NULL);
      free (b_copy);
    }
  self->direct_b = self->packed_b == NULL && lt_f32_gemm_prefers_direct_b (self->k, self->n);
  *scratch_bytes = self->batches * (self->packed_a_floats + (scratch_packs_b (self) ? self->packed_b_floats : 0)) *
                   sizeof (float);
  *state = self;
  return LT_OK;
}

typedef struct matmul_job
{
  const matmul_state *self;
  const float        *a;
  const float        *b;
  float              *y;
  float              *scratch;
  lt_threadpool      *inner_pool; /* for the GEMM of one batch */
} matmul_job;

static void
matmul_batches (void    *context,
                uint64_t begin,
                uint64_t end)
{
  const matmul_job   *job = context;
  const matmul_state *self = job->self;
  size_t              slice = self->packed_a_floats + (scratch_packs_b (self) ? self->packed_b_floats : 0);

  for (uint64_t batch = begin; batch < end; batch++)
    {
      float       *packed_a = job->scratch + batch * slice;
      const float *packed_b = self->packed_b;
      size_t       a_index = 0, b_index = 0, rest = batch;

      for (int32_t axis = self->batch_rank - 1; axis >= 0; axis--)
        {
          size_t coordinate = rest % (size_t) self->batch_dims[axis];

          rest /= (size_t) self->batch_dims[axis];
          a_index += coordinate * (size_t) self->a_strides[axis];
          b_index += coordinate * (size_t) self->b_strides[axis];
        }
      lt_f32_gemm_pack_a (self->ukernel, self->m, self->k, job->a + a_index * self->m * self->k, self->k, false,
                          packed_a);
      if (self->direct_b)
        {
          lt_f32_gemm_compute_direct_b (self->ukernel, self->m, self->n, self->k, packed_a,
                                        job->b + b_index * self->k * self->n, self->n,
                                        job->y + batch * self->m * self->n, self->n, NULL, job->inner_pool);
          continue;
        }
      if (packed_b == NULL)
        {
          float *packed = packed_a + self->packed_a_floats;

          lt_f32_gemm_pack_b (self->ukernel, self->k, self->n, job->b + b_index * self->k * self->n, self->n, false,
                              packed, job->inner_pool);
          packed_b = packed;
        }
      lt_f32_gemm_compute (self->ukernel, self->m, self->n, self->k, packed_a, packed_b,
                           job->y + batch * self->m * self->n, self->n, NULL, job->inner_pool);
    }
}

static lt_status
matmul_run (const lt_kernel_call *call)
{
  const matmul_state *self = call->state;
  matmul_job          job = { self, call->inputs[0].data, call->inputs[1].data, call->outputs[0].data, call->scratch, NULL };

  if (self->batches == 1 || lt_threadpool_get_n_threads (call->pool) == 1)
    {
      job.inner_pool = call->pool;
      matmul_batches (&job, 0, self->batches);
    }
  else
    lt_threadpool_parallel_for (call->pool, self->batches, 1, matmul_batches, &job);
  return LT_OK;
}

const lt_kernel lt_f32_matmul = {
  .name = "lt_f32_matmul",
  .score = 100,
  .supports = matmul_supports,
  .prepare = matmul_prepare,
  .run = matmul_run,
  .release = matmul_release,
};
