/* lt-cli-run.c — `lathe-cli run MODEL --input-list LIST --output-dir DIR`:
 * inference over the lines of an input list, in qnn-net-run's layout.
 *
 * Each non-empty line of LIST that does not start with '#' is one
 * inference: either one path per graph input in input order, or
 * `name:=path` pairs in any order, separated by spaces.  Inputs with a
 * default value (an initializer of the same name) may be left out and are
 * skipped by positional paths.  Relative paths
 * are relative to LIST's folder.  `.npy` files carry their dtype and shape;
 * other files are raw little-endian elements of the input's dtype and
 * declared shape.  Outputs go to DIR/Result_N/<output>.raw (and .npy with
 * --npy); --debug also writes every intermediate value.
 *
 * Every line is read, every file loaded and checked against the model,
 * and the session reshaped for every distinct input shape before the
 * first file is written, so a bad line or an op the engine cannot run
 * leaves no output behind.
 */
#include "lt-cli-common.h"

#include "lt-engine-error.h"
#include "lt-tensor-io.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Integer inputs up to this many elements are handed to shape inference
 * with their values. */
#define SHAPE_INPUT_MAX 64

typedef struct
{
  guint      line_number;
  GPtrArray *arrays;   /* LtArray per graph input, in input order */
} inference;

static void
inference_free (inference *inf)
{
  g_ptr_array_unref (inf->arrays);
  g_free (inf);
}

/* A file name for a tensor name: characters other than letters, digits,
 * '.', '-' and '_' become '_' (names like "conv1/out:0" hold slashes). */
static char *
file_stem (const char *name)
{
  char *stem = g_strdup (name[0] != '\0' ? name : "_");
  for (char *p = stem; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      *p = '_';
  if (stem[0] == '.')
    stem[0] = '_';
  return stem;
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

static LtArray *
load_input (const char     *path,
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

/* Parses and loads one line. */
static inference *
parse_line (const lt_graph *graph,
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
  inference     *inf;

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

  inf = g_new0 (inference, 1);
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
          inference_free (inf);
          return NULL;
        }
      g_autofree char *path = g_path_is_absolute (paths[k]) ? g_strdup (paths[k]) : g_build_filename (list_dir, paths[k], NULL);
      array = load_input (path, input, error);
      if (array == NULL)
        {
          g_prefix_error (error, _("line %u: "), line_number);
          inference_free (inf);
          return NULL;
        }
      g_ptr_array_add (inf->arrays, array);
    }
  return inf;
}

static GPtrArray *
read_input_list (const lt_graph *graph,
                 const char     *list_path,
                 GError        **error)
{
  g_autofree char *text = NULL;
  g_autofree char *list_dir = g_path_get_dirname (list_path);
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) inferences = g_ptr_array_new_with_free_func ((GDestroyNotify) inference_free);

  if (!g_file_get_contents (list_path, &text, NULL, error))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char      *line = g_strstrip (lines[i]);
      inference *inf;
      if (line[0] == '\0' || line[0] == '#')
        continue;
      inf = parse_line (graph, list_dir, line, i + 1, error);
      if (inf == NULL)
        {
          g_prefix_error (error, "%s: ", list_path);
          return NULL;
        }
      g_ptr_array_add (inferences, inf);
    }
  if (inferences->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: no inference in the input list"), list_path);
      return NULL;
    }
  return g_steal_pointer (&inferences);
}

/* Reshapes for a line's input shapes unless they equal the last ones. */
static gboolean
reshape_for (lt_session     *session,
             const lt_graph *graph,
             inference      *inf,
             inference     **last,
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

typedef struct
{
  const char *dir;
  gboolean    npy;
  GError     *error;   /* first write error */
} debug_writer;

static gboolean
write_tensor (const char      *dir,
              const lt_tensor *t,
              gboolean         npy,
              GError         **error)
{
  g_autofree char *stem = file_stem (t->name);
  g_autofree char *raw_name = g_strconcat (stem, ".raw", NULL);
  g_autofree char *raw_path = g_build_filename (dir, raw_name, NULL);

  if (!lt_raw_save (raw_path, t, error))
    return FALSE;
  if (npy)
    {
      g_autofree char *npy_name = g_strconcat (stem, ".npy", NULL);
      g_autofree char *npy_path = g_build_filename (dir, npy_name, NULL);
      return lt_npy_save (npy_path, t, error);
    }
  return TRUE;
}

static void
debug_observe (void            *user_data,
               const lt_graph  *graph,
               int32_t          value_id,
               const lt_tensor *value)
{
  debug_writer *writer = user_data;

  (void) graph;
  (void) value_id;
  if (writer->error == NULL && value->dtype != LT_DTYPE_STRING)
    write_tensor (writer->dir, value, writer->npy, &writer->error);
}

int
lt_cli_run (int    argc,
            char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) inferences = NULL;
  g_autofree char *list_path = NULL;
  g_autofree char *output_dir = NULL;
  gboolean         json = FALSE, npy = FALSE, debug = FALSE;
  gint             n_threads = 0;
  lt_model        *model = NULL;
  lt_session      *session = NULL;
  lt_error         err;
  debug_writer     writer = { 0 };
  inference       *last = NULL;
  cJSON           *summary = NULL, *results = NULL;
  int              status = LT_CLI_EXIT_FAILED;
  gboolean         progress = isatty (STDERR_FILENO);
  const GOptionEntry entries[] = {
    { "input-list", 0, 0, G_OPTION_ARG_FILENAME, &list_path, N_("One inference per line: input files in order, or name:=path"), N_("FILE") },
    { "output-dir", 0, 0, G_OPTION_ARG_FILENAME, &output_dir, N_("Where Result_N folders go (default ./output)"), N_("DIR") },
    { "npy", 0, 0, G_OPTION_ARG_NONE, &npy, N_("Also write outputs as .npy"), NULL },
    { "debug", 0, 0, G_OPTION_ARG_NONE, &debug, N_("Write every intermediate tensor too"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, N_("Threads kernels may use (default: one per CPU)"), N_("N") },
    { NULL },
  };

  context = lt_cli_context_new (_("MODEL"), _("Run a model on the inputs of an input list and write its outputs."), &json);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc != 2)
    return lt_cli_usage (context, _("expected one MODEL"));
  if (list_path == NULL)
    return lt_cli_usage (context, _("--input-list is required"));
  if (n_threads < 0)
    return lt_cli_usage (context, _("--threads must not be negative"));
  if (output_dir == NULL)
    output_dir = g_strdup ("output");

  lt_error_clear (&err);
  if (lt_model_load (argv[1], NULL, &model, &err) != LT_OK)
    return lt_cli_fail_engine (&err);
  const lt_graph *graph = lt_model_get_graph (model);
  uint32_t        n_inputs, n_outputs;
  lt_graph_get_inputs (graph, &n_inputs);
  lt_graph_get_outputs (graph, &n_outputs);

  inferences = read_input_list (graph, list_path, &error);
  lt_session_options options = { .n_threads = (uint32_t) n_threads, .observer_fn = debug ? debug_observe : NULL,
                                 .observer_data = &writer, .profiling = TRUE };
  if (inferences == NULL)
    goto out;
  if (lt_session_new (model, &options, &session, &err) != LT_OK)
    {
      lt_engine_error_propagate (&error, &err);
      goto out;
    }
  /* Validation pass: every distinct shape must reshape. */
  for (guint i = 0; i < inferences->len; i++)
    if (!reshape_for (session, graph, g_ptr_array_index (inferences, i), &last, &error))
      goto out;

  summary = cJSON_CreateObject ();
  results = cJSON_AddArrayToObject (summary, "results");
  last = NULL;
  for (guint i = 0; i < inferences->len; i++)
    {
      inference       *inf = g_ptr_array_index (inferences, i);
      g_autofree char *name = g_strdup_printf ("Result_%u", i);
      g_autofree char *dir = g_build_filename (output_dir, name, NULL);
      gint64           start;
      cJSON           *item = cJSON_CreateObject ();

      cJSON_AddItemToArray (results, item);
      if (progress)
        fprintf (stderr, "\r[%u/%u] ", i + 1, inferences->len);
      if (!reshape_for (session, graph, inf, &last, &error))
        goto out;
      for (uint32_t k = 0; k < n_inputs; k++)
        {
          const LtArray *a = g_ptr_array_index (inf->arrays, k);
          gsize          size;
          if (a == NULL)
            continue;
          const void    *data = g_bytes_get_data (a->data, &size);
          if (lt_session_bind_input (session, k, data, size, &err) != LT_OK)
            {
              lt_engine_error_propagate (&error, &err);
              goto out;
            }
        }
      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), _("%s: cannot create the folder: %s"), dir,
                       g_strerror (errno));
          goto out;
        }
      writer.dir = dir;
      writer.npy = npy;
      start = g_get_monotonic_time ();
      if (lt_session_run (session, &err) != LT_OK)
        {
          lt_engine_error_propagate (&error, &err);
          goto out;
        }
      cJSON_AddNumberToObject (item, "milliseconds", (double) (g_get_monotonic_time () - start) / 1000.0);
      if (writer.error != NULL)
        {
          g_propagate_error (&error, g_steal_pointer (&writer.error));
          goto out;
        }
      for (uint32_t k = 0; k < n_outputs; k++)
        if (!write_tensor (dir, lt_session_get_output (session, k), npy, &error))
          goto out;
      cJSON_AddStringToObject (item, "folder", dir);
    }
  if (progress)
    fprintf (stderr, "\r\033[K");
  cJSON_AddNumberToObject (summary, "inferences", inferences->len);
  cJSON_AddNumberToObject (summary, "arena_bytes", (double) lt_session_get_arena_bytes (session));
  cJSON_AddNumberToObject (summary, "unplanned_bytes", (double) lt_session_get_unplanned_bytes (session));
  if (json)
    {
      char *text = cJSON_Print (summary);
      printf ("%s\n", text);
      cJSON_free (text);
    }
  else
    printf (ngettext ("%u inference, outputs in %s, arena %.1f KiB\n", "%u inferences, outputs in %s, arena %.1f KiB\n",
                      inferences->len),
            inferences->len, output_dir,
            (double) lt_session_get_arena_bytes (session) / 1024.0);
  status = LT_CLI_EXIT_OK;

out:
  if (progress && status != LT_CLI_EXIT_OK)
    fprintf (stderr, "\r\033[K");
  cJSON_Delete (summary);
  lt_session_free (session);
  lt_model_unref (model);
  if (status != LT_CLI_EXIT_OK && error != NULL)
    return lt_cli_fail (error);
  return status;
}
