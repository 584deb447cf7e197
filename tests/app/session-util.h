/* session-util.h — running a whole batch through an engine session in the
 * app tests (one f32 input reshaped to the batch's shape, output 0 copied
 * out, with an optional observer), and reading its top-1 classes. */
#pragma once

#include "lt-tensor-io.h"

#include <string.h>

/* Runs `model` on `input` (f32, any static shape the model accepts),
 * calling `observer` (may be NULL) after each node, and returns a copy of
 * output 0; *count receives its element count. */
static inline float *
test_run_f32 (lt_model      *model,
              const LtArray *input,
              lt_observer_fn observer,
              void          *observer_data,
              uint64_t      *count)
{
  lt_session_options options = { .n_threads = 2, .observer_fn = observer, .observer_data = observer_data };
  lt_session        *session = NULL;
  lt_value_type      type = { .dtype = LT_DTYPE_F32 };
  const lt_tensor   *out;
  lt_error           err;
  gsize              nbytes;
  const void        *data = g_bytes_get_data (input->data, &nbytes);
  float             *copy;

  lt_error_clear (&err);
  lt_shape_set (&type.shape, input->rank, input->dims);
  g_assert_cmpint (input->dtype, ==, LT_DTYPE_F32);
  if (lt_session_new (model, &options, &session, &err) != LT_OK
      || lt_session_reshape (session, &type, &err) != LT_OK
      || lt_session_bind_input (session, 0, data, nbytes, &err) != LT_OK
      || lt_session_run (session, &err) != LT_OK)
    g_error ("session: %s (%s)", err.message, err.subject);
  out = lt_session_get_output (session, 0);
  g_assert_nonnull (out);
  g_assert_cmpint (out->dtype, ==, LT_DTYPE_F32);
  copy = g_memdup2 (out->data, out->nbytes);
  *count = out->count;
  lt_session_free (session);
  return copy;
}

/* The class with the largest logit in a row of `n`. */
static inline guint
test_argmax (const float *row,
             guint        n)
{
  guint best = 0;

  for (guint k = 1; k < n; k++)
    if (row[k] > row[best])
      best = k;
  return best;
}

/* A file of the digits accuracy model (tests/data/digits). */
static inline char *
test_digits_path (const char *name)
{
  return g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "data", "digits", name, NULL);
}
