/* lt-input-specs.c — reading and checking `input_specs.json`
 * (lt-input-specs.h).
 *
 * The text must be UTF-8 JSON with nothing after the document; cJSON keeps
 * every copy of a repeated key, so repeats are looked for before anything
 * is read.  Every error is "FILE: INPUT: FIELD: why".
 */
#include "lt-input-specs.h"

#include "lt-calib-stats.h"

#include <cjson/cJSON.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* Larger files are not input specs. */
#define MAX_FILE_BYTES (1u << 20)

struct LtInputSpecs
{
  char      *path;
  GPtrArray *specs; /* LtInputSpec *, in file order */
};

static void
spec_free (LtInputSpec *spec)
{
  g_free (spec->name);
  g_free (spec);
}

void
lt_input_specs_free (LtInputSpecs *specs)
{
  if (specs == NULL)
    return;
  g_free (specs->path);
  g_ptr_array_unref (specs->specs);
  g_free (specs);
}

static gboolean G_GNUC_PRINTF (5, 6)
    fail (GError    **error,
          const char *path,
          const char *input,
          const char *field,
          const char *format,
          ...)
{
  g_autofree char *why = NULL;
  va_list          args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  if (input != NULL && field != NULL)
    g_set_error (error, LT_CALIB_ERROR, LT_CALIB_ERROR_INVALID, "%s: %s: %s: %s", path, input, field, why);
  else if (input != NULL)
    g_set_error (error, LT_CALIB_ERROR, LT_CALIB_ERROR_INVALID, "%s: %s: %s", path, input, why);
  else
    g_set_error (error, LT_CALIB_ERROR, LT_CALIB_ERROR_INVALID, "%s: %s", path, why);
  return FALSE;
}

/* The first key repeated in an object of the tree, or NULL. */
static const cJSON *
repeated_key (const cJSON *item)
{
  for (const cJSON *child = item->child; child != NULL; child = child->next)
    {
      const cJSON *inner;
      if (cJSON_IsObject (item))
        for (const cJSON *earlier = item->child; earlier != child; earlier = earlier->next)
          if (strcmp (earlier->string, child->string) == 0)
            return child;
      if ((inner = repeated_key (child)) != NULL)
        return inner;
    }
  return NULL;
}

/* A number, or one number per channel (1 or 3 of them), into out[3]. */
static gboolean
read_triple (const cJSON *item,
             double       out[3])
{
  int n = cJSON_IsArray (item) ? cJSON_GetArraySize (item) : 0;

  if (cJSON_IsNumber (item))
    {
      out[0] = out[1] = out[2] = item->valuedouble;
      return isfinite (item->valuedouble);
    }
  if (n != 1 && n != 3)
    return FALSE;
  for (int c = 0; c < 3; c++)
    {
      const cJSON *v = cJSON_GetArrayItem (item, n == 1 ? 0 : c);
      if (!cJSON_IsNumber (v) || !isfinite (v->valuedouble))
        return FALSE;
      out[c] = v->valuedouble;
    }
  return TRUE;
}

/* A whole number in [lo, hi]. */
static gboolean
read_count (const cJSON *item,
            double       lo,
            double       hi,
            gint64      *out)
{
  if (!cJSON_IsNumber (item) || item->valuedouble != floor (item->valuedouble) || item->valuedouble < lo ||
      item->valuedouble > hi)
    return FALSE;
  *out = (gint64) item->valuedouble;
  return TRUE;
}

static gboolean
read_field (const char  *path,
            LtInputSpec *spec,
            const cJSON *field,
            GError     **error)
{
  const char *key = field->string, *text = cJSON_GetStringValue (field);
  gint64      n;

  if (strcmp (key, "dtype") == 0)
    {
      if (g_strcmp0 (text, "float32") != 0)
        return fail (error, path, spec->name, key, _ ("must be \"float32\": images become float32 tensors"));
    }
  else if (strcmp (key, "shape") == 0)
    {
      int rank = cJSON_IsArray (field) ? cJSON_GetArraySize (field) : -1;
      if (rank < 1 || rank > LT_MAX_RANK)
        return fail (error, path, spec->name, key, _ ("must be a list of 1 to %d sizes"), LT_MAX_RANK);
      for (int d = 0; d < rank; d++)
        if (!read_count (cJSON_GetArrayItem (field, d), 1, G_MAXINT32, &spec->shape[d]))
          return fail (error, path, spec->name, key, _ ("sizes must be whole numbers from 1"));
      spec->rank = (guint) rank;
    }
  else if (strcmp (key, "layout") == 0)
    {
      if (g_strcmp0 (text, "NCHW") == 0)
        spec->image.layout = LT_IMAGE_LAYOUT_NCHW;
      else if (g_strcmp0 (text, "NHWC") == 0)
        spec->image.layout = LT_IMAGE_LAYOUT_NHWC;
      else
        return fail (error, path, spec->name, key, _ ("must be \"NCHW\" or \"NHWC\""));
    }
  else if (strcmp (key, "encoding") == 0)
    {
      if (g_strcmp0 (text, "rgb") != 0 && g_strcmp0 (text, "bgr") != 0)
        return fail (error, path, spec->name, key, _ ("must be \"rgb\" or \"bgr\""));
      spec->image.bgr = strcmp (text, "bgr") == 0;
    }
  else if (strcmp (key, "resize") == 0)
    {
      if (!read_count (field, 1, 65536, &n))
        return fail (error, path, spec->name, key, _ ("must be a whole number from 1 to 65536"));
      spec->image.resize = (guint) n;
    }
  else if (strcmp (key, "crop") == 0)
    {
      gint64 h, w;
      if (!cJSON_IsArray (field) || cJSON_GetArraySize (field) != 2 || !read_count (cJSON_GetArrayItem (field, 0), 1, 65536, &h) ||
          !read_count (cJSON_GetArrayItem (field, 1), 1, 65536, &w))
        return fail (error, path, spec->name, key, _ ("must be [height, width], whole numbers from 1 to 65536"));
      spec->crop[0] = (guint) h;
      spec->crop[1] = (guint) w;
    }
  else if (strcmp (key, "scale") == 0)
    {
      if (!cJSON_IsNumber (field) || !isfinite (field->valuedouble) || field->valuedouble == 0)
        return fail (error, path, spec->name, key, _ ("must be a number other than 0"));
      spec->image.scale = field->valuedouble;
    }
  else if (strcmp (key, "mean") == 0 || strcmp (key, "std") == 0)
    {
      double *out = key[0] == 'm' ? spec->image.mean : spec->image.std;
      if (!read_triple (field, out))
        return fail (error, path, spec->name, key, _ ("must be a number or a list of 1 or 3 numbers"));
      if (out == spec->image.std && (out[0] == 0 || out[1] == 0 || out[2] == 0))
        return fail (error, path, spec->name, key, _ ("must not be 0"));
    }
  else
    return fail (error, path, spec->name, key,
                 _ ("unknown field (known: shape, dtype, layout, encoding, resize, crop, scale, mean, std)"));
  return TRUE;
}

static gboolean
read_document (LtInputSpecs *specs,
               const cJSON  *root,
               GError      **error)
{
  const cJSON *repeat;

  if (!cJSON_IsObject (root))
    return fail (error, specs->path, NULL, NULL, _ ("the top level must be an object of input names"));
  if ((repeat = repeated_key (root)) != NULL)
    return fail (error, specs->path, NULL, NULL, _ ("the key \"%s\" appears twice in one object"), repeat->string);
  for (const cJSON *input = root->child; input != NULL; input = input->next)
    {
      LtInputSpec *spec = g_new0 (LtInputSpec, 1);

      spec->name = g_strdup (input->string);
      lt_image_options_init (&spec->image);
      g_ptr_array_add (specs->specs, spec);
      if (!cJSON_IsObject (input))
        return fail (error, specs->path, spec->name, NULL, _ ("must be an object"));
      for (const cJSON *field = input->child; field != NULL; field = field->next)
        if (!read_field (specs->path, spec, field, error))
          return FALSE;
    }
  return TRUE;
}

LtInputSpecs *
lt_input_specs_read_file (const char *path,
                          GError    **error)
{
  g_autoptr (LtInputSpecs) specs = g_new0 (LtInputSpecs, 1);
  g_autofree char *text = NULL;
  gsize            length;
  cJSON           *root;
  gboolean         ok;

  specs->path = g_strdup (path);
  specs->specs = g_ptr_array_new_with_free_func ((GDestroyNotify) spec_free);
  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  if (length > MAX_FILE_BYTES)
    return fail (error, path, NULL, NULL, _ ("larger than 1 MiB")), NULL;
  if (!g_utf8_validate_len (text, length, NULL) || memchr (text, '\0', length) != NULL)
    return fail (error, path, NULL, NULL, _ ("not UTF-8 text")), NULL;
  root = cJSON_ParseWithLengthOpts (text, length + 1, NULL, TRUE);
  if (root == NULL)
    return fail (error, path, NULL, NULL, _ ("not valid JSON")), NULL;
  ok = read_document (specs, root, error);
  cJSON_Delete (root);
  return ok ? g_steal_pointer (&specs) : NULL;
}

/* Shape, dtype and crop of `spec` against the model's input. */
static gboolean
check_against (const char        *path,
               const LtInputSpec *spec,
               const lt_value    *input,
               GError           **error)
{
  const lt_shape *shape = &input->shape;

  if (input->dtype != LT_DTYPE_F32 && input->dtype != LT_DTYPE_UNDEFINED)
    return fail (error, path, spec->name, NULL, _ ("the model's input is %s, not float32"), lt_dtype_name (input->dtype));
  if (spec->rank > 0 && shape->rank >= 0)
    {
      gboolean same = (gint) spec->rank == shape->rank;
      for (gint d = 0; same && d < shape->rank; d++)
        same = shape->dims[d].size < 0 || shape->dims[d].size == spec->shape[d];
      if (!same)
        return fail (error, path, spec->name, "shape", _ ("differs from the model's input"));
    }
  if (spec->crop[0] > 0 && shape->rank == 4)
    {
      gboolean nchw = spec->image.layout == LT_IMAGE_LAYOUT_NCHW ||
                      (spec->image.layout == LT_IMAGE_LAYOUT_AUTO && shape->dims[1].size == 3);
      gint64 h = shape->dims[nchw ? 2 : 1].size, w = shape->dims[nchw ? 3 : 2].size;
      if ((h >= 0 && h != spec->crop[0]) || (w >= 0 && w != spec->crop[1]))
        return fail (error, path, spec->name, "crop", _ ("must be the input's height and width, %lld×%lld"),
                     (long long) h, (long long) w);
    }
  return TRUE;
}

gboolean
lt_input_specs_apply (const LtInputSpecs *specs,
                      const lt_graph     *graph,
                      LtImageOptions     *image,
                      GError            **error)
{
  uint32_t       n_inputs;
  const int32_t *inputs = lt_graph_get_inputs (graph, &n_inputs);
  int32_t        fed = -1; /* the one input without a default, if only one */

  for (uint32_t k = 0; k < n_inputs; k++)
    if (lt_graph_get_value (graph, inputs[k])->constant == NULL)
      fed = fed == -1 ? inputs[k] : -2;
  for (guint i = 0; i < specs->specs->len; i++)
    {
      const LtInputSpec *spec = g_ptr_array_index (specs->specs, i);
      int32_t            id = lt_graph_find_value (graph, spec->name);
      gboolean           is_input = FALSE;

      for (uint32_t k = 0; k < n_inputs; k++)
        is_input = is_input || inputs[k] == id;
      if (!is_input)
        return fail (error, specs->path, spec->name, NULL, _ ("the model has no input of this name"));
      if (!check_against (specs->path, spec, lt_graph_get_value (graph, id), error))
        return FALSE;
      if (id == fed)
        *image = spec->image;
    }
  return TRUE;
}
