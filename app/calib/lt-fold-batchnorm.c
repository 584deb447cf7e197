/* lt-fold-batchnorm.c — BatchNormalization folded into the Conv before it
 * (lt-fold-batchnorm.h).  Products are formed in double and rounded once,
 * so the folded Conv agrees with Conv → BatchNormalization to float32
 * rounding.
 */
#include "lt-fold-batchnorm.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

static const char *const param_names[] = { NULL, "scale", "B", "input_mean", "input_var" };

static void
folded_free (LtFoldedBatchNorm *f)
{
  g_free (f->beta);
  g_free (f->gamma);
  g_free (f);
}

/* Copies float32 constant `v` (may be an unaligned view of the file). */
static float *
copy_constant (const lt_value *v)
{
  float *out = g_new (float, v->constant->count);

  memcpy (out, v->constant->data, v->constant->count * sizeof (float));
  return out;
}

/* The Conv that BatchNormalization `norm` can be folded into, or -1 with
 * the reason in *why (NULL when the node is simply not after a Conv). */
static int32_t
foldable_conv (const lt_graph *graph,
               const lt_node  *norm,
               char          **why)
{
  const lt_value *x = lt_graph_get_value (graph, norm->inputs[0]);
  const lt_node  *conv;
  const lt_value *w, *b;
  guint64         channels;

  *why = NULL;
  if (x->producer < 0 || lt_graph_get_node (graph, x->producer)->op != LT_OP_Conv || x->n_consumers != 1 || x->is_output)
    return -1;
  conv = lt_graph_get_node (graph, x->producer);
  if (conv->outputs[0] != norm->inputs[0])
    return -1;
  if ((*why = lt_weight_edits_explain_not_own (graph, x->producer)) != NULL)
    return -1;
  w = lt_graph_get_value (graph, conv->inputs[1]);
  channels = w->constant->rank > 0 ? (guint64) w->constant->dims[0] : 0;
  b = conv->n_inputs > 2 && conv->inputs[2] >= 0 ? lt_graph_get_value (graph, conv->inputs[2]) : NULL;
  if (channels == 0 || (b != NULL && b->constant->count != channels))
    {
      *why = g_strdup_printf (_ ("%s has no output channel or not one bias value per channel"),
                              lt_weight_edits_node_label (graph, x->producer));
      return -1;
    }
  if (lt_node_get_attr_int (norm, "training_mode", 0) != 0 || (norm->opset < 9 && lt_node_get_attr_int (norm, "spatial", 1) == 0))
    {
      *why = g_strdup (_ ("it is in training mode or not spatial"));
      return -1;
    }
  for (uint32_t k = 1; k < norm->n_outputs; k++)
    if (norm->outputs[k] >= 0)
      {
        *why = g_strdup (_ ("its running statistics outputs are in use"));
        return -1;
      }
  for (guint k = 1; k < G_N_ELEMENTS (param_names); k++)
    {
      const lt_value *p = k < norm->n_inputs && norm->inputs[k] >= 0 ? lt_graph_get_value (graph, norm->inputs[k]) : NULL;
      if (p == NULL || p->constant == NULL || p->constant->dtype != LT_DTYPE_F32)
        {
          *why = g_strdup_printf (_ ("its %s (%s) is not a float32 constant"), param_names[k], p != NULL ? p->name : "-");
          return -1;
        }
      if (p->constant->count != channels)
        {
          *why = g_strdup_printf (_ ("its %s (%s) has %llu values for %llu channels"), param_names[k], p->name,
                                  (unsigned long long) p->constant->count, (unsigned long long) channels);
          return -1;
        }
    }
  return x->producer;
}

static LtFoldedBatchNorm *
fold (const lt_graph *graph,
      int32_t         conv_id,
      int32_t         norm_id,
      LtWeightEdits  *edits)
{
  const lt_node     *conv = lt_graph_get_node (graph, conv_id), *norm = lt_graph_get_node (graph, norm_id);
  const lt_value    *w = lt_graph_get_value (graph, conv->inputs[1]);
  guint64            channels = (guint64) w->constant->dims[0], per_channel = w->constant->count / channels;
  double             epsilon = lt_node_get_attr_float (norm, "epsilon", 1e-5f);
  float             *weights = lt_weight_edits_get (edits, w);
  float             *bias = lt_weight_edits_find_bias (edits, conv_id);
  g_autofree float  *mean = copy_constant (lt_graph_get_value (graph, norm->inputs[3]));
  g_autofree float  *var = copy_constant (lt_graph_get_value (graph, norm->inputs[4]));
  LtFoldedBatchNorm *f = g_new0 (LtFoldedBatchNorm, 1);

  if (bias == NULL)
    bias = lt_weight_edits_add_bias (edits, conv_id, channels);
  f->conv_id = conv_id;
  f->norm_id = norm_id;
  f->n_channels = (guint) channels;
  f->gamma = copy_constant (lt_graph_get_value (graph, norm->inputs[1]));
  f->beta = copy_constant (lt_graph_get_value (graph, norm->inputs[2]));
  for (guint64 o = 0; o < channels; o++)
    {
      double k = f->gamma[o] / sqrt ((double) var[o] + epsilon);
      for (guint64 i = 0; i < per_channel; i++)
        weights[o * per_channel + i] = (float) (weights[o * per_channel + i] * k);
      bias[o] = (float) (((double) bias[o] - mean[o]) * k + f->beta[o]);
    }
  lt_weight_edits_bypass_node (edits, norm_id);
  return f;
}

GPtrArray *
lt_fold_batchnorms (const lt_graph *graph,
                    LtWeightEdits  *edits,
                    GPtrArray      *skipped)
{
  GPtrArray *folded = g_ptr_array_new_with_free_func ((GDestroyNotify) folded_free);

  for (int32_t id = 0; id < (int32_t) lt_graph_get_n_nodes (graph); id++)
    {
      const lt_node *node = lt_graph_get_node (graph, id);
      char          *why;
      int32_t        conv;

      if (node->op != LT_OP_BatchNormalization || node->n_inputs < 1 || node->inputs[0] < 0)
        continue;
      conv = foldable_conv (graph, node, &why);
      if (conv >= 0)
        g_ptr_array_add (folded, fold (graph, conv, id, edits));
      else if (why != NULL)
        {
          g_ptr_array_add (skipped, g_strdup_printf (_ ("%s: BatchNormalization not folded: %s"),
                                                     lt_weight_edits_node_label (graph, id), why));
          g_free (why);
        }
    }
  return folded;
}
