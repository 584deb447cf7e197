/* shape-linear.c — shapes of Gemm, MatMul (and its integer and quantized
 * forms), Einsum, the recurrent ops RNN/GRU/LSTM, and QuantizeLinear /
 * DequantizeLinear.
 *
 * MatMul follows numpy: a 1-D left operand is a row, a 1-D right operand a
 * column, and the inserted dim is removed again; batch dims broadcast.
 */
#include "shape-private.h"

#include <string.h>

static bool
is_letter (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static lt_status
inner_dim_mismatch (lt_shape_ctx   *ctx,
                    const lt_shape *a,
                    const lt_shape *b)
{
  char sa[128], sb[128];

  lt_shape_format (a, sa, sizeof sa);
  lt_shape_format (b, sb, sizeof sb);
  return lt_shape_fail (ctx, "cannot multiply %s by %s: inner dims differ", sa, sb);
}

lt_status
lt_shape_gemm (lt_shape_ctx *ctx)
{
  const lt_value_type *at = lt_shape_input (ctx, 0);
  const lt_shape      *a = lt_shape_input_shape (ctx, 0);
  const lt_shape      *b = lt_shape_input_shape (ctx, 1);
  const lt_shape      *c = lt_shape_input_shape (ctx, 2);
  bool                 trans_a = lt_node_get_attr_int (ctx->node, "transA", 0) != 0;
  bool                 trans_b = lt_node_get_attr_int (ctx->node, "transB", 0) != 0;
  lt_shape             out, unused;
  lt_status            st;

  if (at == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, at->dtype, NULL);
  if (a == NULL || b == NULL)
    return LT_ERR_UNSUPPORTED;
  if (a->rank != 2 || b->rank != 2)
    {
      char sa[128], sb[128];
      lt_shape_format (a, sa, sizeof sa);
      lt_shape_format (b, sb, sizeof sb);
      return lt_shape_fail (ctx, "operands %s and %s must both be matrices", sa, sb);
    }
  if (lt_dim_conflict (a->dims[trans_a ? 0 : 1], b->dims[trans_b ? 1 : 0]))
    return inner_dim_mismatch (ctx, a, b);
  lt_shape_set_unknown (&out);
  out.rank = 2;
  out.dims[0] = a->dims[trans_a ? 1 : 0];
  out.dims[1] = b->dims[trans_b ? 0 : 1];
  /* C must broadcast to the result */
  if (c && (st = lt_shape_broadcast (ctx, &out, c, &unused)) != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, at->dtype, &out);
  return LT_OK;
}

/* MatMul, MatMulInteger and QLinearMatMul: operands at `ai` and `bi`. */
static lt_status
matmul_like (lt_shape_ctx *ctx,
             uint32_t      ai,
             uint32_t      bi,
             lt_dtype      dtype)
{
  const lt_shape *a = lt_shape_input_shape (ctx, ai);
  const lt_shape *b = lt_shape_input_shape (ctx, bi);
  lt_shape        a2, b2, batch_a, batch_b, out;

  lt_shape_set_output (ctx, 0, dtype, NULL);
  if (a == NULL || b == NULL)
    return LT_ERR_UNSUPPORTED;
  if (a->rank == 0 || b->rank == 0)
    return lt_shape_fail (ctx, "MatMul operands must not be scalars");
  a2 = *a;
  b2 = *b;
  if (a->rank == 1)
    {
      a2.rank = 2;
      a2.dims[1] = a->dims[0];
      a2.dims[0] = lt_dim_known (1);
    }
  if (b->rank == 1)
    {
      b2.rank = 2;
      b2.dims[1] = lt_dim_known (1);
    }
  if (lt_dim_conflict (a2.dims[a2.rank - 1], b2.dims[b2.rank - 2]))
    return inner_dim_mismatch (ctx, a, b);
  batch_a = a2;
  batch_a.rank -= 2;
  batch_b = b2;
  batch_b.rank -= 2;
  if (lt_shape_broadcast (ctx, &batch_a, &batch_b, &out) != LT_OK)
    {
      char sa[128], sb[128];
      lt_shape_format (a, sa, sizeof sa);
      lt_shape_format (b, sb, sizeof sb);
      return lt_shape_fail (ctx, "cannot broadcast the batch dims of %s with %s", sa, sb);
    }
  if (a->rank != 1)
    out.dims[out.rank++] = a2.dims[a2.rank - 2];
  if (b->rank != 1)
    out.dims[out.rank++] = b2.dims[b2.rank - 1];
  lt_shape_set_output (ctx, 0, dtype, &out);
  return LT_OK;
}

lt_status
lt_shape_matmul (lt_shape_ctx *ctx)
{
  const lt_value_type *a = lt_shape_input (ctx, 0);
  lt_dtype             dtype = a ? a->dtype : LT_DTYPE_UNDEFINED;

  if (ctx->node->op == LT_OP_MatMulInteger)
    dtype = LT_DTYPE_I32;
  if (ctx->node->op == LT_OP_QLinearMatMul)
    {
      const lt_value_type *y_zero_point = lt_shape_input (ctx, 7);
      return matmul_like (ctx, 0, 3, y_zero_point ? y_zero_point->dtype : LT_DTYPE_U8);
    }
  return matmul_like (ctx, 0, 1, dtype);
}

lt_status
lt_shape_rnn (lt_shape_ctx *ctx)
{
  const lt_value_type *xt = lt_shape_input (ctx, 0);
  const char          *direction = lt_node_get_attr_string (ctx->node, "direction", "forward");
  int64_t              hidden = lt_node_get_attr_int (ctx->node, "hidden_size", -1);
  bool                 batch_first = lt_node_get_attr_int (ctx->node, "layout", 0) != 0;
  int64_t              n_dir;
  lt_dim               seq, batch, hid;
  lt_shape             y, y_h;

  if (strcmp (direction, "bidirectional") == 0)
    n_dir = 2;
  else if (strcmp (direction, "forward") == 0 || strcmp (direction, "reverse") == 0)
    n_dir = 1;
  else
    return lt_shape_fail_attr (ctx, "direction '%s' is not forward, reverse or bidirectional", direction);
  if (xt == NULL || xt->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if (xt->shape.rank != 3)
    {
      char xs[128];
      lt_shape_format (&xt->shape, xs, sizeof xs);
      return lt_shape_fail (ctx, "input %s must have rank 3", xs);
    }
  seq = xt->shape.dims[batch_first ? 1 : 0];
  batch = xt->shape.dims[batch_first ? 0 : 1];
  if (hidden > 0)
    hid = lt_dim_known (hidden);
  else
    {
      /* hidden_size is optional: the recurrence weights R are [dirs, k*hidden, hidden] */
      const lt_shape *r = lt_shape_input_shape (ctx, 2);
      if (r == NULL || r->rank != 3)
        return LT_ERR_UNSUPPORTED;
      hid = r->dims[2];
    }
  lt_shape_set_unknown (&y);
  y.rank = 4;
  y.dims[0] = batch_first ? batch : seq;
  y.dims[1] = batch_first ? seq : lt_dim_known (n_dir);
  y.dims[2] = batch_first ? lt_dim_known (n_dir) : batch;
  y.dims[3] = hid;
  lt_shape_set_unknown (&y_h);
  y_h.rank = 3;
  y_h.dims[0] = batch_first ? batch : lt_dim_known (n_dir);
  y_h.dims[1] = batch_first ? lt_dim_known (n_dir) : batch;
  y_h.dims[2] = hid;
  lt_shape_set_output (ctx, 0, xt->dtype, &y);
  lt_shape_set_output (ctx, 1, xt->dtype, &y_h);
  lt_shape_set_output (ctx, 2, xt->dtype, &y_h); /* LSTM's Y_c */
  return LT_OK;
}

lt_status
lt_shape_quantize (lt_shape_ctx *ctx)
{
  const lt_value_type *zero_point = lt_shape_input (ctx, 2);
  lt_dtype             dtype = zero_point ? zero_point->dtype : LT_DTYPE_U8;
  int64_t              output_dtype = lt_node_get_attr_int (ctx->node, "output_dtype", 0);

  if (output_dtype != 0)
    {
      if (!lt_dtype_is_valid ((int) output_dtype))
        return lt_shape_fail_attr (ctx, "output_dtype %lld is not a known element type", (long long) output_dtype);
      dtype = (lt_dtype) output_dtype;
    }
  return lt_shape_input_shape_with_dtype (ctx, dtype);
}

lt_status
lt_shape_dequantize (lt_shape_ctx *ctx)
{
  const lt_value_type *scale = lt_shape_input (ctx, 1);

  return lt_shape_input_shape_with_dtype (ctx, scale && scale->dtype != LT_DTYPE_UNDEFINED ? scale->dtype
                                                                                           : LT_DTYPE_F32);
}

/* Einsum's equation: "bij,bjk->bik", with "..." for broadcast dims; without
 * "->" the output is the ellipsis dims then the letters used once, sorted. */
lt_status
lt_shape_einsum (lt_shape_ctx *ctx)
{
  const char          *eq = lt_node_get_attr_string (ctx->node, "equation", NULL);
  const lt_value_type *first = lt_shape_input (ctx, 0);
  lt_dim               letter_dim[52];
  int                  letter_uses[52] = { 0 };
  lt_shape             ellipsis = { .rank = 0 }, out;
  const char          *p, *arrow;
  uint32_t             input = 0;
  lt_status            st;

  if (eq == NULL)
    return lt_shape_fail_attr (ctx, "attribute 'equation' is required");
  if (first == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, first->dtype, NULL);
  arrow = strstr (eq, "->");
  for (p = eq; *p && p != arrow; input++)
    {
      const lt_shape *s = lt_shape_input_shape (ctx, input);
      const char     *end = p;
      int32_t         n_letters = 0, d = 0;
      bool            has_ellipsis = false;

      if (s == NULL)
        return LT_ERR_UNSUPPORTED;
      while (*end && *end != ',' && end != arrow)
        end++;
      for (const char *c = p; c < end; c++)
        if (is_letter (*c))
          n_letters++;
        else if (*c == '.')
          has_ellipsis = true;
      if (n_letters > s->rank || (!has_ellipsis && n_letters != s->rank))
        return lt_shape_fail (ctx, "term %u of '%s' has %d letters for an input of rank %d", input, eq, n_letters,
                              s->rank);
      for (const char *c = p; c < end; c++)
        if (is_letter (*c))
          {
            int    l = *c >= 'a' ? *c - 'a' : 26 + *c - 'A';
            lt_dim dim = s->dims[d++];
            if (letter_uses[l]++ == 0)
              letter_dim[l] = dim;
            else if (lt_dim_conflict (letter_dim[l], dim) && dim.size != 1 && letter_dim[l].size != 1)
              return lt_shape_fail (ctx, "dim '%c' is %lld in one input and %lld in another", *c,
                                    (long long) letter_dim[l].size, (long long) dim.size);
            else
              letter_dim[l] = letter_dim[l].size == 1 ? dim : lt_dim_unify (letter_dim[l], dim);
          }
        else if (*c == '.' && c[1] == '.' && c[2] == '.')
          {
            lt_shape part = { .rank = s->rank - n_letters };
            memcpy (part.dims, &s->dims[d], (size_t) part.rank * sizeof part.dims[0]);
            d += part.rank;
            c += 2;
            if ((st = lt_shape_broadcast (ctx, &ellipsis, &part, &ellipsis)) != LT_OK)
              return st;
          }
      p = *end == ',' ? end + 1 : end;
    }
  if (input != ctx->node->n_inputs)
    return lt_shape_fail_attr (ctx, "equation '%s' has %u terms for %u inputs", eq, input, ctx->node->n_inputs);

  out = ellipsis;
  if (arrow)
    {
      out.rank = 0;
      for (const char *c = arrow + 2; *c; c++)
        {
          if (is_letter (*c))
            {
              int l = *c >= 'a' ? *c - 'a' : 26 + *c - 'A';
              if (letter_uses[l] == 0 || out.rank >= LT_MAX_RANK)
                return lt_shape_fail_attr (ctx, "output letter '%c' of '%s' is not in any input", *c, eq);
              out.dims[out.rank++] = letter_dim[l];
            }
          else if (*c == '.' && c[1] == '.' && c[2] == '.')
            {
              if (out.rank + ellipsis.rank > LT_MAX_RANK)
                return LT_ERR_UNSUPPORTED;
              memcpy (&out.dims[out.rank], ellipsis.dims, (size_t) ellipsis.rank * sizeof out.dims[0]);
              out.rank += ellipsis.rank;
              c += 2;
            }
        }
    }
  else
    for (int l = 0; l < 52; l++)
      {
        /* implicit output: upper case sorts before lower case, as in ASCII */
        int letter = l < 26 ? 26 + l : l - 26;
        if (letter_uses[letter] == 1 && out.rank < LT_MAX_RANK)
          out.dims[out.rank++] = letter_dim[letter];
      }
  lt_shape_set_output (ctx, 0, first->dtype, &out);
  return LT_OK;
}
