/* test-shape.c — shape inference, op family by op family, built with the
 * graph API: broadcasting (symbolic too), convolution and pool sizes,
 * Gemm/MatMul, data movement, reductions, normalizations, propagation of
 * shape computations, the op schema table, and every error path (code,
 * node named, both shapes in the message). */
#include <glib.h>
#include <lt/lt.h>

#include "ops/op-schema.h"

#include <stdarg.h>
#include <string.h>

/* ---- building graphs --------------------------------------------------- */

typedef struct builder
{
  lt_graph           *g;
  lt_shape_inference *si;
  lt_error            err;
  int64_t             opset;
} builder;

static void
builder_init (builder *b,
              int64_t  opset)
{
  memset (b, 0, sizeof *b);
  b->g = lt_graph_new (NULL);
  b->opset = opset;
  lt_error_clear (&b->err);
}

static void
builder_clear (builder *b)
{
  lt_shape_inference_free (b->si);
  lt_graph_free (b->g);
}

/* "1x3xNx4": numbers are known dims, names symbolic, "?" unknown; "scalar"
 * is rank 0 and "" unknown rank. */
static lt_shape
parse_shape (builder    *b,
             const char *spec)
{
  lt_shape shape;
  g_auto (GStrv) parts = NULL;

  lt_shape_set_unknown (&shape);
  if (spec[0] == '\0')
    return shape;
  shape.rank = 0;
  if (strcmp (spec, "scalar") == 0)
    return shape;
  parts = g_strsplit (spec, "x", -1);
  for (guint i = 0; parts[i]; i++)
    {
      lt_dim *d = &shape.dims[shape.rank++];
      if (g_ascii_isdigit (parts[i][0]))
        *d = (lt_dim){ .size = g_ascii_strtoll (parts[i], NULL, 10) };
      else if (strcmp (parts[i], "?") == 0)
        *d = (lt_dim){ .size = -1 };
      else
        *d = (lt_dim){ .size = -1, .param = lt_graph_strndup (b->g, parts[i], strlen (parts[i])) };
    }
  return shape;
}

static void
add_input (builder    *b,
           const char *name,
           lt_dtype    dtype,
           const char *spec)
{
  lt_shape shape = parse_shape (b, spec);
  g_assert_cmpint (lt_graph_add_input (b->g, name, dtype, &shape, NULL, &b->err), ==, LT_OK);
}

/* An int64 initializer of n values. */
static void
add_ints (builder       *b,
          const char    *name,
          int32_t        n,
          const int64_t *values)
{
  lt_tensor t = { .name = name, .dtype = LT_DTYPE_I64, .rank = 1, .dims = { n }, .count = (uint64_t) n };
  int64_t  *data = n ? lt_graph_alloc (b->g, (size_t) n * sizeof *data) : NULL;

  if (n)
    memcpy (data, values, (size_t) n * sizeof *data);
  t.data = data;
  t.nbytes = (size_t) n * sizeof *data;
  g_assert_cmpint (lt_graph_add_constant (b->g, &t, NULL, &b->err), ==, LT_OK);
}

static void
add_floats (builder     *b,
            const char  *name,
            int32_t      n,
            const float *values)
{
  lt_tensor t = { .name = name, .dtype = LT_DTYPE_F32, .rank = 1, .dims = { n }, .count = (uint64_t) n };
  float    *data = lt_graph_alloc (b->g, (size_t) n * sizeof *data);

  memcpy (data, values, (size_t) n * sizeof *data);
  t.data = data;
  t.nbytes = (size_t) n * sizeof *data;
  g_assert_cmpint (lt_graph_add_constant (b->g, &t, NULL, &b->err), ==, LT_OK);
}

static lt_attr
attr_int (const char *name,
          int64_t     v)
{
  return (lt_attr){ .name = name, .type = LT_ATTR_INT, .count = 1, .v.i = v };
}

static lt_attr
attr_ints (builder       *b,
           const char    *name,
           uint32_t       n,
           const int64_t *v)
{
  int64_t *copy = lt_graph_alloc (b->g, n * sizeof *copy);
  memcpy (copy, v, n * sizeof *copy);
  return (lt_attr){ .name = name, .type = LT_ATTR_INTS, .count = n, .v.ints = copy };
}

static lt_attr
attr_floats (builder     *b,
             const char  *name,
             uint32_t     n,
             const float *v)
{
  float *copy = lt_graph_alloc (b->g, n * sizeof *copy);
  memcpy (copy, v, n * sizeof *copy);
  return (lt_attr){ .name = name, .type = LT_ATTR_FLOATS, .count = n, .v.floats = copy };
}

static lt_attr
attr_string (builder    *b,
             const char *name,
             const char *s)
{
  return (lt_attr){ .name = name, .type = LT_ATTR_STRING, .count = 1, .v.s = { lt_graph_strndup (b->g, s, strlen (s)), strlen (s) } };
}

/* Adds a node; inputs and outputs are comma-separated names ("" omits). */
static void
add_node (builder       *b,
          const char    *name,
          const char    *op,
          const char    *inputs,
          const char    *outputs,
          uint32_t       n_attrs,
          const lt_attr *attrs)
{
  g_auto (GStrv) ins = g_strsplit (inputs, ",", -1);
  g_auto (GStrv) outs = g_strsplit (outputs, ",", -1);
  lt_attr     *attrs_copy = n_attrs ? lt_graph_alloc (b->g, n_attrs * sizeof *attrs_copy) : NULL;
  lt_node_desc desc = {
    .name = name,
    .op_type = op,
    .domain = "",
    .opset = b->opset,
    .n_inputs = g_strv_length (ins),
    .inputs = (const char *const *) ins,
    .n_outputs = g_strv_length (outs),
    .outputs = (const char *const *) outs,
    .n_attrs = n_attrs,
    .attrs = attrs_copy,
  };

  if (n_attrs)
    memcpy (attrs_copy, attrs, n_attrs * sizeof *attrs);
  g_assert_cmpint (lt_graph_add_node (b->g, &desc, NULL, &b->err), ==, LT_OK);
}

static lt_status
infer (builder *b)
{
  g_assert_cmpint (lt_graph_finalize (b->g, &b->err), ==, LT_OK);
  b->si = lt_shape_inference_new (b->g);
  g_assert_nonnull (b->si);
  return lt_shape_inference_run (b->si, NULL, false, &b->err);
}

static const lt_value_type *
result (builder    *b,
        const char *value)
{
  int32_t id = lt_graph_find_value (b->g, value);
  g_assert_cmpint (id, >=, 0);
  return lt_shape_inference_get (b->si, id);
}

/* The inferred shape of a value as lt_shape_format writes it. */
static const char *
shape_of (builder    *b,
          const char *value)
{
  static char buf[128];
  lt_shape_format (&result (b, value)->shape, buf, sizeof buf);
  return buf;
}

/* Infers a graph expected to fail and checks code, node and shapes named. */
static void
assert_fails (builder    *b,
              lt_status   code,
              const char *node,
              const char *part1,
              const char *part2)
{
  g_assert_cmpint (infer (b), ==, code);
  g_assert_cmpstr (b->err.subject, ==, node);
  if (part1 && !strstr (b->err.message, part1))
    g_error ("message '%s' lacks '%s'", b->err.message, part1);
  if (part2 && !strstr (b->err.message, part2))
    g_error ("message '%s' lacks '%s'", b->err.message, part2);
}

/* ---- element-wise ------------------------------------------------------ */

static void
test_broadcast (void)
{
  builder b;

  builder_init (&b, 17);
  add_input (&b, "a", LT_DTYPE_F32, "Nx1x4");
  add_input (&b, "b", LT_DTYPE_F32, "3x1");
  add_input (&b, "c", LT_DTYPE_F32, "Nx3x4");
  add_input (&b, "d", LT_DTYPE_F32, "Mx3x4");
  add_input (&b, "e", LT_DTYPE_F32, "?x3x4");
  add_node (&b, "add", "Add", "a,b", "y", 0, NULL);
  add_node (&b, "same_symbol", "Mul", "a,c", "z", 0, NULL);
  add_node (&b, "two_symbols", "Sub", "c,d", "w", 0, NULL);
  add_node (&b, "cmp", "Less", "c,e", "lt", 0, NULL);
  add_node (&b, "sum", "Sum", "a,b,c", "s", 0, NULL);
  add_node (&b, "relu", "Relu", "a", "r", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "y"), ==, "Nx3x4");
  g_assert_cmpstr (shape_of (&b, "z"), ==, "Nx3x4");
  g_assert_cmpstr (shape_of (&b, "w"), ==, "?x3x4");
  g_assert_cmpstr (shape_of (&b, "lt"), ==, "?x3x4"); /* ? may be 1, then N stays open */
  g_assert_cmpint (result (&b, "lt")->dtype, ==, LT_DTYPE_BOOL);
  g_assert_cmpstr (shape_of (&b, "s"), ==, "Nx3x4");
  g_assert_cmpstr (shape_of (&b, "r"), ==, "Nx1x4");
  g_assert_true (lt_shape_inference_is_inferred (b.si, lt_graph_find_value (b.g, "r")));
  builder_clear (&b);
}

static void
test_broadcast_error (void)
{
  builder b;

  builder_init (&b, 17);
  add_input (&b, "a", LT_DTYPE_F32, "1x3x4");
  add_input (&b, "b", LT_DTYPE_F32, "5x4");
  add_node (&b, "bad_add", "Add", "a,b", "y", 0, NULL);
  assert_fails (&b, LT_ERR_SHAPE, "bad_add", "1x3x4", "5x4");
  g_assert_nonnull (strstr (b.err.message, "cannot broadcast 1x3x4 with 5x4"));
  builder_clear (&b);
}

static void
test_cast_where_softmax (void)
{
  builder b;
  lt_attr to = attr_int ("to", LT_DTYPE_F16);
  lt_attr axis = attr_int ("axis", 3);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "2x3");
  add_input (&b, "cond", LT_DTYPE_BOOL, "3");
  add_input (&b, "i", LT_DTYPE_I64, "1x1");
  add_node (&b, "cast", "Cast", "x", "h", 1, &to);
  add_node (&b, "where", "Where", "cond,i,i", "w", 0, NULL);
  add_node (&b, "softmax", "Softmax", "x", "s", 0, NULL);
  add_node (&b, "dropout", "Dropout", "x", "d,mask", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpint (result (&b, "h")->dtype, ==, LT_DTYPE_F16);
  g_assert_cmpstr (shape_of (&b, "h"), ==, "2x3");
  g_assert_cmpint (result (&b, "w")->dtype, ==, LT_DTYPE_I64);
  g_assert_cmpstr (shape_of (&b, "w"), ==, "1x3");
  g_assert_cmpstr (shape_of (&b, "s"), ==, "2x3");
  g_assert_cmpint (result (&b, "mask")->dtype, ==, LT_DTYPE_BOOL);
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "2x3");
  add_node (&b, "bad_softmax", "Softmax", "x", "s", 1, &axis);
  assert_fails (&b, LT_ERR_INVALID_MODEL, "bad_softmax", "axis 3", NULL);
  builder_clear (&b);
}

/* ---- convolutions and pools -------------------------------------------- */

static void
test_conv (void)
{
  builder b;
  int64_t pads[] = { 1, 1, 1, 1 }, strides[] = { 2, 2 }, dil[] = { 2, 2 };
  lt_attr a_pads, a_strides, a_dil, a_group;

  builder_init (&b, 17);
  a_pads = attr_ints (&b, "pads", 4, pads);
  a_strides = attr_ints (&b, "strides", 2, strides);
  a_dil = attr_ints (&b, "dilations", 2, dil);
  a_group = attr_int ("group", 2);
  add_input (&b, "x", LT_DTYPE_F32, "Nx4x224x224");
  add_input (&b, "w", LT_DTYPE_F32, "8x4x3x3");
  add_input (&b, "wg", LT_DTYPE_F32, "8x2x3x3");
  add_node (&b, "plain", "Conv", "x,w", "y0", 0, NULL);
  add_node (&b, "padded_strided", "Conv", "x,w", "y1", 2, (lt_attr[]){ a_pads, a_strides });
  add_node (&b, "dilated", "Conv", "x,w", "y2", 2, (lt_attr[]){ a_pads, a_dil });
  add_node (&b, "grouped", "Conv", "x,wg", "y3", 1, &a_group);
  add_node (&b, "same_upper", "Conv", "x,w", "y4", 2,
            (lt_attr[]){ attr_string (&b, "auto_pad", "SAME_UPPER"), a_strides });
  add_node (&b, "same_lower", "Conv", "x,w", "y5", 1, (lt_attr[]){ attr_string (&b, "auto_pad", "SAME_LOWER") });
  add_node (&b, "valid", "Conv", "x,w", "y6", 2, (lt_attr[]){ attr_string (&b, "auto_pad", "VALID"), a_strides });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "y0"), ==, "Nx8x222x222");
  g_assert_cmpstr (shape_of (&b, "y1"), ==, "Nx8x112x112");
  g_assert_cmpstr (shape_of (&b, "y2"), ==, "Nx8x222x222");
  g_assert_cmpstr (shape_of (&b, "y3"), ==, "Nx8x222x222");
  g_assert_cmpstr (shape_of (&b, "y4"), ==, "Nx8x112x112");
  g_assert_cmpstr (shape_of (&b, "y5"), ==, "Nx8x224x224");
  g_assert_cmpstr (shape_of (&b, "y6"), ==, "Nx8x111x111");
  builder_clear (&b);
}

static void
test_conv_transpose_and_pools (void)
{
  builder b;
  int64_t k3[] = { 3, 3 }, s2[] = { 2, 2 }, p1[] = { 1, 1, 1, 1 }, op1[] = { 1, 1 };

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "1x8x10x10");
  add_input (&b, "w", LT_DTYPE_F32, "8x4x3x3");
  add_node (&b, "deconv", "ConvTranspose", "x,w", "t", 3,
            (lt_attr[]){ attr_ints (&b, "strides", 2, s2), attr_ints (&b, "pads", 4, p1),
                         attr_ints (&b, "output_padding", 2, op1) });
  add_node (&b, "maxpool", "MaxPool", "x", "m,idx", 2,
            (lt_attr[]){ attr_ints (&b, "kernel_shape", 2, k3), attr_ints (&b, "strides", 2, s2) });
  add_node (&b, "ceilpool", "AveragePool", "x", "c", 3,
            (lt_attr[]){ attr_ints (&b, "kernel_shape", 2, k3), attr_ints (&b, "strides", 2, s2),
                         attr_int ("ceil_mode", 1) });
  add_node (&b, "gap", "GlobalAveragePool", "x", "g", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  /* 2*(10-1) + 1 + 3 - 2 */
  g_assert_cmpstr (shape_of (&b, "t"), ==, "1x4x20x20"); /* weights are C x M/group x k x k */
  g_assert_cmpstr (shape_of (&b, "m"), ==, "1x8x4x4");
  g_assert_cmpint (result (&b, "idx")->dtype, ==, LT_DTYPE_I64);
  g_assert_cmpstr (shape_of (&b, "c"), ==, "1x8x5x5");
  g_assert_cmpstr (shape_of (&b, "g"), ==, "1x8x1x1");
  builder_clear (&b);
}

static void
test_conv_errors (void)
{
  builder b;
  int64_t k3[] = { 3, 3, 3 };

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "1x6x8x8");
  add_input (&b, "w", LT_DTYPE_F32, "4x6x3x3");
  add_node (&b, "bad_kernel", "Conv", "x,w", "y", 1, (lt_attr[]){ attr_ints (&b, "kernel_shape", 3, k3) });
  assert_fails (&b, LT_ERR_INVALID_MODEL, "bad_kernel", "kernel_shape", NULL);
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "1x6x8x8");
  add_input (&b, "w", LT_DTYPE_F32, "4x1x3x3");
  add_node (&b, "bad_group", "Conv", "x,w", "y", 1, (lt_attr[]){ attr_int ("group", 4) });
  assert_fails (&b, LT_ERR_INVALID_MODEL, "bad_group", "group 4", "6");
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "1x6x8x8");
  add_input (&b, "w", LT_DTYPE_F32, "4x3x3x3");
  add_node (&b, "bad_channels", "Conv", "x,w", "y", 0, NULL);
  assert_fails (&b, LT_ERR_SHAPE, "bad_channels", "1x6x8x8", "4x3x3x3");
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "1x6x8x8");
  add_node (&b, "no_weights", "Conv", "x", "y", 0, NULL);
  assert_fails (&b, LT_ERR_INVALID_MODEL, "no_weights", "1 inputs", "expected 2 to 3");
  builder_clear (&b);
}

/* ---- Gemm and MatMul --------------------------------------------------- */

static void
test_gemm_matmul (void)
{
  builder b;

  builder_init (&b, 17);
  add_input (&b, "a", LT_DTYPE_F32, "4x3");
  add_input (&b, "bt", LT_DTYPE_F32, "5x4");
  add_input (&b, "c", LT_DTYPE_F32, "5");
  add_input (&b, "x", LT_DTYPE_F32, "Bx1xSx64");
  add_input (&b, "wm", LT_DTYPE_F32, "8x64x32");
  add_input (&b, "v", LT_DTYPE_F32, "64");
  add_node (&b, "gemm", "Gemm", "a,bt,c", "g", 2, (lt_attr[]){ attr_int ("transA", 1), attr_int ("transB", 1) });
  add_node (&b, "batched", "MatMul", "x,wm", "m", 0, NULL);
  add_node (&b, "vec_right", "MatMul", "x,v", "mv", 0, NULL);
  add_node (&b, "vec_left", "MatMul", "v,wm", "vm", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "g"), ==, "3x5");
  g_assert_cmpstr (shape_of (&b, "m"), ==, "Bx8xSx32");
  g_assert_cmpstr (shape_of (&b, "mv"), ==, "Bx1xS");
  g_assert_cmpstr (shape_of (&b, "vm"), ==, "8x32");
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "a", LT_DTYPE_F32, "2x3");
  add_input (&b, "b", LT_DTYPE_F32, "4x5");
  add_node (&b, "bad_matmul", "MatMul", "a,b", "y", 0, NULL);
  assert_fails (&b, LT_ERR_SHAPE, "bad_matmul", "2x3", "4x5");
  builder_clear (&b);
}

static void
test_einsum (void)
{
  builder b;

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "Bx4x5");
  add_input (&b, "y", LT_DTYPE_F32, "Bx5x6");
  add_input (&b, "z", LT_DTYPE_F32, "7x1x5x6");
  add_node (&b, "batched", "Einsum", "x,y", "o1", 1, (lt_attr[]){ attr_string (&b, "equation", "bij,bjk->bik") });
  add_node (&b, "implicit", "Einsum", "x,y", "o2", 1, (lt_attr[]){ attr_string (&b, "equation", "bij,bjk") });
  add_node (&b, "ellipsis", "Einsum", "x,z", "o3", 1,
            (lt_attr[]){ attr_string (&b, "equation", "...ij,...jk->...ik") });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "o1"), ==, "Bx4x6");
  g_assert_cmpstr (shape_of (&b, "o2"), ==, "4x6"); /* b is used twice, so summed */
  g_assert_cmpstr (shape_of (&b, "o3"), ==, "7xBx4x6");
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "2x3");
  add_input (&b, "y", LT_DTYPE_F32, "4x5");
  add_node (&b, "bad_einsum", "Einsum", "x,y", "o", 1, (lt_attr[]){ attr_string (&b, "equation", "ij,jk->ik") });
  assert_fails (&b, LT_ERR_SHAPE, "bad_einsum", "3", "4");
  builder_clear (&b);
}

/* ---- data movement ----------------------------------------------------- */

static void
test_reshape_transpose (void)
{
  builder b;
  int64_t target[] = { 0, -1, 4 }, perm[] = { 0, 2, 1 };

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "Nx6x8");
  add_ints (&b, "target", 3, target);
  add_node (&b, "reshape", "Reshape", "x,target", "r", 0, NULL);
  add_node (&b, "transpose", "Transpose", "r", "t", 1, (lt_attr[]){ attr_ints (&b, "perm", 3, perm) });
  add_node (&b, "reverse", "Transpose", "x", "rev", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "r"), ==, "Nx12x4");
  g_assert_cmpstr (shape_of (&b, "t"), ==, "Nx4x12");
  g_assert_cmpstr (shape_of (&b, "rev"), ==, "8x6xN");
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "2x3");
  add_ints (&b, "target", 2, (int64_t[]){ 4, 2 });
  add_node (&b, "bad_reshape", "Reshape", "x,target", "r", 0, NULL);
  assert_fails (&b, LT_ERR_SHAPE, "bad_reshape", "2x3", "4x2");
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "2x3x4");
  add_node (&b, "dup_perm", "Transpose", "x", "t", 1,
            (lt_attr[]){ attr_ints (&b, "perm", 3, (int64_t[]){ 0, 1, 1 }) });
  assert_fails (&b, LT_ERR_INVALID_MODEL, "dup_perm", "twice", NULL);
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "2x3x4");
  add_node (&b, "range_perm", "Transpose", "x", "t", 1,
            (lt_attr[]){ attr_ints (&b, "perm", 3, (int64_t[]){ 0, 1, 3 }) });
  assert_fails (&b, LT_ERR_INVALID_MODEL, "range_perm", "out of range", NULL);
  builder_clear (&b);
}

static void
test_concat_split (void)
{
  builder b;

  builder_init (&b, 18);
  add_input (&b, "a", LT_DTYPE_F32, "Nx2x5");
  add_input (&b, "b", LT_DTYPE_F32, "?x3x5");
  add_ints (&b, "sizes", 2, (int64_t[]){ 1, 4 });
  add_node (&b, "concat", "Concat", "a,b", "c", 1, (lt_attr[]){ attr_int ("axis", 1) });
  add_node (&b, "split", "Split", "c,sizes", "s0,s1", 1, (lt_attr[]){ attr_int ("axis", -2) });
  add_node (&b, "split_even", "Split", "a", "e0,e1,e2", 1, (lt_attr[]){ attr_int ("axis", 2) });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "c"), ==, "Nx5x5");
  g_assert_cmpstr (shape_of (&b, "s0"), ==, "Nx1x5");
  g_assert_cmpstr (shape_of (&b, "s1"), ==, "Nx4x5");
  /* opset 18: ceil(5/3) = 2, 2, then 1 */
  g_assert_cmpstr (shape_of (&b, "e0"), ==, "Nx2x2");
  g_assert_cmpstr (shape_of (&b, "e2"), ==, "Nx2x1");
  builder_clear (&b);

  builder_init (&b, 11);
  add_input (&b, "a", LT_DTYPE_F32, "4x6");
  add_node (&b, "split_attr", "Split", "a", "s0,s1", 2,
            (lt_attr[]){ attr_int ("axis", 1), attr_ints (&b, "split", 2, (int64_t[]){ 2, 4 }) });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "s1"), ==, "4x4");
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "a", LT_DTYPE_F32, "2x3");
  add_input (&b, "b", LT_DTYPE_F32, "4x3");
  add_node (&b, "bad_concat", "Concat", "a,b", "c", 1, (lt_attr[]){ attr_int ("axis", 1) });
  assert_fails (&b, LT_ERR_SHAPE, "bad_concat", "2x3", "4x3");
  builder_clear (&b);
}

static void
test_slice_gather (void)
{
  builder b;

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "10x20x30");
  add_input (&b, "idx", LT_DTYPE_I64, "2x3");
  add_ints (&b, "starts", 3, (int64_t[]){ 1, -1, 0 });
  add_ints (&b, "ends", 3, (int64_t[]){ 1000, -21, 30 });
  add_ints (&b, "axes", 3, (int64_t[]){ 0, 1, -1 });
  add_ints (&b, "steps", 3, (int64_t[]){ 3, -2, 7 });
  add_node (&b, "slice", "Slice", "x,starts,ends,axes,steps", "s", 0, NULL);
  add_node (&b, "gather", "Gather", "x,idx", "g", 1, (lt_attr[]){ attr_int ("axis", 1) });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  /* axis 0: 1,4,7 → 3; axis 1: 19 down to 0 by 2 → 10; axis 2: 0..29 by 7 → 5 */
  g_assert_cmpstr (shape_of (&b, "s"), ==, "3x10x5");
  g_assert_cmpstr (shape_of (&b, "g"), ==, "10x2x3x30");
  builder_clear (&b);

  builder_init (&b, 9);
  add_input (&b, "x", LT_DTYPE_F32, "10x20");
  add_node (&b, "slice_attr", "Slice", "x", "s", 3,
            (lt_attr[]){ attr_ints (&b, "starts", 1, (int64_t[]){ 2 }), attr_ints (&b, "ends", 1, (int64_t[]){ -2 }),
                         attr_ints (&b, "axes", 1, (int64_t[]){ 1 }) });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "s"), ==, "10x16");
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "10x20");
  add_input (&b, "idx", LT_DTYPE_I64, "2");
  add_node (&b, "bad_gather", "Gather", "x,idx", "g", 1, (lt_attr[]){ attr_int ("axis", 2) });
  assert_fails (&b, LT_ERR_INVALID_MODEL, "bad_gather", "axis 2", "rank 2");
  builder_clear (&b);
}

static void
test_squeeze_unsqueeze_flatten (void)
{
  builder b;

  /* opset 11: axes are attributes */
  builder_init (&b, 11);
  add_input (&b, "x", LT_DTYPE_F32, "1x3x1x5");
  add_node (&b, "squeeze", "Squeeze", "x", "s", 1, (lt_attr[]){ attr_ints (&b, "axes", 1, (int64_t[]){ -2 }) });
  add_node (&b, "squeeze_all", "Squeeze", "x", "sa", 0, NULL);
  add_node (&b, "unsqueeze", "Unsqueeze", "x", "u", 1,
            (lt_attr[]){ attr_ints (&b, "axes", 2, (int64_t[]){ 0, -1 }) });
  add_node (&b, "flatten", "Flatten", "x", "f", 1, (lt_attr[]){ attr_int ("axis", 2) });
  add_node (&b, "flatten0", "Flatten", "x", "f0", 1, (lt_attr[]){ attr_int ("axis", 0) });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "s"), ==, "1x3x5");
  g_assert_cmpstr (shape_of (&b, "sa"), ==, "3x5");
  g_assert_cmpstr (shape_of (&b, "u"), ==, "1x1x3x1x5x1");
  g_assert_cmpstr (shape_of (&b, "f"), ==, "3x5");
  g_assert_cmpstr (shape_of (&b, "f0"), ==, "1x15");
  builder_clear (&b);

  /* opset 13: axes are inputs */
  builder_init (&b, 13);
  add_input (&b, "x", LT_DTYPE_F32, "Nx3");
  add_ints (&b, "axes", 1, (int64_t[]){ 1 });
  add_node (&b, "unsqueeze", "Unsqueeze", "x,axes", "u", 0, NULL);
  add_node (&b, "squeeze", "Squeeze", "u,axes", "s", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "u"), ==, "Nx1x3");
  g_assert_cmpstr (shape_of (&b, "s"), ==, "Nx3");
  builder_clear (&b);

  builder_init (&b, 13);
  add_input (&b, "x", LT_DTYPE_F32, "2x3");
  add_ints (&b, "axes", 1, (int64_t[]){ 1 });
  add_node (&b, "bad_squeeze", "Squeeze", "x,axes", "s", 0, NULL);
  assert_fails (&b, LT_ERR_SHAPE, "bad_squeeze", "2x3", "not 1");
  builder_clear (&b);
}

static void
test_resize_pad_tile_expand (void)
{
  builder b;

  builder_init (&b, 13);
  add_input (&b, "x", LT_DTYPE_F32, "1x3x20x30");
  add_floats (&b, "scales", 4, (float[]){ 1, 1, 2, 0.5f });
  add_ints (&b, "sizes", 4, (int64_t[]){ 1, 3, 7, 9 });
  add_ints (&b, "pads", 8, (int64_t[]){ 0, 0, 1, 2, 0, 0, 3, 4 });
  add_ints (&b, "repeats", 4, (int64_t[]){ 2, 1, 1, 3 });
  add_ints (&b, "expand_to", 5, (int64_t[]){ 4, 1, 1, 1, 1 });
  add_node (&b, "resize_scales", "Resize", "x,,scales", "rs", 0, NULL);
  add_node (&b, "resize_sizes", "Resize", "x,,,sizes", "rz", 0, NULL);
  add_node (&b, "pad", "Pad", "x,pads", "p", 0, NULL);
  add_node (&b, "tile", "Tile", "x,repeats", "t", 0, NULL);
  add_node (&b, "expand", "Expand", "x,expand_to", "e", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "rs"), ==, "1x3x40x15");
  g_assert_cmpstr (shape_of (&b, "rz"), ==, "1x3x7x9");
  g_assert_cmpstr (shape_of (&b, "p"), ==, "1x3x24x36");
  g_assert_cmpstr (shape_of (&b, "t"), ==, "2x3x20x90");
  g_assert_cmpstr (shape_of (&b, "e"), ==, "4x1x3x20x30");
  builder_clear (&b);
}

/* ---- reductions and normalizations ------------------------------------- */

static void
test_reduce (void)
{
  builder b;

  builder_init (&b, 13);
  add_input (&b, "x", LT_DTYPE_F32, "Nx3x4x5");
  add_ints (&b, "axes", 2, (int64_t[]){ 2, -1 });
  add_node (&b, "mean_attr", "ReduceMean", "x", "m", 1,
            (lt_attr[]){ attr_ints (&b, "axes", 2, (int64_t[]){ 2, 3 }) });
  add_node (&b, "sum_input", "ReduceSum", "x,axes", "s", 1, (lt_attr[]){ attr_int ("keepdims", 0) });
  add_node (&b, "max_all", "ReduceMax", "x", "a", 1, (lt_attr[]){ attr_int ("keepdims", 0) });
  add_node (&b, "argmax", "ArgMax", "x", "am", 2, (lt_attr[]){ attr_int ("axis", 1), attr_int ("keepdims", 0) });
  add_node (&b, "topk", "TopK", "x,k", "tv,ti", 0, NULL);
  add_ints (&b, "k", 1, (int64_t[]){ 2 });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "m"), ==, "Nx3x1x1");
  g_assert_cmpstr (shape_of (&b, "s"), ==, "Nx3");
  g_assert_cmpstr (shape_of (&b, "a"), ==, "scalar");
  g_assert_cmpstr (shape_of (&b, "am"), ==, "Nx4x5");
  g_assert_cmpint (result (&b, "am")->dtype, ==, LT_DTYPE_I64);
  g_assert_cmpstr (shape_of (&b, "tv"), ==, "Nx3x4x2");
  builder_clear (&b);
}

static void
test_normalizations (void)
{
  builder b;

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "Nx8x4x4");
  add_input (&b, "c", LT_DTYPE_F32, "8");
  add_input (&b, "t", LT_DTYPE_F32, "Bx10x64");
  add_input (&b, "g", LT_DTYPE_F32, "64");
  add_node (&b, "bn", "BatchNormalization", "x,c,c,c,c", "bn_out", 0, NULL);
  add_node (&b, "in", "InstanceNormalization", "x,c,c", "in_out", 0, NULL);
  add_node (&b, "ln", "LayerNormalization", "t,g,g", "ln_out,ln_mean,ln_inv", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "bn_out"), ==, "Nx8x4x4");
  g_assert_cmpstr (shape_of (&b, "in_out"), ==, "Nx8x4x4");
  g_assert_cmpstr (shape_of (&b, "ln_out"), ==, "Bx10x64");
  g_assert_cmpstr (shape_of (&b, "ln_mean"), ==, "Bx10x1");
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "1x8x4x4");
  add_input (&b, "c", LT_DTYPE_F32, "6");
  add_node (&b, "bad_bn", "BatchNormalization", "x,c,c,c,c", "y", 0, NULL);
  assert_fails (&b, LT_ERR_SHAPE, "bad_bn", "1x8x4x4", "6");
  builder_clear (&b);
}

/* ---- propagation of shape computations --------------------------------- */

static void
test_shape_chain (void)
{
  builder              b;
  const lt_value_type *shape_value;

  /* x: Bx12x64 → Reshape to [B, 12, 8, 8] computed from Shape(x) */
  builder_init (&b, 13);
  add_input (&b, "x", LT_DTYPE_F32, "Bx12x64");
  add_ints (&b, "zero", 1, (int64_t[]){ 0 });
  add_ints (&b, "one", 1, (int64_t[]){ 1 });
  add_ints (&b, "eight_eight", 2, (int64_t[]){ 8, 8 });
  add_node (&b, "shape", "Shape", "x", "sx", 0, NULL);
  add_node (&b, "batch", "Gather", "sx,g0", "b", 0, NULL);
  add_node (&b, "heads", "Gather", "sx,g1", "h", 0, NULL);
  add_node (&b, "c0", "Constant", "", "g0", 1, (lt_attr[]){ attr_int ("value_int", 0) });
  add_node (&b, "c1", "Constant", "", "g1", 1, (lt_attr[]){ attr_int ("value_int", 1) });
  add_node (&b, "ub", "Unsqueeze", "b,zero", "bu", 0, NULL);
  add_node (&b, "uh", "Unsqueeze", "h,zero", "hu", 0, NULL);
  add_node (&b, "concat", "Concat", "bu,hu,eight_eight", "target", 1, (lt_attr[]){ attr_int ("axis", 0) });
  add_node (&b, "reshape", "Reshape", "x,target", "y", 0, NULL);
  add_node (&b, "flat", "Reshape", "x,flat_shape", "z", 0, NULL);
  add_ints (&b, "back_shape", 3, (int64_t[]) { -1, 12, 64 });
  add_node (&b, "unflat", "Reshape", "y,back_shape", "back", 0, NULL);
  add_node (&b, "flat_shape_node", "Concat", "bu,minus_one", "flat_shape", 1, (lt_attr[]){ attr_int ("axis", 0) });
  add_node (&b, "m1", "Constant", "", "minus_one", 1, (lt_attr[]){ attr_ints (&b, "value_ints", 1, (int64_t[]){ -1 }) });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "sx"), ==, "3");
  g_assert_cmpstr (shape_of (&b, "target"), ==, "4");
  g_assert_cmpstr (shape_of (&b, "y"), ==, "Bx12x8x8");
  g_assert_cmpstr (shape_of (&b, "z"), ==, "Bx768");
  g_assert_cmpstr (shape_of (&b, "back"), ==, "Bx12x64"); /* -1 resolved to the symbol B */
  /* a fully known shape tensor is published as data */
  shape_value = result (&b, "hu");
  g_assert_nonnull (shape_value->data);
  g_assert_cmpint (shape_value->data->dtype, ==, LT_DTYPE_I64);
  g_assert_cmpfloat (lt_tensor_get_as_double (shape_value->data, 0), ==, 12);
  g_assert_null (result (&b, "bu")->data); /* B is symbolic */
  builder_clear (&b);
}

static void
test_generators_and_input_data (void)
{
  builder       b;
  int64_t       given[2] = { 3, 5 };
  lt_tensor     data = { .name = "s", .dtype = LT_DTYPE_I64, .rank = 1, .dims = { 2 }, .count = 2, .data = given, .nbytes = sizeof given };
  lt_value_type inputs[2] = { { .dtype = LT_DTYPE_I64 }, { .dtype = LT_DTYPE_F32 } };

  builder_init (&b, 17);
  add_input (&b, "s", LT_DTYPE_I64, "2");
  add_input (&b, "x", LT_DTYPE_F32, "4");
  add_node (&b, "cos", "ConstantOfShape", "s", "filled", 0, NULL);
  add_node (&b, "size", "Size", "filled", "n", 0, NULL);
  add_node (&b, "range", "Range", "zero,n,two", "r", 0, NULL);
  add_node (&b, "z", "Constant", "", "zero", 1, (lt_attr[]){ attr_int ("value_int", 0) });
  add_node (&b, "t", "Constant", "", "two", 1, (lt_attr[]){ attr_int ("value_int", 2) });
  g_assert_cmpint (lt_graph_finalize (b.g, &b.err), ==, LT_OK);
  b.si = lt_shape_inference_new (b.g);

  /* without data the contents of s are unknown: rank only */
  g_assert_cmpint (lt_shape_inference_run (b.si, NULL, false, &b.err), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "filled"), ==, "?x?");
  g_assert_cmpstr (shape_of (&b, "r"), ==, "?");

  /* with data given for s, everything follows */
  lt_shape_set (&inputs[0].shape, 1, (int64_t[]){ 2 });
  inputs[0].data = &data;
  lt_shape_set (&inputs[1].shape, 1, (int64_t[]){ 4 });
  g_assert_cmpint (lt_shape_inference_run (b.si, inputs, false, &b.err), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "filled"), ==, "3x5");
  g_assert_cmpint (result (&b, "filled")->dtype, ==, LT_DTYPE_F32);
  g_assert_cmpstr (shape_of (&b, "n"), ==, "scalar");
  g_assert_cmpstr (shape_of (&b, "r"), ==, "8");

  /* data that contradicts the given shape is refused, naming the input */
  lt_shape_set (&inputs[0].shape, 1, (int64_t[]){ 3 });
  g_assert_cmpint (lt_shape_inference_run (b.si, inputs, false, &b.err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (b.err.subject, ==, "s");
  builder_clear (&b);
}

/* Unary ops on propagated floats (Range's expansion computes a trip count
 * as Relu (Ceil ((limit - start) / delta))). */
static void
test_unary_data (void)
{
  builder     b;
  const float c[2] = { -1.5f, 2.2f };

  builder_init (&b, 17);
  add_floats (&b, "c", 2, c);
  add_node (&b, "ceil", "Ceil", "c", "up", 0, NULL);
  add_node (&b, "relu", "Relu", "up", "pos", 0, NULL);
  add_node (&b, "cast", "Cast", "pos", "dims", 1, (lt_attr[]){ attr_int ("to", LT_DTYPE_I64) });
  add_node (&b, "fill", "ConstantOfShape", "dims", "filled", 0, NULL);
  add_node (&b, "neg", "Neg", "c", "flipped", 0, NULL);
  add_node (&b, "floor", "Floor", "flipped", "down", 0, NULL);
  add_node (&b, "abs", "Abs", "down", "size", 0, NULL);
  add_node (&b, "cast2", "Cast", "size", "dims2", 1, (lt_attr[]){ attr_int ("to", LT_DTYPE_I64) });
  add_node (&b, "fill2", "ConstantOfShape", "dims2", "filled2", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "filled"), ==, "0x3");
  g_assert_cmpstr (shape_of (&b, "filled2"), ==, "1x3");
  builder_clear (&b);
}

/* A subgraph of b's graph, built with the same helpers. */
static builder
sub_builder (builder *b)
{
  builder sub = { .g = lt_graph_new (b->g), .opset = b->opset };
  lt_error_clear (&sub.err);
  return sub;
}

static lt_attr
attr_graph (const char *name,
            lt_graph   *graph)
{
  return (lt_attr){ .name = name, .type = LT_ATTR_GRAPH, .count = 1, .v.g = graph };
}

/* If: each branch inferred with the enclosing graph's types of what it
 * reads, the outputs merged; Loop: carried outputs keep their initial
 * types, scan outputs stack the body's along the trip count. */
static void
test_if_loop (void)
{
  builder b, then_b, else_b, body;

  builder_init (&b, 17);
  add_input (&b, "cond", LT_DTYPE_BOOL, "scalar");
  add_input (&b, "x", LT_DTYPE_F32, "Nx3");
  add_input (&b, "w", LT_DTYPE_F32, "4x3");
  add_input (&b, "v", LT_DTYPE_F32, "2x3");
  then_b = sub_builder (&b);
  add_node (&then_b, "then_abs", "Abs", "x", "then_out", 0, NULL);
  add_node (&then_b, "then_v", "Identity", "v", "then_wide", 0, NULL);
  else_b = sub_builder (&b);
  add_node (&else_b, "else_neg", "Neg", "x", "else_out", 0, NULL);
  add_node (&else_b, "else_w", "Identity", "w", "else_wide", 0, NULL);
  g_assert_cmpint (lt_graph_add_output (then_b.g, "then_out", NULL), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (then_b.g, "then_wide", NULL), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (else_b.g, "else_out", NULL), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (else_b.g, "else_wide", NULL), ==, LT_OK);
  add_node (&b, "if", "If", "cond", "y,mixed", 2,
            (lt_attr[]){ attr_graph ("then_branch", then_b.g), attr_graph ("else_branch", else_b.g) });

  body = sub_builder (&b);
  add_input (&body, "i", LT_DTYPE_I64, "scalar");
  add_input (&body, "cond_in", LT_DTYPE_BOOL, "scalar");
  add_input (&body, "acc_in", LT_DTYPE_F32, "");
  add_node (&body, "keep", "Identity", "cond_in", "cond_out", 0, NULL);
  add_node (&body, "add", "Add", "acc_in,w", "acc_out", 0, NULL);
  add_node (&body, "row", "Identity", "acc_out", "row", 0, NULL);
  g_assert_cmpint (lt_graph_add_output (body.g, "cond_out", NULL), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (body.g, "acc_out", NULL), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (body.g, "row", NULL), ==, LT_OK);
  add_node (&b, "m", "Constant", "", "M", 1, (lt_attr[]){ attr_int ("value_int", 5) });
  add_node (&b, "loop", "Loop", "M,,w", "acc,rows", 1, (lt_attr[]){ attr_graph ("body", body.g) });

  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "y"), ==, "Nx3");
  g_assert_cmpstr (shape_of (&b, "mixed"), ==, "?x3");
  g_assert_cmpstr (shape_of (&b, "acc"), ==, "4x3");
  g_assert_cmpstr (shape_of (&b, "rows"), ==, "5x4x3");
  g_assert_cmpint (result (&b, "rows")->dtype, ==, LT_DTYPE_F32);
  builder_clear (&b);
}

static void
test_strict_and_unknown_ops (void)
{
  builder b;

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "2x3");
  add_node (&b, "custom", "FancyOp", "x", "y", 0, NULL);
  add_node (&b, "after", "Relu", "y", "z", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_false (lt_shape_inference_is_inferred (b.si, lt_graph_find_value (b.g, "y")));
  g_assert_cmpint (result (&b, "z")->shape.rank, ==, -1);
  g_assert_cmpint (lt_shape_inference_run (b.si, NULL, true, &b.err), ==, LT_ERR_UNSUPPORTED);
  g_assert_cmpstr (b.err.subject, ==, "custom");
  builder_clear (&b);
}

static void
test_upsample_topk_errors (void)
{
  builder b;

  /* Upsample 7 takes scales as an attribute, 9 as an input */
  builder_init (&b, 7);
  add_input (&b, "x", LT_DTYPE_F32, "1x2x3x4");
  add_node (&b, "up7", "Upsample", "x", "u", 1,
            (lt_attr[]){ attr_floats (&b, "scales", 4, (float[]){ 1, 1, 2, 2 }) });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "u"), ==, "1x2x6x8");
  builder_clear (&b);

  builder_init (&b, 9);
  add_input (&b, "x", LT_DTYPE_F32, "1x2x3x4");
  add_floats (&b, "scales", 4, (float[]){ 1, 1, 3, 1.5f });
  add_node (&b, "up9", "Upsample", "x,scales", "u", 0, NULL);
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "u"), ==, "1x2x9x6");
  builder_clear (&b);

  builder_init (&b, 11);
  add_input (&b, "x", LT_DTYPE_F32, "3x4");
  add_ints (&b, "k", 1, (int64_t[]){ 5 });
  add_node (&b, "big_k", "TopK", "x,k", "v,i", 0, NULL);
  assert_fails (&b, LT_ERR_SHAPE, "big_k", "k = 5", "3x4");
  builder_clear (&b);

  builder_init (&b, 13);
  add_input (&b, "x", LT_DTYPE_F32, "3x4");
  add_ints (&b, "sizes", 2, (int64_t[]){ 1, 2 });
  add_node (&b, "bad_split", "Split", "x,sizes", "a,b", 1, (lt_attr[]){ attr_int ("axis", 1) });
  assert_fails (&b, LT_ERR_SHAPE, "bad_split", "3x4", "add up to 3");
  builder_clear (&b);

  builder_init (&b, 13);
  add_input (&b, "x", LT_DTYPE_F32, "3x4");
  add_ints (&b, "target", 2, (int64_t[]){ -1, -1 });
  add_node (&b, "two_minus_one", "Reshape", "x,target", "r", 0, NULL);
  assert_fails (&b, LT_ERR_INVALID_MODEL, "two_minus_one", "more than one -1", NULL);
  builder_clear (&b);

  builder_init (&b, 13);
  add_input (&b, "x", LT_DTYPE_F32, "3x4");
  add_node (&b, "far_axis", "Concat", "x,x", "c", 1, (lt_attr[]){ attr_int ("axis", -3) });
  assert_fails (&b, LT_ERR_INVALID_MODEL, "far_axis", "axis -3", "rank 2");
  builder_clear (&b);

  /* an unnamed node is named by op type and id */
  builder_init (&b, 13);
  add_input (&b, "a", LT_DTYPE_F32, "2");
  add_input (&b, "b", LT_DTYPE_F32, "3");
  add_node (&b, "", "Add", "a,b", "c", 0, NULL);
  assert_fails (&b, LT_ERR_SHAPE, "Add #0", "2", "3");
  builder_clear (&b);
}

/* Hostile values from a file: no overflow, a clear error or an unknown dim. */
static void
test_extreme_values (void)
{
  builder b;
  int64_t huge[] = { INT64_MAX, 1 };

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "3x4");
  add_ints (&b, "repeats", 2, huge);
  add_ints (&b, "starts", 1, (int64_t[]){ INT64_MAX });
  add_ints (&b, "ends", 1, (int64_t[]){ INT64_MIN });
  add_ints (&b, "axes", 1, (int64_t[]){ 1 });
  add_ints (&b, "steps", 1, (int64_t[]){ INT64_MIN });
  add_ints (&b, "pads", 4, (int64_t[]){ INT64_MAX, 0, INT64_MAX, 0 });
  add_node (&b, "tile", "Tile", "x,repeats", "t", 0, NULL);
  add_node (&b, "slice", "Slice", "x,starts,ends,axes,steps", "s", 0, NULL);
  add_node (&b, "pad", "Pad", "x,pads", "p", 0, NULL);
  add_node (&b, "big_float", "Constant", "", "c", 1,
            (lt_attr[]){ { .name = "value_float", .type = LT_ATTR_FLOAT, .count = 1, .v.f = 1e30f } });
  add_node (&b, "cast", "Cast", "c", "ci", 1, (lt_attr[]){ attr_int ("to", LT_DTYPE_I64) });
  g_assert_cmpint (infer (&b), ==, LT_OK);
  g_assert_cmpstr (shape_of (&b, "t"), ==, "?x4");
  g_assert_cmpstr (shape_of (&b, "s"), ==, "3x1");
  g_assert_cmpstr (shape_of (&b, "p"), ==, "?x4");
  g_assert_null (result (&b, "ci")->data); /* 1e30 has no int64 value */
  builder_clear (&b);

  builder_init (&b, 17);
  add_input (&b, "x", LT_DTYPE_F32, "1x1x8x8");
  add_input (&b, "w", LT_DTYPE_F32, "1x1x3x3");
  add_node (&b, "huge_stride", "Conv", "x,w", "y", 1,
            (lt_attr[]){ attr_ints (&b, "strides", 2, (int64_t[]){ INT64_MAX, 1 }) });
  assert_fails (&b, LT_ERR_INVALID_MODEL, "huge_stride", "strides", NULL);
  builder_clear (&b);
}

/* ---- schema ------------------------------------------------------------ */

static void
test_schema (void)
{
  for (int op = 0; op < LT_OP_COUNT; op++)
    {
      const lt_op_schema *s = lt_op_get_schema ((lt_op) op);
      g_assert_nonnull (s);
      if (s->max_outputs == 0)
        g_error ("op %s has no schema entry", lt_op_name ((lt_op) op));
      g_assert_cmpuint (s->min_inputs, <=, s->max_inputs);
      g_assert_cmpuint (s->min_outputs, <=, s->max_outputs);
    }
  g_assert_null (lt_op_get_schema (LT_OP_UNKNOWN));
  g_assert_cmpuint (lt_op_get_schema (LT_OP_Conv)->min_inputs, ==, 2);
  g_assert_cmpuint (lt_op_get_schema (LT_OP_Concat)->max_inputs, ==, LT_SCHEMA_VARIADIC);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shape/broadcast", test_broadcast);
  g_test_add_func ("/shape/unary-data", test_unary_data);
  g_test_add_func ("/shape/if-loop", test_if_loop);
  g_test_add_func ("/shape/broadcast-error", test_broadcast_error);
  g_test_add_func ("/shape/cast-where-softmax", test_cast_where_softmax);
  g_test_add_func ("/shape/conv", test_conv);
  g_test_add_func ("/shape/conv-transpose-pools", test_conv_transpose_and_pools);
  g_test_add_func ("/shape/conv-errors", test_conv_errors);
  g_test_add_func ("/shape/gemm-matmul", test_gemm_matmul);
  g_test_add_func ("/shape/einsum", test_einsum);
  g_test_add_func ("/shape/reshape-transpose", test_reshape_transpose);
  g_test_add_func ("/shape/concat-split", test_concat_split);
  g_test_add_func ("/shape/slice-gather", test_slice_gather);
  g_test_add_func ("/shape/squeeze-unsqueeze-flatten", test_squeeze_unsqueeze_flatten);
  g_test_add_func ("/shape/resize-pad-tile-expand", test_resize_pad_tile_expand);
  g_test_add_func ("/shape/reduce", test_reduce);
  g_test_add_func ("/shape/normalizations", test_normalizations);
  g_test_add_func ("/shape/shape-chain", test_shape_chain);
  g_test_add_func ("/shape/generators-input-data", test_generators_and_input_data);
  g_test_add_func ("/shape/strict-unknown-ops", test_strict_and_unknown_ops);
  g_test_add_func ("/shape/upsample-topk-errors", test_upsample_topk_errors);
  g_test_add_func ("/shape/extreme-values", test_extreme_values);
  g_test_add_func ("/shape/schema", test_schema);
  return g_test_run ();
}
