/* f32-binary.c — Add, Sub, Mul and Div on f32 with the common broadcasts.
 *
 * One operand must have the output's shape (the "full" one); the other
 * either has it too, or is a block of the output's axes: its dims, right-
 * aligned, equal the output's on one run of axes [first, last] and are 1
 * elsewhere.  The output is then [outer × mid × inner] and the small
 * operand has `mid` elements, which covers a scalar (mid = 1), a bias over
 * the last axis (inner = 1) and a per-channel [C, 1, 1] (outer = N,
 * inner = H·W).  Anything else goes to the reference kernel.
 */
#include "cpu-kernel-util.h"
#include "ops/ref-common.h"

#include <stdlib.h>

#define CHUNK 16384 /* output elements per parallel work item */

typedef enum binary_op
{
  BINARY_ADD,
  BINARY_SUB,
  BINARY_MUL,
  BINARY_DIV,
} binary_op;

typedef struct binary_plan
{
  binary_op op;
  bool      small_is_a; /* the broadcast operand is A (matters for Sub, Div) */
  uint64_t  outer, mid, inner;
} binary_plan;

/* Whether `x` is a block of `y`'s axes; fills outer/mid/inner. */
static bool
block_of (const lt_kernel_tensor *x,
          const lt_kernel_tensor *y,
          binary_plan            *plan)
{
  int32_t offset = y->rank - x->rank, first = -1, last = -1;

  if (offset < 0)
    return false;
  for (int32_t axis = 0; axis < x->rank; axis++)
    if (x->dims[axis] != 1)
      {
        if (first < 0)
          first = axis + offset;
        last = axis + offset;
      }
  plan->outer = plan->mid = plan->inner = 1;
  if (first < 0)
    first = last = y->rank; /* a scalar: everything is outer */
  for (int32_t axis = 0; axis < y->rank; axis++)
    {
      int64_t x_dim = axis >= offset ? x->dims[axis - offset] : 1;

      if (axis < first)
        plan->outer *= (uint64_t) y->dims[axis];
      else if (axis > last)
        plan->inner *= (uint64_t) y->dims[axis];
      else if (x_dim != y->dims[axis])
        return false;
      else
        plan->mid *= (uint64_t) y->dims[axis];
    }
  return true;
}

static bool
make_plan (const lt_kernel_call *call,
           binary_plan          *plan)
{
  const lt_kernel_tensor *a = &call->inputs[0], *b = &call->inputs[1], *y = &call->outputs[0];

  if (call->n_inputs != 2 || a->dtype != LT_DTYPE_F32 || b->dtype != LT_DTYPE_F32)
    return false;
  switch (call->node->op)
    {
    case LT_OP_Add: plan->op = BINARY_ADD; break;
    case LT_OP_Sub: plan->op = BINARY_SUB; break;
    case LT_OP_Mul: plan->op = BINARY_MUL; break;
    case LT_OP_Div: plan->op = BINARY_DIV; break;
    default: return false;
    }
  if (a->count == y->count && a->rank == y->rank)
    {
      plan->small_is_a = false;
      return block_of (b, y, plan);
    }
  plan->small_is_a = true;
  return b->count == y->count && b->rank == y->rank && block_of (a, y, plan);
}

static bool
binary_supports (const lt_kernel_call *call)
{
  binary_plan plan;

  return make_plan (call, &plan);
}

static lt_status
binary_prepare (const lt_kernel_call *call,
                void                **state,
                size_t               *scratch_bytes)
{
  binary_plan *plan = malloc (sizeof *plan);

  if (plan == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory");
  make_plan (call, plan);
  *scratch_bytes = 0;
  *state = plan;
  return LT_OK;
}

typedef struct binary_job
{
  const binary_plan *plan;
  const float       *full;
  const float       *small;
  float             *y;
  uint64_t           count;
} binary_job;

/* y[i] = full[i] OP s[i or 0] (or s OP full[i]) over n elements; the
 * switch is outside the loops so each loop is a plain vectorizable one. */
static void
apply_run (binary_op    op,
           bool         small_is_a,
           const float *full,
           const float *small,
           bool         small_varies,
           float       *y,
           uint64_t     n)
{
#define LT_BINARY_LOOP(expr)                              \
  for (uint64_t i = 0; i < n; i++)                        \
    {                                                     \
      float f = full[i], s = small[small_varies ? i : 0]; \
      y[i] = (expr);                                      \
    }
  switch (op)
    {
    case BINARY_ADD: LT_BINARY_LOOP (f + s); break;
    case BINARY_MUL: LT_BINARY_LOOP (f * s); break;
    case BINARY_SUB:
      if (small_is_a)
        LT_BINARY_LOOP (s - f)
      else
        LT_BINARY_LOOP (f - s)
      break;
    case BINARY_DIV:
      if (small_is_a)
        LT_BINARY_LOOP (s / f)
      else
        LT_BINARY_LOOP (f / s)
      break;
    }
#undef LT_BINARY_LOOP
}

/* Output elements [begin, end) chunks, walked in runs: with inner == 1 a
 * run follows the small operand element by element (up to `mid` long);
 * otherwise a run is (part of) `inner` elements sharing one small value. */
static void
binary_chunks (void    *context,
               uint64_t begin,
               uint64_t end)
{
  const binary_job *job = context;
  const binary_plan *plan = job->plan;
  bool by_element = plan->inner == 1;
  uint64_t period = by_element ? plan->mid : plan->inner;
  uint64_t i = begin * CHUNK, last = end * CHUNK < job->count ? end * CHUNK : job->count;

  while (i < last)
    {
      uint64_t offset = i % period;
      uint64_t n = period - offset < last - i ? period - offset : last - i;
      const float *small = by_element ? job->small + offset : job->small + (i / plan->inner) % plan->mid;

      apply_run (plan->op, plan->small_is_a, job->full + i, small, by_element, job->y + i, n);
      i += n;
    }
}

static lt_status
binary_run (const lt_kernel_call *call)
{
  const binary_plan *plan = call->state;
  binary_plan scalar_plan = { plan->op, plan->small_is_a, 1, 1, call->outputs[0].count };
  binary_job job = {
    plan,
    call->inputs[plan->small_is_a ? 1 : 0].data,
    call->inputs[plan->small_is_a ? 0 : 1].data,
    call->outputs[0].data,
    call->outputs[0].count,
  };

  /* A scalar repeats with any period: one run per chunk. */
  if (plan->mid == 1)
    job.plan = &scalar_plan;
  lt_threadpool_parallel_for (call->pool, (job.count + CHUNK - 1) / CHUNK, 1, binary_chunks, &job);
  return LT_OK;
}

#define LT_F32_BINARY_KERNEL(op_name)     \
  const lt_kernel lt_f32_##op_name = {    \
    .name = "lt_f32_" #op_name,           \
    .score = 100,                         \
    .supports = binary_supports,          \
    .prepare = binary_prepare,            \
    .run = binary_run,                    \
    .release = free,                      \
    .in_place = true,                     \
  };

LT_F32_BINARY_KERNEL (add)
LT_F32_BINARY_KERNEL (sub)
LT_F32_BINARY_KERNEL (mul)
LT_F32_BINARY_KERNEL (div)
