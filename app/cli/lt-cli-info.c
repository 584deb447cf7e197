/* lt-cli-info.c — `lathe-cli info MODEL [--json]`: what a model is made of.
 *
 * Prints the summary of lt-model-summary.h as an aligned table, or as the
 * "lathe-info" JSON document described in docs/cli.md (version 1: fields
 * are only ever added, never renamed or removed).
 */
#include "lt-cli-common.h"
#include "lt-cli-model-input.h"
#include "lt-model-summary.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define LT_INFO_FORMAT_VERSION 1

/* ---- JSON -------------------------------------------------------------- */

/* [1, 3, "N", null]: known dims as numbers, symbolic ones by name, unknown
 * ones as null; null for an unknown rank. */
static cJSON *
shape_to_json (const lt_shape *shape)
{
  cJSON *dims;

  if (shape->rank < 0)
    return cJSON_CreateNull ();
  dims = cJSON_CreateArray ();
  for (int32_t d = 0; d < shape->rank; d++)
    {
      const lt_dim *dim = &shape->dims[d];
      if (dim->size >= 0)
        cJSON_AddItemToArray (dims, cJSON_CreateNumber ((double) dim->size));
      else if (dim->param)
        cJSON_AddItemToArray (dims, cJSON_CreateString (dim->param));
      else
        cJSON_AddItemToArray (dims, cJSON_CreateNull ());
    }
  return dims;
}

static cJSON *
tensors_to_json (GArray *tensors)
{
  cJSON *array = cJSON_CreateArray ();

  for (guint i = 0; i < tensors->len; i++)
    {
      const LtSummaryTensor *t = &g_array_index (tensors, LtSummaryTensor, i);
      cJSON                 *o = cJSON_CreateObject ();
      cJSON_AddStringToObject (o, "name", t->name);
      if (t->dtype == LT_DTYPE_UNDEFINED)
        cJSON_AddNullToObject (o, "dtype");
      else
        cJSON_AddStringToObject (o, "dtype", lt_dtype_name (t->dtype));
      cJSON_AddItemToObject (o, "shape", shape_to_json (&t->shape));
      if (t->kind == LT_TYPE_SEQUENCE)
        cJSON_AddStringToObject (o, "kind", "sequence");
      else if (t->kind == LT_TYPE_MAP)
        cJSON_AddStringToObject (o, "kind", "map");
      else if (t->kind != LT_TYPE_TENSOR)
        cJSON_AddStringToObject (o, "kind", t->kind == LT_TYPE_OPTIONAL_TENSOR ? "optional tensor" : "optional sequence");
      cJSON_AddItemToArray (array, o);
    }
  return array;
}

/* The op histogram; with only_unknown, the ops the engine does not know. */
static cJSON *
ops_to_json (GArray  *ops,
             gboolean only_unknown)
{
  cJSON *array = cJSON_CreateArray ();

  for (guint i = 0; i < ops->len; i++)
    {
      const LtSummaryOp *op = &g_array_index (ops, LtSummaryOp, i);
      cJSON             *o;
      if (only_unknown && op->known)
        continue;
      o = cJSON_CreateObject ();
      cJSON_AddStringToObject (o, "op_type", op->op_type);
      cJSON_AddStringToObject (o, "domain", op->domain);
      cJSON_AddNumberToObject (o, "count", op->count);
      cJSON_AddItemToArray (array, o);
    }
  return array;
}

static char *
summary_to_json (const LtModelSummary *s)
{
  cJSON *root = cJSON_CreateObject ();
  cJSON *producer = cJSON_CreateObject ();
  cJSON *opsets = cJSON_CreateArray ();
  cJSON *params = cJSON_CreateObject ();
  cJSON *per_node = cJSON_CreateArray ();
  char  *text;

  cJSON_AddStringToObject (root, "format", "lathe-info");
  cJSON_AddNumberToObject (root, "version", LT_INFO_FORMAT_VERSION);
  cJSON_AddStringToObject (root, "file", lt_model_get_path (s->model));
  cJSON_AddNumberToObject (root, "ir_version", (double) lt_model_get_ir_version (s->model));
  cJSON_AddStringToObject (producer, "name", lt_model_get_producer_name (s->model));
  cJSON_AddStringToObject (producer, "version", lt_model_get_producer_version (s->model));
  cJSON_AddItemToObject (root, "producer", producer);
  for (uint32_t i = 0; i < lt_model_get_n_opsets (s->model); i++)
    {
      const lt_opset_import *op = lt_model_get_opset (s->model, i);
      cJSON                 *o = cJSON_CreateObject ();
      cJSON_AddStringToObject (o, "domain", op->domain);
      cJSON_AddNumberToObject (o, "version", (double) op->version);
      cJSON_AddItemToArray (opsets, o);
    }
  cJSON_AddItemToObject (root, "opsets", opsets);
  cJSON_AddItemToObject (root, "inputs", tensors_to_json (s->inputs));
  cJSON_AddItemToObject (root, "outputs", tensors_to_json (s->outputs));
  cJSON_AddNumberToObject (root, "node_count", s->n_nodes);
  cJSON_AddItemToObject (root, "ops", ops_to_json (s->ops, FALSE));
  cJSON_AddItemToObject (root, "unknown_ops", ops_to_json (s->ops, TRUE));
  cJSON_AddNumberToObject (params, "count", (double) s->n_parameters);
  cJSON_AddNumberToObject (params, "bytes", (double) s->parameter_bytes);
  cJSON_AddItemToObject (root, "parameters", params);
  if (s->n_macs_unknown == 0)
    cJSON_AddNumberToObject (root, "macs", (double) s->macs_known);
  else
    cJSON_AddNullToObject (root, "macs");
  cJSON_AddNumberToObject (root, "macs_partial", (double) s->macs_known);
  cJSON_AddNumberToObject (root, "macs_unknown_nodes", s->n_macs_unknown);
  for (guint i = 0; i < s->macs->len; i++)
    {
      const LtSummaryMacs *m = &g_array_index (s->macs, LtSummaryMacs, i);
      cJSON               *o = cJSON_CreateObject ();
      cJSON_AddStringToObject (o, "node", m->node);
      cJSON_AddStringToObject (o, "op_type", m->op_type);
      if (m->known)
        cJSON_AddNumberToObject (o, "macs", (double) m->macs);
      else
        cJSON_AddNullToObject (o, "macs");
      cJSON_AddItemToArray (per_node, o);
    }
  cJSON_AddItemToObject (root, "macs_per_node", per_node);
  text = cJSON_Print (root);
  cJSON_Delete (root);
  return text;
}

/* ---- text -------------------------------------------------------------- */

/* Prints `label` padded to `width` display columns, then the value. */
static void
print_row (const char *indent,
           const char *label,
           int         width,
           const char *value)
{
  int pad = width - (int) g_utf8_strlen (label, -1);
  printf ("%s%s%*s  %s\n", indent, label, pad > 0 ? pad : 0, "", value);
}

static char *
format_tensor (const LtSummaryTensor *t)
{
  char shape[256];

  lt_shape_format (&t->shape, shape, sizeof shape);
  if (t->kind != LT_TYPE_TENSOR)
    /* TRANSLATORS: a graph input or output that is not a tensor: its tensors' dtype and shape,
       then what it is, e.g. "float    3  (a sequence)" */
    return g_strdup_printf (_("%-8s %s  (%s)"), t->dtype == LT_DTYPE_UNDEFINED ? "?" : lt_dtype_name (t->dtype),
                            shape, lt_type_kind_name (t->kind));
  return g_strdup_printf ("%-8s %s", t->dtype == LT_DTYPE_UNDEFINED ? "?" : lt_dtype_name (t->dtype), shape);
}

static void
print_tensors (const char *title,
               GArray     *tensors)
{
  int width = 0;

  printf ("%s\n", title);
  for (guint i = 0; i < tensors->len; i++)
    width = MAX (width, (int) g_utf8_strlen (g_array_index (tensors, LtSummaryTensor, i).name, -1));
  for (guint i = 0; i < tensors->len; i++)
    {
      const LtSummaryTensor *t = &g_array_index (tensors, LtSummaryTensor, i);
      g_autofree char       *value = format_tensor (t);
      print_row ("  ", t->name, width, value);
    }
}

static void
print_ops (const char *title,
           GArray     *ops,
           gboolean    known)
{
  int width = 0;

  printf ("%s\n", title);
  for (guint i = 0; i < ops->len; i++)
    {
      const LtSummaryOp *op = &g_array_index (ops, LtSummaryOp, i);
      g_autofree char   *name = g_strdup_printf ("%s%s%s", op->domain, op->domain[0] ? "." : "", op->op_type);
      if (op->known == known)
        width = MAX (width, (int) strlen (name));
    }
  for (guint i = 0; i < ops->len; i++)
    {
      const LtSummaryOp *op = &g_array_index (ops, LtSummaryOp, i);
      g_autofree char   *name = g_strdup_printf ("%s%s%s", op->domain, op->domain[0] ? "." : "", op->op_type);
      g_autofree char   *count = g_strdup_printf ("%u", op->count);
      if (op->known == known)
        print_row ("  ", name, width, count);
    }
}

static void
print_summary (const LtModelSummary *s)
{
  const char      *labels[] = { _ ("Model"), _ ("IR version"), _ ("Producer"), _ ("Opsets"), _ ("Nodes"),
                                _ ("Parameters"), _ ("MACs") };
  int              width = 0;
  GString         *opsets = g_string_new (NULL);
  g_autofree char *ir = g_strdup_printf ("%lld", (long long) lt_model_get_ir_version (s->model));
  g_autofree char *producer = g_strstrip (g_strdup_printf ("%s %s", lt_model_get_producer_name (s->model),
                                                           lt_model_get_producer_version (s->model)));
  g_autofree char *nodes = g_strdup_printf ("%u", s->n_nodes);
  g_autofree char *size = g_format_size (s->parameter_bytes);
  g_autofree char *params = g_strdup_printf ("%" G_GUINT64_FORMAT " (%s)", s->n_parameters, size);
  g_autofree char *macs = NULL;
  gboolean         any_unknown = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    width = MAX (width, (int) g_utf8_strlen (labels[i], -1));
  for (uint32_t i = 0; i < lt_model_get_n_opsets (s->model); i++)
    {
      const lt_opset_import *op = lt_model_get_opset (s->model, i);
      g_string_append_printf (opsets, "%s%s %lld", i ? ", " : "", op->domain[0] ? op->domain : "ai.onnx",
                              (long long) op->version);
    }
  if (s->n_macs_unknown == 0)
    macs = g_strdup_printf ("%" G_GUINT64_FORMAT, s->macs_known);
  else
    {
      g_autofree char *known = g_strdup_printf ("%" G_GUINT64_FORMAT, s->macs_known);
      /* Translators: the first %s is a number of multiply-accumulates */
      macs = g_strdup_printf (_ ("unknown: %s in the nodes of known size, %u nodes depend on "
                                 "symbolic or unknown dims"),
                              known, s->n_macs_unknown);
    }

  print_row ("", labels[0], width, lt_model_get_path (s->model));
  print_row ("", labels[1], width, ir);
  print_row ("", labels[2], width, producer);
  print_row ("", labels[3], width, opsets->str);
  print_row ("", labels[4], width, nodes);
  print_row ("", labels[5], width, params);
  print_row ("", labels[6], width, macs);
  print_tensors (_ ("Inputs"), s->inputs);
  print_tensors (_ ("Outputs"), s->outputs);
  print_ops (_ ("Ops"), s->ops, TRUE);
  for (guint i = 0; i < s->ops->len; i++)
    any_unknown |= !g_array_index (s->ops, LtSummaryOp, i).known;
  if (any_unknown)
    print_ops (_ ("Ops the engine does not know"), s->ops, FALSE);
  g_string_free (opsets, TRUE);
}

int
lt_cli_info (int    argc,
             char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (LtModelSummary) summary = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *project_path = NULL;
  gboolean  json = FALSE;
  lt_model *model = NULL;
  lt_error  err;
  lt_status st;

  context = lt_cli_context_new (_ ("MODEL"), _ ("Show a model's inputs, outputs, ops, parameters and MACs."), &json);
  lt_cli_add_project_option (context, &project_path);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc != (project_path ? 1 : 2))
    return lt_cli_usage (context, _ ("expected one MODEL or --project FILE.lathe"));

  if (!lt_cli_open_model_or_project (project_path ? NULL : argv[1], project_path, FALSE, &model, NULL, &error))
    return lt_cli_fail (error);
  lt_error_clear (&err);
  st = lt_model_summary_new (model, &summary, &err);
  lt_model_unref (model);
  if (st != LT_OK)
    return lt_cli_fail_engine (&err);

  if (json)
    {
      char *text = summary_to_json (summary);
      printf ("%s\n", text);
      cJSON_free (text);
    }
  else
    print_summary (summary);
  return LT_CLI_EXIT_OK;
}
