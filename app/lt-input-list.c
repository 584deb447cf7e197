/* lt-input-list.c — input lists (qnn-net-run's `input_list.txt`) and the
 * arrays a line names.
 *
 * Each non-empty line that does not start with '#' is one inference:
 * either one path per graph input in input order, or `name:=path` pairs in
 * any order, separated by spaces.  Inputs with a default value (an
 * initializer of the same name) may be left out and are skipped by
 * positional paths.  Relative paths are relative to the list's folder.
 * `.npy` files carry their dtype and shape; other files are raw
 * little-endian elements of the input's dtype and declared shape.  Every
 * loaded array has been checked against its input's dtype and shape.
 */
#include "lt-input-list.h"

#include "lt-engine-error.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

/* Integer inputs up to this many elements are handed to shape inference
 * with their values. */
#define SHAPE_INPUT_MAX 64

void
lt_input_line_free (LtInputLine *line)
{
  if (line == NULL)
    return;
  g_ptr_array_unref (line->arrays);
  g_free (line);
}

static gboolean
check_array (const char      *path,
             const lt_value  *input,
             const LtArray   *array,
             GError         **error)
{
  if (array->dtype != input->dtype)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: input '%s' needs %s, the file holds %s"), path,
                   input->name, lt_dtype_name (input->dtype), lt_dtype_name (array->dtype));
      return FALSE;
    }
  gboolean same = input->shape.rank < 0 || input->shape.rank == array->rank;
  for (int32_t d = 0; same && input->shape.rank >= 0 && d < array->rank; d++)
    same = input->shape.dims[d].size < 0 || input->shape.dims[d].size == array->dims[d];
  if (!same)
    {
      char declared[128];
      lt_shape_format (&input->shape, declared, sizeof declared);
      g_autoptr (GString) got = g_string_new (NULL);
      for (int32_t d = 0; d < array->rank; d++)
        g_string_append_printf (got, "%s%" G_GINT64_FORMAT, d > 0 ? "x" : "", array->dims[d]);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: input '%s' has shape %s, the file holds %s"),
                   path, input->name, declared, got->str);
      return FALSE;
    }
  return TRUE;
}

LtArray *
lt_input_file_load (const char     *path,
                    const lt_value *input,
                    GError        **error)
{
  g_autoptr (LtArray) array = NULL;

  if (g_str_has_suffix (path, ".npy"))
    array = lt_npy_load (path, error);
  else
    {
      int64_t dims[LT_MAX_RANK];
      if (input->shape.rank < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s: input '%s' has no declared shape; give it as .npy"), path, input->name);
          return NULL;
        }
      for (int32_t d = 0; d < input->shape.rank; d++)
        {
          dims[d] = input->shape.dims[d].size;
          if (dims[d] < 0)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("%s: input '%s' has a dynamic shape; give it as .npy"), path, input->name);
              return NULL;
            }
        }
      array = lt_raw_load (path, input->dtype, input->shape.rank, dims, error);
    }
  if (array == NULL || !check_array (path, input, array, error))
    return NULL;
  return g_steal_pointer (&array);
}


gboolean
lt_input_list_check_tensors (const lt_graph *graph,
                             gboolean        outputs,
                             GError        **error)
{
  uint32_t       n_inputs, n_outputs;
  const int32_t *input_ids = lt_graph_get_inputs (graph, &n_inputs);
  const int32_t *output_ids = lt_graph_get_outputs (graph, &n_outputs);

  for (uint32_t k = 0; k < n_inputs; k++)
    {
      const lt_value *input = lt_graph_get_value (graph, input_ids[k]);
      if (input->type_kind != LT_TYPE_TENSOR)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("input '%s' is a sequence or an optional; input lists and datasets carry tensors only"),
                       input->name);
          return FALSE;
        }
    }
  for (uint32_t k = 0; outputs && k < n_outputs; k++)
    {
      const lt_value *output = lt_graph_get_value (graph, output_ids[k]);
      if (output->type_kind != LT_TYPE_TENSOR)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("output '%s' is a sequence or an optional; outputs are written and compared as tensors "
                         "only"), output->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* Parses and loads one line. */
LtInputLine *
lt_input_list_load_line (const lt_graph *graph,
                         const char     *list_dir,
                         const char     *line,
                         guint           line_number,
                         GError        **error)
{
  g_auto (GStrv) tokens = g_regex_split_simple ("\\s+", line, 0, 0);
  uint32_t       n_inputs;
  const int32_t *input_ids = lt_graph_get_inputs (graph, &n_inputs);
  g_autofree char **paths = g_new0 (char *, n_inputs + 1);
  guint          n_positional = 0;
  LtInputLine   *inf;

  if (!lt_input_list_check_tensors (graph, FALSE, error))
    {
      g_prefix_error (error, _("line %u: "), line_number);
      return NULL;
    }

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = tokens[i];
      const char *sep = strstr (token, ":=");
      if (token[0] == '\0')
        continue;
      if (sep == NULL)
        {
          /* Positional files fill the inputs without a default value. */
          while (n_positional < n_inputs && lt_graph_get_value (graph, input_ids[n_positional])->constant != NULL)
            n_positional++;
          if (n_positional >= n_inputs)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %u: more files than the model has inputs"),
                           line_number);
              return NULL;
            }
          paths[n_positional++] = (char *) token;
          continue;
        }
      g_autofree char *name = g_strndup (token, (gsize) (sep - token));
      guint            k;
      for (k = 0; k < n_inputs; k++)
        if (strcmp (lt_graph_get_value (graph, input_ids[k])->name, name) == 0)
          break;
      if (k == n_inputs)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %u: the model has no input '%s'"),
                       line_number, name);
          return NULL;
        }
      paths[k] = (char *) sep + 2;
    }

  inf = g_new0 (LtInputLine, 1);
  inf->line_number = line_number;
  inf->arrays = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_array_free);
  for (uint32_t k = 0; k < n_inputs; k++)
    {
      const lt_value *input = lt_graph_get_value (graph, input_ids[k]);
      LtArray        *array;
      if (paths[k] == NULL && input->constant != NULL)
        {
          g_ptr_array_add (inf->arrays, NULL); /* runs with its default */
          continue;
        }
      if (paths[k] == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %u: no file for input '%s'"), line_number,
                       input->name);
          lt_input_line_free (inf);
          return NULL;
        }
      g_autofree char *path = g_path_is_absolute (paths[k]) ? g_strdup (paths[k]) : g_build_filename (list_dir, paths[k], NULL);
      array = lt_input_file_load (path, input, error);
      if (array == NULL)
        {
          g_prefix_error (error, _("line %u: "), line_number);
          lt_input_line_free (inf);
          return NULL;
        }
      g_ptr_array_add (inf->arrays, array);
    }
  return inf;
}

GPtrArray *
lt_input_list_read_lines (const char *list_path,
                          GError    **error)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_get_contents (list_path, &text, NULL, error))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char          *line = g_strstrip (lines[i]);
      LtInputListEntry *entry;
      if (line[0] == '\0' || line[0] == '#')
        continue;
      entry = g_malloc (sizeof *entry + strlen (line) + 1);
      entry->line_number = i + 1;
      strcpy (entry->text, line);
      g_ptr_array_add (entries, entry);
    }
  if (entries->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: no inference in the input list"), list_path);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
lt_input_list_load (const lt_graph *graph,
                    const char     *list_path,
                    GError        **error)
{
  g_autofree char *list_dir = g_path_get_dirname (list_path);
  g_autoptr (GPtrArray) entries = lt_input_list_read_lines (list_path, error);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_input_line_free);

  if (entries == NULL)
    return NULL;
  for (guint i = 0; i < entries->len; i++)
    {
      const LtInputListEntry *entry = g_ptr_array_index (entries, i);
      LtInputLine            *line = lt_input_list_load_line (graph, list_dir, entry->text, entry->line_number, error);
      if (line == NULL)
        {
          g_prefix_error (error, "%s: ", list_path);
          return NULL;
        }
      g_ptr_array_add (lines, line);
    }
  return g_steal_pointer (&lines);
}

/* Reshapes for a line's input shapes unless they equal the last ones. */
gboolean
lt_input_list_reshape (lt_session     *session,
                       const lt_graph *graph,
                       LtInputLine    *inf,
                       LtInputLine   **last,
                       GError        **error)
{
  uint32_t n_inputs;
  lt_graph_get_inputs (graph, &n_inputs);
  g_autofree lt_value_type *types = g_new0 (lt_value_type, n_inputs + 1);
  g_autofree lt_tensor     *views = g_new0 (lt_tensor, n_inputs + 1);
  gboolean same = *last != NULL;
  lt_error err;

  for (uint32_t k = 0; k < n_inputs; k++)
    {
      const LtArray *a = g_ptr_array_index (inf->arrays, k);
      const LtArray *b = same ? g_ptr_array_index ((*last)->arrays, k) : NULL;
      if (a == NULL)
        {
          /* UNDEFINED: as declared, with the default value. */
          same = same && b == NULL;
          continue;
        }
      types[k].dtype = a->dtype;
      types[k].shape.rank = a->rank;
      for (int32_t d = 0; d < a->rank; d++)
        types[k].shape.dims[d] = (lt_dim) { a->dims[d], NULL };
      same = same && b != NULL && a->rank == b->rank
             && memcmp (a->dims, b->dims, (size_t) a->rank * sizeof a->dims[0]) == 0;
      /* Small integer inputs may decide shapes (a target shape, a count):
       * shape inference gets their values, and other values mean another
       * reshape. */
      if (lt_dtype_is_integer (a->dtype) && a->count <= SHAPE_INPUT_MAX)
        {
          gsize nbytes = 0;
          views[k] = (lt_tensor) { .name = "", .dtype = a->dtype, .rank = a->rank, .count = a->count,
                                   .data = g_bytes_get_data (a->data, &nbytes) };
          views[k].nbytes = nbytes;
          memcpy (views[k].dims, a->dims, sizeof views[k].dims);
          types[k].data = &views[k];
          same = same && g_bytes_equal (a->data, b->data);
        }
    }
  *last = inf;
  if (same)
    return TRUE;
  lt_error_clear (&err);
  if (lt_session_reshape (session, types, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      g_prefix_error (error, _("line %u: "), inf->line_number);
      return FALSE;
    }
  return TRUE;
}
