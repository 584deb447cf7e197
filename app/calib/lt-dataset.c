/* lt-dataset.c — calibration samples from a folder or an input list.
 *
 * Opening only lists the samples; each is read, checked and decoded when
 * loaded, so a dataset of any size streams through in constant memory.
 */
#include "lt-dataset.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

struct LtDataset
{
  const lt_graph *graph;
  LtImageOptions  image;
  char           *list_dir;    /* input list: its folder; NULL for a folder dataset */
  GPtrArray      *entries;     /* input list: LtInputListEntry * */
  GPtrArray      *names;       /* char *: sample names, one per sample */
  GPtrArray      *paths;       /* folder: char * full paths */
  guint           input_index; /* folder: the input samples feed */
};

void
lt_dataset_free (LtDataset *dataset)
{
  if (dataset == NULL)
    return;
  g_free (dataset->list_dir);
  g_clear_pointer (&dataset->entries, g_ptr_array_unref);
  g_clear_pointer (&dataset->names, g_ptr_array_unref);
  g_clear_pointer (&dataset->paths, g_ptr_array_unref);
  g_free (dataset);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The one graph input without a default value, which folder samples feed. */
static gboolean
find_data_input (LtDataset  *dataset,
                 const char *path,
                 GError    **error)
{
  uint32_t       n_inputs;
  const int32_t *inputs = lt_graph_get_inputs (dataset->graph, &n_inputs);
  guint          found = 0;

  for (uint32_t k = 0; k < n_inputs; k++)
    if (lt_graph_get_value (dataset->graph, inputs[k])->constant == NULL)
      {
        dataset->input_index = k;
        found++;
      }
  if (found != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("%s: a folder of samples feeds a model with one input, this one has %u; use an input list"), path,
                   found);
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_folder (LtDataset  *dataset,
             const char *path,
             GError    **error)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, error);
  const char *name;

  if (dir == NULL || !find_data_input (dataset, path, error))
    return FALSE;
  dataset->paths = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *full = g_build_filename (path, name, NULL);
      if (name[0] == '.' || g_file_test (full, G_FILE_TEST_IS_DIR))
        continue;
      g_ptr_array_add (dataset->paths, g_steal_pointer (&full));
    }
  g_ptr_array_sort (dataset->paths, compare_names);
  for (guint i = 0; i < dataset->paths->len; i++)
    g_ptr_array_add (dataset->names, g_path_get_basename (g_ptr_array_index (dataset->paths, i)));
  return TRUE;
}

static gboolean
open_list (LtDataset  *dataset,
           const char *path,
           GError    **error)
{
  g_autofree char *base = g_path_get_basename (path);

  dataset->entries = lt_input_list_read_lines (path, error);
  if (dataset->entries == NULL)
    return FALSE;
  dataset->list_dir = g_path_get_dirname (path);
  for (guint i = 0; i < dataset->entries->len; i++)
    {
      const LtInputListEntry *entry = g_ptr_array_index (dataset->entries, i);
      g_ptr_array_add (dataset->names, g_strdup_printf ("%s:%u", base, entry->line_number));
    }
  return TRUE;
}

LtDataset *
lt_dataset_open (const char           *path,
                 const lt_graph       *graph,
                 const LtImageOptions *image,
                 GError              **error)
{
  g_autoptr (LtDataset) dataset = g_new0 (LtDataset, 1);
  gboolean ok;

  if (!lt_input_list_check_tensors (graph, FALSE, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  dataset->graph = graph;
  if (image != NULL)
    dataset->image = *image;
  else
    lt_image_options_init (&dataset->image);
  dataset->names = g_ptr_array_new_with_free_func (g_free);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    ok = open_folder (dataset, path, error);
  else
    ok = open_list (dataset, path, error);
  if (!ok)
    return NULL;
  if (dataset->names->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("%s: the dataset holds no sample"), path);
      return NULL;
    }
  return g_steal_pointer (&dataset);
}

guint
lt_dataset_get_n_samples (const LtDataset *dataset)
{
  return dataset->names->len;
}

const char *
lt_dataset_get_sample_name (const LtDataset *dataset,
                            guint            index)
{
  return g_ptr_array_index (dataset->names, index);
}

static LtInputLine *
load_file (LtDataset *dataset,
           guint      index,
           GError   **error)
{
  const char     *path = g_ptr_array_index (dataset->paths, index);
  uint32_t        n_inputs;
  const int32_t  *inputs = lt_graph_get_inputs (dataset->graph, &n_inputs);
  const lt_value *input = lt_graph_get_value (dataset->graph, inputs[dataset->input_index]);
  LtArray        *array;
  LtInputLine    *line;

  if (g_str_has_suffix (path, ".npy"))
    array = lt_input_file_load (path, input, error);
  else
    array = lt_image_sample_load (path, input, &dataset->image, error);
  if (array == NULL)
    return NULL;
  line = g_new0 (LtInputLine, 1);
  line->line_number = index + 1;
  line->arrays = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_array_free);
  for (uint32_t k = 0; k < n_inputs; k++)
    g_ptr_array_add (line->arrays, k == dataset->input_index ? array : NULL);
  return line;
}

LtInputLine *
lt_dataset_load (LtDataset *dataset,
                 guint      index,
                 GError   **error)
{
  const LtInputListEntry *entry;

  g_return_val_if_fail (index < dataset->names->len, NULL);
  if (dataset->paths != NULL)
    return load_file (dataset, index, error);
  entry = g_ptr_array_index (dataset->entries, index);
  return lt_input_list_load_line (dataset->graph, dataset->list_dir, entry->text, entry->line_number, error);
}
