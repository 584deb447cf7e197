/* lt-inspector.c — the properties of the selected node or tensor
 *
 * Rebuilt from the scene on each selection: for a node its op, domain,
 * name, attributes, inputs and outputs with dtype and shape, and for each
 * initializer it reads, statistics and a small histogram; for a tensor its
 * producer, consumers, dtype and shape.  Large initializers are summarised
 * from an evenly strided sample.
 */
#include "config.h"

#include "lt-inspector.h"

#include <glib/gi18n.h>
#include <math.h>

#define HISTOGRAM_BINS  32
#define STATS_MAX_READS 1000000

struct _LtInspector
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *scroller;
  GtkLabel  *title;
  GtkLabel  *subtitle;
  GtkBox    *sections;

  /* Owned */
  lt_model  *model;
};

G_DEFINE_FINAL_TYPE (LtInspector, lt_inspector, GTK_TYPE_WIDGET)

typedef struct
{
  double   min, max, mean;
  uint64_t read;
  guint    bins[HISTOGRAM_BINS];
} TensorStats;

static void
compute_stats (const lt_tensor *t,
               TensorStats     *stats)
{
  uint64_t stride = MAX (1, t->count / STATS_MAX_READS);
  double   sum = 0;

  memset (stats, 0, sizeof *stats);
  stats->min = INFINITY;
  stats->max = -INFINITY;
  for (uint64_t i = 0; i < t->count; i += stride)
    {
      double v = lt_tensor_get_as_double (t, i);

      if (!isfinite (v))
        continue;
      stats->min = MIN (stats->min, v);
      stats->max = MAX (stats->max, v);
      sum += v;
      stats->read++;
    }
  stats->mean = stats->read ? sum / stats->read : 0;
  for (uint64_t i = 0; i < t->count && stats->max > stats->min; i += stride)
    {
      double v = lt_tensor_get_as_double (t, i);
      int    bin;

      if (!isfinite (v))
        continue;
      bin = (int) ((v - stats->min) / (stats->max - stats->min) * HISTOGRAM_BINS);
      stats->bins[CLAMP (bin, 0, HISTOGRAM_BINS - 1)]++;
    }
}

static void
draw_histogram (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  const TensorStats *stats = user_data;
  GdkRGBA            colour;
  guint              top = 1;

  (void) area;
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &colour);
  for (int i = 0; i < HISTOGRAM_BINS; i++)
    top = MAX (top, stats->bins[i]);
  cairo_set_source_rgba (cr, colour.red, colour.green, colour.blue, 0.6);
  for (int i = 0; i < HISTOGRAM_BINS; i++)
    {
      double h = (double) stats->bins[i] / top * (height - 2);

      cairo_rectangle (cr, i * (double) width / HISTOGRAM_BINS, height - h,
                       (double) width / HISTOGRAM_BINS - 1, h);
    }
  cairo_fill (cr);
}

static GtkWidget *
add_section (LtInspector *self,
             const char  *heading)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new (heading);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (self->sections, box);
  return box;
}

static void
add_row (GtkWidget  *section,
         const char *key,
         const char *value)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *k = gtk_label_new (key);
  GtkWidget *v = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (k), 0);
  gtk_widget_add_css_class (k, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (v), 1);
  gtk_label_set_wrap (GTK_LABEL (v), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (v), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (v), TRUE);
  gtk_widget_set_hexpand (v, TRUE);
  gtk_box_append (GTK_BOX (row), k);
  gtk_box_append (GTK_BOX (row), v);
  gtk_box_append (GTK_BOX (section), row);
}

/* A readable value for an attribute: lists in brackets, tensors by shape. */
static char *
format_attr (const lt_attr *attr)
{
  GString *s = g_string_new (NULL);
  char     shape[96];

  switch (attr->type)
    {
    case LT_ATTR_FLOAT:
      g_string_append_printf (s, "%g", attr->v.f);
      break;
    case LT_ATTR_INT:
      g_string_append_printf (s, "%" G_GINT64_FORMAT, attr->v.i);
      break;
    case LT_ATTR_STRING:
      g_string_append_len (s, attr->v.s.data, (gssize) attr->v.s.len);
      break;
    case LT_ATTR_FLOATS:
    case LT_ATTR_INTS:
    case LT_ATTR_STRINGS:
      g_string_append_c (s, '[');
      for (guint i = 0; i < attr->count; i++)
        {
          if (i > 0)
            g_string_append (s, ", ");
          if (i == 16)
            {
              g_string_append_printf (s, _("… %u more"), attr->count - i);
              break;
            }
          if (attr->type == LT_ATTR_FLOATS)
            g_string_append_printf (s, "%g", attr->v.floats[i]);
          else if (attr->type == LT_ATTR_INTS)
            g_string_append_printf (s, "%" G_GINT64_FORMAT, attr->v.ints[i]);
          else
            g_string_append (s, attr->v.strings[i].data);
        }
      g_string_append_c (s, ']');
      break;
    case LT_ATTR_TENSOR:
      {
        lt_shape sh;

        lt_shape_set (&sh, attr->v.t->rank, attr->v.t->dims);
        lt_shape_format (&sh, shape, sizeof shape);
        g_string_append_printf (s, _("tensor %s %s"), lt_dtype_name (attr->v.t->dtype), shape);
        break;
      }
    case LT_ATTR_GRAPH:
      g_string_append_printf (s, _("subgraph, %u nodes"), lt_graph_get_n_nodes (attr->v.g));
      break;
    default:
      g_string_append_printf (s, _("%u values"), attr->count);
      break;
    }
  return g_string_free (s, FALSE);
}

static void
add_initializer (const LtGraphScene *scene,
                 GtkWidget          *section,
                 int32_t             id)
{
  const lt_value  *value = lt_graph_get_value (lt_model_get_graph (scene->model), id);
  const lt_tensor *t = value->constant;
  TensorStats     *stats = g_new (TensorStats, 1);
  GtkWidget       *area;
  g_autofree char *type = lt_graph_scene_format_value_type (scene, id);
  g_autofree char *summary = NULL;
  compute_stats (t, stats);
  add_row (section, value->name, type);
  if (stats->read == 0)
    {
      g_free (stats);
      return;
    }
  summary = g_strdup_printf (_("min %.4g · max %.4g · mean %.4g"), stats->min, stats->max, stats->mean);
  add_row (section, "", summary);
  area = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 48);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_histogram, stats, g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Histogram of the values"), -1);
  gtk_box_append (GTK_BOX (section), area);
}

static void
clear_sections (LtInspector *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections))) != NULL)
    gtk_box_remove (self->sections, child);
}

static void
show_node (LtInspector        *self,
           const LtGraphScene *scene,
           int32_t             id)
{
  const lt_graph *graph = lt_model_get_graph (scene->model);
  const lt_node *node = lt_graph_get_node (graph, id);
  GtkWidget     *section;
  GtkWidget     *weights = NULL;
  char           buf[256];

  gtk_label_set_label (self->title, node->op_type);
  gtk_label_set_label (self->subtitle, lt_node_describe (graph, id, buf, sizeof buf));
  section = add_section (self, _("Operator"));
  add_row (section, _("Domain"), node->domain[0] ? node->domain : "ai.onnx");
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, node->opset);
  add_row (section, _("Opset"), buf);
  if (node->n_attrs > 0)
    {
      section = add_section (self, _("Attributes"));
      for (guint a = 0; a < node->n_attrs; a++)
        {
          g_autofree char *text = format_attr (&node->attrs[a]);

          add_row (section, node->attrs[a].name, text);
        }
    }
  section = add_section (self, _("Inputs"));
  for (guint i = 0; i < node->n_inputs; i++)
    {
      const lt_value  *value;
      g_autofree char *type = NULL;

      if (node->inputs[i] < 0)
        continue;
      value = lt_graph_get_value (graph, node->inputs[i]);
      if (value->constant != NULL)
        {
          if (weights == NULL)
            weights = add_section (self, _("Initializers"));
          add_initializer (scene, weights, node->inputs[i]);
          continue;
        }
      type = lt_graph_scene_format_value_type (scene, node->inputs[i]);
      add_row (section, value->name, type);
    }
  section = add_section (self, _("Outputs"));
  for (guint i = 0; i < node->n_outputs; i++)
    {
      g_autofree char *type = NULL;

      if (node->outputs[i] < 0)
        continue;
      type = lt_graph_scene_format_value_type (scene, node->outputs[i]);
      add_row (section, lt_graph_get_value (graph, node->outputs[i])->name, type);
    }
  if (weights != NULL)
    gtk_box_reorder_child_after (self->sections, weights, section);
}

static void
show_tensor (LtInspector        *self,
             const LtGraphScene *scene,
             int32_t             id)
{
  const lt_graph  *graph = lt_model_get_graph (scene->model);
  const lt_value  *value = lt_graph_get_value (graph, id);
  g_autofree char *type = lt_graph_scene_format_value_type (scene, id);
  GtkWidget       *section;
  char             buf[256];

  gtk_label_set_label (self->title, value->name);
  gtk_label_set_label (self->subtitle, value->kind == LT_VALUE_INPUT ? _("Graph input") : _("Tensor"));
  section = add_section (self, _("Tensor"));
  add_row (section, _("Type"), type);
  add_row (section, _("Produced by"),
           value->producer >= 0 ? lt_node_describe (graph, value->producer, buf, sizeof buf) : _("none (graph input)"));
  section = add_section (self, _("Consumers"));
  for (guint i = 0; i < value->n_consumers; i++)
    add_row (section, lt_node_describe (graph, value->consumers[i], buf, sizeof buf),
             lt_graph_get_node (graph, value->consumers[i])->op_type);
  if (value->is_output)
    add_row (section, _("Graph output"), "");
}

void
lt_inspector_show_item (LtInspector        *self,
                        const LtGraphScene *scene,
                        int                 item)
{
  g_return_if_fail (LT_IS_INSPECTOR (self));
  clear_sections (self);
  g_clear_pointer (&self->model, lt_model_unref);
  if (scene == NULL || item < 0 || (guint) item >= scene->n_items)
    {
      gtk_label_set_label (self->title, _("Nothing selected"));
      gtk_label_set_label (self->subtitle, _("Select a node in the graph to see its attributes, tensors and weights."));
      return;
    }
  self->model = lt_model_ref (scene->model);
  if (scene->items[item].kind == LT_SCENE_ITEM_NODE)
    show_node (self, scene, scene->items[item].id);
  else
    show_tensor (self, scene, scene->items[item].id);
}

const char *
lt_inspector_get_title (LtInspector *self)
{
  g_return_val_if_fail (LT_IS_INSPECTOR (self), NULL);
  return gtk_label_get_label (self->title);
}

static void
lt_inspector_dispose (GObject *object)
{
  LtInspector *self = LT_INSPECTOR (object);

  g_clear_pointer (&self->model, lt_model_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), LT_TYPE_INSPECTOR);
  G_OBJECT_CLASS (lt_inspector_parent_class)->dispose (object);
}

static void
lt_inspector_class_init (LtInspectorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lt_inspector_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lathestudio/Lathe/ui/lt-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, LtInspector, scroller);
  gtk_widget_class_bind_template_child (widget_class, LtInspector, title);
  gtk_widget_class_bind_template_child (widget_class, LtInspector, subtitle);
  gtk_widget_class_bind_template_child (widget_class, LtInspector, sections);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inspector");
}

static void
lt_inspector_init (LtInspector *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lt_inspector_new (void)
{
  return g_object_new (LT_TYPE_INSPECTOR, NULL);
}
