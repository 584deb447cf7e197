/* lt-encodings-lint.c — findings about an encoding set for one model.
 *
 * Each check adds at most one finding per tensor and field; per-channel
 * checks name the first failing channel and how many fail.  min/max may
 * sit up to one step from the grid: QNN nudges each end by up to half a
 * step, and files round scales to a few digits.  Close names
 * are found by Levenshtein distance, bounded so that only plausible typos
 * (a third of the name, at least 2 edits) are suggested.
 */
#include "lt-encodings-lint.h"
#include "lt-folded-values.h"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define MAX_SUGGESTIONS 3

void
lt_lint_finding_free (LtLintFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->tensor);
  g_free (finding->field);
  g_free (finding->message);
  g_free (finding);
}

const char *
lt_lint_severity_to_string (LtLintSeverity severity)
{
  switch (severity)
    {
    case LT_LINT_ERROR:
      return "error";
    case LT_LINT_WARNING:
      return "warning";
    case LT_LINT_INFO:
      return "info";
    }
  g_return_val_if_reached ("error");
}

static void add_finding (GPtrArray     *findings,
                         LtLintSeverity severity,
                         const char    *tensor,
                         const char    *field,
                         const char    *format,
                         ...) G_GNUC_PRINTF (5, 6);

static void
add_finding (GPtrArray     *findings,
             LtLintSeverity severity,
             const char    *tensor,
             const char    *field,
             const char    *format,
             ...)
{
  LtLintFinding *finding = g_new0 (LtLintFinding, 1);
  va_list        args;

  finding->severity = severity;
  finding->tensor = g_strdup (tensor);
  finding->field = g_strdup (field);
  va_start (args, format);
  finding->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (findings, finding);
}

/* ---- the model side ---------------------------------------------------- */

static gboolean
is_param (const lt_value *value)
{
  return value->constant != NULL;
}

static gboolean
may_be_quantized (const lt_value *value)
{
  return value->kind != LT_VALUE_OUTER && (value->dtype == LT_DTYPE_UNDEFINED || lt_dtype_is_float (value->dtype));
}

/* Fills `axes` for input `input` of `node` when the op has a rule. */
static gboolean
axes_for_input (const lt_node *node,
                guint          input,
                gint           rank,
                LtParamAxes   *axes)
{
  gboolean is_conv = strcmp (node->op_type, "Conv") == 0;
  gboolean is_conv_transpose = strcmp (node->op_type, "ConvTranspose") == 0;
  gboolean is_gemm = strcmp (node->op_type, "Gemm") == 0;

  axes->block_axis = -1;
  if (input == 2 && (is_conv || is_conv_transpose))
    return axes->why = _ ("bias: one value per output channel"), axes->channel_axis = 0, TRUE;
  if (input == 2 && is_gemm)
    return axes->why = _ ("Gemm bias: output features on its last axis"), axes->channel_axis = MAX (rank - 1, 0), TRUE;
  if (input != 1)
    return FALSE;
  if (is_conv)
    return axes->why = _ ("Conv weight: output channels on axis 0, input channels on axis 1"), axes->channel_axis = 0, axes->block_axis = 1, TRUE;
  if (is_conv_transpose)
    return axes->why = _ ("ConvTranspose weight: output channels on axis 1, input channels on axis 0"), axes->channel_axis = 1, axes->block_axis = 0, TRUE;
  if (is_gemm && lt_node_get_attr_int (node, "transB", 0) != 0)
    return axes->why = _ ("Gemm weight with transB=1: output features on axis 0"), axes->channel_axis = 0, axes->block_axis = 1, TRUE;
  if (is_gemm)
    return axes->why = _ ("Gemm weight with transB=0: output features on axis 1"), axes->channel_axis = 1, axes->block_axis = 0, TRUE;
  if (strcmp (node->op_type, "MatMul") == 0 && rank >= 1)
    return axes->why = _ ("MatMul weight: output features on its last axis"), axes->channel_axis = rank - 1, axes->block_axis = rank - 2, TRUE;
  return FALSE;
}

gboolean
lt_encodings_param_axes (const lt_graph *graph,
                         int32_t         value_id,
                         LtParamAxes    *axes)
{
  const lt_value *value = lt_graph_get_value (graph, value_id);

  axes->channel_axis = axes->block_axis = -1;
  axes->why = _ ("no Conv, ConvTranspose, Gemm or MatMul uses it as weight or bias");
  for (guint c = 0; c < value->n_consumers; c++)
    {
      const lt_node *node = lt_graph_get_node (graph, value->consumers[c]);

      if (strcmp (node->domain, "") != 0)
        continue;
      for (guint j = 1; j < node->n_inputs && j <= 2; j++)
        if (node->inputs[j] == value_id && axes_for_input (node, j, value->shape.rank, axes))
          return TRUE;
    }
  return FALSE;
}

void
lt_encodings_resolve (LtEncodingSet  *set,
                      const lt_graph *graph)
{
  for (guint i = 0; i < set->encodings->len; i++)
    {
      LtEncoding     *encoding = g_ptr_array_index (set->encodings, i);
      int32_t         id = lt_graph_find_value (graph, encoding->name);
      const lt_value *value;
      LtParamAxes     axes;
      gint            axis;

      if (id < 0)
        continue;
      value = lt_graph_get_value (graph, id);
      if (encoding->section == LT_ENCODING_SECTION_UNSPECIFIED)
        lt_encoding_set_move (set, encoding, is_param (value) ? LT_ENCODING_SECTION_PARAM : LT_ENCODING_SECTION_ACTIVATION);
      if (encoding->granularity == LT_ENCODING_PER_TENSOR || !is_param (value) || !lt_encodings_param_axes (graph, id, &axes))
        continue;
      if (encoding->axis == LT_ENCODING_AXIS_UNKNOWN)
        encoding->axis = axes.channel_axis;
      if (encoding->granularity != LT_ENCODING_PER_BLOCK && encoding->granularity != LT_ENCODING_LPBQ)
        continue;
      if (encoding->block_axis == LT_ENCODING_AXIS_UNKNOWN && axes.block_axis >= 0)
        encoding->block_axis = axes.block_axis;
      if (encoding->rank == 0 && value->shape.rank > 0)
        encoding->rank = (guint) value->shape.rank;
      axis = lt_encoding_normalize_axis (encoding->axis, value->shape.rank);
      if (encoding->n_blocks == 0 && axis >= 0 && value->shape.dims[axis].size > 0 &&
          encoding->n_values % value->shape.dims[axis].size == 0)
        encoding->n_blocks = encoding->n_values / (guint) value->shape.dims[axis].size;
    }
}

/* ---- names ------------------------------------------------------------- */

/* Levenshtein distance, or a value above `bound` as soon as it must be. */
static guint
edit_distance (const char *a,
               const char *b,
               guint       bound)
{
  gsize             la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if ((la > lb ? la - lb : lb - la) > bound)
    return bound + 1;
  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0], row_min;

      row[0] = (guint) i;
      row_min = row[0];
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] != b[j - 1]));
          diagonal = above;
          row_min = MIN (row_min, row[j]);
        }
      if (row_min > bound)
        return bound + 1;
    }
  return row[lb];
}

/* ", did you mean "a", "b"?" or "" — the closest names of the graph. */
static char *
suggest_names (const lt_graph *graph,
               const char     *name)
{
  const char *best[MAX_SUGGESTIONS] = { NULL };
  guint       best_distance[MAX_SUGGESTIONS];
  guint       bound = MAX (2, (guint) strlen (name) / 3);
  g_autoptr (GString) text = g_string_new ("");

  for (guint v = 0; v < lt_graph_get_n_values (graph); v++)
    {
      const char *candidate = lt_graph_get_value (graph, (int32_t) v)->name;
      guint       d = edit_distance (name, candidate, bound);
      guint       slot;

      if (d > bound)
        continue;
      /* Insertion into a short sorted list: by distance, then by name. */
      for (slot = 0; slot < MAX_SUGGESTIONS && best[slot] &&
                     (best_distance[slot] < d || (best_distance[slot] == d && strcmp (best[slot], candidate) <= 0));
           slot++)
        ;
      if (slot == MAX_SUGGESTIONS)
        continue;
      for (guint k = MAX_SUGGESTIONS - 1; k > slot; k--)
        {
          best[k] = best[k - 1];
          best_distance[k] = best_distance[k - 1];
        }
      best[slot] = candidate;
      best_distance[slot] = d;
    }
  for (guint k = 0; k < MAX_SUGGESTIONS && best[k]; k++)
    g_string_append_printf (text, "%s\"%s\"", k == 0 ? _ ("; did you mean ") : ", ", best[k]);
  if (text->len > 0)
    g_string_append_c (text, '?');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ---- per-encoding checks ----------------------------------------------- */

/* Blocks per channel against the block axis of the tensor. */
static void
check_blocks (GPtrArray         *findings,
              const LtEncoding  *encoding,
              const lt_value    *value,
              const LtParamAxes *rules,
              guint              n_blocks)
{
  gint   block_axis = encoding->block_axis != LT_ENCODING_AXIS_UNKNOWN
                          ? lt_encoding_normalize_axis (encoding->block_axis, value->shape.rank)
                          : rules->block_axis;
  gint64 length, expected;

  if (block_axis < 0 || block_axis >= value->shape.rank || encoding->block_size == 0)
    return;
  length = value->shape.dims[block_axis].size;
  expected = (length + encoding->block_size - 1) / encoding->block_size;
  if (length > 0 && expected != (gint64) n_blocks)
    add_finding (findings, LT_LINT_ERROR, encoding->name, "block_size",
                 _ ("%u blocks per channel in the file; axis %d has %lld values, which makes %lld blocks of %u"),
                 n_blocks, block_axis, (long long) length, (long long) expected, encoding->block_size);
}

static void
check_channels (GPtrArray        *findings,
                const LtEncoding *encoding,
                const lt_graph   *graph,
                int32_t           id)
{
  const lt_value *value = lt_graph_get_value (graph, id);
  gboolean        from_file = encoding->axis != LT_ENCODING_AXIS_UNKNOWN;
  LtParamAxes     rules;
  const char     *why;
  gint            axis;
  gint64          channels;
  guint           n_blocks = encoding->n_blocks;

  if (encoding->granularity == LT_ENCODING_PER_TENSOR)
    return;
  if (!is_param (value))
    {
      add_finding (findings, LT_LINT_WARNING, encoding->name, "enc_type", _ ("an activation with a %s encoding: QNN quantizes activations per tensor"),
                   lt_encoding_granularity_to_string (encoding->granularity));
      return;
    }
  lt_encodings_param_axes (graph, id, &rules);
  axis = from_file ? lt_encoding_normalize_axis (encoding->axis, value->shape.rank) : rules.channel_axis;
  why = from_file ? _ ("axis given by the file") : rules.why;
  if (axis < 0 || axis >= value->shape.rank)
    {
      add_finding (findings, LT_LINT_WARNING, encoding->name, "axis", _ ("cannot check the channel count: %s"),
                   from_file ? _ ("the axis is outside the tensor's rank") : why);
      return;
    }
  channels = value->shape.dims[axis].size;
  if (channels <= 0)
    return;
  if (encoding->granularity == LT_ENCODING_PER_BLOCK && n_blocks == 0)
    {
      /* 1.0.0 flattens blocks: only the total says anything. */
      if (encoding->n_values % channels != 0)
        {
          add_finding (findings, LT_LINT_ERROR, encoding->name, "scale", _ ("%u values do not split into %lld channels on axis %d (%s)"),
                       encoding->n_values, (long long) channels, axis, why);
          return;
        }
      n_blocks = encoding->n_values / (guint) channels;
    }
  if ((gint64) (encoding->n_values / (encoding->granularity == LT_ENCODING_PER_BLOCK ? n_blocks : 1)) != channels)
    {
      add_finding (findings, LT_LINT_ERROR, encoding->name, "scale", _ ("%u channels in the file, %lld in the tensor on axis %d (%s)"),
                   encoding->granularity == LT_ENCODING_PER_BLOCK ? encoding->n_values / n_blocks : encoding->n_values,
                   (long long) channels, axis, why);
      return;
    }
  if (encoding->granularity == LT_ENCODING_PER_BLOCK || encoding->granularity == LT_ENCODING_LPBQ)
    check_blocks (findings, encoding, value, &rules, n_blocks);
}

/* The first channel for which `bad` holds and how many do; FALSE if none. */
typedef gboolean (*ChannelTest) (const LtEncoding *encoding,
                                 guint             index);

static gboolean
find_bad_channels (const LtEncoding *encoding,
                   ChannelTest       bad,
                   guint            *first,
                   guint            *count)
{
  *count = 0;
  for (guint i = 0; i < encoding->n_values; i++)
    if (bad (encoding, i) && (*count)++ == 0)
      *first = i;
  return *count > 0;
}

static gboolean
symmetric_offset_wrong (const LtEncoding *encoding,
                        guint             i)
{
  gint64 symmetric = lt_encoding_symmetric_offset (encoding->bitwidth);

  /* QNN writes symmetric grids as -2^(bw-1), or -2^(bw-1)+1 for a
   * restricted range. */
  return encoding->offset[i] != symmetric && encoding->offset[i] != symmetric + 1;
}

static gboolean
zero_off_grid (const LtEncoding *encoding,
               guint             i)
{
  return encoding->offset[i] > 0 || encoding->offset[i] < -(gint64) lt_encoding_grid_max (encoding->bitwidth);
}

/* min or max further than one step from where scale and offset put it. */
static gboolean
range_end_disagrees (const LtEncoding *encoding,
                     guint             i,
                     gboolean          at_max)
{
  double min, max;

  lt_encoding_to_min_max (encoding->scale[i], encoding->offset[i], encoding->bitwidth, &min, &max);
  if (at_max)
    return fabs (max - encoding->max[i]) > encoding->scale[i];
  return fabs (min - encoding->min[i]) > encoding->scale[i];
}

static gboolean
min_disagrees (const LtEncoding *encoding,
               guint             i)
{
  return range_end_disagrees (encoding, i, FALSE);
}

static gboolean
max_disagrees (const LtEncoding *encoding,
               guint             i)
{
  return range_end_disagrees (encoding, i, TRUE);
}

static gboolean
range_too_small (const LtEncoding *encoding,
                 guint             i)
{
  return lt_encoding_grid_max (encoding->bitwidth) * encoding->scale[i] < LT_ENCODING_MIN_RANGE;
}

static void
check_grid (GPtrArray        *findings,
            const LtEncoding *encoding)
{
  static const struct
  {
    ChannelTest    bad;
    LtLintSeverity severity;
    const char    *field;
    const char    *message;
  } checks[] = {
    { zero_off_grid, LT_LINT_ERROR, "offset", N_ ("0.0 is not on the grid: offset must lie in [-(2^bw - 1), 0]") },
    { min_disagrees, LT_LINT_ERROR, "min", N_ ("min differs from offset * scale by more than one step") },
    { max_disagrees, LT_LINT_ERROR, "max", N_ ("max differs from (2^bw - 1 + offset) * scale by more than one step") },
    { range_too_small, LT_LINT_WARNING, "scale", N_ ("the range (2^bw - 1) * scale is under 1e-4; QNN widens it") },
  };
  guint first = 0, count;

  if (encoding->is_symmetric && find_bad_channels (encoding, symmetric_offset_wrong, &first, &count))
    add_finding (findings, LT_LINT_ERROR, encoding->name, "offset",
                 _ ("symmetric, but offset is %lld instead of %lld (channel %u; %u of %u channels)"),
                 (long long) encoding->offset[first], (long long) lt_encoding_symmetric_offset (encoding->bitwidth), first, count, encoding->n_values);
  for (guint c = 0; c < G_N_ELEMENTS (checks); c++)
    {
      if (!encoding->has_min_max && (checks[c].bad == min_disagrees || checks[c].bad == max_disagrees))
        continue;
      if (find_bad_channels (encoding, checks[c].bad, &first, &count))
        add_finding (findings, checks[c].severity, encoding->name, checks[c].field,
                     _ ("%s (channel %u: scale %.9g, offset %lld, min %.17g, max %.17g; %u of %u channels)"),
                     _ (checks[c].message), first, encoding->scale[first], (long long) encoding->offset[first], encoding->min[first],
                     encoding->max[first], count, encoding->n_values);
    }
}

static void
check_encoding (GPtrArray        *findings,
                const LtEncoding *encoding,
                const lt_graph   *graph)
{
  int32_t         id = lt_graph_find_value (graph, encoding->name);
  const lt_value *value;

  if (id < 0)
    {
      g_autofree char *suggestions = suggest_names (graph, encoding->name);

      add_finding (findings, LT_LINT_ERROR, encoding->name, "name", _ ("no tensor of this name in the model%s"), suggestions);
      return;
    }
  value = lt_graph_get_value (graph, id);
  if (encoding->section == LT_ENCODING_SECTION_ACTIVATION && is_param (value))
    add_finding (findings, LT_LINT_ERROR, encoding->name, "activation_encodings",
                 _ ("a parameter (initializer) listed under activation_encodings; the converter ignores an encoding in the wrong section"));
  else if (encoding->section == LT_ENCODING_SECTION_PARAM && !is_param (value))
    add_finding (findings, LT_LINT_ERROR, encoding->name, "param_encodings",
                 _ ("an activation listed under param_encodings; the converter ignores an encoding in the wrong section"));
  if (encoding->dtype != LT_ENCODING_DTYPE_INT)
    return;
  check_channels (findings, encoding, graph, id);
  check_grid (findings, encoding);
}

static gboolean
has_encoding (const LtEncodingSet *set,
              const char          *name)
{
  return lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, name) ||
         lt_encoding_set_lookup (set, LT_ENCODING_SECTION_PARAM, name) ||
         lt_encoding_set_lookup (set, LT_ENCODING_SECTION_UNSPECIFIED, name);
}

GPtrArray *
lt_encodings_lint (const LtEncodingSet *set,
                   const lt_graph      *graph,
                   const GPtrArray     *folded)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_lint_finding_free);

  for (guint i = 0; i < set->encodings->len; i++)
    check_encoding (findings, g_ptr_array_index (set->encodings, i), graph);
  for (guint v = 0; v < lt_graph_get_n_values (graph); v++)
    {
      const lt_value *value = lt_graph_get_value (graph, (int32_t) v);

      if (!may_be_quantized (value) || has_encoding (set, value->name))
        continue;
      if (lt_folded_values_contain (folded, value->name))
        add_finding (findings, LT_LINT_INFO, value->name, NULL,
                     _ ("folded into its BatchNormalization, as QNN's converter does: the tensor does not exist in the converted graph and needs no encoding"));
      else if (is_param (value))
        add_finding (findings, LT_LINT_INFO, value->name, NULL,
                     _ ("parameter without an encoding: the converter quantizes it from its own values (param_bitwidth), or keeps it in float with --float_fallback"));
      else
        add_finding (findings, LT_LINT_INFO, value->name, NULL,
                     _ ("activation without an encoding: the converter computes one from the calibration data (--input_list), or runs it in float with --float_fallback"));
    }
  return findings;
}
