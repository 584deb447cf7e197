/* f32-transpose.c — Transpose of 4-byte elements (f32, i32, u32).
 *
 * Axes of size 1 are dropped and input axes that stay adjacent and in
 * order in the output are merged, so most permutations become a 2-, 3- or
 * 4-axis one.  The output is then written in order, row by row of its last
 * axis, reading the input with that axis' stride; rows run in parallel.
 */
#include "cpu-kernel-util.h"
#include "ops/ref-common.h"

#include <stdlib.h>
#include <string.h>

typedef struct transpose_plan
{
  int32_t  rank;                    /* after merging */
  int64_t  out_dims[LT_MAX_RANK];
  int64_t  in_strides[LT_MAX_RANK]; /* input stride of each output axis */
  uint64_t rows;                    /* product of out_dims but the last */
} transpose_plan;

static bool
read_perm (const lt_kernel_call *call,
           int32_t              *perm)
{
  const lt_attr *attr = lt_node_get_attr (call->node, "perm");
  int32_t rank = call->inputs[0].rank;
  bool seen[LT_MAX_RANK] = { false };

  for (int32_t i = 0; i < rank; i++)
    perm[i] = rank - 1 - i;
  if (attr == NULL)
    return true;
  if (attr->type != LT_ATTR_INTS || (int32_t) attr->count != rank)
    return false;
  for (int32_t i = 0; i < rank; i++)
    {
      int64_t axis = attr->v.ints[i];

      if (axis < 0 || axis >= rank || seen[axis])
        return false;
      seen[axis] = true;
      perm[i] = (int32_t) axis;
    }
  return true;
}

static bool
make_plan (const lt_kernel_call *call,
           transpose_plan       *plan)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  int32_t perm[LT_MAX_RANK];
  int64_t strides[LT_MAX_RANK], stride = 1;

  if (lt_ref_elem_size (x->dtype) != 4 || x->rank < 1 || !read_perm (call, perm))
    return false;
  for (int32_t axis = x->rank - 1; axis >= 0; axis--)
    {
      strides[axis] = stride;
      stride *= x->dims[axis];
    }
  plan->rank = 0;
  for (int32_t i = 0; i < x->rank; i++)
    {
      int32_t axis = perm[i];

      if (x->dims[axis] == 1)
        continue;
      /* Merge with the previous output axis when it is the input axis just before. */
      if (plan->rank > 0 && plan->in_strides[plan->rank - 1] == strides[axis] * x->dims[axis])
        {
          plan->out_dims[plan->rank - 1] *= x->dims[axis];
          plan->in_strides[plan->rank - 1] = strides[axis];
          continue;
        }
      plan->out_dims[plan->rank] = x->dims[axis];
      plan->in_strides[plan->rank++] = strides[axis];
    }
  if (plan->rank == 0)
    {
      plan->out_dims[0] = 1;
      plan->in_strides[0] = 1;
      plan->rank = 1;
    }
  plan->rows = 1;
  for (int32_t i = 0; i < plan->rank - 1; i++)
    plan->rows *= (uint64_t) plan->out_dims[i];
  return true;
}

static bool
transpose_supports (const lt_kernel_call *call)
{
  transpose_plan plan;

  return make_plan (call, &plan);
}

static lt_status
transpose_prepare (const lt_kernel_call *call,
                   void                **state,
                   size_t               *scratch_bytes)
{
  transpose_plan *plan = malloc (sizeof *plan);

  if (plan == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory");
  make_plan (call, plan);
  *scratch_bytes = 0;
  *state = plan;
  return LT_OK;
}

typedef struct transpose_job
{
  const transpose_plan *plan;
  const uint32_t       *x;
  uint32_t             *y;
} transpose_job;

static void
transpose_rows (void    *context,
                uint64_t begin,
                uint64_t end)
{
  const transpose_job *job = context;
  const transpose_plan *plan = job->plan;
  int32_t last = plan->rank - 1;
  int64_t width = plan->out_dims[last], step = plan->in_strides[last];

  for (uint64_t row = begin; row < end; row++)
    {
      uint64_t rest = row, offset = 0;
      uint32_t *out = job->y + row * (uint64_t) width;

      for (int32_t axis = last - 1; axis >= 0; axis--)
        {
          offset += (rest % (uint64_t) plan->out_dims[axis]) * (uint64_t) plan->in_strides[axis];
          rest /= (uint64_t) plan->out_dims[axis];
        }
      if (step == 1)
        memcpy (out, job->x + offset, (size_t) width * sizeof *out);
      else
        for (int64_t i = 0; i < width; i++)
          out[i] = job->x[offset + (uint64_t) (i * step)];
    }
}

static lt_status
transpose_run (const lt_kernel_call *call)
{
  const transpose_plan *plan = call->state;
  transpose_job job = { plan, call->inputs[0].data, call->outputs[0].data };

  if (call->outputs[0].count == 0)
    return LT_OK;
  lt_threadpool_parallel_for (call->pool, plan->rows, 1 + 4096 / (uint64_t) plan->out_dims[plan->rank - 1],
                              transpose_rows, &job);
  return LT_OK;
}

const lt_kernel lt_x32_transpose = {
  .name = "lt_x32_transpose",
  .score = 100,
  .supports = transpose_supports,
  .prepare = transpose_prepare,
  .run = transpose_run,
  .release = free,
};
