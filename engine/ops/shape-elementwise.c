/* shape-elementwise.c — shapes of unary, binary (broadcasting) and
 * variadic element-wise ops, Cast, Where and Clip; propagation of small
 * tensors through Identity, Neg, Cast, Add/Sub/Mul/Div/Min/Max, Equal and Where.
 *
 * Broadcasting follows ONNX's multidirectional rule: a dim of 1 takes the
 * other, a known dim wins over an unknown one (which must be 1 or equal),
 * two equal symbols stay that symbol, two different symbols give unknown.
 */
#include "shape-private.h"

#include <math.h>
#include <string.h>

/* The unary ops whose propagated contents follow their input's: small
 * computations on shapes and trip counts (Range's expansion takes
 * Ceil and Relu of a float). */
static bool
unary_propagates (lt_op op)
{
  return op == LT_OP_Identity || op == LT_OP_Neg || op == LT_OP_Abs || op == LT_OP_Relu || op == LT_OP_Ceil
         || op == LT_OP_Floor || op == LT_OP_Round;
}

/* Applies a unary op of unary_propagates to one element.  A symbolic dim
 * is a non-negative integer, so it stays itself except under Neg. */
static void
apply_unary (lt_op   op,
             bool    is_float,
             lt_sym *s)
{
  if (!s->known)
    {
      if (op == LT_OP_Neg)
        s->param = NULL;
      return;
    }
  switch (op)
    {
    case LT_OP_Neg:
      s->i = (int64_t) (0 - (uint64_t) s->i);
      s->f = -s->f;
      return;
    case LT_OP_Abs:
      if (is_float ? s->f < 0 : s->i < 0)
        apply_unary (LT_OP_Neg, is_float, s);
      return;
    case LT_OP_Relu:
      if (is_float ? s->f < 0 : s->i < 0)
        {
          s->i = 0;
          s->f = 0;
        }
      return;
    case LT_OP_Ceil:
    case LT_OP_Floor:
    case LT_OP_Round:
      if (is_float)
        {
          s->f = op == LT_OP_Ceil ? ceil (s->f) : op == LT_OP_Floor ? floor (s->f) : nearbyint (s->f);
          s->i = lt_double_to_i64 (s->f);
        }
      return;
    default:
      return;
    }
}

lt_status
lt_shape_same_as_input (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  uint32_t             count;
  const lt_sym        *data;

  if (x == NULL || x->shape.rank < 0)
    {
      if (x)
        lt_shape_set_output (ctx, 0, x->dtype, NULL);
      return LT_ERR_UNSUPPORTED;
    }
  lt_shape_set_output (ctx, 0, x->dtype, &x->shape);
  data = lt_shape_input_data (ctx, 0, &count);
  if (data && unary_propagates ((lt_op) ctx->node->op))
    {
      lt_sym *out = lt_shape_output_data (ctx, 0, count);
      if (out)
        memcpy (out, data, count * sizeof *out);
      for (uint32_t k = 0; out && k < count; k++)
        apply_unary ((lt_op) ctx->node->op, lt_dtype_is_float (x->dtype), &out[k]);
    }
  return LT_OK;
}

lt_status
lt_shape_input_shape_with_dtype (lt_shape_ctx *ctx,
                                 lt_dtype      dtype)
{
  const lt_shape *x = lt_shape_input_shape (ctx, 0);

  lt_shape_set_output (ctx, 0, dtype, x);
  return x ? LT_OK : LT_ERR_UNSUPPORTED;
}

lt_status
lt_shape_bool_same_as_input (lt_shape_ctx *ctx)
{
  return lt_shape_input_shape_with_dtype (ctx, LT_DTYPE_BOOL);
}

lt_status
lt_shape_softmax (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  int32_t              axis;
  lt_status            st;

  if (x == NULL || x->shape.rank < 0)
    return lt_shape_same_as_input (ctx);
  st = lt_shape_axis_checked (ctx, "axis", lt_node_get_attr_int (ctx->node, "axis", ctx->node->opset >= 13 ? -1 : 1),
                              x->shape.rank == 0 ? 1 : x->shape.rank, &axis);
  if (st != LT_OK)
    return st;
  return lt_shape_same_as_input (ctx);
}

lt_status
lt_shape_dropout (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  lt_status            st = lt_shape_same_as_input (ctx);

  if (st == LT_OK)
    lt_shape_set_output (ctx, 1, LT_DTYPE_BOOL, &x->shape);
  return st;
}

static void
set_sym_value (lt_sym *s,
               bool    is_float,
               int64_t i,
               double  f)
{
  s->known = true;
  s->i = is_float ? lt_double_to_i64 (f) : i;
  s->f = is_float ? f : (double) i;
}

lt_status
lt_shape_cast (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  int64_t              to = lt_node_get_attr_int (ctx->node, "to", 0);
  uint32_t             count;
  const lt_sym        *data;
  lt_sym              *out;

  if (!lt_dtype_is_valid ((int) to))
    return lt_shape_fail_attr (ctx, "attribute 'to' (%lld) is not a known element type", (long long) to);
  if (lt_shape_input_shape_with_dtype (ctx, (lt_dtype) to) != LT_OK)
    return LT_ERR_UNSUPPORTED;
  data = lt_shape_input_data (ctx, 0, &count);
  if (data && (out = lt_shape_output_data (ctx, 0, count)) != NULL)
    {
      bool to_float = lt_dtype_is_float ((lt_dtype) to);
      for (uint32_t k = 0; k < count; k++)
        {
          out[k] = data[k];
          if (!data[k].known)
            continue;
          if (to_float)
            set_sym_value (&out[k], true, 0, lt_dtype_is_float (x->dtype) ? data[k].f : (double) data[k].i);
          else if (to == LT_DTYPE_BOOL)
            set_sym_value (&out[k], false, lt_dtype_is_float (x->dtype) ? data[k].f != 0 : data[k].i != 0, 0);
          else if (lt_dtype_is_float (x->dtype))
            {
              /* float -> integer truncates; values outside int64 are not propagated */
              if (data[k].f >= -9.2e18 && data[k].f <= 9.2e18)
                set_sym_value (&out[k], false, lt_double_to_i64 (data[k].f), 0);
              else
                out[k].known = false;
            }
        }
    }
  return LT_OK;
}

/* The element of an input (of shape `in`, broadcast to `out`) that feeds
 * output element `index`. */
static uint32_t
broadcast_source (const lt_shape *out,
                  const lt_shape *in,
                  uint32_t        index)
{
  uint32_t src = 0, stride = 1;

  for (int32_t k = out->rank - 1; k >= 0; k--)
    {
      int32_t  ik = k - (out->rank - in->rank);
      uint32_t coord = (uint32_t) (index % (uint64_t) out->dims[k].size);

      index /= (uint32_t) out->dims[k].size;
      if (ik >= 0)
        {
          if (in->dims[ik].size != 1)
            src += coord * stride;
          stride *= (uint32_t) in->dims[ik].size;
        }
    }
  return src;
}

/* Whether every input has propagated data and the output is small; fills
 * the inputs' data pointers. */
static bool
gather_operand_data (lt_shape_ctx   *ctx,
                     const lt_shape *out,
                     uint32_t        n,
                     const lt_sym  **data,
                     uint32_t       *out_count)
{
  uint64_t count;

  if (!lt_shape_count (out, &count) || count > LT_SHAPE_DATA_MAX)
    return false;
  for (uint32_t k = 0; k < n; k++)
    {
      uint32_t c;
      if ((data[k] = lt_shape_input_data (ctx, k, &c)) == NULL)
        return false;
    }
  *out_count = (uint32_t) count;
  return true;
}

static bool
binary_value (lt_op         op,
              bool          is_float,
              const lt_sym *a,
              const lt_sym *b,
              lt_sym       *r)
{
  int64_t i = 0;
  double  f = 0;

  if (!a->known || !b->known)
    return false;
  switch (op)
    {
    case LT_OP_Add:
      i = (int64_t) ((uint64_t) a->i + (uint64_t) b->i);
      f = a->f + b->f;
      break;
    case LT_OP_Sub:
      i = (int64_t) ((uint64_t) a->i - (uint64_t) b->i);
      f = a->f - b->f;
      break;
    case LT_OP_Mul:
      i = (int64_t) ((uint64_t) a->i * (uint64_t) b->i);
      f = a->f * b->f;
      break;
    case LT_OP_Div:
      if (!is_float && (b->i == 0 || (a->i == INT64_MIN && b->i == -1)))
        return false;
      i = is_float ? 0 : a->i / b->i;
      f = a->f / b->f;
      break;
    case LT_OP_Max:
      i = a->i > b->i ? a->i : b->i;
      f = a->f > b->f ? a->f : b->f;
      break;
    case LT_OP_Min:
      i = a->i < b->i ? a->i : b->i;
      f = a->f < b->f ? a->f : b->f;
      break;
    case LT_OP_Equal:
      i = is_float ? a->f == b->f : a->i == b->i;
      set_sym_value (r, false, i, 0);
      return true;
    default:
      return false;
    }
  set_sym_value (r, is_float, i, f);
  return true;
}

/* Adds propagated data to output 0 of a broadcasting binary op. */
static void
propagate_binary (lt_shape_ctx   *ctx,
                  const lt_shape *out_shape,
                  bool            is_float)
{
  const lt_sym *data[2];
  uint32_t      count;
  lt_sym       *out;

  if (ctx->node->n_inputs != 2 || !gather_operand_data (ctx, out_shape, 2, data, &count))
    return;
  if ((out = lt_shape_output_data (ctx, 0, count)) == NULL)
    return;
  for (uint32_t k = 0; k < count; k++)
    {
      const lt_sym *a = &data[0][broadcast_source (out_shape, lt_shape_input_shape (ctx, 0), k)];
      const lt_sym *b = &data[1][broadcast_source (out_shape, lt_shape_input_shape (ctx, 1), k)];
      binary_value ((lt_op) ctx->node->op, is_float, a, b, &out[k]);
    }
}

/* The broadcast of all present inputs; LT_ERR_UNSUPPORTED when one has an
 * unknown rank. */
static lt_status
broadcast_inputs (lt_shape_ctx *ctx,
                  uint32_t      first,
                  lt_shape     *out)
{
  bool any = false;

  for (uint32_t k = first; k < ctx->node->n_inputs; k++)
    {
      const lt_shape *s;
      lt_status       st;

      if (lt_shape_input (ctx, k) == NULL)
        continue;
      if ((s = lt_shape_input_shape (ctx, k)) == NULL)
        return LT_ERR_UNSUPPORTED;
      if (!any)
        *out = *s;
      else if ((st = lt_shape_broadcast (ctx, out, s, out)) != LT_OK)
        return st;
      any = true;
    }
  return any ? LT_OK : LT_ERR_UNSUPPORTED;
}

lt_status
lt_shape_broadcast_op (lt_shape_ctx *ctx)
{
  const lt_value_type *a = lt_shape_input (ctx, 0);
  lt_shape             out;
  lt_status            st;

  if (a == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, a->dtype, NULL);
  if ((st = broadcast_inputs (ctx, 0, &out)) != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, a->dtype, &out);
  propagate_binary (ctx, &out, lt_dtype_is_float (a->dtype));
  return LT_OK;
}

lt_status
lt_shape_compare (lt_shape_ctx *ctx)
{
  const lt_value_type *a = lt_shape_input (ctx, 0);
  lt_shape             out;
  lt_status            st;

  lt_shape_set_output (ctx, 0, LT_DTYPE_BOOL, NULL);
  if ((st = broadcast_inputs (ctx, 0, &out)) != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, LT_DTYPE_BOOL, &out);
  if (ctx->node->op == LT_OP_Equal && a)
    propagate_binary (ctx, &out, lt_dtype_is_float (a->dtype));
  return LT_OK;
}

lt_status
lt_shape_where (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 1);
  const lt_sym        *data[3];
  lt_shape             out;
  lt_status            st;
  uint32_t             count;
  lt_sym              *res;

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if ((st = broadcast_inputs (ctx, 0, &out)) != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  if (ctx->node->n_inputs == 3 && gather_operand_data (ctx, &out, 3, data, &count) && (res = lt_shape_output_data (ctx, 0, count)) != NULL)
    for (uint32_t k = 0; k < count; k++)
      {
        const lt_sym *c = &data[0][broadcast_source (&out, lt_shape_input_shape (ctx, 0), k)];
        const lt_sym *a = &data[1][broadcast_source (&out, lt_shape_input_shape (ctx, 1), k)];
        const lt_sym *b = &data[2][broadcast_source (&out, lt_shape_input_shape (ctx, 2), k)];
        if (c->known)
          res[k] = c->i ? *a : *b;
      }
  return LT_OK;
}

lt_status
lt_shape_prelu (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  const lt_shape      *slope = lt_shape_input_shape (ctx, 1);
  lt_shape             out;
  lt_status            st;
  char                 sa[LT_SHAPE_STR_MAX], sb[LT_SHAPE_STR_MAX];

  /* the slope broadcasts to X (opset 7 on; before, it was per channel) */
  if (x && x->shape.rank >= 0 && slope && ctx->node->opset >= 7)
    {
      if ((st = lt_shape_broadcast (ctx, &x->shape, slope, &out)) != LT_OK)
        return st;
      if (out.rank != x->shape.rank)
        return lt_shape_fail (ctx, "slope %s does not broadcast to input %s", lt_shape_str (slope, sb),
                              lt_shape_str (&x->shape, sa));
    }
  return lt_shape_same_as_input (ctx);
}
