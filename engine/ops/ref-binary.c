/* ref-binary.c — reference kernels of the broadcasting elementwise ops:
 * arithmetic (Add Sub Mul Div Pow Mod), variadic (Max Min Mean Sum),
 * comparisons (Equal Greater GreaterOrEqual Less LessOrEqual), logic (And
 * Or Xor), Where and PRelu.
 *
 * Inputs broadcast by numpy rules to the output shape the session set.
 * When either input is a float dtype the op computes in double and rounds
 * once to the output dtype (Pow's exponent may be float for an integer
 * base); integer dtypes compute in int64 (wrapping like the C types they are
 * stored in).  Variadic ops accumulate into the output, so they are never
 * in place (the output would be read before every input is).
 */
#include "ops/ref-common.h"

#include <math.h>
#include <stdatomic.h>

typedef struct binary_op
{
  double (*f) (double a, double b, bool fmod_mode);
  /* Integer path; returns false for a division by zero. */
  bool (*i) (int64_t a, int64_t b, bool fmod_mode, int64_t *out);
} binary_op;

static bool
is_floating (lt_dtype dt)
{
  return lt_dtype_is_float (dt);
}

/* One pass over the output: out[k] = op (acc ? out[k] : a[...], b[...]),
 * the inputs read through broadcast strides.  The output range is split
 * across the thread pool; each chunk starts its multi-index at its first
 * element. */
typedef struct pair_job
{
  const binary_op        *op;
  const lt_kernel_tensor *a;
  const lt_kernel_tensor *b;
  lt_kernel_tensor       *out;
  int64_t                 strides[2][LT_MAX_RANK];
  bool                    accumulate;
  bool                    fmod_mode;
  bool                    floating;
  atomic_bool             divided_by_zero;
} pair_job;

static void
pair_chunk (void    *data,
            uint64_t begin,
            uint64_t end)
{
  pair_job         *job = data;
  lt_kernel_tensor *out = job->out;
  const lt_kernel_tensor *a = job->a, *b = job->b;
  int64_t           index[LT_MAX_RANK] = { 0 };
  uint64_t          offsets[2] = { 0, 0 };
  uint64_t          rest = begin;

  for (int32_t d = out->rank - 1; d >= 0; d--)
    {
      index[d] = (int64_t) (rest % (uint64_t) out->dims[d]);
      rest /= (uint64_t) out->dims[d];
      offsets[0] += (uint64_t) (index[d] * job->strides[0][d]);
      offsets[1] += (uint64_t) (index[d] * job->strides[1][d]);
    }
  for (uint64_t k = begin; k < end; k++)
    {
      if (job->floating)
        {
          double x = job->accumulate ? lt_ref_get_f64 (out->dtype, out->data, k) : lt_ref_get_f64 (a->dtype, a->data, offsets[0]);
          double y = lt_ref_get_f64 (b->dtype, b->data, offsets[1]);
          lt_ref_set_f64 (out->dtype, out->data, k, job->op->f (x, y, job->fmod_mode));
        }
      else
        {
          int64_t x = job->accumulate ? lt_ref_get_i64 (out->dtype, out->data, k) : lt_ref_get_i64 (a->dtype, a->data, offsets[0]);
          int64_t y = lt_ref_get_i64 (b->dtype, b->data, offsets[1]);
          int64_t r = 0;
          if (!job->op->i (x, y, job->fmod_mode, &r))
            atomic_store (&job->divided_by_zero, true);
          lt_ref_set_i64 (out->dtype, out->data, k, r);
        }
      lt_ref_index_next (out->rank, out->dims, index, 2, job->strides, offsets);
    }
}

static lt_status
broadcast_pair (const lt_kernel_call   *call,
                const binary_op        *op,
                const lt_kernel_tensor *a,
                const lt_kernel_tensor *b,
                bool                    accumulate)
{
  pair_job job = {
    .op = op,
    .a = a,
    .b = b,
    .out = &call->outputs[0],
    .accumulate = accumulate,
    .fmod_mode = lt_node_get_attr_int (call->node, "fmod", 0) != 0,
    .floating = is_floating (a->dtype) || is_floating (b->dtype),
  };

  atomic_init (&job.divided_by_zero, false);
  if (!lt_ref_broadcast_strides (a, job.out, job.strides[0]) || !lt_ref_broadcast_strides (b, job.out, job.strides[1]))
    return lt_ref_fail (call, LT_ERR_RUNTIME, "inputs do not broadcast to the output shape");
  lt_threadpool_parallel_for (call->pool, job.out->count, 4096, pair_chunk, &job);
  if (atomic_load (&job.divided_by_zero))
    return lt_ref_fail (call, LT_ERR_RUNTIME, "integer division by zero");
  return LT_OK;
}

static lt_status
binary_run (const lt_kernel_call *call,
            const binary_op      *op)
{
  return broadcast_pair (call, op, &call->inputs[0], &call->inputs[1], false);
}

/* Max, Min, Sum, Mean: out = in0 broadcast, then out = op (out, in_k). */
static lt_status
variadic_run (const lt_kernel_call *call,
              const binary_op      *op,
              bool                  mean)
{
  lt_kernel_tensor *out = &call->outputs[0];
  lt_status         status;

  if (call->n_inputs == 1)
    {
      int64_t  strides[1][LT_MAX_RANK];
      int64_t  index[LT_MAX_RANK] = { 0 };
      uint64_t offset = 0;
      lt_ref_broadcast_strides (&call->inputs[0], out, strides[0]);
      for (uint64_t k = 0; k < out->count; k++)
        {
          lt_ref_set_f64 (out->dtype, out->data, k, lt_ref_get_f64 (call->inputs[0].dtype, call->inputs[0].data, offset));
          lt_ref_index_next (out->rank, out->dims, index, 1, strides, &offset);
        }
      return LT_OK;
    }
  status = broadcast_pair (call, op, &call->inputs[0], &call->inputs[1], false);
  for (uint32_t i = 2; status == LT_OK && i < call->n_inputs; i++)
    status = broadcast_pair (call, op, out, &call->inputs[i], true);
  if (status == LT_OK && mean)
    for (uint64_t k = 0; k < out->count; k++)
      lt_ref_set_f64 (out->dtype, out->data, k, lt_ref_get_f64 (out->dtype, out->data, k) / call->n_inputs);
  return status;
}

/* ---- scalar functions -------------------------------------------------- */

#define ARITH(name, fexpr, iexpr)                 \
  static double                                   \
  name##_f (double a,                             \
            double b,                             \
            bool   fmod_mode)                     \
  {                                               \
    (void) fmod_mode;                             \
    return (fexpr);                               \
  }                                               \
  static bool                                     \
  name##_i (int64_t  a,                           \
            int64_t  b,                           \
            bool     fmod_mode,                   \
            int64_t *out)                         \
  {                                               \
    (void) fmod_mode;                             \
    *out = (iexpr);                               \
    return true;                                  \
  }

/* Wrapping integer arithmetic: computed in uint64 so overflow is defined. */
ARITH (add, a + b, (int64_t) ((uint64_t) a + (uint64_t) b))
ARITH (sub, a - b, (int64_t) ((uint64_t) a - (uint64_t) b))
ARITH (mul, a * b, (int64_t) ((uint64_t) a * (uint64_t) b))
ARITH (max, isnan (a) || isnan (b) ? NAN : fmax (a, b), a > b ? a : b)
ARITH (min, isnan (a) || isnan (b) ? NAN : fmin (a, b), a < b ? a : b)
ARITH (equal, a == b, a == b)
ARITH (greater, a > b, a > b)
ARITH (greater_equal, a >= b, a >= b)
ARITH (less, a < b, a < b)
ARITH (less_equal, a <= b, a <= b)
ARITH (and, a != 0 && b != 0, a != 0 && b != 0)
ARITH (or, a != 0 || b != 0, a != 0 || b != 0)
ARITH (xor, (a != 0) != (b != 0), (a != 0) != (b != 0))
ARITH (prelu, a < 0 ? a * b : a, a < 0 ? a * b : a)

static double
div_f (double a,
       double b,
       bool   fmod_mode)
{
  (void) fmod_mode;
  return a / b;
}

static bool
div_i (int64_t  a,
       int64_t  b,
       bool     fmod_mode,
       int64_t *out)
{
  (void) fmod_mode;
  if (b == 0)
    return false;
  *out = (a == INT64_MIN && b == -1) ? INT64_MIN : a / b;
  return true;
}

static double
pow_f (double a,
       double b,
       bool   fmod_mode)
{
  (void) fmod_mode;
  return pow (a, b);
}

static bool
pow_i (int64_t  a,
       int64_t  b,
       bool     fmod_mode,
       int64_t *out)
{
  (void) fmod_mode;
  uint64_t r = 1, base = (uint64_t) a;
  if (b < 0)
    {
      *out = (a == 1) ? 1 : (a == -1) ? ((b & 1) ? -1 : 1) : 0;
      return true;
    }
  for (int64_t e = b; e > 0; e >>= 1, base *= base)
    if (e & 1)
      r *= base;
  *out = (int64_t) r;
  return true;
}

/* fmod=1: C's fmod (sign of the dividend); fmod=0: the sign of the divisor,
 * like Python's %. */
static double
mod_f (double a,
       double b,
       bool   fmod_mode)
{
  double r = fmod (a, b);
  if (!fmod_mode && r != 0 && ((r < 0) != (b < 0)))
    r += b;
  return r;
}

static bool
mod_i (int64_t  a,
       int64_t  b,
       bool     fmod_mode,
       int64_t *out)
{
  if (b == 0)
    return false;
  int64_t r = (b == -1) ? 0 : a % b;
  if (!fmod_mode && r != 0 && ((r < 0) != (b < 0)))
    r += b;
  *out = r;
  return true;
}

/* ---- kernels ----------------------------------------------------------- */

#define BINARY(base, fname, in_place_flag, supports_fn) \
  static lt_status                                                  \
  base##_run (const lt_kernel_call *call)                           \
  {                                                                 \
    static const binary_op op = { fname##_f, fname##_i }; \
    return binary_run (call, &op);                                  \
  }                                                                 \
  const lt_kernel lt_ref_##base##_kernel = {                        \
    .name = "lt_ref_" #base, .supports = supports_fn,               \
    .run = base##_run, .in_place = in_place_flag,                   \
  };

#define VARIADIC(base, fname, mean)                                 \
  static lt_status                                                  \
  base##_run (const lt_kernel_call *call)                           \
  {                                                                 \
    static const binary_op op = { fname##_f, fname##_i };    \
    return variadic_run (call, &op, mean);                          \
  }                                                                 \
  const lt_kernel lt_ref_##base##_kernel = {                        \
    .name = "lt_ref_" #base, .run = base##_run,                     \
  };

/* clang-format off */
BINARY (add, add, true, NULL)
BINARY (sub, sub, true, NULL)
BINARY (mul, mul, true, NULL)
BINARY (div, div, true, NULL)
BINARY (pow, pow, true, NULL)
BINARY (mod, mod, true, NULL)
BINARY (equal, equal, false, NULL)
BINARY (greater, greater, false, NULL)
BINARY (greater_or_equal, greater_equal, false, NULL)
BINARY (less, less, false, NULL)
BINARY (less_or_equal, less_equal, false, NULL)
BINARY (and, and, true, NULL)
BINARY (or, or, true, NULL)
BINARY (xor, xor, true, NULL)
VARIADIC (max, max, false)
VARIADIC (min, min, false)
VARIADIC (sum, add, false)
VARIADIC (mean, add, true)
/* clang-format on */

/* Where (condition, X, Y): three-way broadcast. */
static lt_status
where_run (const lt_kernel_call *call)
{
  lt_kernel_tensor *out = &call->outputs[0];
  int64_t           strides[3][LT_MAX_RANK];
  int64_t           index[LT_MAX_RANK] = { 0 };
  uint64_t          offsets[3] = { 0, 0, 0 };
  size_t            size = lt_ref_elem_size (out->dtype);

  for (int k = 0; k < 3; k++)
    if (!lt_ref_broadcast_strides (&call->inputs[k], out, strides[k]))
      return lt_ref_fail (call, LT_ERR_RUNTIME, "inputs do not broadcast to the output shape");
  if (out->dtype == LT_DTYPE_STRING)
    size = sizeof (lt_bytes);
  for (uint64_t k = 0; k < out->count; k++)
    {
      bool        pick_x = ((const uint8_t *) call->inputs[0].data)[offsets[0]] != 0;
      const char *src = pick_x ? (const char *) call->inputs[1].data + offsets[1] * size
                               : (const char *) call->inputs[2].data + offsets[2] * size;
      memcpy ((char *) out->data + k * size, src, size);
      lt_ref_index_next (out->rank, out->dims, index, 3, strides, offsets);
    }
  return LT_OK;
}

static bool
where_supports (const lt_kernel_call *call)
{
  return call->inputs[0].dtype == LT_DTYPE_BOOL
         && (lt_ref_elem_size (call->outputs[0].dtype) > 0 || call->outputs[0].dtype == LT_DTYPE_STRING);
}

const lt_kernel lt_ref_where_kernel = {
  .name = "lt_ref_where",
  .supports = where_supports,
  .run = where_run,
};

/* PRelu: the slope broadcasts to X (numpy rules); a 1-D slope of X's
 * channel count that does not broadcast so is per channel (axis 1), as
 * models exported for opset < 9 use it. */
static lt_status
prelu_run (const lt_kernel_call *call)
{
  static const binary_op  op = { prelu_f, prelu_i };
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor        slope = call->inputs[1];
  int64_t                 strides[LT_MAX_RANK];

  if (!lt_ref_broadcast_strides (&slope, &call->outputs[0], strides)
      && slope.rank == 1 && x->rank >= 2 && slope.dims[0] == x->dims[1])
    {
      slope.rank = x->rank - 1;
      for (int32_t d = 1; d < slope.rank; d++)
        slope.dims[d] = 1;
    }
  return broadcast_pair (call, &op, x, &slope, false);
}

const lt_kernel lt_ref_prelu_kernel = {
  .name = "lt_ref_prelu",
  .run = prelu_run,
  .in_place = true,
};
