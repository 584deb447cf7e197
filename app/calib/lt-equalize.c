/* lt-equalize.c — cross-layer equalization (lt-equalize.h).
 *
 * A layer's channels are addressed as strided spans of its weight array:
 * `n_blocks` runs of `len` consecutive elements, `block_stride` apart.
 * Conv weights are [O, I/group, k...]: output channel o is one run; input
 * channel c (group g = c / (I/group)) is one run of the spatial size in each
 * of that group's output channels.  Gemm weights are [K, N] ([N, K] with
 * transB): output and input channels are a row or a column.
 */
#include "lt-equalize.h"

#include <glib/gi18n.h>
#include <math.h>

#define MAX_ROUNDS     32
#define SETTLED_CHANGE 1e-6 /* a round whose scales all lie this close to 1 ends the rounds */

typedef struct
{
  gsize start;
  gsize n_blocks;
  gsize block_stride;
  gsize len;
} span;

typedef struct
{
  int32_t         node_id;
  gboolean        is_conv;
  const lt_value *weight_value;
  const lt_value *bias_value; /* or NULL */
  float          *weights;    /* edited copy, taken once the layer is in a pair */
  float          *bias;       /* edited copy, or NULL */
  gsize           n_out;
  gsize           n_in;
  /* Conv */
  gsize in_per_group, out_per_group, kernel;
  /* Gemm */
  gsize    rows, cols; /* of the weight array */
  gboolean trans_b;
} layer;

typedef struct
{
  layer *first;
  layer *second;
} pair;

static span
out_channel (const layer *l,
             gsize        o)
{
  if (l->is_conv)
    return (span){ o * l->in_per_group * l->kernel, 1, 0, l->in_per_group * l->kernel };
  if (l->trans_b) /* [N, K]: row o */
    return (span){ o * l->cols, 1, 0, l->cols };
  return (span){ o, l->rows, l->cols, 1 }; /* [K, N]: column o */
}

static span
in_channel (const layer *l,
            gsize        c)
{
  if (l->is_conv)
    {
      gsize group = c / l->in_per_group;
      return (span){ (group * l->out_per_group * l->in_per_group + c % l->in_per_group) * l->kernel,
                     l->out_per_group, l->in_per_group * l->kernel, l->kernel };
    }
  if (l->trans_b) /* [N, K]: column c */
    return (span){ c, l->rows, l->cols, 1 };
  return (span){ c * l->cols, 1, 0, l->cols }; /* [K, N]: row c */
}

static double
span_range (const float *w,
            span         s)
{
  double r = 0;

  for (gsize b = 0; b < s.n_blocks; b++)
    for (gsize k = 0; k < s.len; k++)
      r = MAX (r, fabs (w[s.start + b * s.block_stride + k]));
  return r;
}

static void
span_scale (float *w,
            span   s,
            double f)
{
  for (gsize b = 0; b < s.n_blocks; b++)
    for (gsize k = 0; k < s.len; k++)
      w[s.start + b * s.block_stride + k] = (float) (w[s.start + b * s.block_stride + k] * f);
}

/* A constant float32 initializer read by this node alone. */
static const lt_value *
own_constant (const lt_graph *graph,
              const lt_node  *node,
              guint           input)
{
  const lt_value *v;

  if (node->n_inputs <= input || node->inputs[input] < 0)
    return NULL;
  v = lt_graph_get_value (graph, node->inputs[input]);
  return lt_weight_edits_can_edit (v) && v->n_consumers == 1 ? v : NULL;
}

/* Fills `l` for node `id` when it is a Conv or Gemm whose weights and bias
 * can be edited. */
static gboolean
layer_init (layer          *l,
            const lt_graph *graph,
            int32_t         id)
{
  const lt_node   *node = lt_graph_get_node (graph, id);
  const lt_value  *w = own_constant (graph, node, 1);
  const lt_value  *b = own_constant (graph, node, 2);
  gboolean         has_bias = node->n_inputs > 2 && node->inputs[2] >= 0;
  const lt_tensor *t;

  if ((node->op != LT_OP_Conv && node->op != LT_OP_Gemm) || w == NULL || (has_bias && b == NULL))
    return FALSE;
  t = w->constant;
  *l = (layer){ .node_id = id, .is_conv = node->op == LT_OP_Conv };
  if (l->is_conv)
    {
      int64_t group = lt_node_get_attr_int (node, "group", 1);
      if (t->rank < 3 || group < 1 || t->dims[0] % group != 0 || t->dims[0] == 0)
        return FALSE;
      l->n_out = (gsize) t->dims[0];
      l->in_per_group = (gsize) t->dims[1];
      l->n_in = l->in_per_group * (gsize) group;
      l->out_per_group = l->n_out / (gsize) group;
      l->kernel = (gsize) (t->count / (t->dims[0] * t->dims[1]));
    }
  else
    {
      if (t->rank != 2 || lt_node_get_attr_int (node, "transA", 0) != 0)
        return FALSE;
      l->trans_b = lt_node_get_attr_int (node, "transB", 0) != 0;
      l->rows = (gsize) t->dims[0];
      l->cols = (gsize) t->dims[1];
      l->n_out = l->trans_b ? l->rows : l->cols;
      l->n_in = l->trans_b ? l->cols : l->rows;
    }
  if (has_bias && b->constant->count != l->n_out)
    return FALSE; /* a broadcast bias cannot be scaled per channel */
  l->weight_value = w;
  l->bias_value = b;
  return TRUE;
}

static void
layer_take_values (layer         *l,
                   LtWeightEdits *edits)
{
  if (l->weights != NULL)
    return;
  l->weights = lt_weight_edits_get (edits, l->weight_value);
  l->bias = l->bias_value != NULL ? lt_weight_edits_get (edits, l->bias_value) : NULL;
}

/* The node reading `value_id`, when it is the only reader and the value is
 * not a graph output; -1 otherwise. */
static int32_t
sole_consumer (const lt_graph *graph,
               int32_t         value_id)
{
  const lt_value *v = lt_graph_get_value (graph, value_id);

  return v->n_consumers == 1 && !v->is_output ? v->consumers[0] : -1;
}

static const char *
node_label (const lt_graph *graph,
            int32_t         id)
{
  const lt_node *node = lt_graph_get_node (graph, id);

  return node->name[0] != '\0' ? node->name : lt_graph_get_value (graph, node->outputs[0])->name;
}

/* The layer node reached from layer `id`'s output, through at most one
 * Relu/LeakyRelu; -1 when there is none.  A BatchNormalization on the way
 * is named in `skipped`. */
static int32_t
next_layer (const lt_graph *graph,
            int32_t         id,
            GPtrArray      *skipped)
{
  const lt_node *node = lt_graph_get_node (graph, id);
  int32_t        reaching = node->outputs[0]; /* the value the next layer must read */
  int32_t        next = sole_consumer (graph, reaching);
  const lt_node *n;

  if (next < 0)
    return -1;
  n = lt_graph_get_node (graph, next);
  if (n->op == LT_OP_Relu || n->op == LT_OP_LeakyRelu)
    {
      reaching = n->outputs[0];
      next = n->n_outputs == 1 ? sole_consumer (graph, reaching) : -1;
      if (next < 0)
        return -1;
      n = lt_graph_get_node (graph, next);
    }
  if (n->op == LT_OP_BatchNormalization)
    {
      g_ptr_array_add (skipped, g_strdup_printf (_ ("%s: a BatchNormalization follows it; fold it into the layer first"),
                                                 node_label (graph, id)));
      return -1;
    }
  /* The layer must read the value as its data input. */
  return (n->op == LT_OP_Conv || n->op == LT_OP_Gemm) && n->n_inputs > 0 && n->inputs[0] == reaching ? next : -1;
}

/* One equalization step of a pair; returns the largest |s_i - 1|. */
static double
equalize_pair (const pair *p)
{
  double change = 0;

  for (gsize i = 0; i < p->first->n_out; i++)
    {
      span   out = out_channel (p->first, i), in = in_channel (p->second, i);
      double r1 = span_range (p->first->weights, out), r2 = span_range (p->second->weights, in);
      double s;

      if (r1 == 0 || r2 == 0 || !isfinite (r1) || !isfinite (r2))
        continue;
      s = sqrt (r1 / r2);
      span_scale (p->first->weights, out, 1 / s);
      if (p->first->bias != NULL)
        p->first->bias[i] = (float) (p->first->bias[i] / s);
      span_scale (p->second->weights, in, s);
      change = MAX (change, fabs (s - 1));
    }
  return change;
}

void
lt_equalize_report_clear (LtEqualizeReport *report)
{
  g_clear_pointer (&report->skipped, g_ptr_array_unref);
  report->n_pairs = report->n_rounds = 0;
}

void
lt_equalize (const lt_graph   *graph,
             LtWeightEdits    *edits,
             LtEqualizeReport *report)
{
  guint              n_nodes = lt_graph_get_n_nodes (graph);
  g_autofree layer **layers = g_new0 (layer *, n_nodes);
  g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (pair));
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);

  report->skipped = g_ptr_array_new_with_free_func (g_free);
  report->n_pairs = report->n_rounds = 0;
  for (int32_t id = 0; id < (int32_t) n_nodes; id++)
    {
      layer candidate;
      if (layer_init (&candidate, graph, id))
        {
          layers[id] = g_memdup2 (&candidate, sizeof candidate);
          g_ptr_array_add (owned, layers[id]);
        }
    }
  for (int32_t id = 0; id < (int32_t) n_nodes; id++)
    {
      int32_t next;
      if (layers[id] == NULL || (next = next_layer (graph, id, report->skipped)) < 0 || layers[next] == NULL)
        continue;
      if (layers[id]->is_conv != layers[next]->is_conv || layers[id]->n_out != layers[next]->n_in)
        continue;
      layer_take_values (layers[id], edits);
      layer_take_values (layers[next], edits);
      g_array_append_val (pairs, ((pair){ layers[id], layers[next] }));
    }
  report->n_pairs = pairs->len;
  while (pairs->len > 0 && report->n_rounds < MAX_ROUNDS)
    {
      double change = 0;
      report->n_rounds++;
      for (guint k = 0; k < pairs->len; k++)
        change = MAX (change, equalize_pair (&g_array_index (pairs, pair, k)));
      if (change < SETTLED_CHANGE)
        break;
    }
}
