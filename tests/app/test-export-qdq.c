/* test-export-qdq.c — `lathe-cli export-qdq` and lt_onnx_export_qdq.
 *
 * Encodings are made here from a float run (min/max per activation,
 * uint8; weights per channel, symmetric int8; biases int32), written as a
 * 1.0.0 file and exported through lathe-cli.  The result must load, hold
 * one Q/DQ pair per activation and one DequantizeLinear per weight with the
 * encodings' scales and zero points, keep its output names, and run: every
 * QuantizeLinear output is within one step of round(x / scale) + zero point
 * computed here from its float input, every DequantizeLinear gives (q -
 * zero point) * scale, and quantized weights dequantize to within half a
 * step of the float ones.  The digits model exported the same way keeps
 * its held-out accuracy within one point.  Bad encodings fail naming the
 * tensor and leave no file; a symbolic link at the target is replaced, not
 * written through. */
#include "lt-encodings-io.h"
#include "session-util.h"
#include "test-util.h"

#include <glib/gstdio.h>
#include <math.h>

static char *tmp_dir;

/* ---- making encodings from a float run --------------------------------- */

typedef struct
{
  uint32_t n;
  double  *lo, *hi; /* per value id */
} Ranges;

static void
observe_range (void            *user_data,
               const lt_graph  *graph,
               int32_t          value_id,
               const lt_tensor *value)
{
  Ranges      *ranges = user_data;
  const float *x = value->data;

  (void) graph;
  if (value->dtype != LT_DTYPE_F32 || value_id < 0 || (uint32_t) value_id >= ranges->n)
    return;
  for (uint64_t i = 0; i < value->count; i++)
    {
      ranges->lo[value_id] = MIN (ranges->lo[value_id], x[i]);
      ranges->hi[value_id] = MAX (ranges->hi[value_id], x[i]);
    }
}

static LtEncoding *
weight_encoding (const lt_value *v)
{
  const lt_tensor *t = v->constant;
  guint            channels = (guint) t->dims[0];
  uint64_t         per = t->count / channels;
  LtEncoding      *enc = lt_encoding_new (v->name, LT_ENCODING_SECTION_PARAM, channels);

  enc->granularity = channels > 1 ? LT_ENCODING_PER_CHANNEL : LT_ENCODING_PER_TENSOR;
  enc->bitwidth = 8;
  enc->is_symmetric = enc->signed_storage = TRUE;
  enc->axis = 0;
  for (guint c = 0; c < channels; c++)
    {
      double m = 0.0;

      for (uint64_t i = c * per; i < (c + 1) * per; i++)
        m = MAX (m, fabs (lt_tensor_get_as_double (t, i)));
      enc->scale[c] = (float) MAX (m / 127.0, 1e-6);
      enc->offset[c] = -128;
    }
  return enc;
}

static LtEncoding *
bias_encoding (const lt_value *v)
{
  const lt_tensor *t = v->constant;
  LtEncoding      *enc = lt_encoding_new (v->name, LT_ENCODING_SECTION_PARAM, 1);
  double           m = 1e-3;

  for (uint64_t i = 0; i < t->count; i++)
    m = MAX (m, fabs (lt_tensor_get_as_double (t, i)));
  enc->bitwidth = 32;
  enc->is_symmetric = enc->signed_storage = TRUE;
  /* Headroom, as real bias scales (input scale × weight scale) have. */
  enc->scale[0] = (float) (m / 1073741824.0);
  enc->offset[0] = G_MININT32;
  return enc;
}

static LtEncoding *
activation_encoding (const char *name,
                     double      lo,
                     double      hi)
{
  LtEncoding *enc = lt_encoding_new (name, LT_ENCODING_SECTION_ACTIVATION, 1);

  enc->bitwidth = 8;
  lt_encoding_from_min_max (lo, hi, 8, &enc->scale[0], &enc->offset[0], &enc->min[0], &enc->max[0]);
  return enc;
}

/* Encodings for every float weight, bias and activation of `model`, the
 * activations' ranges from running `input`. */
static LtEncodingSet *
make_encodings (lt_model      *model,
                const LtArray *input)
{
  const lt_graph *graph = lt_model_get_graph (model);
  uint32_t        n = lt_graph_get_n_values (graph);
  Ranges          ranges = { n, g_new (double, n), g_new (double, n) };
  LtEncodingSet  *set = lt_encoding_set_new (LT_ENCODINGS_FORMAT_1_0_0);
  const float    *x = g_bytes_get_data (input->data, NULL);
  uint32_t        n_inputs = 0;
  int32_t         input_id = lt_graph_get_inputs (graph, &n_inputs)[0];
  uint64_t        count = 0;

  for (uint32_t i = 0; i < n; i++)
    {
      ranges.lo[i] = INFINITY;
      ranges.hi[i] = -INFINITY;
    }
  for (uint64_t i = 0; i < input->count; i++)
    {
      ranges.lo[input_id] = MIN (ranges.lo[input_id], x[i]);
      ranges.hi[input_id] = MAX (ranges.hi[input_id], x[i]);
    }
  g_free (test_run_f32 (model, input, observe_range, &ranges, &count));
  for (uint32_t i = 0; i < n; i++)
    {
      const lt_value *v = lt_graph_get_value (graph, (int32_t) i);
      LtEncoding     *enc = NULL;

      if (v->kind == LT_VALUE_CONSTANT && v->constant->dtype == LT_DTYPE_F32)
        enc = v->constant->rank >= 2 ? weight_encoding (v) : bias_encoding (v);
      else if (v->kind != LT_VALUE_CONSTANT && ranges.lo[i] <= ranges.hi[i])
        enc = activation_encoding (v->name, MIN (ranges.lo[i], 0.0), MAX (ranges.hi[i], 0.0));
      if (enc)
        {
          lt_encoding_derive_min_max (enc);
          g_assert_true (lt_encoding_set_add (set, enc));
        }
    }
  g_free (ranges.lo);
  g_free (ranges.hi);
  return set;
}

/* ---- running --------------------------------------------------------- */

static int
export_cli (const char *model,
            const char *encodings,
            const char *out,
            char      **err_text)
{
  const char *argv[] = { g_getenv ("LATHE_CLI"), "export-qdq", model, "--encodings", encodings, "-o", out, NULL };
  g_autoptr (GError) error = NULL;
  int wait_status = 0;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, err_text,
                               &wait_status, &error));
  g_assert_no_error (error);
  return WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

/* Writes `set` and exports `model_path` with it; returns the QDQ path. */
static char *
export_with (const char          *model_path,
             const LtEncodingSet *set,
             const char          *stem)
{
  g_autofree char *enc_name = g_strconcat (stem, ".encodings", NULL);
  g_autofree char *out_name = g_strconcat (stem, "-qdq.onnx", NULL);
  g_autofree char *enc_path = g_build_filename (tmp_dir, enc_name, NULL);
  char            *out_path = g_build_filename (tmp_dir, out_name, NULL);
  g_autofree char *err_text = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (lt_encodings_write_file (set, LT_ENCODINGS_FORMAT_1_0_0, enc_path, NULL, &error));
  g_assert_no_error (error);
  if (export_cli (model_path, enc_path, out_path, &err_text) != 0)
    g_error ("export-qdq failed: %s", err_text);
  return out_path;
}

/* ---- checking the QDQ graph ------------------------------------------- */

static const lt_node *
producer_of (const lt_graph *graph,
             int32_t         value_id)
{
  const lt_value *v = lt_graph_get_value (graph, value_id);

  return v->producer >= 0 ? lt_graph_get_node (graph, v->producer) : NULL;
}

static const lt_tensor *
constant_input (const lt_graph *graph,
                const lt_node  *node,
                uint32_t        index)
{
  g_assert_cmpuint (node->n_inputs, >, index);
  g_assert_cmpint (node->inputs[index], >=, 0);
  g_assert_nonnull (lt_graph_get_value (graph, node->inputs[index])->constant);
  return lt_graph_get_value (graph, node->inputs[index])->constant;
}

/* The Q or DQ node's scale and zero point match `enc` in `dtype`. */
static void
check_parameters (const lt_graph   *graph,
                  const lt_node    *node,
                  const LtEncoding *enc,
                  lt_dtype          dtype)
{
  const lt_tensor *scale = constant_input (graph, node, 1);
  gint64           shift = lt_dtype_is_signed (dtype) ? (gint64) 1 << (enc->bitwidth - 1) : 0;

  g_assert_cmpint (scale->dtype, ==, LT_DTYPE_F32);
  g_assert_cmpuint (scale->count, ==, enc->n_values);
  for (guint c = 0; c < enc->n_values; c++)
    g_assert_cmpfloat (lt_tensor_get_as_double (scale, c), ==, enc->scale[c]);
  if (enc->n_values > 1)
    g_assert_cmpint (lt_node_get_attr_int (node, "axis", 1), ==, enc->axis);
  if (node->n_inputs > 2 && node->inputs[2] >= 0)
    {
      const lt_tensor *zp = constant_input (graph, node, 2);

      g_assert_cmpint (zp->dtype, ==, dtype);
      for (guint c = 0; c < enc->n_values; c++)
        g_assert_cmpfloat (lt_tensor_get_as_double (zp, c), ==, (double) (-enc->offset[c] - shift));
    }
  else
    g_assert_cmpint (dtype, ==, LT_DTYPE_I32);
}

static void
check_weight (const lt_graph   *qdq,
              const lt_graph   *orig,
              const LtEncoding *enc)
{
  const lt_node   *dq = producer_of (qdq, lt_graph_find_value (qdq, enc->name));
  const lt_tensor *w = lt_graph_get_value (orig, lt_graph_find_value (orig, enc->name))->constant;
  const lt_tensor *q;
  lt_dtype         dtype = enc->bitwidth == 32 ? LT_DTYPE_I32 : LT_DTYPE_I8;
  uint64_t         per;

  g_assert_nonnull (dq);
  g_assert_cmpstr (dq->op_type, ==, "DequantizeLinear");
  q = constant_input (qdq, dq, 0);
  g_assert_cmpint (q->dtype, ==, dtype);
  g_assert_cmpuint (q->count, ==, w->count);
  check_parameters (qdq, dq, enc, dtype);
  per = w->count / enc->n_values;
  for (uint64_t i = 0; i < w->count; i++)
    {
      double scale = enc->scale[enc->n_values > 1 ? i / per : 0];
      double zp = (double) (-enc->offset[enc->n_values > 1 ? i / per : 0] - ((gint64) 1 << (enc->bitwidth - 1)));
      double back = (lt_tensor_get_as_double (q, i) - zp) * scale;

      g_assert_cmpfloat (fabs (back - lt_tensor_get_as_double (w, i)), <=, 0.5 * scale * (1 + 1e-6));
    }
}

/* Returns the QuantizeLinear that reads the activation. */
static const lt_node *
check_activation (const lt_graph   *qdq,
                  const LtEncoding *enc)
{
  int32_t         id = lt_graph_find_value (qdq, enc->name);
  const lt_value *v = lt_graph_get_value (qdq, id);
  const lt_node  *q, *dq;

  if (v->is_output)
    {
      /* The output keeps its name: a DQ writes it, fed by the Q. */
      dq = producer_of (qdq, id);
      g_assert_cmpstr (dq->op_type, ==, "DequantizeLinear");
      q = producer_of (qdq, dq->inputs[0]);
    }
  else
    {
      /* The Q is the value's only reader; the old readers read the DQ. */
      g_assert_cmpuint (v->n_consumers, ==, 1);
      q = lt_graph_get_node (qdq, v->consumers[0]);
      g_assert_cmpuint (lt_graph_get_value (qdq, q->outputs[0])->n_consumers, ==, 1);
      dq = lt_graph_get_node (qdq, lt_graph_get_value (qdq, q->outputs[0])->consumers[0]);
    }
  g_assert_cmpstr (q->op_type, ==, "QuantizeLinear");
  g_assert_cmpstr (dq->op_type, ==, "DequantizeLinear");
  g_assert_cmpint (dq->inputs[0], ==, q->outputs[0]);
  check_parameters (qdq, q, enc, LT_DTYPE_U8);
  check_parameters (qdq, dq, enc, LT_DTYPE_U8);
  return q;
}

static void
check_structure (const lt_graph      *qdq,
                 const lt_graph      *orig,
                 const LtEncodingSet *set)
{
  guint          n_q = 0, n_dq = 0, n_params = 0;
  uint32_t       n_out_q = 0, n_out_o = 0;
  const int32_t *out_q = lt_graph_get_outputs (qdq, &n_out_q);
  const int32_t *out_o = lt_graph_get_outputs (orig, &n_out_o);

  for (guint i = 0; i < set->encodings->len; i++)
    {
      const LtEncoding *enc = g_ptr_array_index (set->encodings, i);

      if (enc->section == LT_ENCODING_SECTION_PARAM)
        {
          check_weight (qdq, orig, enc);
          n_params++;
        }
      else
        check_activation (qdq, enc);
    }
  for (uint32_t i = 0; i < lt_graph_get_n_nodes (qdq); i++)
    {
      n_q += g_strcmp0 (lt_graph_get_node (qdq, (int32_t) i)->op_type, "QuantizeLinear") == 0;
      n_dq += g_strcmp0 (lt_graph_get_node (qdq, (int32_t) i)->op_type, "DequantizeLinear") == 0;
    }
  g_assert_cmpuint (n_q, ==, set->encodings->len - n_params);
  g_assert_cmpuint (n_dq, ==, set->encodings->len);
  g_assert_cmpuint (lt_graph_get_n_nodes (qdq), ==, lt_graph_get_n_nodes (orig) + n_q + n_dq);
  g_assert_cmpuint (n_out_q, ==, n_out_o);
  for (uint32_t i = 0; i < n_out_o; i++)
    g_assert_cmpstr (lt_graph_get_value (qdq, out_q[i])->name, ==, lt_graph_get_value (orig, out_o[i])->name);
}

/* ---- checking the QDQ run ---------------------------------------------- */

typedef struct
{
  const lt_graph *graph;
  GHashTable     *values; /* value id → GBytes copy of the value */
  guint           n_q_checked, n_dq_checked;
} RunCheck;

static const void *
value_data (RunCheck *check,
            int32_t   id)
{
  GBytes *bytes = g_hash_table_lookup (check->values, GINT_TO_POINTER (id));

  g_assert_nonnull (bytes);
  return g_bytes_get_data (bytes, NULL);
}

/* After a Q or DQ node ran: its output against what its input gives. */
static void
check_step (RunCheck        *check,
            const lt_node   *node,
            const lt_tensor *out)
{
  const lt_tensor *scale = constant_input (check->graph, node, 1);
  const lt_tensor *zp = constant_input (check->graph, node, 2);
  double           s = lt_tensor_get_as_double (scale, 0);
  double           z = lt_tensor_get_as_double (zp, 0);

  g_assert_cmpuint (scale->count, ==, 1);
  if (g_strcmp0 (node->op_type, "QuantizeLinear") == 0)
    {
      const float *x = value_data (check, node->inputs[0]);

      for (uint64_t i = 0; i < out->count; i++)
        {
          double want = CLAMP (nearbyint (x[i] / s) + z, 0.0, 255.0);

          g_assert_cmpfloat (fabs (lt_tensor_get_as_double (out, i) - want), <=, 1.0);
        }
      check->n_q_checked++;
    }
  else
    {
      const uint8_t *q = value_data (check, node->inputs[0]);

      for (uint64_t i = 0; i < out->count; i++)
        g_assert_cmpfloat (fabs (((const float *) out->data)[i] - (q[i] - z) * s), <=, 1e-6 * s * 256);
      check->n_dq_checked++;
    }
}

static void
observe_step (void            *user_data,
              const lt_graph  *graph,
              int32_t          value_id,
              const lt_tensor *value)
{
  RunCheck       *check = user_data;
  const lt_value *v = lt_graph_get_value (graph, value_id);
  const lt_node  *node = lt_graph_get_node (graph, v->producer);

  /* Weight DQs read constants; check_weight covers them. */
  if (strcmp (node->op_type, "QuantizeLinear") == 0 || (strcmp (node->op_type, "DequantizeLinear") == 0 && !lt_graph_get_value (graph, node->inputs[0])->constant))
    check_step (check, node, value);
  g_hash_table_insert (check->values, GINT_TO_POINTER (value_id), g_bytes_new (value->data, value->nbytes));
}

/* Runs the QDQ model on `input` checking every activation Q and DQ; the
 * graph input's Q reads the bound input, kept here too. */
static float *
run_checked (lt_model      *qdq,
             const LtArray *input,
             guint          n_activations,
             uint64_t      *count)
{
  RunCheck check = { lt_model_get_graph (qdq), g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_bytes_unref) };
  uint32_t n_inputs = 0;
  int32_t  input_id = lt_graph_get_inputs (check.graph, &n_inputs)[0];
  float   *out;

  g_hash_table_insert (check.values, GINT_TO_POINTER (input_id), g_bytes_ref (input->data));
  out = test_run_f32 (qdq, input, observe_step, &check, count);
  g_assert_cmpuint (check.n_q_checked, ==, n_activations);
  g_assert_cmpuint (check.n_dq_checked, ==, n_activations);
  g_hash_table_unref (check.values);
  return out;
}

static guint
count_activations (const LtEncodingSet *set)
{
  guint n = 0;

  for (guint i = 0; i < set->encodings->len; i++)
    n += ((LtEncoding *) g_ptr_array_index (set->encodings, i))->section == LT_ENCODING_SECTION_ACTIVATION;
  return n;
}

/* ---- tests ------------------------------------------------------------- */

static LtArray *
demo_input (void)
{
  LtArray *a = g_new0 (LtArray, 1);
  float   *x = g_new (float, 3 * 56 * 56);

  for (guint i = 0; i < 3 * 56 * 56; i++)
    x[i] = (float) ((i * 7919) % 256) / 255.0f;
  a->dtype = LT_DTYPE_F32;
  a->rank = 4;
  a->dims[0] = 1, a->dims[1] = 3, a->dims[2] = 56, a->dims[3] = 56;
  a->count = 3 * 56 * 56;
  a->data = g_bytes_new_take (x, a->count * sizeof (float));
  return a;
}

static char *
demo_path (void)
{
  return g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
}

static void
test_export_demo (void)
{
  g_autofree char *model_path = demo_path ();
  g_autoptr (LtArray) input = demo_input ();
  lt_model *model = test_load_model (model_path);
  g_autoptr (LtEncodingSet) set = make_encodings (model, input);
  g_autofree char  *qdq_path = export_with (model_path, set, "demo");
  lt_model         *qdq = test_load_model (qdq_path);
  g_autofree float *want = NULL, *got = NULL;
  uint64_t          n_want = 0, n_got = 0;
  double            worst = 0.0;
  const LtEncoding *out_enc = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "logits");

  check_structure (lt_model_get_graph (qdq), lt_model_get_graph (model), set);
  want = test_run_f32 (model, input, NULL, NULL, &n_want);
  got = run_checked (qdq, input, count_activations (set), &n_got);
  g_assert_cmpuint (n_got, ==, n_want);
  g_assert_nonnull (out_enc);
  for (uint64_t i = 0; i < n_got; i++)
    worst = MAX (worst, fabs (got[i] - want[i]) / out_enc->scale[0]);
  g_test_message ("demo model, 8-bit QDQ against float: largest output difference %.2f output steps", worst);
  lt_model_unref (qdq);
  lt_model_unref (model);
}

static double
top1_percent (const float   *logits,
              const LtArray *labels)
{
  const int64_t *label = g_bytes_get_data (labels->data, NULL);
  guint          correct = 0;

  for (uint64_t i = 0; i < labels->count; i++)
    correct += (int64_t) test_argmax (logits + i * 10, 10) == label[i];
  return 100.0 * correct / (double) labels->count;
}

static void
test_export_digits_accuracy (void)
{
  g_autofree char *model_path = test_digits_path ("digits-cnn.onnx");
  g_autofree char *train_path = test_digits_path ("train-images.npy");
  g_autofree char *held_path = test_digits_path ("heldout-images.npy");
  g_autofree char *labels_path = test_digits_path ("heldout-labels.npy");
  g_autoptr (LtArray) train = lt_npy_load (train_path, NULL);
  g_autoptr (LtArray) held = lt_npy_load (held_path, NULL);
  g_autoptr (LtArray) labels = lt_npy_load (labels_path, NULL);
  lt_model *model = test_load_model (model_path);
  g_autoptr (LtEncodingSet) set = NULL;
  g_autofree char  *qdq_path = NULL;
  g_autofree float *f32 = NULL, *int8 = NULL;
  lt_model         *qdq;
  uint64_t          n = 0;
  double            a_f32, a_int8;

  g_assert_nonnull (train);
  g_assert_nonnull (held);
  g_assert_nonnull (labels);
  set = make_encodings (model, train);
  qdq_path = export_with (model_path, set, "digits");
  qdq = test_load_model (qdq_path);
  check_structure (lt_model_get_graph (qdq), lt_model_get_graph (model), set);
  f32 = test_run_f32 (model, held, NULL, NULL, &n);
  int8 = run_checked (qdq, held, count_activations (set), &n);
  a_f32 = top1_percent (f32, labels);
  a_int8 = top1_percent (int8, labels);
  g_test_message ("digits held-out top-1: f32 %.2f%%, 8-bit QDQ (min/max, per-channel weights) %.2f%%", a_f32, a_int8);
  g_assert_cmpfloat (fabs (a_f32 - a_int8), <=, 1.0);
  lt_model_unref (qdq);
  lt_model_unref (model);
}

static void
test_export_bad_encodings (void)
{
  g_autofree char *model_path = demo_path ();
  g_autofree char *out = g_build_filename (tmp_dir, "bad-qdq.onnx", NULL);
  g_autofree char *enc_path = g_build_filename (tmp_dir, "bad.encodings", NULL);
  g_autofree char *err_text = NULL;
  lt_model        *model = test_load_model (model_path);
  float            scales[3] = { 0.1f, 0.1f, 0.1f };
  int64_t          zps[3] = { 0, 0, 0 };
  lt_qdq_encoding  unknown = { "no_such_tensor", LT_DTYPE_U8, 1, 0, scales, zps };
  lt_qdq_encoding  channels = { "conv1.weight", LT_DTYPE_I8, 3, 0, scales, zps };
  lt_qdq_encoding  zp_range = { "relu1", LT_DTYPE_U8, 1, 0, scales, (int64_t[]){ 256 } };
  lt_error         err;

  lt_error_clear (&err);
  g_assert_cmpint (lt_onnx_export_qdq (model, &unknown, 1, out, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (err.subject, ==, "no_such_tensor");
  g_assert_cmpstr (err.file, ==, model_path);
  g_assert_cmpint (lt_onnx_export_qdq (model, &channels, 1, out, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (err.subject, ==, "conv1.weight");
  g_assert_nonnull (strstr (err.message, "32"));
  g_assert_cmpint (lt_onnx_export_qdq (model, &zp_range, 1, out, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (err.subject, ==, "relu1");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  lt_model_unref (model);

  /* Through the command: the lint stops it before anything is written. */
  g_assert_true (g_file_set_contents (enc_path,
                                      "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"relu_one\", "
                                      "\"output_dtype\": \"uint8\", \"y_scale\": 0.1, \"y_zero_point\": 0}]}",
                                      -1, NULL));
  g_assert_cmpint (export_cli (model_path, enc_path, out, &err_text), ==, 1);
  g_assert_nonnull (strstr (err_text, "relu_one"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_export_replaces_symlink (void)
{
  g_autofree char *model_path = demo_path ();
  g_autofree char *victim = g_build_filename (tmp_dir, "victim.txt", NULL);
  g_autofree char *link = g_build_filename (tmp_dir, "link-qdq.onnx", NULL);
  g_autofree char *contents = NULL;
  lt_model        *model = test_load_model (model_path);
  float            scale = 0.05f;
  int64_t          zp = 0;
  lt_qdq_encoding  relu = { "relu1", LT_DTYPE_U8, 1, 0, &scale, &zp };
  lt_error         err;

  g_assert_true (g_file_set_contents (victim, "keep me", -1, NULL));
  g_assert_cmpint (symlink (victim, link), ==, 0);
  lt_error_clear (&err);
  g_assert_cmpint (lt_onnx_export_qdq (model, &relu, 1, link, &err), ==, LT_OK);
  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_assert_false (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  lt_model_unref (model);
  lt_model_unref (test_load_model (link));
}

/* 16-bit activations use ONNX Runtime's com.microsoft Q/DQ, the model's
 * own opset untouched. */
static void
test_export_sixteen_bit (void)
{
  g_autofree char *model_path = demo_path ();
  g_autofree char *out = g_build_filename (tmp_dir, "u16-qdq.onnx", NULL);
  lt_model        *model = test_load_model (model_path);
  float            scale = 0.0005f;
  int64_t          zp = 0;
  lt_qdq_encoding  relu = { "relu1", LT_DTYPE_U16, 1, 0, &scale, &zp };
  const lt_graph  *graph;
  const lt_node   *q;
  lt_error         err;
  lt_model        *qdq;

  lt_error_clear (&err);
  g_assert_cmpint (lt_onnx_export_qdq (model, &relu, 1, out, &err), ==, LT_OK);
  lt_model_unref (model);
  qdq = test_load_model (out);
  graph = lt_model_get_graph (qdq);
  q = lt_graph_get_node (graph, lt_graph_get_value (graph, lt_graph_find_value (graph, "relu1"))->consumers[0]);
  g_assert_cmpstr (q->op_type, ==, "QuantizeLinear");
  g_assert_cmpstr (q->domain, ==, "com.microsoft");
  g_assert_cmpint (q->opset, ==, 1);
  g_assert_cmpint (constant_input (graph, q, 2)->dtype, ==, LT_DTYPE_U16);
  g_assert_cmpint (lt_graph_get_node (graph, lt_graph_get_value (graph, lt_graph_find_value (graph, "conv1"))->producer)->opset, ==, 13);
  lt_model_unref (qdq);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("lathe-export-qdq-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  g_test_add_func ("/export-qdq/demo", test_export_demo);
  g_test_add_func ("/export-qdq/digits-accuracy", test_export_digits_accuracy);
  g_test_add_func ("/export-qdq/bad-encodings", test_export_bad_encodings);
  g_test_add_func ("/export-qdq/replaces-symlink", test_export_replaces_symlink);
  g_test_add_func ("/export-qdq/sixteen-bit", test_export_sixteen_bit);
  status = g_test_run ();
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
