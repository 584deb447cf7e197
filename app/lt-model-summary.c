/* lt-model-summary.c — computes an LtModelSummary.
 *
 * MACs per node (one multiply-accumulate per weight use):
 *   Conv           output elements × (input channels / group) × kernel area
 *   ConvTranspose  input elements × (output channels / group) × kernel area
 *   Gemm, MatMul   output elements × inner dim K
 * The per-group channels and the kernel area are read from the weights'
 * shape, which already has them: [M, C/group, k…] for Conv and
 * [C, M/group, k…] for ConvTranspose.
 */
#include "lt-model-summary.h"

#include <glib/gi18n.h>
#include <string.h>

static void
summary_macs_clear (gpointer data)
{
  LtSummaryMacs *m = data;
  g_free (m->node);
}

void
lt_model_summary_free (LtModelSummary *summary)
{
  if (summary == NULL)
    return;
  g_array_unref (summary->inputs);
  g_array_unref (summary->outputs);
  g_array_unref (summary->ops);
  g_array_unref (summary->macs);
  lt_model_unref (summary->model);
  g_free (summary);
}

/* Product of dims [from, rank); FALSE when one is not known or it overflows. */
static gboolean
dims_product (const lt_shape *shape,
              int32_t         from,
              guint64        *out)
{
  guint64 p = 1;

  if (shape->rank < 0)
    return FALSE;
  for (int32_t d = from; d < shape->rank; d++)
    if (shape->dims[d].size < 0 || !g_uint64_checked_mul (&p, p, (guint64) shape->dims[d].size))
      return FALSE;
  *out = p;
  return TRUE;
}

static const lt_shape *
input_shape (lt_shape_inference *si,
             const lt_node      *node,
             uint32_t            i)
{
  const lt_value_type *t;

  if (i >= node->n_inputs || node->inputs[i] < 0)
    return NULL;
  t = lt_shape_inference_get (si, node->inputs[i]);
  return t->shape.rank >= 0 ? &t->shape : NULL;
}

/* The MACs of a node, or FALSE when not known. */
static gboolean
node_macs (lt_shape_inference *si,
           const lt_node      *node,
           guint64            *macs)
{
  const lt_shape *x = input_shape (si, node, 0);
  const lt_shape *w = input_shape (si, node, 1);
  const lt_shape *y = node->n_outputs && node->outputs[0] >= 0
                          ? &lt_shape_inference_get (si, node->outputs[0])->shape
                          : NULL;
  guint64         elems, per_elem;

  if (x == NULL || w == NULL || y == NULL)
    return FALSE;
  switch (node->op)
    {
    case LT_OP_Conv:
      if (!dims_product (y, 0, &elems) || !dims_product (w, 1, &per_elem))
        return FALSE;
      break;
    case LT_OP_ConvTranspose:
      if (!dims_product (x, 0, &elems) || !dims_product (w, 1, &per_elem))
        return FALSE;
      break;
    case LT_OP_Gemm:
      if (x->rank != 2 || !dims_product (y, 0, &elems))
        return FALSE;
      {
        int64_t k = x->dims[lt_node_get_attr_int (node, "transA", 0) ? 0 : 1].size;
        if (k < 0)
          return FALSE;
        per_elem = (guint64) k;
      }
      break;
    case LT_OP_MatMul:
      if (x->rank < 1 || x->dims[x->rank - 1].size < 0 || !dims_product (y, 0, &elems))
        return FALSE;
      per_elem = (guint64) x->dims[x->rank - 1].size;
      break;
    default:
      return FALSE;
    }
  return g_uint64_checked_mul (macs, elems, per_elem);
}

static gboolean
counts_macs (int32_t op)
{
  return op == LT_OP_Conv || op == LT_OP_ConvTranspose || op == LT_OP_Gemm || op == LT_OP_MatMul;
}

static gint
compare_ops (gconstpointer a,
             gconstpointer b)
{
  const LtSummaryOp *x = a, *y = b;
  int                c;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  if ((c = strcmp (x->op_type, y->op_type)) != 0)
    return c;
  return strcmp (x->domain, y->domain);
}

static void
count_op (GArray        *ops,
          const lt_node *node)
{
  for (guint i = 0; i < ops->len; i++)
    {
      LtSummaryOp *o = &g_array_index (ops, LtSummaryOp, i);
      if (strcmp (o->op_type, node->op_type) == 0 && strcmp (o->domain, node->domain) == 0)
        {
          o->count++;
          return;
        }
    }
  g_array_append_val (ops, ((LtSummaryOp){ node->op_type, node->domain, 1, node->op != LT_OP_UNKNOWN }));
}

static void
count_parameters (LtModelSummary *s,
                  const lt_graph *graph)
{
  for (uint32_t id = 0; id < lt_graph_get_n_values (graph); id++)
    {
      const lt_tensor *t = lt_graph_get_value (graph, (int32_t) id)->constant;
      size_t           bytes = 0;

      if (t == NULL)
        continue;
      s->n_parameters += t->count;
      if (t->dtype == LT_DTYPE_STRING)
        for (uint64_t k = 0; k < t->count; k++)
          bytes += ((const lt_bytes *) t->data)[k].len;
      else
        lt_dtype_storage_size (t->dtype, t->count, &bytes);
      s->parameter_bytes += bytes;
    }
}

static void
add_tensor (GArray              *array,
            const lt_value      *v,
            const lt_value_type *t)
{
  LtSummaryTensor entry = { v->name, t->dtype, t->shape, t->kind };
  g_array_append_val (array, entry);
}

lt_status
lt_model_summary_new (lt_model        *model,
                      LtModelSummary **out,
                      lt_error        *err)
{
  g_autoptr (LtModelSummary) s = g_new0 (LtModelSummary, 1);
  const lt_graph     *graph = lt_model_get_graph (model);
  lt_shape_inference *si;
  const int32_t      *ids, *order;
  uint32_t            n;
  lt_status           st;

  s->model = lt_model_ref (model);
  s->inputs = g_array_new (FALSE, FALSE, sizeof (LtSummaryTensor));
  s->outputs = g_array_new (FALSE, FALSE, sizeof (LtSummaryTensor));
  s->ops = g_array_new (FALSE, FALSE, sizeof (LtSummaryOp));
  s->macs = g_array_new (FALSE, FALSE, sizeof (LtSummaryMacs));
  g_array_set_clear_func (s->macs, summary_macs_clear);

  si = lt_shape_inference_new (graph);
  if (si == NULL)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "%s", _ ("out of memory"));
  if ((st = lt_shape_inference_run (si, NULL, FALSE, err)) != LT_OK)
    {
      lt_shape_inference_free (si);
      lt_error_set_file (err, lt_model_get_path (model));
      return st;
    }

  ids = lt_graph_get_inputs (graph, &n);
  for (uint32_t k = 0; k < n; k++)
    if (lt_graph_get_value (graph, ids[k])->constant == NULL)
      add_tensor (s->inputs, lt_graph_get_value (graph, ids[k]), lt_shape_inference_get (si, ids[k]));
  ids = lt_graph_get_outputs (graph, &n);
  for (uint32_t k = 0; k < n; k++)
    add_tensor (s->outputs, lt_graph_get_value (graph, ids[k]), lt_shape_inference_get (si, ids[k]));

  s->n_nodes = lt_graph_get_n_nodes (graph);
  order = lt_graph_get_order (graph);
  for (guint k = 0; k < s->n_nodes; k++)
    {
      const lt_node *node = lt_graph_get_node (graph, order[k]);
      LtSummaryMacs  m = { NULL, node->op_type, 0, FALSE };
      char           label[LT_ERROR_NAME_MAX];

      count_op (s->ops, node);
      if (!counts_macs (node->op))
        continue;
      m.known = node_macs (si, node, &m.macs);
      m.node = g_strdup (lt_node_describe (graph, order[k], label, sizeof label));
      if (m.known)
        s->macs_known += m.macs;
      else
        s->n_macs_unknown++;
      g_array_append_val (s->macs, m);
    }
  g_array_sort (s->ops, compare_ops);
  count_parameters (s, graph);
  lt_shape_inference_free (si);
  *out = g_steal_pointer (&s);
  return LT_OK;
}
