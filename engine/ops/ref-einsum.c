/* ref-einsum.c — reference Einsum for one or two operands.
 *
 * The equation is parsed once in prepare into labels: each letter is a
 * label, and an ellipsis stands for as many unnamed labels as the operand
 * with the most unnamed axes has (aligned on the right, size-1 axes
 * broadcast).  Without "->", the output is the ellipsis labels then the
 * letters used once, in ASCII order.  Every output element is then the sum,
 * over all values of the labels not in the output, of the product of the
 * operands' elements at those label values: this one loop covers
 * transposes, traces and diagonals (a label repeated in one operand),
 * sums, inner and outer products and batched matrix products.
 *
 * Equations with three or more operands are refused with
 * LT_ERR_UNSUPPORTED naming the equation.
 */
#include "ops/ref-helpers.h"

#include <stdlib.h>
#include <string.h>

#define N_LETTERS    52                        /* a-z, A-Z */
#define MAX_LABELS   (N_LETTERS + LT_MAX_RANK) /* letters, then ellipsis axes */
#define MAX_OPERANDS 2

typedef struct einsum_params
{
  uint32_t n_operands;
  int32_t  rank[MAX_OPERANDS];
  int32_t  label[MAX_OPERANDS][LT_MAX_RANK];  /* label of each operand axis */
  int64_t  stride[MAX_OPERANDS][LT_MAX_RANK]; /* element stride of each operand axis; 0 when broadcast */
  int64_t  size[MAX_LABELS];                  /* extent of each label (0: unused) */
  int32_t  n_out;
  int32_t  out_labels[LT_MAX_RANK];
  int32_t  n_sum;
  int32_t  sum_labels[MAX_LABELS];
} einsum_params;

static int
letter_label (char c)
{
  if (c >= 'a' && c <= 'z')
    return c - 'a';
  if (c >= 'A' && c <= 'Z')
    return 26 + (c - 'A');
  return -1;
}

/* Parses one term (an operand's or the output's subscripts) of `len`
 * characters into labels; `n_ellipsis` unnamed labels stand for "...".
 * Returns the number of labels, or -1 when the term is malformed. */
static int
parse_term (const char *term,
            size_t      len,
            int32_t     n_ellipsis,
            int32_t    *labels,
            int32_t    *n_letters)
{
  int  n = 0;
  bool seen_ellipsis = false;

  *n_letters = 0;
  for (size_t i = 0; i < len; i++)
    {
      if (term[i] == ' ')
        continue;
      if (term[i] == '.')
        {
          if (seen_ellipsis || i + 3 > len || strncmp (term + i, "...", 3) != 0)
            return -1;
          seen_ellipsis = true;
          for (int32_t e = 0; e < n_ellipsis; e++)
            {
              if (n >= LT_MAX_RANK)
                return -1;
              labels[n++] = N_LETTERS + e;
            }
          i += 2;
          continue;
        }
      if (letter_label (term[i]) < 0 || n >= LT_MAX_RANK)
        return -1;
      labels[n++] = letter_label (term[i]);
      (*n_letters)++;
    }
  return n;
}

static lt_status
bad_equation (const lt_kernel_call *call,
              const char           *equation,
              const char           *why)
{
  return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "equation '%s': %s", equation, why);
}

static lt_status
einsum_prepare (const lt_kernel_call *call,
                void                **state,
                size_t               *scratch_bytes)
{
  const char   *eq = lt_node_get_attr_string (call->node, "equation", NULL);
  const char   *arrow, *terms[MAX_OPERANDS];
  size_t        lens[MAX_OPERANDS];
  einsum_params p = { 0 };
  int32_t       n_ellipsis = 0, n_letters;
  int           uses[MAX_LABELS] = { 0 };
  bool          in_output[MAX_LABELS] = { false };
  const char   *cursor;

  *scratch_bytes = 0;
  if (eq == NULL)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'equation' is required");
  arrow = strstr (eq, "->");
  /* split the inputs part at commas */
  cursor = eq;
  for (;;)
    {
      const char *end = strchr (cursor, ',');
      if (end == NULL || (arrow && end > arrow))
        end = arrow ? arrow : eq + strlen (eq);
      if (p.n_operands == MAX_OPERANDS)
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "equation '%s': only one or two operands are supported", eq);
      terms[p.n_operands] = cursor;
      lens[p.n_operands++] = (size_t) (end - cursor);
      if (*end != ',')
        break;
      cursor = end + 1;
    }
  if (p.n_operands != call->n_inputs)
    return bad_equation (call, eq, "the number of operands differs from the number of inputs");
  for (uint32_t k = 0; k < p.n_operands; k++)
    {
      int32_t labels[LT_MAX_RANK];
      if (parse_term (terms[k], lens[k], 0, labels, &n_letters) < 0 || n_letters > call->inputs[k].rank)
        return bad_equation (call, eq, "malformed subscripts or more subscripts than axes");
      if (call->inputs[k].rank - n_letters > n_ellipsis)
        n_ellipsis = call->inputs[k].rank - n_letters;
    }
  for (uint32_t k = 0; k < p.n_operands; k++)
    {
      const lt_kernel_tensor *t = &call->inputs[k];
      int32_t                 all[LT_MAX_RANK * 2], n, unnamed;
      int64_t                 strides[LT_MAX_RANK];

      if (t->dtype != call->inputs[0].dtype)
        return bad_equation (call, eq, "operands have different types");
      n = parse_term (terms[k], lens[k], n_ellipsis, all, &n_letters);
      unnamed = t->rank - n_letters;
      if (unnamed > 0 && n == n_letters)
        return bad_equation (call, eq, "an operand has more axes than subscripts and no ellipsis");
      /* keep only the last `unnamed` ellipsis labels (right alignment) */
      p.rank[k] = 0;
      for (int32_t i = 0; i < n; i++)
        if (all[i] < N_LETTERS || all[i] >= N_LETTERS + n_ellipsis - unnamed)
          p.label[k][p.rank[k]++] = all[i];
      lt_ref_strides (t->rank, t->dims, strides);
      for (int32_t i = 0; i < t->rank; i++)
        {
          int32_t l = p.label[k][i];
          if (p.size[l] != 0 && p.size[l] != t->dims[i] && p.size[l] != 1 && t->dims[i] != 1)
            return lt_ref_fail (call, LT_ERR_SHAPE, "equation '%s': a subscript has extents %lld and %lld", eq,
                                (long long) p.size[l], (long long) t->dims[i]);
          if (p.size[l] == 0 || p.size[l] == 1)
            p.size[l] = t->dims[i];
          p.stride[k][i] = strides[i];
          uses[l]++;
        }
    }
  /* the output labels */
  if (arrow != NULL)
    {
      const char *out = arrow + 2;
      p.n_out = parse_term (out, strlen (out), n_ellipsis, p.out_labels, &n_letters);
      if (p.n_out < 0)
        return bad_equation (call, eq, "malformed output subscripts");
      for (int32_t i = 0; i < p.n_out; i++)
        {
          if (uses[p.out_labels[i]] == 0 || in_output[p.out_labels[i]])
            return bad_equation (call, eq, "an output subscript is repeated or not in any input");
          in_output[p.out_labels[i]] = true;
        }
    }
  else
    {
      for (int32_t l = N_LETTERS; l < N_LETTERS + n_ellipsis; l++)
        if (uses[l] > 0)
          p.out_labels[p.n_out++] = l, in_output[l] = true;
      for (int c = 0; c < 128; c++) /* ASCII order: upper case first */
        {
          int l = letter_label ((char) c);
          if (l >= 0 && uses[l] == 1 && p.n_out < LT_MAX_RANK)
            p.out_labels[p.n_out++] = l, in_output[l] = true;
        }
    }
  for (int32_t l = 0; l < MAX_LABELS; l++)
    if (uses[l] > 0 && !in_output[l])
      p.sum_labels[p.n_sum++] = l;
  /* broadcast operand axes read with stride 0 */
  for (uint32_t k = 0; k < p.n_operands; k++)
    for (int32_t i = 0; i < p.rank[k]; i++)
      if (call->inputs[k].dims[i] == 1 && p.size[p.label[k][i]] != 1)
        p.stride[k][i] = 0;
  if (call->outputs[0].rank != p.n_out || call->outputs[0].dtype != call->inputs[0].dtype)
    return lt_ref_fail (call, LT_ERR_SHAPE, "equation '%s': the output rank or type does not match", eq);
  for (int32_t i = 0; i < p.n_out; i++)
    if (call->outputs[0].dims[i] != p.size[p.out_labels[i]])
      return lt_ref_fail (call, LT_ERR_SHAPE, "equation '%s': output axis %d has the wrong extent", eq, i);
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

static lt_status
einsum_run (const lt_kernel_call *call)
{
  const einsum_params *p = call->state;
  lt_kernel_tensor    *y = &call->outputs[0];
  int64_t              out_dims[LT_MAX_RANK], sum_dims[MAX_LABELS];
  uint64_t             n_sum = 1;

  for (int32_t i = 0; i < p->n_out; i++)
    out_dims[i] = p->size[p->out_labels[i]];
  for (int32_t i = 0; i < p->n_sum; i++)
    {
      sum_dims[i] = p->size[p->sum_labels[i]];
      n_sum *= (uint64_t) sum_dims[i];
    }
  for (uint64_t o = 0; o < y->count; o++)
    {
      int64_t value[MAX_LABELS], coords[MAX_LABELS];
      double  acc = 0.0;

      lt_ref_unravel (o, p->n_out, out_dims, coords);
      for (int32_t i = 0; i < p->n_out; i++)
        value[p->out_labels[i]] = coords[i];
      for (uint64_t s = 0; s < n_sum; s++)
        {
          double prod = 1.0;

          lt_ref_unravel (s, p->n_sum, sum_dims, coords);
          for (int32_t i = 0; i < p->n_sum; i++)
            value[p->sum_labels[i]] = coords[i];
          for (uint32_t k = 0; k < p->n_operands; k++)
            {
              uint64_t at = 0;
              for (int32_t i = 0; i < p->rank[k]; i++)
                at += (uint64_t) (value[p->label[k][i]] * p->stride[k][i]);
              prod *= lt_ref_get_f64 (call->inputs[k].dtype, call->inputs[k].data, at);
            }
          acc += prod;
        }
      lt_ref_set_f64 (y->dtype, y->data, o, acc);
    }
  return LT_OK;
}

static bool
einsum_supports (const lt_kernel_call *call)
{
  lt_dtype t = call->n_inputs > 0 ? call->inputs[0].dtype : LT_DTYPE_UNDEFINED;

  return lt_dtype_is_float (t) || t == LT_DTYPE_I32 || t == LT_DTYPE_I64;
}

const lt_kernel lt_ref_einsum_kernel = {
  .name = "lt_ref_einsum",
  .supports = einsum_supports,
  .prepare = einsum_prepare,
  .run = einsum_run,
  .release = free,
};
