/* ref-unary.c — reference kernels of elementwise functions of one tensor:
 * Abs Acos Asin Atan Ceil Cos Erf Exp Floor Log Neg Reciprocal Round Sign
 * Sin Sqrt Tan Tanh Sigmoid Relu LeakyRelu Elu Selu HardSigmoid HardSwish
 * Softplus Softsign Gelu Clip, and Not.
 *
 * Each element is computed in double and stored in the output's dtype (so
 * float16 is computed at higher precision and rounded once).  Integer
 * inputs of Abs, Neg, Sign, Relu and Clip go through int64 so large values
 * stay exact.  Attributes are read when the kernel runs (reading them does
 * not allocate).  The element range is split across the thread pool.
 */
#include "ops/ref-common.h"

#include <math.h>

typedef struct unary_params
{
  double alpha;
  double beta;
  double gamma;
  bool   tanh_gelu;   /* Gelu approximate="tanh" */
  double lo, hi;      /* Clip bounds */
} unary_params;

typedef double (*unary_f64) (double x, const unary_params *p);
typedef int64_t (*unary_i64) (int64_t x, const unary_params *p);

typedef struct unary_op
{
  unary_f64 f;
  unary_i64 i;       /* for integer inputs; NULL when the op takes floats only */
  void (*read_params) (const lt_kernel_call *call, unary_params *p);
} unary_op;

typedef struct unary_job
{
  const unary_op         *op;
  const unary_params     *params;
  const lt_kernel_tensor *in;
  lt_kernel_tensor       *out;
} unary_job;

static void
unary_chunk (void    *data,
             uint64_t begin,
             uint64_t end)
{
  const unary_job *job = data;
  lt_dtype         dt = job->in->dtype;
  bool             integer = lt_dtype_is_integer (dt) || dt == LT_DTYPE_BOOL;

  for (uint64_t k = begin; k < end; k++)
    if (integer && job->op->i != NULL)
      lt_ref_set_i64 (job->out->dtype, job->out->data, k,
                      job->op->i (lt_ref_get_i64 (dt, job->in->data, k), job->params));
    else
      lt_ref_set_f64 (job->out->dtype, job->out->data, k,
                      job->op->f (lt_ref_get_f64 (dt, job->in->data, k), job->params));
}

static lt_status
unary_run (const lt_kernel_call *call,
           const unary_op       *op)
{
  unary_params params = { 0 };
  unary_job    job = { op, &params, &call->inputs[0], &call->outputs[0] };

  if (op->read_params != NULL)
    op->read_params (call, &params);
  lt_threadpool_parallel_for (call->pool, job.out->count, 4096, unary_chunk, &job);
  return LT_OK;
}

/* Float-only ops accept float16/32/64 and bfloat16 inputs. */
static bool
float_supports (const lt_kernel_call *call)
{
  lt_dtype dt = call->inputs[0].dtype;
  return dt == LT_DTYPE_F32 || dt == LT_DTYPE_F64 || dt == LT_DTYPE_F16 || dt == LT_DTYPE_BF16;
}

/* Ops with an integer path also accept every integer dtype. */
static bool
numeric_supports (const lt_kernel_call *call)
{
  return float_supports (call) || lt_dtype_is_integer (call->inputs[0].dtype);
}

static bool
bool_supports (const lt_kernel_call *call)
{
  return call->inputs[0].dtype == LT_DTYPE_BOOL;
}

/* ---- parameters -------------------------------------------------------- */

static void
alpha_001 (const lt_kernel_call *call,
           unary_params         *p)
{
  p->alpha = lt_node_get_attr_float (call->node, "alpha", 0.01f);
}

static void
alpha_1 (const lt_kernel_call *call,
         unary_params         *p)
{
  p->alpha = lt_node_get_attr_float (call->node, "alpha", 1.0f);
}

static void
selu_params (const lt_kernel_call *call,
             unary_params         *p)
{
  p->alpha = lt_node_get_attr_float (call->node, "alpha", 1.67326319217681884765625f);
  p->gamma = lt_node_get_attr_float (call->node, "gamma", 1.05070102214813232421875f);
}

static void
hard_sigmoid_params (const lt_kernel_call *call,
                     unary_params         *p)
{
  p->alpha = lt_node_get_attr_float (call->node, "alpha", 0.2f);
  p->beta = lt_node_get_attr_float (call->node, "beta", 0.5f);
}

static void
gelu_params (const lt_kernel_call *call,
             unary_params         *p)
{
  p->tanh_gelu = strcmp (lt_node_get_attr_string (call->node, "approximate", "none"), "tanh") == 0;
}

/* Clip: bounds are inputs 1 and 2 from opset 11, attributes before. */
static void
clip_params (const lt_kernel_call *call,
             unary_params         *p)
{
  p->lo = -INFINITY;
  p->hi = INFINITY;
  if (call->node->opset < 11)
    {
      p->lo = lt_node_get_attr_float (call->node, "min", -INFINITY);
      p->hi = lt_node_get_attr_float (call->node, "max", INFINITY);
      return;
    }
  if (lt_ref_has_input (call, 1) && call->inputs[1].data != NULL)
    p->lo = lt_ref_get_f64 (call->inputs[1].dtype, call->inputs[1].data, 0);
  if (lt_ref_has_input (call, 2) && call->inputs[2].data != NULL)
    p->hi = lt_ref_get_f64 (call->inputs[2].dtype, call->inputs[2].data, 0);
}

/* ---- functions --------------------------------------------------------- */

#define F64(name, expr)                \
  static double                        \
  name##_f64 (double              x,   \
              const unary_params *p)   \
  {                                    \
    (void) p;                          \
    return (expr);                     \
  }
#define I64(name, expr)                \
  static int64_t                       \
  name##_i64 (int64_t             x,   \
              const unary_params *p)   \
  {                                    \
    (void) p;                          \
    return (expr);                     \
  }

F64 (abs, fabs (x))
I64 (abs, x < 0 ? -x : x)
F64 (acos, acos (x))
F64 (asin, asin (x))
F64 (atan, atan (x))
F64 (ceil, ceil (x))
F64 (cos, cos (x))
F64 (erf, erf (x))
F64 (exp, exp (x))
F64 (floor, floor (x))
F64 (log, log (x))
F64 (neg, -x)
I64 (neg, -x)
F64 (reciprocal, 1.0 / x)
F64 (round, nearbyint (x)) /* half to even in the default rounding mode */
F64 (sign, isnan (x) ? x : (double) ((x > 0) - (x < 0)))
I64 (sign, (x > 0) - (x < 0))
F64 (sin, sin (x))
F64 (sqrt, sqrt (x))
F64 (tan, tan (x))
F64 (tanh, tanh (x))
F64 (sigmoid, x >= 0 ? 1.0 / (1.0 + exp (-x)) : exp (x) / (1.0 + exp (x)))
F64 (relu, x > 0 ? x : 0.0)
I64 (relu, x > 0 ? x : 0)
F64 (leaky_relu, x >= 0 ? x : p->alpha * x)
F64 (elu, x >= 0 ? x : p->alpha * (exp (x) - 1.0))
F64 (selu, x > 0 ? p->gamma * x : p->gamma * (p->alpha * exp (x) - p->alpha))
F64 (hard_sigmoid, fmax (0.0, fmin (1.0, p->alpha * x + p->beta)))
F64 (hard_swish, x * fmax (0.0, fmin (1.0, x / 6.0 + 0.5)))
F64 (softplus, x > 30 ? x : log1p (exp (x)))
F64 (softsign, x / (1.0 + fabs (x)))
F64 (gelu, p->tanh_gelu ? 0.5 * x * (1.0 + tanh (sqrt (2.0 / M_PI) * (x + 0.044715 * x * x * x)))
                        : 0.5 * x * (1.0 + erf (x / sqrt (2.0))))
F64 (clip, isnan (x) ? x : fmin (fmax (x, p->lo), p->hi))
I64 (not, !x)

/* Bounds are doubles (infinite when absent): clamp them into int64 range
 * before converting. */
static int64_t
clip_i64 (int64_t             x,
          const unary_params *p)
{
  double lo = fmin (fmax (p->lo, -9.2e18), 9.2e18);
  double hi = fmin (fmax (p->hi, -9.2e18), 9.2e18);
  if (x < (int64_t) lo)
    return (int64_t) lo;
  if (x > (int64_t) hi)
    return (int64_t) hi;
  return x;
}

static double
not_f64 (double              x,
         const unary_params *p)
{
  (void) p;
  return x == 0;
}

/* One kernel per op: UNARY (base, f, i, params, supports). */
#define UNARY(base, f, i, params, supports_fn)                     \
  static lt_status                                                 \
  base##_run (const lt_kernel_call *call)                          \
  {                                                                \
    static const unary_op op = { f, i, params };                   \
    return unary_run (call, &op);                                  \
  }                                                                \
  const lt_kernel lt_ref_##base##_kernel = {                       \
    .name = "lt_ref_" #base, .supports = supports_fn,              \
    .run = base##_run, .in_place = true,                           \
  };

/* clang-format off */
UNARY (abs, abs_f64, abs_i64, NULL, numeric_supports)
UNARY (acos, acos_f64, NULL, NULL, float_supports)
UNARY (asin, asin_f64, NULL, NULL, float_supports)
UNARY (atan, atan_f64, NULL, NULL, float_supports)
UNARY (ceil, ceil_f64, NULL, NULL, float_supports)
UNARY (cos, cos_f64, NULL, NULL, float_supports)
UNARY (erf, erf_f64, NULL, NULL, float_supports)
UNARY (exp, exp_f64, NULL, NULL, float_supports)
UNARY (floor, floor_f64, NULL, NULL, float_supports)
UNARY (log, log_f64, NULL, NULL, float_supports)
UNARY (neg, neg_f64, neg_i64, NULL, numeric_supports)
UNARY (reciprocal, reciprocal_f64, NULL, NULL, float_supports)
UNARY (round, round_f64, NULL, NULL, float_supports)
UNARY (sign, sign_f64, sign_i64, NULL, numeric_supports)
UNARY (sin, sin_f64, NULL, NULL, float_supports)
UNARY (sqrt, sqrt_f64, NULL, NULL, float_supports)
UNARY (tan, tan_f64, NULL, NULL, float_supports)
UNARY (tanh, tanh_f64, NULL, NULL, float_supports)
UNARY (sigmoid, sigmoid_f64, NULL, NULL, float_supports)
UNARY (relu, relu_f64, relu_i64, NULL, numeric_supports)
UNARY (leaky_relu, leaky_relu_f64, NULL, alpha_001, float_supports)
UNARY (elu, elu_f64, NULL, alpha_1, float_supports)
UNARY (selu, selu_f64, NULL, selu_params, float_supports)
UNARY (hard_sigmoid, hard_sigmoid_f64, NULL, hard_sigmoid_params, float_supports)
UNARY (hard_swish, hard_swish_f64, NULL, NULL, float_supports)
UNARY (softplus, softplus_f64, NULL, NULL, float_supports)
UNARY (softsign, softsign_f64, NULL, NULL, float_supports)
UNARY (gelu, gelu_f64, NULL, gelu_params, float_supports)
UNARY (clip, clip_f64, clip_i64, clip_params, numeric_supports)
UNARY (not, not_f64, not_i64, NULL, bool_supports)
/* clang-format on */
