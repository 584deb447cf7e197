/* ref-reduce.c — reference ReduceL1, ReduceL2, ReduceLogSumExp, ReduceMax,
 * ReduceMean, ReduceMin, ReduceProd, ReduceSum, ReduceSumSquare, ArgMax and
 * ArgMin.
 *
 * The axes split the input into kept and reduced axes; each output element
 * (the kept axes' coordinates, in order, with or without the kept 1s of
 * keepdims: the same linear order) walks its box of reduced axes.  Values
 * go through double.  The axes come from the attribute before the opset
 * where ONNX moved them to an optional input (13 for ReduceSum, 18 for the
 * others); input axes are data, so they are read and checked in run.
 */
#include "ops/ref-helpers.h"

#include <math.h>
#include <stdlib.h>

typedef enum reduce_kind
{
  REDUCE_L1,
  REDUCE_L2,
  REDUCE_LOG_SUM_EXP,
  REDUCE_MAX,
  REDUCE_MEAN,
  REDUCE_MIN,
  REDUCE_PROD,
  REDUCE_SUM,
  REDUCE_SUM_SQUARE,
  REDUCE_ARG_MAX,
  REDUCE_ARG_MIN,
} reduce_kind;

static reduce_kind
kind_of (lt_op op)
{
  switch (op)
    {
    case LT_OP_ReduceL1:
      return REDUCE_L1;
    case LT_OP_ReduceL2:
      return REDUCE_L2;
    case LT_OP_ReduceLogSumExp:
      return REDUCE_LOG_SUM_EXP;
    case LT_OP_ReduceMax:
      return REDUCE_MAX;
    case LT_OP_ReduceMean:
      return REDUCE_MEAN;
    case LT_OP_ReduceMin:
      return REDUCE_MIN;
    case LT_OP_ReduceProd:
      return REDUCE_PROD;
    case LT_OP_ArgMax:
      return REDUCE_ARG_MAX;
    case LT_OP_ArgMin:
      return REDUCE_ARG_MIN;
    case LT_OP_ReduceSumSquare:
      return REDUCE_SUM_SQUARE;
    default:
      return REDUCE_SUM;
    }
}

static bool
reduce_supports (const lt_kernel_call *call)
{
  lt_dtype t = call->n_inputs > 0 ? call->inputs[0].dtype : LT_DTYPE_UNDEFINED;

  return lt_dtype_is_float (t) || (lt_dtype_is_integer (t) && lt_dtype_bits (t) >= 8);
}

/* Whether this node takes its axes from input 1. */
static bool
axes_from_input (const lt_kernel_call *call)
{
  return call->node->opset >= (call->node->op == LT_OP_ReduceSum ? 13 : 18);
}

/* Marks the reduced axes of a rank-`rank` input in reduced[]; `n` axes
 * from `axes` (negative ones count from the end); none means all unless
 * `noop_empty`, which then reduces nothing. */
static lt_status
mark_axes (const lt_kernel_call *call,
           lt_status             code,
           int32_t               rank,
           const int64_t        *axes,
           uint64_t              n,
           bool                  noop_empty,
           bool                 *reduced)
{
  for (int32_t i = 0; i < rank; i++)
    reduced[i] = n == 0 && !noop_empty;
  for (uint64_t i = 0; i < n; i++)
    {
      int64_t a = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (a < 0 || a >= rank)
        return lt_ref_fail (call, code, "axis %lld is out of range for rank %d", (long long) axes[i], rank);
      reduced[a] = true;
    }
  return LT_OK;
}

/* Checks that the output has the kept extents (and 1 for reduced axes
 * with keepdims). */
static lt_status
check_reduced_shape (const lt_kernel_call *call,
                     lt_status             code,
                     const bool           *reduced,
                     bool                  keepdims)
{
  const lt_kernel_tensor *x = &call->inputs[0], *y = &call->outputs[0];
  int32_t                 r = 0;

  for (int32_t i = 0; i < x->rank; i++)
    {
      if (reduced[i] && !keepdims)
        continue;
      if (r >= y->rank || y->dims[r] != (reduced[i] ? 1 : x->dims[i]))
        return lt_ref_fail (call, code, "the output shape does not match the reduced input shape");
      r++;
    }
  if (r != y->rank)
    return lt_ref_fail (call, code, "the output shape does not match the reduced input shape");
  return LT_OK;
}

static lt_status
reduce_prepare (const lt_kernel_call *call,
                void                **state,
                size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  const lt_attr          *axes = lt_node_get_attr (call->node, "axes");
  bool                    keepdims = lt_node_get_attr_int (call->node, "keepdims", 1) != 0;
  bool                    reduced[LT_MAX_RANK];
  reduce_kind             kind = kind_of (call->node->op);
  lt_status               st;

  (void) state;
  *scratch_bytes = 0;
  if (kind == REDUCE_ARG_MAX || kind == REDUCE_ARG_MIN)
    {
      int32_t axis;
      if ((st = lt_ref_get_axis (call, 0, x->rank, &axis)) != LT_OK)
        return st;
      if (call->outputs[0].dtype != LT_DTYPE_I64)
        return lt_ref_fail (call, LT_ERR_SHAPE, "output must be int64");
      for (int32_t i = 0; i < x->rank; i++)
        reduced[i] = i == axis;
      return check_reduced_shape (call, LT_ERR_SHAPE, reduced, keepdims);
    }
  if (call->outputs[0].dtype != x->dtype)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must have the type of the input");
  if (axes_from_input (call))
    {
      if (axes != NULL)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "from opset %lld the axes are an input, not an attribute",
                            (long long) call->node->opset);
      return LT_OK; /* checked in run, where the axes input has its data */
    }
  if (axes != NULL && axes->type != LT_ATTR_INTS)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'axes' must be a list of integers");
  if ((st = mark_axes (call, LT_ERR_INVALID_MODEL, x->rank, axes ? axes->v.ints : NULL, axes ? axes->count : 0,
                       false, reduced)) != LT_OK)
    return st;
  return check_reduced_shape (call, LT_ERR_SHAPE, reduced, keepdims);
}

/* The box of reduced axes under one output element. */
typedef struct reduce_box
{
  int32_t  rank;
  int64_t  dims[LT_MAX_RANK];
  int64_t  strides[LT_MAX_RANK]; /* in input elements */
  uint64_t count;
} reduce_box;

static double
box_value (const lt_kernel_tensor *x,
           uint64_t                base,
           const reduce_box       *box,
           uint64_t                r)
{
  return lt_ref_get_f64 (x->dtype, x->data, base + (uint64_t) lt_ref_box_offset (r, box->rank, box->dims, box->strides));
}

/* Folds the values of one reduction, read from x at `base` plus the box's
 * offsets; Arg* return the position in the box of the first extreme (the
 * last with `select_last`). */
static double
fold (reduce_kind             kind,
      const lt_kernel_tensor *x,
      uint64_t                base,
      const reduce_box       *box,
      bool                    select_last)
{
  double   acc = 0.0, shift = 0.0;
  uint64_t at = 0;

  if (kind == REDUCE_PROD)
    acc = 1.0;
  else if (kind == REDUCE_MAX)
    acc = -INFINITY;
  else if (kind == REDUCE_MIN)
    acc = INFINITY;
  else if (kind == REDUCE_LOG_SUM_EXP)
    {
      /* exp of (v - max) never overflows */
      shift = -INFINITY;
      for (uint64_t r = 0; r < box->count; r++)
        shift = fmax (shift, box_value (x, base, box, r));
      if (isinf (shift))
        shift = 0.0;
    }
  for (uint64_t r = 0; r < box->count; r++)
    {
      double v = box_value (x, base, box, r);
      switch (kind)
        {
        case REDUCE_L1:
          acc += fabs (v);
          break;
        case REDUCE_L2:
        case REDUCE_SUM_SQUARE:
          acc += v * v;
          break;
        case REDUCE_LOG_SUM_EXP:
          acc += exp (v - shift);
          break;
        case REDUCE_MAX:
          acc = v > acc ? v : acc;
          break;
        case REDUCE_MIN:
          acc = v < acc ? v : acc;
          break;
        case REDUCE_PROD:
          acc *= v;
          break;
        case REDUCE_ARG_MAX:
          if (r == 0 || v > acc || (select_last && v == acc))
            acc = v, at = r;
          break;
        case REDUCE_ARG_MIN:
          if (r == 0 || v < acc || (select_last && v == acc))
            acc = v, at = r;
          break;
        default:
          acc += v;
          break;
        }
    }
  switch (kind)
    {
    case REDUCE_L2:
      return sqrt (acc);
    case REDUCE_LOG_SUM_EXP:
      return shift + log (acc);
    case REDUCE_MEAN:
      return acc / (double) box->count;
    case REDUCE_ARG_MAX:
    case REDUCE_ARG_MIN:
      return (double) at;
    default:
      return acc;
    }
}

/* Which axes this run reduces: the attribute's (or Arg*'s axis), or the
 * axes input's, checked here because it is data. */
static lt_status
reduced_axes (const lt_kernel_call *call,
              bool                 *reduced)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  bool                    keepdims = lt_node_get_attr_int (call->node, "keepdims", 1) != 0;
  int64_t                 axes[LT_MAX_RANK];
  uint64_t                n = 0;
  bool                    noop;
  lt_status               st;

  if (call->node->op == LT_OP_ArgMax || call->node->op == LT_OP_ArgMin)
    {
      int32_t axis;
      lt_ref_get_axis (call, 0, x->rank, &axis);
      for (int32_t i = 0; i < x->rank; i++)
        reduced[i] = i == axis;
      return LT_OK;
    }
  if (!axes_from_input (call))
    {
      const lt_attr *attr = lt_node_get_attr (call->node, "axes");
      return mark_axes (call, LT_ERR_INVALID_MODEL, x->rank, attr ? attr->v.ints : NULL,
                        attr ? attr->count : 0, false, reduced);
    }
  noop = lt_node_get_attr_int (call->node, "noop_with_empty_axes", 0) != 0;
  if (lt_ref_has_input (call, 1))
    {
      n = call->inputs[1].count;
      if (n > (uint64_t) x->rank)
        return lt_ref_fail (call, LT_ERR_RUNTIME, "%llu axes for an input of rank %d", (unsigned long long) n, x->rank);
      for (uint64_t i = 0; i < n; i++)
        axes[i] = lt_ref_index_input (&call->inputs[1], i);
    }
  if ((st = mark_axes (call, LT_ERR_RUNTIME, x->rank, axes, n, noop, reduced)) != LT_OK)
    return st;
  return check_reduced_shape (call, LT_ERR_RUNTIME, reduced, keepdims);
}

static lt_status
reduce_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor       *y = &call->outputs[0];
  reduce_kind             kind = kind_of (call->node->op);
  bool                    select_last = lt_node_get_attr_int (call->node, "select_last_index", 0) != 0;
  bool                    reduced[LT_MAX_RANK];
  int64_t                 strides[LT_MAX_RANK];
  int64_t                 kept_dims[LT_MAX_RANK], kept_strides[LT_MAX_RANK];
  int32_t                 n_kept = 0;
  reduce_box              box = { .count = 1 };
  uint64_t                n_out;
  lt_status               st;

  if ((st = reduced_axes (call, reduced)) != LT_OK)
    return st;
  lt_ref_strides (x->rank, x->dims, strides);
  for (int32_t i = 0; i < x->rank; i++)
    {
      if (reduced[i])
        {
          box.dims[box.rank] = x->dims[i];
          box.strides[box.rank++] = strides[i];
          box.count *= (uint64_t) x->dims[i];
        }
      else
        {
          kept_dims[n_kept] = x->dims[i];
          kept_strides[n_kept++] = strides[i];
        }
    }
  n_out = lt_ref_box_count (n_kept, kept_dims);
  for (uint64_t o = 0; o < n_out; o++)
    {
      uint64_t base = (uint64_t) lt_ref_box_offset (o, n_kept, kept_dims, kept_strides);
      double   v = fold (kind, x, base, &box, select_last);
      if (kind == REDUCE_ARG_MAX || kind == REDUCE_ARG_MIN)
        ((int64_t *) y->data)[o] = (int64_t) v;
      else
        lt_ref_set_f64 (y->dtype, y->data, o, v);
    }
  return LT_OK;
}

#define REDUCE_KERNEL(base)                  \
  const lt_kernel lt_ref_##base##_kernel = { \
    .name = "lt_ref_" #base,                 \
    .supports = reduce_supports,             \
    .prepare = reduce_prepare,               \
    .run = reduce_run,                       \
  };

REDUCE_KERNEL (arg_max)
REDUCE_KERNEL (arg_min)
REDUCE_KERNEL (reduce_l1)
REDUCE_KERNEL (reduce_l2)
REDUCE_KERNEL (reduce_log_sum_exp)
REDUCE_KERNEL (reduce_max)
REDUCE_KERNEL (reduce_mean)
REDUCE_KERNEL (reduce_min)
REDUCE_KERNEL (reduce_prod)
REDUCE_KERNEL (reduce_sum)
REDUCE_KERNEL (reduce_sum_square)
