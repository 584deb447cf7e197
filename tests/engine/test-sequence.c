/* test-sequence.c — sequences and optionals in sessions, on graphs built in
 * code: every sequence and optional op against values worked out by hand
 * (negative positions included), a sequence graph input bound and one read
 * back, If branches and a Loop that carry sequences (a Loop whose tensors
 * grow with the iteration number plans its body again each iteration),
 * what a second run allocates, and the errors: positions out of range and
 * an empty optional read at run, naming the node; a sequence where a
 * tensor goes, bad attributes and bad bindings at reshape or bind.
 * SequenceMap, whose body is planned for each tensor.  Sequence and
 * optional test data files, good and bad. */
#include "lt/lt.h"
#include "alloc-count.h"
#include "graph-build.h"
#include "onnx/onnx.pb-c.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#define NAMES LT_TEST_NAMES

static const int64_t dims_2x3[2] = { 2, 3 };
static const float   x_2x3[6] = { 1, 2, 3, 4, 5, 6 };

/* A graph with a [2,3] float input "x" and a [3] float input "y". */
static lt_graph *
new_xy_graph (void)
{
  lt_graph     *g = lt_graph_new (NULL);
  const int64_t three = 3;

  lt_test_add_input (g, "x", LT_DTYPE_F32, 2, dims_2x3);
  lt_test_add_input (g, "y", LT_DTYPE_F32, 1, &three);
  return g;
}

static void
bind_xy (lt_session *session)
{
  static const float y[3] = { 7, 8, 9 };
  lt_test_bind (session, 0, x_2x3, sizeof x_2x3);
  lt_test_bind (session, 1, y, sizeof y);
}

static lt_status
reshape (lt_session *session,
         lt_error   *err)
{
  lt_error_clear (err);
  return lt_session_reshape (session, NULL, err);
}

static void
reshape_ok (lt_session *session)
{
  lt_error err;
  reshape (session, &err);
  g_assert_cmpstr (err.message, ==, "");
}

static void
assert_tensor (const lt_tensor *t,
               int32_t          rank,
               const int64_t   *dims,
               const float     *values)
{
  g_assert_nonnull (t);
  g_assert_cmpint (t->dtype, ==, LT_DTYPE_F32);
  g_assert_cmpint (t->rank, ==, rank);
  for (int32_t d = 0; d < rank; d++)
    g_assert_cmpint (t->dims[d], ==, dims[d]);
  g_assert_cmpmem (t->data, t->nbytes, values, t->count * sizeof (float));
}

/* Finishes `g` and checks that its reshape fails with `code` naming
 * `subject`; the message goes to `message` (LT_ERROR_MESSAGE_MAX). */
static void
reshape_fails (lt_graph   *g,
               lt_status   code,
               const char *subject,
               char       *message)
{
  lt_model   *model = lt_test_finish (g);
  lt_session *session = lt_test_new_session (model);
  lt_error    err;

  g_assert_cmpint (reshape (session, &err), ==, code);
  g_assert_cmpstr (err.subject, ==, subject);
  memcpy (message, err.message, sizeof err.message);
  lt_session_free (session);
  lt_model_unref (model);
}

static void
run_fails (lt_session *session,
           lt_status   code,
           const char *subject)
{
  lt_error err;
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_run (session, &err), ==, code);
  g_assert_cmpstr (err.subject, ==, subject);
}

/* ---- building and reading sequences ------------------------------------ */

/* SequenceConstruct (x, y) → Insert y at -1 → Insert x at the back →
 * Erase at 0 → At -2; Length; the sequence itself an output. */
static void
test_build_and_read (void)
{
  lt_graph          *g = new_xy_graph ();
  const int64_t      minus_one = -1, zero = 0, minus_two = -2;
  const int64_t      three = 3;
  lt_model          *model;
  lt_session        *session;
  const lt_sequence *seq;
  int64_t            length;

  lt_test_add_constant (g, "minus_one", LT_DTYPE_I64, 0, NULL, &minus_one, sizeof minus_one);
  lt_test_add_constant (g, "zero", LT_DTYPE_I64, 0, NULL, &zero, sizeof zero);
  lt_test_add_constant (g, "minus_two", LT_DTYPE_I64, 0, NULL, &minus_two, sizeof minus_two);
  lt_test_add_node (g, "SequenceConstruct", 11, NAMES ("y", "y"), NAMES ("s1"), 0, NULL);
  lt_test_add_node (g, "SequenceInsert", 11, NAMES ("s1", "x", "minus_one"), NAMES ("s2"), 0, NULL);
  lt_test_add_node (g, "SequenceInsert", 11, NAMES ("s2", "x"), NAMES ("s3"), 0, NULL);
  lt_test_add_node (g, "SequenceErase", 11, NAMES ("s3", "zero"), NAMES ("s4"), 0, NULL);
  lt_test_add_node (g, "SequenceAt", 11, NAMES ("s4", "minus_two"), NAMES ("at"), 0, NULL);
  lt_test_add_node (g, "SequenceLength", 11, NAMES ("s4"), NAMES ("length"), 0, NULL);
  lt_test_add_outputs (g, NAMES ("at", "length", "s4"));
  model = lt_test_finish (g);
  session = lt_test_new_session (model);
  reshape_ok (session);
  g_assert_cmpint (lt_session_get_output_kind (session, 2), ==, LT_TYPE_SEQUENCE);
  g_assert_null (lt_session_get_output (session, 2));
  g_assert_null (lt_session_get_sequence_output (session, 0));
  bind_xy (session);
  lt_test_run_ok (session);

  /* s3 = [y, x, y, x]; s4 = [x, y, x]; at -2 = y */
  assert_tensor (lt_session_get_output (session, 0), 1, &three, (const float[]) { 7, 8, 9 });
  memcpy (&length, lt_session_get_output (session, 1)->data, sizeof length);
  g_assert_cmpint (length, ==, 3);
  seq = lt_session_get_sequence_output (session, 2);
  g_assert_nonnull (seq);
  g_assert_true (seq->has_value);
  g_assert_cmpuint (seq->count, ==, 3);
  assert_tensor (&seq->tensors[0], 2, dims_2x3, x_2x3);
  assert_tensor (&seq->tensors[1], 1, &three, (const float[]) { 7, 8, 9 });
  assert_tensor (&seq->tensors[2], 2, dims_2x3, x_2x3);
  lt_session_free (session);
  lt_model_unref (model);
}

/* A position given as an input, out of range for the op at run. */
static void
test_positions_out_of_range (void)
{
  const char *ops[3] = { "SequenceAt", "SequenceInsert", "SequenceErase" };
  /* At accepts [-2, 1], Insert [-2, 2], Erase [-2, 1] on two tensors */
  const int64_t bad[3][2] = { { 2, -3 }, { 3, -3 }, { 2, -3 } };
  const int64_t good[3] = { -2, 2, 1 };

  for (int k = 0; k < 3; k++)
    {
      lt_graph     *g = new_xy_graph ();
      lt_model     *model;
      lt_session   *session;

      lt_test_add_input (g, "pos", LT_DTYPE_I64, 0, NULL);
      lt_test_add_node (g, "SequenceConstruct", 11, NAMES ("y", "y"), NAMES ("s"), 0, NULL);
      if (k == 1)
        lt_test_add_node (g, ops[k], 11, NAMES ("s", "y", "pos"), NAMES ("out"), 0, NULL);
      else
        lt_test_add_node (g, ops[k], 11, NAMES ("s", "pos"), NAMES ("out"), 0, NULL);
      lt_test_add_outputs (g, NAMES ("out"));
      model = lt_test_finish (g);
      session = lt_test_new_session (model);
      reshape_ok (session);
      bind_xy (session);
      for (int b = 0; b < 2; b++)
        {
          lt_test_bind (session, 2, &bad[k][b], sizeof bad[k][b]);
          run_fails (session, LT_ERR_RUNTIME, "out");
        }
      lt_test_bind (session, 2, &good[k], sizeof good[k]);
      lt_test_run_ok (session);
      lt_session_free (session);
      lt_model_unref (model);
    }
}

/* A position known at reshape and out of range is a shape error. */
static void
test_known_position_out_of_range (void)
{
  lt_graph     *g = new_xy_graph ();
  const int64_t five = 5;
  char          message[LT_ERROR_MESSAGE_MAX];

  lt_test_add_constant (g, "five", LT_DTYPE_I64, 0, NULL, &five, sizeof five);
  lt_test_add_node (g, "SequenceConstruct", 11, NAMES ("x", "x"), NAMES ("s"), 0, NULL);
  lt_test_add_node (g, "SequenceAt", 11, NAMES ("s", "five"), NAMES ("at"), 0, NULL);
  lt_test_add_outputs (g, NAMES ("at"));
  reshape_fails (g, LT_ERR_SHAPE, "at", message);
  g_assert_nonnull (strstr (message, "position 5"));
}

/* ---- SplitToSequence and ConcatFromSequence ---------------------------- */

static lt_attr
int_attr (const char *name,
          int64_t     value)
{
  return (lt_attr) { .name = name, .type = LT_ATTR_INT, .count = 1, .v.i = value };
}

/* x [2,3] split along 1 in chunks of 2 (the last of 1), in pieces [1, 2],
 * and in ones without the axis; then concatenated back and stacked. */
static void
test_split_and_concat (void)
{
  lt_graph          *g = new_xy_graph ();
  const int64_t      chunk = 2, lengths[2] = { 1, 2 }, two = 2;
  const int64_t      dims_2x2[2] = { 2, 2 }, dims_2x1[2] = { 2, 1 }, dims_2[1] = { 2 };
  lt_attr            axis1 = int_attr ("axis", 1), axis0 = int_attr ("axis", 0), axis_last = int_attr ("axis", -1);
  lt_attr            unsqueezed[2] = { int_attr ("axis", 1), int_attr ("keepdims", 0) };
  lt_attr            stacked[2] = { int_attr ("axis", -1), int_attr ("new_axis", 1) };
  lt_model          *model;
  lt_session        *session;
  const lt_sequence *seq;

  lt_test_add_constant (g, "chunk", LT_DTYPE_I64, 0, NULL, &chunk, sizeof chunk);
  lt_test_add_constant (g, "lengths", LT_DTYPE_I64, 1, &two, lengths, sizeof lengths);
  lt_test_add_node (g, "SplitToSequence", 11, NAMES ("x", "chunk"), NAMES ("chunks"), 1, &axis1);
  lt_test_add_node (g, "SplitToSequence", 11, NAMES ("x", "lengths"), NAMES ("pieces"), 1, &axis_last);
  lt_test_add_node (g, "SplitToSequence", 11, NAMES ("x"), NAMES ("columns"), 2, unsqueezed);
  lt_test_add_node (g, "ConcatFromSequence", 11, NAMES ("pieces"), NAMES ("joined"), 1, &axis1);
  lt_test_add_node (g, "ConcatFromSequence", 11, NAMES ("columns"), NAMES ("rows"), 1, &axis0);
  lt_test_add_node (g, "ConcatFromSequence", 11, NAMES ("columns"), NAMES ("stack"), 2, stacked);
  lt_test_add_outputs (g, NAMES ("chunks", "pieces", "columns", "joined", "rows", "stack"));
  model = lt_test_finish (g);
  session = lt_test_new_session (model);
  reshape_ok (session);
  bind_xy (session);
  lt_test_run_ok (session);

  seq = lt_session_get_sequence_output (session, 0);
  g_assert_cmpuint (seq->count, ==, 2);
  assert_tensor (&seq->tensors[0], 2, dims_2x2, (const float[]) { 1, 2, 4, 5 });
  assert_tensor (&seq->tensors[1], 2, dims_2x1, (const float[]) { 3, 6 });
  seq = lt_session_get_sequence_output (session, 1);
  g_assert_cmpuint (seq->count, ==, 2);
  assert_tensor (&seq->tensors[0], 2, dims_2x1, (const float[]) { 1, 4 });
  assert_tensor (&seq->tensors[1], 2, dims_2x2, (const float[]) { 2, 3, 5, 6 });
  seq = lt_session_get_sequence_output (session, 2);
  g_assert_cmpuint (seq->count, ==, 3);
  assert_tensor (&seq->tensors[2], 1, dims_2, (const float[]) { 3, 6 });
  assert_tensor (lt_session_get_output (session, 3), 2, dims_2x3, x_2x3);
  /* the three columns [2] one after the other */
  assert_tensor (lt_session_get_output (session, 4), 1, (const int64_t[]) { 6 }, (const float[]) { 1, 4, 2, 5, 3, 6 });
  /* columns stacked on a new last axis: [2, 3] again */
  assert_tensor (lt_session_get_output (session, 5), 2, dims_2x3, x_2x3);
  lt_session_free (session);
  lt_model_unref (model);
}

/* Attributes that cannot work are refused at reshape, naming the node. */
static void
test_bad_attributes (void)
{
  const char *nodes[3] = { "split", "concat", "empty" };

  for (int k = 0; k < 3; k++)
    {
      lt_graph *g = new_xy_graph ();
      lt_attr   bad_axis = int_attr ("axis", 2), bad_dtype = int_attr ("dtype", 99);
      char      message[LT_ERROR_MESSAGE_MAX];

      lt_test_add_node (g, "SequenceConstruct", 11, NAMES ("x"), NAMES ("s"), 0, NULL);
      if (k == 0)
        lt_test_add_node (g, "SplitToSequence", 11, NAMES ("x"), NAMES ("split"), 1, &bad_axis);
      else if (k == 1)
        lt_test_add_node (g, "ConcatFromSequence", 11, NAMES ("s"), NAMES ("concat"), 0, NULL);
      else
        lt_test_add_node (g, "SequenceEmpty", 11, (const char *const[]) { NULL }, NAMES ("empty"), 1, &bad_dtype);
      lt_test_add_outputs (g, (const char *const[]) { nodes[k], NULL });
      reshape_fails (g, LT_ERR_INVALID_MODEL, nodes[k], message);
    }
}

/* A sequence where an op takes tensors is refused at reshape. */
static void
test_sequence_into_tensor_op (void)
{
  lt_graph *g = new_xy_graph ();
  char      message[LT_ERROR_MESSAGE_MAX];

  lt_test_add_node (g, "SequenceConstruct", 11, NAMES ("y"), NAMES ("s"), 0, NULL);
  lt_test_add_node (g, "Add", 14, NAMES ("s", "y"), NAMES ("sum"), 0, NULL);
  lt_test_add_outputs (g, NAMES ("sum"));
  reshape_fails (g, LT_ERR_INVALID_MODEL, "sum", message);
  g_assert_nonnull (strstr (message, "a sequence"));
}

/* ---- graph inputs ------------------------------------------------------ */

/* A map input loads, and sessions refuse it naming the value. */
static void
test_map_refused (void)
{
  lt_graph *g = lt_graph_new (NULL);
  char      message[LT_ERROR_MESSAGE_MAX];

  lt_test_add_input (g, "m", LT_DTYPE_UNDEFINED, -1, NULL);
  g_assert_cmpint (lt_graph_declare_kind (g, "m", LT_TYPE_MAP, NULL), ==, LT_OK);
  lt_test_add_node (g, "Identity", 16, NAMES ("m"), NAMES ("copy"), 0, NULL);
  lt_test_add_outputs (g, NAMES ("copy"));
  reshape_fails (g, LT_ERR_UNSUPPORTED, "m", message);
  g_assert_nonnull (strstr (message, "map"));
}

/* A sequence input "s" (of float [3] or [2,3]) → Identity → output. */
static lt_model *
identity_model (lt_type_kind kind)
{
  lt_graph *g = lt_graph_new (NULL);

  lt_test_add_input (g, "s", LT_DTYPE_F32, -1, NULL);
  g_assert_cmpint (lt_graph_declare_kind (g, "s", kind, NULL), ==, LT_OK);
  lt_test_add_node (g, "Identity", 16, NAMES ("s"), NAMES ("copy"), 0, NULL);
  lt_test_add_outputs (g, NAMES ("copy"));
  return lt_test_finish (g);
}

static void
test_bind_sequence_input (void)
{
  lt_model          *model = identity_model (LT_TYPE_SEQUENCE);
  lt_session        *session = lt_test_new_session (model);
  const int64_t      three = 3;
  const float        y[3] = { 7, 8, 9 };
  lt_tensor          tensors[2] = {
    { .name = "", .dtype = LT_DTYPE_F32, .rank = 2, .dims = { 2, 3 }, .count = 6, .data = x_2x3, .nbytes = sizeof x_2x3 },
    { .name = "", .dtype = LT_DTYPE_F32, .rank = 1, .dims = { 3 }, .count = 3, .data = y, .nbytes = sizeof y },
  };
  lt_sequence        value = { .has_value = true, .count = 2, .tensors = tensors };
  lt_sequence        none = { .has_value = false };
  lt_tensor          wrong = tensors[1];
  lt_sequence        wrong_value = { .has_value = true, .count = 1, .tensors = &wrong };
  lt_value_type      type = { .kind = LT_TYPE_SEQUENCE, .dtype = LT_DTYPE_F32, .shape = { .rank = -1 } };
  const lt_sequence *out;
  lt_error           err;

  g_assert_cmpint (lt_graph_get_value (lt_model_get_graph (model), 0)->type_kind, ==, LT_TYPE_SEQUENCE);
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_reshape (session, &type, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_bind_input (session, 0, x_2x3, sizeof x_2x3, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (err.subject, ==, "s");
  g_assert_cmpint (lt_session_bind_sequence (session, 0, &none, &err), ==, LT_ERR_INVALID_ARGUMENT);
  wrong.dtype = LT_DTYPE_I32;
  g_assert_cmpint (lt_session_bind_sequence (session, 0, &wrong_value, &err), ==, LT_ERR_SHAPE);
  g_assert_cmpstr (err.subject, ==, "s");
  run_fails (session, LT_ERR_INVALID_ARGUMENT, "s");

  g_assert_cmpint (lt_session_bind_sequence (session, 0, &value, &err), ==, LT_OK);
  lt_test_run_ok (session);
  out = lt_session_get_sequence_output (session, 0);
  g_assert_cmpuint (out->count, ==, 2);
  assert_tensor (&out->tensors[0], 2, dims_2x3, x_2x3);
  assert_tensor (&out->tensors[1], 1, &three, y);

  /* a tensor given for a sequence input */
  type.kind = LT_TYPE_TENSOR;
  g_assert_cmpint (lt_session_reshape (session, &type, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (err.subject, ==, "s");
  lt_session_free (session);
  lt_model_unref (model);

  /* an optional input takes an empty optional, and gives it back */
  model = identity_model (LT_TYPE_OPTIONAL_SEQUENCE);
  session = lt_test_new_session (model);
  type.kind = LT_TYPE_OPTIONAL_SEQUENCE;
  g_assert_cmpint (lt_session_reshape (session, &type, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_bind_sequence (session, 0, &none, &err), ==, LT_OK);
  lt_test_run_ok (session);
  out = lt_session_get_sequence_output (session, 0);
  g_assert_false (out->has_value);
  g_assert_cmpuint (out->count, ==, 0);
  lt_session_free (session);
  lt_model_unref (model);
}

/* ---- optionals --------------------------------------------------------- */

static void
test_optionals (void)
{
  lt_graph          *g = new_xy_graph ();
  static const lt_type_desc sequence_type = { .kind = LT_TYPE_SEQUENCE, .dtype = LT_DTYPE_F32, .shape = { .rank = -1 } };
  lt_attr            type_attr = { .name = "type", .type = LT_ATTR_TYPE_PROTO, .count = 1, .v.tp = &sequence_type };
  const int64_t      three = 3;
  lt_model          *model;
  lt_session        *session;
  const lt_sequence *seq;

  lt_test_add_node (g, "Optional", 15, NAMES ("y"), NAMES ("some"), 0, NULL);
  lt_test_add_node (g, "Optional", 15, (const char *const[]) { NULL }, NAMES ("none"), 1, &type_attr);
  lt_test_add_node (g, "OptionalHasElement", 15, NAMES ("some"), NAMES ("has_some"), 0, NULL);
  lt_test_add_node (g, "OptionalHasElement", 15, NAMES ("none"), NAMES ("has_none"), 0, NULL);
  lt_test_add_node (g, "OptionalGetElement", 15, NAMES ("some"), NAMES ("got"), 0, NULL);
  lt_test_add_node (g, "SequenceConstruct", 11, NAMES ("x"), NAMES ("s"), 0, NULL);
  lt_test_add_node (g, "Optional", 15, NAMES ("s"), NAMES ("some_seq"), 0, NULL);
  lt_test_add_node (g, "OptionalGetElement", 15, NAMES ("some_seq"), NAMES ("got_seq"), 0, NULL);
  lt_test_add_outputs (g, NAMES ("has_some", "has_none", "got", "none", "got_seq"));
  model = lt_test_finish (g);
  session = lt_test_new_session (model);
  reshape_ok (session);
  g_assert_cmpint (lt_session_get_output_kind (session, 3), ==, LT_TYPE_OPTIONAL_SEQUENCE);
  bind_xy (session);
  lt_test_run_ok (session);
  g_assert_cmpint (*(const uint8_t *) lt_session_get_output (session, 0)->data, ==, 1);
  g_assert_cmpint (*(const uint8_t *) lt_session_get_output (session, 1)->data, ==, 0);
  assert_tensor (lt_session_get_output (session, 2), 1, &three, (const float[]) { 7, 8, 9 });
  g_assert_false (lt_session_get_sequence_output (session, 3)->has_value);
  seq = lt_session_get_sequence_output (session, 4);
  g_assert_true (seq->has_value);
  g_assert_cmpuint (seq->count, ==, 1);
  assert_tensor (&seq->tensors[0], 2, dims_2x3, x_2x3);
  lt_session_free (session);
  lt_model_unref (model);
}

/* OptionalGetElement of an empty optional fails at run, naming the node. */
static void
test_get_empty_optional (void)
{
  lt_model     *model;
  lt_session   *session;
  lt_graph     *g = lt_graph_new (NULL);
  const int64_t three = 3;
  lt_value_type type = { .kind = LT_TYPE_OPTIONAL_TENSOR, .dtype = LT_DTYPE_F32 };
  lt_sequence   none = { .has_value = false };
  lt_error      err;

  lt_test_add_input (g, "maybe", LT_DTYPE_F32, 1, &three);
  g_assert_cmpint (lt_graph_declare_kind (g, "maybe", LT_TYPE_OPTIONAL_TENSOR, NULL), ==, LT_OK);
  lt_test_add_node (g, "OptionalGetElement", 15, NAMES ("maybe"), NAMES ("got"), 0, NULL);
  lt_test_add_outputs (g, NAMES ("got"));
  model = lt_test_finish (g);
  session = lt_test_new_session (model);
  lt_shape_set (&type.shape, 1, &three);
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_reshape (session, &type, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_bind_sequence (session, 0, &none, &err), ==, LT_OK);
  run_fails (session, LT_ERR_RUNTIME, "got");
  lt_session_free (session);
  lt_model_unref (model);
}

/* ---- If and Loop ------------------------------------------------------- */

/* If (cond) then [y, y] else [x]: the branch taken gives the output. */
static void
test_if_sequences (void)
{
  lt_graph          *g = new_xy_graph ();
  lt_graph          *then_g, *else_g;
  lt_attr            branches[2];
  lt_model          *model;
  lt_session        *session;
  uint8_t            cond;
  const lt_sequence *seq;

  lt_test_add_input (g, "cond", LT_DTYPE_BOOL, 0, NULL);
  then_g = lt_graph_new (g);
  lt_test_add_node (then_g, "SequenceConstruct", 11, NAMES ("y", "y"), NAMES ("then_seq"), 0, NULL);
  lt_test_add_outputs (then_g, NAMES ("then_seq"));
  else_g = lt_graph_new (g);
  lt_test_add_node (else_g, "SequenceConstruct", 11, NAMES ("x"), NAMES ("else_seq"), 0, NULL);
  lt_test_add_outputs (else_g, NAMES ("else_seq"));
  branches[0] = lt_test_graph_attr ("then_branch", then_g);
  branches[1] = lt_test_graph_attr ("else_branch", else_g);
  lt_test_add_node (g, "If", 13, NAMES ("cond"), NAMES ("chosen"), 2, branches);
  lt_test_add_outputs (g, NAMES ("chosen"));
  model = lt_test_finish (g);
  session = lt_test_new_session (model);
  reshape_ok (session);
  bind_xy (session);
  for (cond = 0; cond < 2; cond++)
    {
      lt_test_bind (session, 2, &cond, sizeof cond);
      lt_test_run_ok (session);
      seq = lt_session_get_sequence_output (session, 0);
      g_assert_cmpuint (seq->count, ==, cond ? 2 : 1);
      g_assert_cmpint (seq->tensors[0].rank, ==, cond ? 1 : 2);
    }
  lt_session_free (session);
  lt_model_unref (model);
}

/* Loop M times: carried sequence s gets x[0 : i + 1] (a shape that grows
 * with i, so the body is planned again each iteration) when `growing`,
 * else x itself; a carried tensor counts along. */
static lt_model *
loop_model (bool growing)
{
  lt_graph     *g = lt_graph_new (NULL);
  lt_graph     *body = lt_graph_new (g);
  const int64_t six = 6, one_dim = 1, one = 1, zero[1] = { 0 }, axes[1] = { 0 };
  const float   x[6] = { 1, 2, 3, 4, 5, 6 };
  const float   start = 0;
  lt_attr       attr = lt_test_graph_attr ("body", body);

  lt_test_add_input (g, "M", LT_DTYPE_I64, 0, NULL);
  lt_test_add_constant (g, "x", LT_DTYPE_F32, 1, &six, x, sizeof x);
  lt_test_add_constant (g, "start", LT_DTYPE_F32, 0, NULL, &start, sizeof start);
  lt_test_add_node (g, "SequenceEmpty", 11, (const char *const[]) { NULL }, NAMES ("empty"), 0, NULL);
  lt_test_add_input (body, "i", LT_DTYPE_I64, 0, NULL);
  lt_test_add_input (body, "cond_in", LT_DTYPE_BOOL, 0, NULL);
  lt_test_add_input (body, "s_in", LT_DTYPE_F32, -1, NULL);
  g_assert_cmpint (lt_graph_declare_kind (body, "s_in", LT_TYPE_SEQUENCE, NULL), ==, LT_OK);
  lt_test_add_input (body, "count_in", LT_DTYPE_F32, 0, NULL);
  lt_test_add_node (body, "Identity", 13, NAMES ("cond_in"), NAMES ("cond_out"), 0, NULL);
  if (growing)
    {
      lt_test_add_constant (body, "one", LT_DTYPE_I64, 0, NULL, &one, sizeof one);
      lt_test_add_constant (body, "zero", LT_DTYPE_I64, 1, &one_dim, zero, sizeof zero);
      lt_test_add_constant (body, "axes", LT_DTYPE_I64, 1, &one_dim, axes, sizeof axes);
      lt_test_add_node (body, "Add", 13, NAMES ("i", "one"), NAMES ("end"), 0, NULL);
      lt_test_add_node (body, "Unsqueeze", 13, NAMES ("end", "axes"), NAMES ("ends"), 0, NULL);
      lt_test_add_node (body, "Slice", 13, NAMES ("x", "zero", "ends"), NAMES ("prefix"), 0, NULL);
    }
  lt_test_add_node (body, "SequenceInsert", 11, NAMES ("s_in", growing ? "prefix" : "x"), NAMES ("s_out"), 0, NULL);
  lt_test_add_node (body, "Identity", 13, NAMES ("count_in"), NAMES ("count_out"), 0, NULL);
  lt_test_add_outputs (body, NAMES ("cond_out", "s_out", "count_out"));
  lt_test_add_node (g, "Loop", 13, NAMES ("M", "", "empty", "start"), NAMES ("s", "count"), 1, &attr);
  lt_test_add_outputs (g, NAMES ("s", "count"));
  return lt_test_finish (g);
}

static void
test_loop_carries_sequence (void)
{
  for (int growing = 0; growing < 2; growing++)
    {
      lt_model          *model = loop_model (growing);
      lt_session        *session = lt_test_new_session (model);
      int64_t            trips = 4;
      const lt_sequence *seq;
      int                before;

      reshape_ok (session);
      lt_test_bind (session, 0, &trips, sizeof trips);
      lt_test_run_ok (session);
      seq = lt_session_get_sequence_output (session, 0);
      g_assert_cmpuint (seq->count, ==, 4);
      for (uint32_t k = 0; k < 4; k++)
        {
          int64_t n = growing ? k + 1 : 6;
          assert_tensor (&seq->tensors[k], 1, &n, x_2x3);
        }
      /* Without replanning a second run of the same sizes reuses every
       * buffer; a body planned again each iteration allocates. */
      before = lt_test_alloc_count ();
      lt_test_run_ok (session);
      if (growing)
        g_assert_cmpint (lt_test_alloc_count (), >, before);
      else
        g_assert_cmpint (lt_test_alloc_count (), ==, before);
      g_assert_cmpuint (lt_session_get_sequence_output (session, 0)->count, ==, 4);

      /* zero iterations: the initial, empty sequence */
      trips = 0;
      lt_test_run_ok (session);
      g_assert_cmpuint (lt_session_get_sequence_output (session, 0)->count, ==, 0);
      lt_session_free (session);
      lt_model_unref (model);
    }
}

/* SequenceMap over [x, y] with the tensor y added to each: the body
 * (Shape) planned for each tensor's own shape; a second sequence input of
 * another length fails at run, naming the node. */
static void
test_sequence_map (void)
{
  lt_graph          *g = new_xy_graph ();
  lt_graph          *body = lt_graph_new (g);
  lt_attr            attr = lt_test_graph_attr ("body", body);
  lt_model          *model;
  lt_session        *session;
  const lt_sequence *shapes, *sums;
  const int64_t     *dims;

  lt_test_add_input (body, "t", LT_DTYPE_F32, -1, NULL);
  lt_test_add_input (body, "other", LT_DTYPE_F32, -1, NULL);
  lt_test_add_node (body, "Shape", 15, NAMES ("t"), NAMES ("shape"), 0, NULL);
  lt_test_add_node (body, "Add", 14, NAMES ("t", "other"), NAMES ("sum"), 0, NULL);
  lt_test_add_outputs (body, NAMES ("shape", "sum"));
  lt_test_add_node (g, "SequenceConstruct", 11, NAMES ("x", "y"), NAMES ("s"), 0, NULL);
  lt_test_add_node (g, "SequenceMap", 17, NAMES ("s", "y"), NAMES ("shapes", "sums"), 1, &attr);
  lt_test_add_outputs (g, NAMES ("shapes", "sums"));
  model = lt_test_finish (g);
  session = lt_test_new_session (model);
  reshape_ok (session);
  bind_xy (session);
  lt_test_run_ok (session);
  shapes = lt_session_get_sequence_output (session, 0);
  sums = lt_session_get_sequence_output (session, 1);
  g_assert_cmpuint (shapes->count, ==, 2);
  g_assert_cmpint (shapes->tensors[0].dtype, ==, LT_DTYPE_I64);
  g_assert_cmpint (shapes->tensors[0].dims[0], ==, 2);
  dims = shapes->tensors[0].data;
  g_assert_cmpint (dims[0], ==, 2);
  g_assert_cmpint (dims[1], ==, 3);
  g_assert_cmpint (shapes->tensors[1].dims[0], ==, 1);
  g_assert_cmpint (*(const int64_t *) shapes->tensors[1].data, ==, 3);
  assert_tensor (&sums->tensors[0], 2, dims_2x3, (const float[]) { 8, 10, 12, 11, 13, 15 });
  assert_tensor (&sums->tensors[1], 1, (const int64_t[]) { 3 }, (const float[]) { 14, 16, 18 });
  lt_session_free (session);
  lt_model_unref (model);
}

/* Sequence inputs of SequenceMap must hold as many tensors. */
static void
test_sequence_map_lengths (void)
{
  lt_graph   *g = new_xy_graph ();
  lt_graph   *body = lt_graph_new (g);
  lt_attr     attr = lt_test_graph_attr ("body", body);
  lt_model   *model;
  lt_session *session;

  lt_test_add_input (body, "a", LT_DTYPE_F32, -1, NULL);
  lt_test_add_input (body, "b", LT_DTYPE_F32, -1, NULL);
  lt_test_add_node (body, "Identity", 16, NAMES ("a"), NAMES ("a_out"), 0, NULL);
  lt_test_add_outputs (body, NAMES ("a_out"));
  lt_test_add_node (g, "SequenceConstruct", 11, NAMES ("y", "y"), NAMES ("two"), 0, NULL);
  lt_test_add_node (g, "SequenceConstruct", 11, NAMES ("y"), NAMES ("one"), 0, NULL);
  lt_test_add_node (g, "SequenceMap", 17, NAMES ("two", "one"), NAMES ("mapped"), 1, &attr);
  lt_test_add_outputs (g, NAMES ("mapped"));
  model = lt_test_finish (g);
  session = lt_test_new_session (model);
  reshape_ok (session);
  bind_xy (session);
  run_fails (session, LT_ERR_RUNTIME, "mapped");
  lt_session_free (session);
  lt_model_unref (model);
}

/* ---- sequence files ---------------------------------------------------- */

static char *
write_message (const char *dir,
               const char *name,
               const void *bytes,
               size_t      len)
{
  char   *path = g_build_filename (dir, name, NULL);
  GError *error = NULL;

  g_file_set_contents (path, bytes, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

/* A SequenceProto of two tensors, an OptionalProto without a value, a
 * sequence of sequences and bytes that are no message: the first two
 * load, the others fail naming the file. */
static void
test_sequence_files (void)
{
  char                 *dir = g_dir_make_tmp ("lathe-sequence-XXXXXX", NULL);
  Onnx__TensorProto     tensors[2], *tensor_ptrs[2];
  Onnx__SequenceProto   sequence = ONNX__SEQUENCE_PROTO__INIT, outer = ONNX__SEQUENCE_PROTO__INIT;
  Onnx__SequenceProto  *nested[1] = { &sequence };
  Onnx__OptionalProto   none = ONNX__OPTIONAL_PROTO__INIT;
  int64_t               dims[2][1] = { { 2 }, { 1 } };
  float                 values[3] = { 1, 2, 3 };
  uint8_t               buffer[256];
  const guint8          junk[4] = { 0xff, 0xff, 0xff, 0xff };
  lt_sequence_file     *file = NULL;
  const lt_sequence    *value;
  lt_error              err;
  char                 *path;

  g_assert_nonnull (dir);
  for (int k = 0; k < 2; k++)
    {
      onnx__tensor_proto__init (&tensors[k]);
      tensors[k].has_data_type = TRUE;
      tensors[k].data_type = LT_DTYPE_F32;
      tensors[k].n_dims = 1;
      tensors[k].dims = dims[k];
      tensors[k].has_raw_data = TRUE;
      tensors[k].raw_data.data = (uint8_t *) (k == 0 ? values : values + 2);
      tensors[k].raw_data.len = (size_t) dims[k][0] * sizeof (float);
      tensor_ptrs[k] = &tensors[k];
    }
  sequence.has_elem_type = TRUE;
  sequence.elem_type = ONNX__SEQUENCE_PROTO__DATA_TYPE__TENSOR;
  sequence.n_tensor_values = 2;
  sequence.tensor_values = tensor_ptrs;
  path = write_message (dir, "sequence.pb", buffer, onnx__sequence_proto__pack (&sequence, buffer));
  lt_error_clear (&err);
  g_assert_cmpint (lt_sequence_file_load (path, false, &file, &err), ==, LT_OK);
  value = lt_sequence_file_get (file);
  g_assert_true (value->has_value);
  g_assert_cmpuint (value->count, ==, 2);
  assert_tensor (&value->tensors[1], 1, dims[1], values + 2);
  lt_sequence_file_free (file);
  g_remove (path);
  g_free (path);

  path = write_message (dir, "none.pb", buffer, onnx__optional_proto__pack (&none, buffer));
  lt_error_clear (&err);
  g_assert_cmpint (lt_sequence_file_load (path, true, &file, &err), ==, LT_OK);
  g_assert_false (lt_sequence_file_get (file)->has_value);
  lt_sequence_file_free (file);
  g_remove (path);
  g_free (path);

  outer.has_elem_type = TRUE;
  outer.elem_type = ONNX__SEQUENCE_PROTO__DATA_TYPE__SEQUENCE;
  outer.n_sequence_values = 1;
  outer.sequence_values = nested;
  path = write_message (dir, "nested.pb", buffer, onnx__sequence_proto__pack (&outer, buffer));
  lt_error_clear (&err);
  g_assert_cmpint (lt_sequence_file_load (path, false, &file, &err), ==, LT_ERR_UNSUPPORTED);
  g_assert_cmpstr (err.file, ==, path);
  g_remove (path);
  g_free (path);

  path = write_message (dir, "junk.pb", junk, sizeof junk);
  lt_error_clear (&err);
  g_assert_cmpint (lt_sequence_file_load (path, false, &file, &err), ==, LT_ERR_PARSE);
  g_assert_cmpstr (err.file, ==, path);
  g_remove (path);
  g_free (path);
  g_rmdir (dir);
  g_free (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sequence/build-and-read", test_build_and_read);
  g_test_add_func ("/sequence/positions-out-of-range", test_positions_out_of_range);
  g_test_add_func ("/sequence/known-position-out-of-range", test_known_position_out_of_range);
  g_test_add_func ("/sequence/split-and-concat", test_split_and_concat);
  g_test_add_func ("/sequence/bad-attributes", test_bad_attributes);
  g_test_add_func ("/sequence/sequence-into-tensor-op", test_sequence_into_tensor_op);
  g_test_add_func ("/sequence/map-refused", test_map_refused);
  g_test_add_func ("/sequence/bind-sequence-input", test_bind_sequence_input);
  g_test_add_func ("/sequence/optionals", test_optionals);
  g_test_add_func ("/sequence/get-empty-optional", test_get_empty_optional);
  g_test_add_func ("/sequence/if-sequences", test_if_sequences);
  g_test_add_func ("/sequence/loop-carries-sequence", test_loop_carries_sequence);
  g_test_add_func ("/sequence/sequence-map", test_sequence_map);
  g_test_add_func ("/sequence/sequence-map-lengths", test_sequence_map_lengths);
  g_test_add_func ("/sequence/sequence-files", test_sequence_files);
  return g_test_run ();
}
