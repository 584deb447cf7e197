/* test-load-abort.c — lt_model_load's abort callback.
 *
 * A chain model is loaded once with a callback that never aborts, to count
 * its polls; then again with one that aborts at the n-th poll, for polls in
 * the pre-scan, just before unpacking and in the import.  Each aborted load
 * must fail with LT_ERR_CANCELLED naming the file and leave *out untouched;
 * the ASan build checks that nothing leaks on any of these paths.
 */
#include "chain-model.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <lt/lt.h>

#include <string.h>

typedef struct
{
  guint polls;
  guint abort_at; /* 0: never */
} poll_counter;

static bool
count_and_maybe_abort (void *user_data)
{
  poll_counter *counter = user_data;

  counter->polls++;
  return counter->abort_at != 0 && counter->polls >= counter->abort_at;
}

/* Loads with the callback aborting at its `at`-th call. */
static void
expect_cancelled_at (const char            *path,
                     const lt_load_options *options,
                     poll_counter          *counter,
                     guint                  at)
{
  lt_model *untouched = (lt_model *) counter; /* any non-NULL marker */
  lt_error  err;

  *counter = (poll_counter) { 0, at };
  lt_error_clear (&err);
  g_assert_cmpint (lt_model_load (path, options, &untouched, &err), ==, LT_ERR_CANCELLED);
  g_assert_true (untouched == (lt_model *) counter);
  g_assert_cmpuint (counter->polls, ==, at);
  g_assert_cmpstr (err.file, ==, path);
  g_assert_nonnull (strstr (err.message, "cancelled"));
}

static void
test_abort_after_n_polls (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lathe-abort-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "chain.onnx", NULL);
  poll_counter     counter = { 0, 0 };
  lt_load_options  options = { .abort_fn = count_and_maybe_abort, .abort_data = &counter };
  lt_model        *model = NULL;
  lt_error         err;
  guint            total;
  /* 12,000 nodes and initializers: 24,000 messages, so several polls in the
   * pre-scan (every 4,096 messages) and ~90 in the import (every 256). */
  const guint      n_nodes = 12000;

  chain_model_write (path, n_nodes);
  lt_error_clear (&err);
  g_assert_cmpint (lt_model_load (path, &options, &model, &err), ==, LT_OK);
  g_assert_cmpuint (lt_graph_get_n_nodes (lt_model_get_graph (model)), ==, n_nodes);
  lt_model_unref (model);
  total = counter.polls;
  g_assert_cmpuint (total, >=, 2 * n_nodes / 256);

  /* every poll of the pre-scan and the one before unpacking, a few in the
   * import, and the last one, before the graph is finalized */
  for (guint at = 1; at < total; at += at < 8 ? 1 : total / 7)
    expect_cancelled_at (path, &options, &counter, at);
  expect_cancelled_at (path, &options, &counter, total);

  g_unlink (path);
  g_rmdir (dir);
}

static bool
never_abort (void *user_data)
{
  (void) user_data;
  return false;
}

/* A callback that never aborts changes nothing: the same model loads. */
static void
test_callback_that_never_aborts (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
  lt_load_options  options = { .abort_fn = never_abort };
  lt_model        *model = NULL;
  lt_error         err;

  lt_error_clear (&err);
  g_assert_cmpint (lt_model_load (path, &options, &model, &err), ==, LT_OK);
  g_assert_cmpuint (lt_graph_get_n_nodes (lt_model_get_graph (model)), ==, 7);
  lt_model_unref (model);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/load-abort/after-n-polls", test_abort_after_n_polls);
  g_test_add_func ("/load-abort/never", test_callback_that_never_aborts);
  return g_test_run ();
}
