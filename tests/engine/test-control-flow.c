/* test-control-flow.c — If and Loop in sessions, on graphs built in code:
 * branches and bodies reading values of the enclosing graph, loop-carried
 * values, scan outputs, early exit by the condition, a zero trip count,
 * body shapes that depend on the iteration number, the errors of shapes
 * that cannot be planned, cancellation, and no allocation in run (malloc and friends
 * are wrapped at link time, see alloc-count.h). */
#include "lt/lt.h"
#include "alloc-count.h"
#include "graph-build.h"

#include <glib.h>
#include <string.h>

static void
assert_output (lt_session  *session,
               uint32_t     index,
               int64_t      rows,
               const float *expected,
               uint64_t     count)
{
  const lt_tensor *out = lt_session_get_output (session, index);

  g_assert_nonnull (out);
  g_assert_cmpint (out->dims[0], ==, rows);
  g_assert_cmpuint (out->count, ==, count);
  if (count > 0)
    g_assert_cmpmem (out->data, out->nbytes, expected, count * sizeof *expected);
}

/* ---- If ---------------------------------------------------------------- */

/* A branch: out = op (in), `in` a constant [3] of the branch or a value
 * of the enclosing graph. */
static lt_graph *
if_branch (lt_graph    *parent,
           const char  *op,
           const char  *in,
           const float *constant)
{
  const int64_t dims[1] = { 3 };
  lt_graph     *branch = lt_graph_new (parent);

  if (constant != NULL)
    lt_test_add_constant (branch, in, LT_DTYPE_F32, 1, dims, constant, 3 * sizeof *constant);
  lt_test_add_node (branch, op, 17, LT_TEST_NAMES (in), LT_TEST_NAMES ("out"), 0, NULL);
  lt_test_add_outputs (branch, LT_TEST_NAMES ("out"));
  return branch;
}

/* cond, x[3] → a = Abs (x), b = Neg (x); If (then: Neg (a), else: Abs (c))
 * → y; outputs y and b.  The then branch reads `a`, which no node of the
 * main graph reads: it must stay alive until the If runs, not share its
 * memory with b. */
static lt_model *
if_model (void)
{
  const int64_t dims[1] = { 3 };
  const float   c[3] = { -4, 5, -6 };
  lt_graph     *g = lt_graph_new (NULL);
  lt_attr       branches[2];

  lt_test_add_input (g, "cond", LT_DTYPE_BOOL, 0, NULL);
  lt_test_add_input (g, "x", LT_DTYPE_F32, 1, dims);
  lt_test_add_node (g, "Abs", 17, LT_TEST_NAMES ("x"), LT_TEST_NAMES ("a"), 0, NULL);
  lt_test_add_node (g, "Neg", 17, LT_TEST_NAMES ("x"), LT_TEST_NAMES ("b"), 0, NULL);
  branches[0] = lt_test_graph_attr ("then_branch", if_branch (g, "Neg", "a", NULL));
  branches[1] = lt_test_graph_attr ("else_branch", if_branch (g, "Abs", "c", c));
  lt_test_add_node (g, "If", 17, LT_TEST_NAMES ("cond"), LT_TEST_NAMES ("y"), 2, branches);
  lt_test_add_outputs (g, LT_TEST_NAMES ("y", "b"));
  return lt_test_finish (g);
}

/* The condition picks the branch on every run, the then branch reading
 * the enclosing graph's `a`; runs allocate nothing. */
static void
test_if_outer_value (void)
{
  lt_model   *model = if_model ();
  lt_session *session = lt_test_new_session (model);
  const float x[3] = { -1, 2, -3 }, then_y[3] = { -1, -2, -3 }, else_y[3] = { 4, 5, 6 }, b[3] = { 1, -2, 3 };
  const bool  yes = true, no = false;
  int         before;

  g_assert_cmpint (lt_session_reshape (session, NULL, NULL), ==, LT_OK);
  lt_test_bind (session, 1, x, sizeof x);
  lt_test_bind (session, 0, &yes, sizeof yes);
  lt_test_run_ok (session);
  assert_output (session, 0, 3, then_y, 3);
  assert_output (session, 1, 3, b, 3);
  before = lt_test_alloc_count ();
  lt_test_bind (session, 0, &no, sizeof no);
  lt_test_run_ok (session);
  assert_output (session, 0, 3, else_y, 3);
  lt_test_bind (session, 0, &yes, sizeof yes);
  lt_test_run_ok (session);
  assert_output (session, 0, 3, then_y, 3);
  g_assert_cmpint (lt_test_alloc_count (), ==, before);
  lt_session_free (session);
  lt_model_unref (model);
}

/* x[1,2] → m = MatMul (x, w) → r = Relu (m); If (then: Identity (m)) → y.
 * The Relu would be fused into the MatMul (which then writes r only), but
 * the branch reads m, so m must still be computed. */
static void
test_if_reads_fusable_value (void)
{
  const int64_t x_dims[2] = { 1, 2 }, w_dims[2] = { 2, 2 };
  const float   w[4] = { 1, -1, -1, 1 }, x[2] = { 3, 5 }, m[2] = { -2, 2 }, r[2] = { 0, 2 };
  const bool    yes = true;
  lt_graph     *g = lt_graph_new (NULL);
  lt_attr       branches[2];
  lt_model     *model;
  lt_session   *session;

  lt_test_add_input (g, "cond", LT_DTYPE_BOOL, 0, NULL);
  lt_test_add_input (g, "x", LT_DTYPE_F32, 2, x_dims);
  lt_test_add_constant (g, "w", LT_DTYPE_F32, 2, w_dims, w, sizeof w);
  lt_test_add_node (g, "MatMul", 17, LT_TEST_NAMES ("x", "w"), LT_TEST_NAMES ("m"), 0, NULL);
  lt_test_add_node (g, "Relu", 17, LT_TEST_NAMES ("m"), LT_TEST_NAMES ("r"), 0, NULL);
  branches[0] = lt_test_graph_attr ("then_branch", if_branch (g, "Identity", "m", NULL));
  branches[1] = lt_test_graph_attr ("else_branch", if_branch (g, "Identity", "m", NULL));
  lt_test_add_node (g, "If", 17, LT_TEST_NAMES ("cond"), LT_TEST_NAMES ("y"), 2, branches);
  lt_test_add_outputs (g, LT_TEST_NAMES ("y", "r"));
  model = lt_test_finish (g);
  session = lt_test_new_session (model);
  g_assert_cmpint (lt_session_reshape (session, NULL, NULL), ==, LT_OK);
  lt_test_bind (session, 0, &yes, sizeof yes);
  lt_test_bind (session, 1, x, sizeof x);
  lt_test_run_ok (session);
  assert_output (session, 0, 1, m, 2);
  assert_output (session, 1, 1, r, 2);
  lt_session_free (session);
  lt_model_unref (model);
}

/* ---- Loop -------------------------------------------------------------- */

enum { IN_M, IN_COND, IN_ACC0, IN_NEG_STEP, IN_LAST };

/* M, cond, acc0[2], neg_step[2], last → step = Neg (neg_step);
 * Loop (M, cond, acc0) with the body
 *   acc_out = acc_in + step; row = Identity (acc_out); cond_out = i < last
 * → acc (final) and rows[M, 2].  The body reads `step` (computed in the
 * main graph) and `last` (a main graph input).  After n iterations
 * acc = acc0 + n·step and row r = acc0 + (r + 1)·step; the loop stops
 * after iteration `last` by its condition. */
static lt_model *
accumulate_model (void)
{
  const int64_t two[1] = { 2 };
  lt_graph     *g = lt_graph_new (NULL);
  lt_graph     *body = lt_graph_new (g);
  lt_attr       attr = lt_test_graph_attr ("body", body);

  lt_test_add_input (g, "M", LT_DTYPE_I64, 0, NULL);
  lt_test_add_input (g, "cond", LT_DTYPE_BOOL, 0, NULL);
  lt_test_add_input (g, "acc0", LT_DTYPE_F32, 1, two);
  lt_test_add_input (g, "neg_step", LT_DTYPE_F32, 1, two);
  lt_test_add_input (g, "last", LT_DTYPE_I64, 0, NULL);
  lt_test_add_node (g, "Neg", 16, LT_TEST_NAMES ("neg_step"), LT_TEST_NAMES ("step"), 0, NULL);

  lt_test_add_input (body, "i", LT_DTYPE_I64, 0, NULL);
  lt_test_add_input (body, "cond_in", LT_DTYPE_BOOL, 0, NULL);
  lt_test_add_input (body, "acc_in", LT_DTYPE_F32, 1, two);
  lt_test_add_node (body, "Add", 16, LT_TEST_NAMES ("acc_in", "step"), LT_TEST_NAMES ("acc_out"), 0, NULL);
  lt_test_add_node (body, "Identity", 16, LT_TEST_NAMES ("acc_out"), LT_TEST_NAMES ("row"), 0, NULL);
  lt_test_add_node (body, "Less", 16, LT_TEST_NAMES ("i", "last"), LT_TEST_NAMES ("cond_out"), 0, NULL);
  lt_test_add_outputs (body, LT_TEST_NAMES ("cond_out", "acc_out", "row"));

  lt_test_add_node (g, "Loop", 16, LT_TEST_NAMES ("M", "cond", "acc0"), LT_TEST_NAMES ("acc", "rows"), 1, &attr);
  lt_test_add_outputs (g, LT_TEST_NAMES ("acc", "rows"));
  return lt_test_finish (g);
}

/* Reshapes for a trip count of `trips` (its data given to reshape). */
static lt_status
reshape_with_trips (lt_session *session,
                    int64_t     trips,
                    lt_error   *err)
{
  lt_tensor     data = { .name = "M", .dtype = LT_DTYPE_I64, .count = 1, .data = &trips, .nbytes = sizeof trips };
  lt_value_type types[5] = { { 0 } };

  types[IN_M] = (lt_value_type) { .dtype = LT_DTYPE_I64, .shape = { .rank = 0 }, .data = &data };
  return lt_session_reshape (session, types, err);
}

typedef struct loop_inputs
{
  int64_t trips;
  bool    cond;
  float   acc0[2];
  float   neg_step[2];
  int64_t last;
} loop_inputs;

static void
bind_loop_inputs (lt_session        *session,
                  const loop_inputs *in)
{
  lt_test_bind (session, IN_M, &in->trips, sizeof in->trips);
  lt_test_bind (session, IN_COND, &in->cond, sizeof in->cond);
  lt_test_bind (session, IN_ACC0, in->acc0, sizeof in->acc0);
  lt_test_bind (session, IN_NEG_STEP, in->neg_step, sizeof in->neg_step);
  lt_test_bind (session, IN_LAST, &in->last, sizeof in->last);
}

/* Carried values and scan outputs over the full trip count, then early
 * exits by the condition (the scan output gets the rows the loop made),
 * a zero trip count and a false initial condition; no run allocates. */
static void
test_loop_accumulate (void)
{
  lt_model         *model = accumulate_model ();
  lt_session       *session = lt_test_new_session (model);
  loop_inputs       in = { .trips = 4, .cond = true, .acc0 = { 1, 2 }, .neg_step = { -10, -20 }, .last = 100 };
  const float       rows[8] = { 11, 22, 21, 42, 31, 62, 41, 82 };
  int               before;

  g_assert_cmpint (reshape_with_trips (session, 4, NULL), ==, LT_OK);
  g_assert_cmpint (lt_session_get_output (session, 1)->dims[0], ==, 4);
  bind_loop_inputs (session, &in);
  lt_test_run_ok (session);
  assert_output (session, 0, 2, rows + 6, 2);
  assert_output (session, 1, 4, rows, 8);

  before = lt_test_alloc_count ();
  in.last = 1; /* iterations 0 and 1: the condition is false after 1 */
  lt_test_run_ok (session);
  assert_output (session, 0, 2, rows + 2, 2);
  assert_output (session, 1, 2, rows, 4);
  in.trips = 3;
  in.last = 100;
  lt_test_run_ok (session);
  assert_output (session, 0, 2, rows + 4, 2);
  assert_output (session, 1, 3, rows, 6);
  in.trips = 0;
  lt_test_run_ok (session);
  assert_output (session, 0, 2, in.acc0, 2);
  assert_output (session, 1, 0, NULL, 0);
  in.trips = 4;
  in.cond = false;
  lt_test_run_ok (session);
  assert_output (session, 0, 2, in.acc0, 2);
  assert_output (session, 1, 0, NULL, 0);
  in.cond = true;
  lt_test_run_ok (session);
  assert_output (session, 1, 4, rows, 8);
  g_assert_cmpint (lt_test_alloc_count (), ==, before);
  lt_session_free (session);
  lt_model_unref (model);
}

/* A scan output is sized by the trip count known at reshape: without it
 * reshape names the scan output; a run past it fails naming the Loop. */
static void
test_loop_trip_count_bounds (void)
{
  lt_model   *model = accumulate_model ();
  lt_session *session = lt_test_new_session (model);
  loop_inputs in = { .trips = 5, .cond = true, .acc0 = { 1, 2 }, .neg_step = { -10, -20 }, .last = 100 };
  lt_error    err;

  lt_error_clear (&err);
  g_assert_cmpint (lt_session_reshape (session, NULL, &err), ==, LT_ERR_UNSUPPORTED);
  g_assert_cmpstr (err.subject, ==, "rows");

  g_assert_cmpint (reshape_with_trips (session, 4, NULL), ==, LT_OK);
  bind_loop_inputs (session, &in);
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_ERR_UNSUPPORTED);
  g_assert_cmpstr (err.subject, ==, "acc");
  g_assert_nonnull (strstr (err.message, "4 iterations"));
  lt_session_free (session);
  lt_model_unref (model);
}

/* M, x[4] (a constant of the main graph) → Loop (M) with the body
 *   row = Slice (x, [i], [i + 1])   (or [0, i + 1) with `growing`)
 * → rows[M, 1]: the row's shape depends on the iteration number only
 * through i, so the body is planned for i = 0 and checked for the
 * others; a slice that grows with i gives rows no static shape. */
static lt_model *
slice_model (bool growing)
{
  const int64_t four[1] = { 4 }, one_dim[1] = { 1 };
  const float   x[4] = { 5, 6, 7, 8 };
  const int64_t one = 1, zero[1] = { 0 }, axes[1] = { 0 };
  lt_graph     *g = lt_graph_new (NULL);
  lt_graph     *body = lt_graph_new (g);
  lt_attr       attr = lt_test_graph_attr ("body", body);

  lt_test_add_input (g, "M", LT_DTYPE_I64, 0, NULL);
  lt_test_add_constant (g, "x", LT_DTYPE_F32, 1, four, x, sizeof x);
  lt_test_add_input (body, "i", LT_DTYPE_I64, 0, NULL);
  lt_test_add_input (body, "cond_in", LT_DTYPE_BOOL, 0, NULL);
  lt_test_add_constant (body, "one", LT_DTYPE_I64, 0, NULL, &one, sizeof one);
  lt_test_add_constant (body, "zero", LT_DTYPE_I64, 1, one_dim, zero, sizeof zero);
  lt_test_add_constant (body, "axes", LT_DTYPE_I64, 1, one_dim, axes, sizeof axes);
  lt_test_add_node (body, "Identity", 13, LT_TEST_NAMES ("cond_in"), LT_TEST_NAMES ("cond_out"), 0, NULL);
  lt_test_add_node (body, "Add", 13, LT_TEST_NAMES ("i", "one"), LT_TEST_NAMES ("end"), 0, NULL);
  lt_test_add_node (body, "Unsqueeze", 13, LT_TEST_NAMES ("i", "axes"), LT_TEST_NAMES ("starts"), 0, NULL);
  lt_test_add_node (body, "Unsqueeze", 13, LT_TEST_NAMES ("end", "axes"), LT_TEST_NAMES ("ends"), 0, NULL);
  lt_test_add_node (body, "Slice", 13, LT_TEST_NAMES ("x", growing ? "zero" : "starts", "ends"), LT_TEST_NAMES ("row"), 0, NULL);
  lt_test_add_outputs (body, LT_TEST_NAMES ("cond_out", "row"));
  lt_test_add_node (g, "Loop", 13, LT_TEST_NAMES ("M", ""), LT_TEST_NAMES ("rows"), 1, &attr);
  lt_test_add_outputs (g, LT_TEST_NAMES ("rows"));
  return lt_test_finish (g);
}

static void
test_loop_iteration_shapes (void)
{
  lt_model   *model = slice_model (false);
  lt_session *session = lt_test_new_session (model);
  int64_t     trips = 4;
  const float rows[4] = { 5, 6, 7, 8 };
  lt_error    err;

  lt_error_clear (&err);
  g_assert_cmpint (reshape_with_trips (session, trips, &err), ==, LT_OK);
  lt_test_bind (session, 0, &trips, sizeof trips);
  lt_test_run_ok (session);
  assert_output (session, 0, 4, rows, 4);
  lt_session_free (session);
  lt_model_unref (model);

  model = slice_model (true);
  session = lt_test_new_session (model);
  lt_error_clear (&err);
  g_assert_cmpint (reshape_with_trips (session, trips, &err), ==, LT_ERR_UNSUPPORTED);
  g_assert_cmpstr (err.subject, ==, "rows");
  lt_session_free (session);
  lt_model_unref (model);
}

/* A loop-carried value whose shape grows (acc_out = Concat (acc_in,
 * acc_in)) has no static shape: reshape names the Loop's output. */
static void
test_loop_carried_shape_change (void)
{
  const int64_t two[1] = { 2 };
  lt_graph     *g = lt_graph_new (NULL);
  lt_graph     *body = lt_graph_new (g);
  lt_attr       loop_attr = lt_test_graph_attr ("body", body);
  lt_attr       axis = { .name = "axis", .type = LT_ATTR_INT, .count = 1, .v.i = 0 };
  lt_model     *model;
  lt_session   *session;
  lt_error      err;

  lt_test_add_input (g, "M", LT_DTYPE_I64, 0, NULL);
  lt_test_add_input (g, "acc0", LT_DTYPE_F32, 1, two);
  lt_test_add_input (body, "i", LT_DTYPE_I64, 0, NULL);
  lt_test_add_input (body, "cond_in", LT_DTYPE_BOOL, 0, NULL);
  lt_test_add_input (body, "acc_in", LT_DTYPE_F32, 1, two);
  lt_test_add_node (body, "Identity", 16, LT_TEST_NAMES ("cond_in"), LT_TEST_NAMES ("cond_out"), 0, NULL);
  lt_test_add_node (body, "Concat", 16, LT_TEST_NAMES ("acc_in", "acc_in"), LT_TEST_NAMES ("acc_out"), 1, &axis);
  lt_test_add_outputs (body, LT_TEST_NAMES ("cond_out", "acc_out"));
  lt_test_add_node (g, "Loop", 16, LT_TEST_NAMES ("M", "", "acc0"), LT_TEST_NAMES ("acc"), 1, &loop_attr);
  lt_test_add_outputs (g, LT_TEST_NAMES ("acc"));
  model = lt_test_finish (g);
  session = lt_test_new_session (model);
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_reshape (session, NULL, &err), ==, LT_ERR_UNSUPPORTED);
  g_assert_cmpstr (err.subject, ==, "acc");
  lt_session_free (session);
  lt_model_unref (model);
}

static bool
abort_after_100 (void *user_data)
{
  int *polls = user_data;
  return ++*polls > 100;
}

/* A loop with neither trip count nor a condition that changes runs until
 * the session's abort callback stops it. */
static void
test_loop_abort (void)
{
  const int64_t      one[1] = { 1 };
  lt_graph          *g = lt_graph_new (NULL);
  lt_graph          *body = lt_graph_new (g);
  lt_attr            attr = lt_test_graph_attr ("body", body);
  int                polls = 0;
  lt_session_options options = { .n_threads = 1, .abort_fn = abort_after_100, .abort_data = &polls };
  const float        v0[1] = { 0 };
  lt_model          *model;
  lt_session        *session = NULL;
  lt_error           err;

  lt_test_add_input (g, "v0", LT_DTYPE_F32, 1, one);
  lt_test_add_input (body, "i", LT_DTYPE_I64, 0, NULL);
  lt_test_add_input (body, "cond_in", LT_DTYPE_BOOL, 0, NULL);
  lt_test_add_input (body, "v_in", LT_DTYPE_F32, 1, one);
  lt_test_add_node (body, "Identity", 16, LT_TEST_NAMES ("cond_in"), LT_TEST_NAMES ("cond_out"), 0, NULL);
  lt_test_add_node (body, "Neg", 16, LT_TEST_NAMES ("v_in"), LT_TEST_NAMES ("v_out"), 0, NULL);
  lt_test_add_outputs (body, LT_TEST_NAMES ("cond_out", "v_out"));
  lt_test_add_node (g, "Loop", 16, LT_TEST_NAMES ("", "", "v0"), LT_TEST_NAMES ("v"), 1, &attr);
  lt_test_add_outputs (g, LT_TEST_NAMES ("v"));
  model = lt_test_finish (g);
  g_assert_cmpint (lt_session_new (model, &options, &session, NULL), ==, LT_OK);
  g_assert_cmpint (lt_session_reshape (session, NULL, NULL), ==, LT_OK);
  lt_test_bind (session, 0, v0, sizeof v0);
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_ERR_CANCELLED);
  g_assert_cmpint (polls, ==, 101);
  lt_session_free (session);
  lt_model_unref (model);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/control-flow/if-outer-value", test_if_outer_value);
  g_test_add_func ("/control-flow/if-reads-fusable-value", test_if_reads_fusable_value);
  g_test_add_func ("/control-flow/loop-accumulate", test_loop_accumulate);
  g_test_add_func ("/control-flow/loop-trip-count-bounds", test_loop_trip_count_bounds);
  g_test_add_func ("/control-flow/loop-iteration-shapes", test_loop_iteration_shapes);
  g_test_add_func ("/control-flow/loop-carried-shape-change", test_loop_carried_shape_change);
  g_test_add_func ("/control-flow/loop-abort", test_loop_abort);
  return g_test_run ();
}
