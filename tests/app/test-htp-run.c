/* test-htp-run.c — the NPU runner (lt/htp-session.h) on whole models.
 *
 * Against the f32 engine running the QDQ model that export-qdq writes for
 * the same encodings (calibrated here on a few samples): every output
 * within one quantization step, on the digits model and the demo CNN.
 * Then what it refuses: an op the NPU cannot run (named with its node),
 * a value without an encoding (named), and a run cancelled between nodes;
 * that its observer sees every value it computes; and the conversion of
 * the app's encodings (lt-encodings-htp.c). */
#include "htp-util.h"
#include "lt-encodings-io.h"
#include "lt-encodings-qdq.h"
#include "test-util.h"

#include <math.h>

/* Output 0 of the QDQ model of `model` for `set`, run by the f32 engine. */
static float *
run_qdq (lt_model            *model,
         const LtEncodingSet *set,
         const LtArray       *input,
         uint64_t            *count)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LtQdqPlan) plan = lt_qdq_plan_new (set, lt_model_get_graph (model), &error);
  g_autofree char *dir = g_dir_make_tmp ("lathe-qdq-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "qdq.onnx", NULL);
  lt_model        *qdq;
  lt_error         err;
  float           *out;

  g_assert_no_error (error);
  lt_error_clear (&err);
  if (lt_onnx_export_qdq (model, (const lt_qdq_encoding *) (void *) plan->encodings->data, plan->encodings->len, path, &err) != LT_OK)
    g_error ("export: %s", err.message);
  qdq = test_load_model (path);
  out = test_run_f32 (qdq, input, NULL, NULL, count);
  lt_model_unref (qdq);
  g_unlink (path);
  g_rmdir (dir);
  return out;
}

static void
check_against_qdq (lt_model            *model,
                   const LtEncodingSet *set,
                   const LtArray       *input)
{
  g_autofree float *htp = NULL, *qdq = NULL;
  uint64_t          n_htp = 0, n_qdq = 0;
  double            step = 0, worst = 0;
  guint             differ = 0;

  htp = test_run_htp (model, set, input, &n_htp, &step);
  qdq = run_qdq (model, set, input, &n_qdq);
  g_assert_cmpuint (n_htp, ==, n_qdq);
  g_assert_cmpuint (n_htp, >, 0);
  for (uint64_t i = 0; i < n_htp; i++)
    {
      double d = fabs ((double) htp[i] - (double) qdq[i]);
      worst = MAX (worst, d);
      differ += d > 0;
    }
  g_test_message ("%" G_GUINT64_FORMAT " outputs, %u differ, largest difference %.3g (one step is %.3g)", n_htp, differ,
                  worst, step);
  /* One step, and the float rounding of dequantizing it. */
  g_assert_cmpfloat (worst, <=, step * (1.0 + 1e-5));
}

static LtCalibEncodeOptions
int8_options (void)
{
  return (LtCalibEncodeOptions){
    .activations = { .method = LT_CALIB_METHOD_PERCENTILE, .percentile = 99.99, .bitwidth = 8 },
    .weight_bitwidth = 8,
    .weight_symmetric = TRUE,
    .per_channel = TRUE,
    .bias_bitwidth = 32,
  };
}

static void
test_digits_matches_qdq (void)
{
  g_autofree char *model_path = test_digits_path ("digits-cnn.onnx");
  g_autofree char *train = test_digits_path ("train-images.npy");
  g_autofree char *heldout = test_digits_path ("heldout-images.npy");
  g_autoptr (LtArray) images = test_load_npy (heldout);
  const char          *samples[] = { train, NULL };
  LtCalibEncodeOptions options = int8_options ();
  lt_model            *model = test_load_model (model_path);
  g_autoptr (LtEncodingSet) set = test_calibrate (model, samples, &options);

  check_against_qdq (model, set, images);
  lt_model_unref (model);
}

/* A normal f32 array of `dims`, seeded. */
static LtArray *
random_array (guint32        seed,
              int32_t        rank,
              const int64_t *dims)
{
  LtArray *a = g_new0 (LtArray, 1);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  float   *data;
  uint64_t n = 1;

  for (int32_t d = 0; d < rank; d++)
    n *= (uint64_t) (a->dims[d] = dims[d]);
  data = g_new (float, n);
  for (uint64_t i = 0; i < n; i++)
    data[i] = (float) (g_rand_double_range (rand, -1, 1) + g_rand_double_range (rand, -1, 1));
  a->dtype = LT_DTYPE_F32;
  a->rank = rank;
  a->count = n;
  a->data = g_bytes_new_take (data, n * sizeof (float));
  return a;
}

static void
save_array (const char    *path,
            const LtArray *a)
{
  g_autoptr (GError) error = NULL;
  lt_tensor view = { .name = "", .dtype = a->dtype, .rank = a->rank, .count = a->count };
  gsize     nbytes;

  memcpy (view.dims, a->dims, sizeof view.dims);
  view.data = g_bytes_get_data (a->data, &nbytes);
  view.nbytes = nbytes;
  g_assert_true (lt_npy_save (path, &view, &error));
  g_assert_no_error (error);
}

static void
test_small_cnn_matches_qdq (void)
{
  g_autofree char *model_path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
  g_autofree char *dir = g_dir_make_tmp ("lathe-htp-XXXXXX", NULL);
  g_autofree char *s0 = g_build_filename (dir, "s0.npy", NULL);
  g_autofree char *s1 = g_build_filename (dir, "s1.npy", NULL);
  const int64_t    full[4] = { 1, 3, 224, 224 }, small[4] = { 1, 3, 40, 40 };
  const char      *samples[] = { s0, s1, NULL };
  g_autoptr (LtArray) a0 = random_array (1, 4, full);
  g_autoptr (LtArray) a1 = random_array (2, 4, full);
  g_autoptr (LtArray) input = random_array (3, 4, small);
  g_autoptr (LtEncodingSet) set = NULL;
  LtCalibEncodeOptions options = int8_options ();
  lt_model            *model = test_load_model (model_path);

  save_array (s0, a0);
  save_array (s1, a1);
  set = test_calibrate (model, samples, &options);
  /* The CNN pools globally: a smaller image keeps the plain integer
   * kernels quick and runs every node the same way. */
  check_against_qdq (model, set, input);
  lt_model_unref (model);
  g_unlink (s0);
  g_unlink (s1);
  g_rmdir (dir);
}

/* The digits model with int8 encodings from its training split, and a
 * session over it. */
typedef struct
{
  lt_model       *model;
  LtEncodingSet  *set;
  LtHtpEncodings *encodings;
} digits_fixture;

static void
digits_setup (digits_fixture *f)
{
  g_autofree char *model_path = test_digits_path ("digits-cnn.onnx");
  g_autofree char *train = test_digits_path ("train-images.npy");
  g_autoptr (GError) error = NULL;
  const char          *samples[] = { train, NULL };
  LtCalibEncodeOptions options = int8_options ();

  f->model = test_load_model (model_path);
  f->set = test_calibrate (f->model, samples, &options);
  f->encodings = lt_htp_encodings_new (f->set, lt_model_get_graph (f->model), &error);
  g_assert_no_error (error);
}

static void
digits_teardown (digits_fixture *f)
{
  lt_htp_encodings_free (f->encodings);
  lt_encoding_set_free (f->set);
  lt_model_unref (f->model);
}

static lt_status
reshape_batch (lt_htp_session                 *session,
               int64_t                         batch,
               const lt_quant_encoding *const *encodings,
               uint32_t                        n,
               lt_error                       *err)
{
  const int64_t dims[4] = { batch, 1, 8, 8 };
  lt_value_type type = { .dtype = LT_DTYPE_F32 };

  lt_shape_set (&type.shape, 4, dims);
  return lt_htp_session_reshape (session, &type, encodings, n, err);
}

/* Without the encoding of a computed value, of a weight: refused at
 * reshape, naming the tensor. */
static void
test_missing_encoding (void)
{
  const char    *names[] = { "/Relu_output_0", "conv2.weight" };
  digits_fixture f;

  digits_setup (&f);
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      const lt_graph                      *graph = lt_model_get_graph (f.model);
      int32_t                              id = lt_graph_find_value (graph, names[k]);
      g_autofree const lt_quant_encoding **encodings = g_memdup2 (f.encodings->by_value, f.encodings->n_values * sizeof (gpointer));
      lt_htp_session                      *session = NULL;
      lt_error                             err;

      g_assert_cmpint (id, >=, 0);
      g_assert_nonnull (encodings[id]);
      encodings[id] = NULL;
      lt_error_clear (&err);
      g_assert_cmpint (lt_htp_session_new (f.model, NULL, &session, &err), ==, LT_OK);
      g_assert_cmpint (reshape_batch (session, 2, encodings, f.encodings->n_values, &err), ==, LT_ERR_INVALID_ARGUMENT);
      g_test_message ("%s: %s", err.subject, err.message);
      g_assert_cmpstr (err.subject, ==, names[k]);
      g_assert_nonnull (strstr (err.message, "no encoding"));
      /* Refused means unprepared. */
      g_assert_cmpint (lt_htp_session_run (session, &err), ==, LT_ERR_INVALID_ARGUMENT);
      g_assert_null (lt_htp_session_get_output (session, 0));
      lt_htp_session_free (session);
    }
  digits_teardown (&f);
}

/* An op the NPU does not run: LT_ERR_UNSUPPORTED naming the node, its op
 * and why. */
static void
test_unsupported_op (void)
{
  g_autofree char                     *path = g_build_filename (g_getenv ("LATHE_ONNX_TESTDATA"), "node", "test_exp", "model.onnx", NULL);
  lt_model                            *model = test_load_model (path);
  const lt_graph                      *graph = lt_model_get_graph (model);
  uint32_t                             n_values = lt_graph_get_n_values (graph);
  g_autofree const lt_quant_encoding **encodings = g_new0 (const lt_quant_encoding *, n_values);
  const float                          scale = 0.05f;
  const int32_t                        offset = -128;
  lt_quant_encoding                    enc = { 8, false, 0, 1, &scale, &offset };
  lt_htp_session                      *session = NULL;
  lt_error                             err;
  char                                 name[64];

  for (uint32_t v = 0; v < n_values; v++)
    encodings[v] = &enc;
  lt_error_clear (&err);
  g_assert_cmpint (lt_htp_session_new (model, NULL, &session, &err), ==, LT_OK);
  g_assert_cmpint (lt_htp_session_reshape (session, NULL, encodings, n_values, &err), ==, LT_ERR_UNSUPPORTED);
  g_test_message ("%s: %s", err.subject, err.message);
  g_assert_cmpstr (err.subject, ==, lt_node_describe (graph, 0, name, sizeof name));
  g_assert_nonnull (strstr (err.message, "Exp is not supported on the NPU"));
  /* A wrong number of encodings is the caller's mistake. */
  g_assert_cmpint (lt_htp_session_reshape (session, NULL, encodings, n_values - 1, &err), ==, LT_ERR_INVALID_ARGUMENT);
  lt_htp_session_free (session);
  lt_model_unref (model);
}

typedef struct
{
  const lt_graph *graph;
  GHashTable     *seen; /* value names observed */
  guint           calls;
  guint           abort_after; /* polls before asking to stop; 0: never */
  guint           polls;
} watch;

static void
watch_observe (void            *user_data,
               const lt_graph  *graph,
               int32_t          value_id,
               const lt_tensor *value)
{
  watch *w = user_data;

  g_assert_true (graph == w->graph);
  g_assert_cmpint (value->dtype, ==, LT_DTYPE_F32);
  g_assert_cmpstr (value->name, ==, lt_graph_get_value (graph, value_id)->name);
  for (uint64_t i = 0; i < value->count; i++)
    g_assert_true (isfinite (((const float *) value->data)[i]));
  g_hash_table_add (w->seen, g_strdup (value->name));
  w->calls++;
}

static bool
watch_abort (void *user_data)
{
  watch *w = user_data;

  return w->abort_after && ++w->polls >= w->abort_after;
}

/* The observer sees the input and every value a node computes, once per
 * run; the abort callback stops a run between nodes. */
static void
test_observer_and_abort (void)
{
  g_autofree char *heldout = test_digits_path ("heldout-images.npy");
  g_autoptr (LtArray) images = test_load_npy (heldout);
  digits_fixture         f;
  watch                  w = { 0 };
  lt_htp_session_options options = { watch_abort, &w, watch_observe, &w };
  lt_htp_session        *session = NULL;
  lt_error               err;
  gsize                  nbytes;
  const void            *data = g_bytes_get_data (images->data, &nbytes);

  digits_setup (&f);
  w.graph = lt_model_get_graph (f.model);
  w.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lt_error_clear (&err);
  g_assert_cmpint (lt_htp_session_new (f.model, &options, &session, &err), ==, LT_OK);
  g_assert_cmpint (reshape_batch (session, images->dims[0], f.encodings->by_value, f.encodings->n_values, &err), ==, LT_OK);
  g_assert_cmpint (lt_htp_session_bind_input (session, 0, data, nbytes, &err), ==, LT_OK);
  g_assert_cmpint (lt_htp_session_run (session, &err), ==, LT_OK);
  /* image, then 7 nodes with one output each. */
  g_assert_cmpuint (w.calls, ==, 8);
  g_assert_cmpuint (g_hash_table_size (w.seen), ==, 8);
  g_assert_true (g_hash_table_contains (w.seen, "image"));
  g_assert_true (g_hash_table_contains (w.seen, "/pool/MaxPool_output_0"));
  g_assert_true (g_hash_table_contains (w.seen, "logits"));
  /* MaxPool and Flatten share their input's encoding. */
  g_assert_true (lt_htp_session_get_encoding (session, lt_graph_find_value (w.graph, "/Flatten_output_0"))->scale[0] == lt_htp_session_get_encoding (session, lt_graph_find_value (w.graph, "/Relu_1_output_0"))->scale[0]);
  g_assert_null (lt_htp_session_get_encoding (session, lt_graph_find_value (w.graph, "conv1.weight")));

  w.calls = 0;
  w.abort_after = 3;
  g_assert_cmpint (lt_htp_session_run (session, &err), ==, LT_ERR_CANCELLED);
  /* The input and the two nodes before the third poll. */
  g_assert_cmpuint (w.calls, ==, 3);
  lt_htp_session_free (session);
  g_hash_table_unref (w.seen);
  digits_teardown (&f);
}

/* The app's encodings as the runner's: initializers signed (a symmetric
 * weight's offset −128 becomes 0), activations unsigned as written, per
 * channel on the normalized axis; unknown names and float encodings are
 * errors naming the tensor. */
static void
test_encodings_conversion (void)
{
  digits_fixture           f;
  const lt_graph          *graph;
  const lt_quant_encoding *w, *a;
  const LtEncoding        *w_set, *a_set;
  g_autoptr (GError) error = NULL;
  LtHtpEncodings *bad;

  digits_setup (&f);
  graph = lt_model_get_graph (f.model);
  w = f.encodings->by_value[lt_graph_find_value (graph, "conv2.weight")];
  a = f.encodings->by_value[lt_graph_find_value (graph, "/Relu_output_0")];
  w_set = lt_encoding_set_lookup (f.set, LT_ENCODING_SECTION_PARAM, "conv2.weight");
  a_set = lt_encoding_set_lookup (f.set, LT_ENCODING_SECTION_ACTIVATION, "/Relu_output_0");
  g_assert_true (w->is_signed);
  g_assert_cmpint (w->bitwidth, ==, 8);
  g_assert_cmpint (w->count, ==, 16);
  g_assert_cmpint (w->axis, ==, 0);
  g_assert_cmpint (w_set->offset[3], ==, -128);
  g_assert_cmpint (w->offset[3], ==, 0);
  g_assert_true (w->scale[3] == w_set->scale[3]);
  g_assert_false (a->is_signed);
  g_assert_cmpint (a->count, ==, 1);
  g_assert_cmpint (a->offset[0], ==, a_set->offset[0]);

  lt_encoding_set_lookup (f.set, LT_ENCODING_SECTION_ACTIVATION, "logits")->dtype = LT_ENCODING_DTYPE_FLOAT;
  bad = lt_htp_encodings_new (f.set, graph, &error);
  g_assert_null (bad);
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "logits"));
  g_clear_error (&error);
  lt_encoding_set_lookup (f.set, LT_ENCODING_SECTION_ACTIVATION, "logits")->dtype = LT_ENCODING_DTYPE_INT;
  g_assert_true (lt_encoding_set_add (f.set, lt_encoding_new ("no-such-tensor", LT_ENCODING_SECTION_ACTIVATION, 1)));
  bad = lt_htp_encodings_new (f.set, graph, &error);
  g_assert_null (bad);
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no-such-tensor"));
  digits_teardown (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/htp-run/digits-matches-qdq", test_digits_matches_qdq);
  g_test_add_func ("/htp-run/small-cnn-matches-qdq", test_small_cnn_matches_qdq);
  g_test_add_func ("/htp-run/missing-encoding", test_missing_encoding);
  g_test_add_func ("/htp-run/unsupported-op", test_unsupported_op);
  g_test_add_func ("/htp-run/observer-and-abort", test_observer_and_abort);
  g_test_add_func ("/htp-run/encodings-conversion", test_encodings_conversion);
  return g_test_run ();
}
