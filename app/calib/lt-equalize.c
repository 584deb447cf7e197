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

#include "lt-fold-batchnorm.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

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
  float          *weights;   /* edited copy, taken once the layer is in a pair */
  float          *bias;      /* edited copy (an added one too), or NULL */
  double         *out_scale; /* per output channel, the product of 1/s_i applied to it */
  gsize           n_out;
  gsize           n_in;
  /* Conv */
  gsize in_per_group, out_per_group, kernel;
  /* Gemm */
  gsize    rows, cols; /* of the weight array */
  gboolean trans_b;
} layer;

/* What joins the first layer of a pair to the second. */
typedef enum
{
  JOIN_DIRECT,
  JOIN_RELU, /* Relu, or Clip with lower bound 0 and none above */
  JOIN_LEAKY_RELU,
  JOIN_BOUNDED_CLIP, /* Clip (0, max), ReLU6 */
} join_kind;

typedef struct
{
  layer    *first;
  layer    *second;
  join_kind join;
  int32_t   activation; /* the node between them, or -1 */
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

/* Fills `l` for node `id` when it is a Conv or Gemm whose weights and bias
 * can be edited. */
static gboolean
layer_init (layer          *l,
            const lt_graph *graph,
            int32_t         id)
{
  const lt_node   *node = lt_graph_get_node (graph, id);
  const lt_value  *w = lt_weight_edits_own_constant (graph, node, 1);
  const lt_value  *b = lt_weight_edits_own_constant (graph, node, 2);
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
  return TRUE;
}

static void
layer_free (layer *l)
{
  g_free (l->out_scale);
  g_free (l);
}

static void
layer_take_values (layer         *l,
                   LtWeightEdits *edits)
{
  if (l->weights != NULL)
    return;
  l->weights = lt_weight_edits_get (edits, l->weight_value);
  l->bias = lt_weight_edits_find_bias (edits, l->node_id);
  l->out_scale = g_new (double, l->n_out);
  for (gsize i = 0; i < l->n_out; i++)
    l->out_scale[i] = 1;
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

/* The float32 scalar that value `id` always holds: an initializer, or the
 * output of a Constant node (as exporters often give Clip its bounds). */
static gboolean
constant_scalar (const lt_graph *graph,
                 int32_t         id,
                 float          *out)
{
  const lt_value  *v = lt_graph_get_value (graph, id);
  const lt_tensor *t = v->kind == LT_VALUE_CONSTANT ? v->constant : NULL;

  if (t == NULL && v->producer >= 0)
    {
      const lt_node *producer = lt_graph_get_node (graph, v->producer);
      const lt_attr *value = producer->op == LT_OP_Constant ? lt_node_get_attr (producer, "value") : NULL;
      t = value != NULL && value->type == LT_ATTR_TENSOR ? value->v.t : NULL;
    }
  if (t == NULL || t->dtype != LT_DTYPE_F32 || t->count != 1 || t->data == NULL)
    return FALSE;
  memcpy (out, t->data, sizeof (float));
  return TRUE;
}

/* The bounds of Clip node `node` (attributes before opset 11, constant
 * scalar inputs from then on; an omitted bound is unbounded); FALSE when
 * they are computed. */
static gboolean
clip_bounds (const lt_graph *graph,
             const lt_node  *node,
             float          *min,
             float          *max)
{
  *min = -INFINITY;
  *max = INFINITY;
  if (node->opset < 11)
    {
      *min = lt_node_get_attr_float (node, "min", -INFINITY);
      *max = lt_node_get_attr_float (node, "max", INFINITY);
      return TRUE;
    }
  return (node->n_inputs < 2 || node->inputs[1] < 0 || constant_scalar (graph, node->inputs[1], min)) && (node->n_inputs < 3 || node->inputs[2] < 0 || constant_scalar (graph, node->inputs[2], max));
}

/* How activation node `node` joins two layers; FALSE when it cannot. */
static gboolean
activation_join (const lt_graph *graph,
                 const lt_node  *node,
                 join_kind      *join)
{
  float min, max;

  if (node->n_outputs != 1)
    return FALSE;
  if (node->op == LT_OP_Relu || node->op == LT_OP_LeakyRelu)
    {
      *join = node->op == LT_OP_Relu ? JOIN_RELU : JOIN_LEAKY_RELU;
      return TRUE;
    }
  if (node->op != LT_OP_Clip || !clip_bounds (graph, node, &min, &max) || min != 0)
    return FALSE;
  *join = isinf (max) ? JOIN_RELU : JOIN_BOUNDED_CLIP;
  return TRUE;
}

/* The layer node reached from layer `id`'s output, through a folded
 * BatchNormalization and one activation (activation_join), each optional;
 * -1 when there is none.  `p` gets the join. */
static int32_t
next_layer (const lt_graph      *graph,
            const LtWeightEdits *edits,
            int32_t              id,
            pair                *p)
{
  int32_t        reaching = lt_graph_get_node (graph, id)->outputs[0]; /* the value the next layer must read */
  int32_t        next = sole_consumer (graph, reaching);
  const lt_node *n;

  p->join = JOIN_DIRECT;
  p->activation = -1;
  if (next >= 0 && lt_weight_edits_is_bypassed (edits, next))
    {
      reaching = lt_graph_get_node (graph, next)->outputs[0];
      next = sole_consumer (graph, reaching);
    }
  if (next < 0)
    return -1;
  n = lt_graph_get_node (graph, next);
  if (activation_join (graph, n, &p->join))
    {
      p->activation = next;
      reaching = n->outputs[0];
      if ((next = sole_consumer (graph, reaching)) < 0)
        return -1;
      n = lt_graph_get_node (graph, next);
    }
  /* The layer must read the value as its data input. */
  return (n->op == LT_OP_Conv || n->op == LT_OP_Gemm) && n->n_inputs > 0 && n->inputs[0] == reaching ? next : -1;
}

/* Names a pair left out because a layer's weights or bias cannot be
 * edited (shared, computed); other refusals (Gemm with transA, a
 * broadcast bias) go unnamed, as for layers in no pair at all. */
static void
note_refused_pair (const lt_graph *graph,
                   int32_t         first,
                   int32_t         second,
                   GPtrArray      *skipped)
{
  char *why = lt_weight_edits_explain_not_own (graph, first);

  if (why == NULL)
    why = lt_weight_edits_explain_not_own (graph, second);
  if (why == NULL)
    return;
  g_ptr_array_add (skipped, g_strdup_printf (_ ("%s and %s not equalized: %s"), lt_weight_edits_node_label (graph, first),
                                             lt_weight_edits_node_label (graph, second), why));
  g_free (why);
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
      p->first->out_scale[i] /= s;
      if (p->first->bias != NULL)
        p->first->bias[i] = (float) (p->first->bias[i] / s);
      span_scale (p->second->weights, in, s);
      change = MAX (change, fabs (s - 1));
    }
  return change;
}

/* Moves each channel's high bias c_i of a pair's first layer (folded
 * from `norm`) into the second layer's bias: b1_i −= c_i and, for every
 * output o of the second layer reading channel i, b2_o += c_i · Σ_k
 * W2[o, i, k].  Returns the number of channels moved. */
static guint
absorb_high_bias (const pair              *p,
                  const LtFoldedBatchNorm *norm,
                  LtWeightEdits           *edits)
{
  const layer *second = p->second;
  float       *b1 = lt_weight_edits_find_bias (edits, p->first->node_id);
  float       *b2 = lt_weight_edits_find_bias (edits, second->node_id);
  guint        n = 0;

  if (b2 == NULL)
    b2 = lt_weight_edits_add_bias (edits, second->node_id, second->n_out);
  for (gsize i = 0; i < p->first->n_out; i++)
    {
      double c = p->first->out_scale[i] * ((double) norm->beta[i] - 3 * fabs ((double) norm->gamma[i]));
      span   in = in_channel (second, i);
      gsize  first_out = i / second->in_per_group * second->out_per_group;

      if (!(c > 0))
        continue;
      b1[i] = (float) (b1[i] - c);
      for (gsize b = 0; b < in.n_blocks; b++)
        {
          double sum = 0;
          for (gsize k = 0; k < in.len; k++)
            sum += second->weights[in.start + b * in.block_stride + k];
          b2[first_out + b] = (float) (b2[first_out + b] + c * sum);
        }
      n++;
    }
  return n;
}

static const LtFoldedBatchNorm *
find_folded (GPtrArray *folded,
             int32_t    conv_id)
{
  for (guint i = 0; i < folded->len; i++)
    {
      const LtFoldedBatchNorm *f = g_ptr_array_index (folded, i);
      if (f->conv_id == conv_id)
        return f;
    }
  return NULL;
}

void
lt_equalize_report_clear (LtEqualizeReport *report)
{
  g_clear_pointer (&report->skipped, g_ptr_array_unref);
  *report = (LtEqualizeReport){ 0 };
}

void
lt_equalize (const lt_graph          *graph,
             const LtEqualizeOptions *options,
             LtWeightEdits           *edits,
             LtEqualizeReport        *report)
{
  static const LtEqualizeOptions defaults = { 0 };
  guint                          n_nodes = lt_graph_get_n_nodes (graph);
  g_autofree layer             **layers = g_new0 (layer *, n_nodes);
  g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (pair));
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func ((GDestroyNotify) layer_free);
  g_autoptr (GPtrArray) folded = NULL;

  if (options == NULL)
    options = &defaults;
  *report = (LtEqualizeReport){ .skipped = g_ptr_array_new_with_free_func (g_free) };
  folded = lt_fold_batchnorms (graph, edits, report->skipped);
  report->n_folded = folded->len;
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
      int32_t op = lt_graph_get_node (graph, id)->op;
      pair    p;
      int32_t next;
      if ((op != LT_OP_Conv && op != LT_OP_Gemm) || (next = next_layer (graph, edits, id, &p)) < 0)
        continue;
      if (layers[id] == NULL || layers[next] == NULL)
        {
          note_refused_pair (graph, id, next, report->skipped);
          continue;
        }
      if (layers[id]->is_conv != layers[next]->is_conv || layers[id]->n_out != layers[next]->n_in)
        continue;
      if (p.join == JOIN_BOUNDED_CLIP && !options->clip_to_relu)
        {
          report->n_clip_pairs++;
          continue;
        }
      layer_take_values (layers[id], edits);
      layer_take_values (layers[next], edits);
      p.first = layers[id];
      p.second = layers[next];
      g_array_append_val (pairs, p);
    }
  report->n_pairs = pairs->len;
  while (pairs->len > 0 && report->n_rounds < MAX_ROUNDS)
    {
      double change = 0;
      report->n_rounds++;
      for (guint k = 0; k < pairs->len; k++)
        {
          double pair_change = equalize_pair (&g_array_index (pairs, pair, k)); /* not inside MAX: it evaluates twice */
          change = MAX (change, pair_change);
        }
      if (change < SETTLED_CHANGE)
        break;
    }
  for (guint k = 0; k < pairs->len; k++)
    {
      const pair              *p = &g_array_index (pairs, pair, k);
      const LtFoldedBatchNorm *norm = find_folded (folded, p->first->node_id);
      if (p->join == JOIN_BOUNDED_CLIP)
        {
          lt_weight_edits_clip_to_relu (edits, p->activation);
          report->n_clips_replaced++;
        }
      if (options->absorb_high_bias && norm != NULL && p->first->is_conv && (p->join == JOIN_RELU || p->join == JOIN_BOUNDED_CLIP))
        report->n_absorbed += absorb_high_bias (p, norm, edits);
    }
}
