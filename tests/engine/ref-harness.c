/* ref-harness.c — see ref-harness.h. */
#include "ref-harness.h"

#include <math.h>
#include <string.h>

void
ref_case_init (ref_case   *c,
               const char *op_type,
               int64_t     opset)
{
  memset (c, 0, sizeof *c);
  c->op_type = op_type;
  c->opset = opset;
  c->graph = lt_graph_new (NULL);
  g_assert_nonnull (c->graph);
}

static lt_attr *
next_attr (ref_case    *c,
           const char  *name,
           lt_attr_type type,
           uint32_t     count)
{
  lt_attr *a;

  g_assert_cmpuint (c->n_attrs, <, REF_MAX_ATTRS);
  a = &c->attrs[c->n_attrs++];
  a->name = lt_graph_strndup (c->graph, name, strlen (name));
  a->type = type;
  a->count = count;
  return a;
}

void
ref_case_attr_int (ref_case   *c,
                   const char *name,
                   int64_t     v)
{
  next_attr (c, name, LT_ATTR_INT, 1)->v.i = v;
}

void
ref_case_attr_float (ref_case   *c,
                     const char *name,
                     float       v)
{
  next_attr (c, name, LT_ATTR_FLOAT, 1)->v.f = v;
}

void
ref_case_attr_string (ref_case   *c,
                      const char *name,
                      const char *v)
{
  lt_attr *a = next_attr (c, name, LT_ATTR_STRING, 1);

  a->v.s.data = lt_graph_strndup (c->graph, v, strlen (v));
  a->v.s.len = strlen (v);
}

void
ref_case_attr_ints (ref_case      *c,
                    const char    *name,
                    int            n,
                    const int64_t *v)
{
  lt_attr *a = next_attr (c, name, LT_ATTR_INTS, (uint32_t) n);
  int64_t *copy = lt_graph_alloc (c->graph, (size_t) n * sizeof *copy + 1);

  memcpy (copy, v, (size_t) n * sizeof *copy);
  a->v.ints = copy;
}

void
ref_case_attr_floats (ref_case    *c,
                      const char  *name,
                      int          n,
                      const float *v)
{
  lt_attr *a = next_attr (c, name, LT_ATTR_FLOATS, (uint32_t) n);
  float   *copy = lt_graph_alloc (c->graph, (size_t) n * sizeof *copy + 1);

  memcpy (copy, v, (size_t) n * sizeof *copy);
  a->v.floats = copy;
}

static void
fill_tensor (lt_kernel_tensor *t,
             lt_dtype          dtype,
             int32_t           rank,
             const int64_t    *dims)
{
  t->dtype = dtype;
  t->rank = rank;
  t->count = 1;
  for (int32_t i = 0; i < rank; i++)
    {
      t->dims[i] = dims[i];
      t->count *= (uint64_t) dims[i];
    }
}

void
ref_case_input (ref_case      *c,
                lt_dtype       dtype,
                int32_t        rank,
                const int64_t *dims,
                const void    *data)
{
  lt_kernel_tensor *t;

  g_assert_cmpuint (c->n_inputs, <, REF_MAX_IO);
  t = &c->inputs[c->n_inputs++];
  if (dtype == LT_DTYPE_UNDEFINED)
    return;
  fill_tensor (t, dtype, rank, dims);
  t->data = t->count ? (void *) data : NULL;
}

void
ref_case_output (ref_case      *c,
                 lt_dtype       dtype,
                 int32_t        rank,
                 const int64_t *dims)
{
  lt_kernel_tensor *t;
  size_t            bytes;

  g_assert_cmpuint (c->n_outputs, <, REF_MAX_IO);
  t = &c->outputs[c->n_outputs++];
  fill_tensor (t, dtype, rank, dims);
  g_assert_true (lt_dtype_storage_size (dtype, t->count, &bytes));
  t->data = t->count ? g_malloc0 (bytes) : NULL;
}

static void
build_node (ref_case *c)
{
  char        *in_names[REF_MAX_IO], *out_names[REF_MAX_IO];
  lt_node_desc desc = { 0 };
  lt_error     err;

  for (uint32_t i = 0; i < c->n_inputs; i++)
    {
      lt_shape shape;
      in_names[i] = c->inputs[i].dtype == LT_DTYPE_UNDEFINED ? g_strdup ("") : g_strdup_printf ("in%u", i);
      if (in_names[i][0] == '\0')
        continue;
      lt_shape_set (&shape, c->inputs[i].rank, c->inputs[i].dims);
      g_assert_cmpint (lt_graph_add_input (c->graph, in_names[i], c->inputs[i].dtype, &shape, NULL, &err), ==, LT_OK);
    }
  for (uint32_t i = 0; i < c->n_outputs; i++)
    out_names[i] = g_strdup_printf ("out%u", i);
  desc.name = "node";
  desc.op_type = c->op_type;
  desc.opset = c->opset;
  desc.n_inputs = c->n_inputs;
  desc.inputs = (const char *const *) in_names;
  desc.n_outputs = c->n_outputs;
  desc.outputs = (const char *const *) out_names;
  desc.n_attrs = c->n_attrs;
  desc.attrs = c->attrs;
  g_assert_cmpint (lt_graph_add_node (c->graph, &desc, NULL, &err), ==, LT_OK);
  for (uint32_t i = 0; i < c->n_outputs; i++)
    g_assert_cmpint (lt_graph_add_output (c->graph, out_names[i], &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_finalize (c->graph, &err), ==, LT_OK);
  for (uint32_t i = 0; i < c->n_inputs; i++)
    g_free (in_names[i]);
  for (uint32_t i = 0; i < c->n_outputs; i++)
    g_free (out_names[i]);
}

lt_status
ref_case_run (ref_case        *c,
              const lt_kernel *kernel)
{
  lt_kernel_call call = { 0 };
  void          *state = NULL;
  void          *scratch = NULL;
  size_t         scratch_bytes = 0;
  lt_status      st = LT_OK;

  g_assert_nonnull (kernel);
  build_node (c);
  lt_error_clear (&c->err);
  call.graph = c->graph;
  call.node_id = lt_graph_find_node (c->graph, "node");
  call.node = lt_graph_get_node (c->graph, call.node_id);
  call.n_inputs = c->n_inputs;
  call.inputs = c->inputs;
  call.n_outputs = c->n_outputs;
  call.outputs = c->outputs;
  call.err = &c->err;
  if (kernel->supports)
    g_assert_true (kernel->supports (&call));
  if (kernel->prepare)
    st = kernel->prepare (&call, &state, &scratch_bytes);
  if (st == LT_OK)
    {
      scratch = scratch_bytes ? g_malloc0 (scratch_bytes) : NULL;
      call.state = state;
      call.scratch = scratch;
      st = kernel->run (&call);
    }
  if (kernel->release)
    kernel->release (state);
  g_free (scratch);
  if (st != LT_OK)
    {
      g_assert_cmpint (c->err.code, ==, st);
      g_assert_cmpstr (c->err.subject, ==, "node");
    }
  return st;
}

void
ref_case_clear (ref_case *c)
{
  for (uint32_t i = 0; i < c->n_outputs; i++)
    g_free (c->outputs[i].data);
  lt_graph_free (c->graph);
  memset (c, 0, sizeof *c);
}

void
ref_assert_floats (const float *got,
                   const float *want,
                   size_t       n,
                   double       rtol,
                   double       atol)
{
  for (size_t i = 0; i < n; i++)
    {
      double tol = atol + rtol * fabs ((double) want[i]);
      if (!(fabs ((double) got[i] - (double) want[i]) <= tol))
        g_error ("element %zu: got %.9g, want %.9g", i, (double) got[i], (double) want[i]);
    }
}
