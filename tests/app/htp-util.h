/* htp-util.h — the app tests' path to the NPU runner: calibrating a model
 * with the app's calibration code on an input list, and running a batch
 * through lt_htp_session with the encodings that gives. */
#pragma once

#include "lt-calib-encode.h"
#include "lt-calibrate.h"
#include "lt-encodings-htp.h"
#include "session-util.h"

#include <glib/gstdio.h>

/* Encodings for `model` from calibrating it on the `.npy` files named in
 * `samples` (one sample each, NULL-terminated), with `options`. */
static inline LtEncodingSet *
test_calibrate (lt_model                   *model,
                const char *const          *samples,
                const LtCalibEncodeOptions *options)
{
  g_autofree char *dir = g_dir_make_tmp ("lathe-htp-XXXXXX", NULL);
  g_autofree char *list = g_build_filename (dir, "input_list.txt", NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LtDataset) dataset = NULL;
  g_autoptr (LtCalibStats) stats = NULL;
  LtCalibrateOptions calib = { .shard = 1, .shard_count = 1, .n_threads = 2 };

  for (guint i = 0; samples[i] != NULL; i++)
    g_string_append_printf (text, "%s\n", samples[i]);
  g_assert_true (g_file_set_contents (list, text->str, -1, &error));
  dataset = lt_dataset_open (list, lt_model_get_graph (model), NULL, &error);
  g_assert_no_error (error);
  stats = lt_calibrate_collect (model, "sha", dataset, &calib, &error);
  g_assert_no_error (error);
  g_unlink (list);
  g_rmdir (dir);
  return lt_calib_encode (lt_model_get_graph (model), stats, options);
}

/* Runs `model` on the NPU runner with `set` on `input` (f32, any static
 * shape the model accepts) and returns a copy of output 0 (dequantized);
 * *count receives its element count and *step (may be NULL) the scale of
 * its encoding. */
static inline float *
test_run_htp (lt_model            *model,
              const LtEncodingSet *set,
              const LtArray       *input,
              uint64_t            *count,
              double              *step)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LtHtpEncodings) encodings = lt_htp_encodings_new (set, lt_model_get_graph (model), &error);
  lt_htp_session  *session = NULL;
  lt_value_type    type = { .dtype = LT_DTYPE_F32 };
  const lt_tensor *out;
  lt_error         err;
  gsize            nbytes;
  const void      *data = g_bytes_get_data (input->data, &nbytes);
  uint32_t         n_outputs;
  float           *copy;

  g_assert_no_error (error);
  lt_error_clear (&err);
  lt_shape_set (&type.shape, input->rank, input->dims);
  if (lt_htp_session_new (model, NULL, &session, &err) != LT_OK || lt_htp_session_reshape (session, &type, encodings->by_value, encodings->n_values, &err) != LT_OK || lt_htp_session_bind_input (session, 0, data, nbytes, &err) != LT_OK || lt_htp_session_run (session, &err) != LT_OK)
    g_error ("htp session: %s (%s)", err.message, err.subject);
  out = lt_htp_session_get_output (session, 0);
  g_assert_nonnull (out);
  copy = g_memdup2 (out->data, out->nbytes);
  *count = out->count;
  if (step)
    *step = lt_htp_session_get_encoding (session, lt_graph_get_outputs (lt_model_get_graph (model), &n_outputs)[0])->scale[0];
  lt_htp_session_free (session);
  return copy;
}
