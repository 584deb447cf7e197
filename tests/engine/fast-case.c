/* fast-case.c — see fast-case.h. */
#include "fast-case.h"

#include <string.h>

void
fast_case_build (ref_case *c,
                 uint32_t  constant_mask)
{
  char *in_names[REF_MAX_IO];
  const char *out_name = "out0";
  lt_node_desc desc = { 0 };
  lt_error err;

  for (uint32_t i = 0; i < c->n_inputs; i++)
    {
      const lt_kernel_tensor *t = &c->inputs[i];

      in_names[i] = t->dtype == LT_DTYPE_UNDEFINED ? g_strdup ("") : g_strdup_printf ("in%u", i);
      if (t->dtype == LT_DTYPE_UNDEFINED)
        continue;
      if (constant_mask & (1u << i))
        {
          lt_tensor tensor = { 0 };

          tensor.name = in_names[i];
          tensor.dtype = t->dtype;
          tensor.rank = t->rank;
          memcpy (tensor.dims, t->dims, sizeof tensor.dims);
          tensor.count = t->count;
          tensor.data = t->data;
          tensor.nbytes = t->count * sizeof (float);
          g_assert_cmpint (lt_graph_add_constant (c->graph, &tensor, NULL, &err), ==, LT_OK);
        }
      else
        {
          lt_shape shape;

          lt_shape_set (&shape, t->rank, t->dims);
          g_assert_cmpint (lt_graph_add_input (c->graph, in_names[i], t->dtype, &shape, NULL, &err), ==, LT_OK);
        }
    }
  g_assert_cmpuint (c->n_outputs, ==, 1);
  desc.name = "node";
  desc.op_type = c->op_type;
  desc.opset = c->opset;
  desc.n_inputs = c->n_inputs;
  desc.inputs = (const char *const *) in_names;
  desc.n_outputs = 1;
  desc.outputs = &out_name;
  desc.n_attrs = c->n_attrs;
  desc.attrs = c->attrs;
  g_assert_cmpint (lt_graph_add_node (c->graph, &desc, NULL, &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (c->graph, out_name, &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_finalize (c->graph, &err), ==, LT_OK);
  for (uint32_t i = 0; i < c->n_inputs; i++)
    g_free (in_names[i]);
}

const lt_kernel *
fast_case_find_kernel (lt_op       op,
                       const char *name)
{
  for (lt_kernel_list list = lt_cpu_kernels_for (op); *list != NULL; list++)
    if (strcmp ((*list)->name, name) == 0)
      return *list;
  g_error ("no CPU kernel named %s", name);
  return NULL;
}

/* A call on the built case, without data for the outputs. */
static lt_kernel_call
make_call (ref_case         *c,
           lt_kernel_tensor *output)
{
  lt_kernel_call call = { 0 };

  *output = c->outputs[0];
  call.graph = c->graph;
  call.node_id = lt_graph_find_node (c->graph, "node");
  call.node = lt_graph_get_node (c->graph, call.node_id);
  call.n_inputs = c->n_inputs;
  call.inputs = c->inputs;
  call.n_outputs = 1;
  call.outputs = output;
  call.err = &c->err;
  return call;
}

bool
fast_case_supports (ref_case        *c,
                    const lt_kernel *kernel)
{
  lt_kernel_tensor output;
  lt_kernel_call call = make_call (c, &output);

  return kernel->supports == NULL || kernel->supports (&call);
}

lt_status
fast_case_run (ref_case        *c,
               const lt_kernel *kernel,
               lt_threadpool   *pool,
               float           *out)
{
  lt_kernel_tensor output;
  lt_kernel_call call = make_call (c, &output);
  void *state = NULL, *scratch = NULL;
  size_t scratch_bytes = 0;
  lt_status status = LT_OK;

  lt_error_clear (&c->err);
  output.data = out;
  call.pool = pool;
  if (kernel->supports != NULL && !kernel->supports (&call))
    g_error ("%s refuses the node", kernel->name);
  if (kernel->prepare != NULL)
    status = kernel->prepare (&call, &state, &scratch_bytes);
  if (status == LT_OK)
    {
      scratch = g_malloc0 (scratch_bytes + 1);
      call.state = state;
      call.scratch = scratch;
      status = kernel->run (&call);
    }
  if (kernel->release != NULL)
    kernel->release (state);
  g_free (scratch);
  return status;
}

void
fast_case_compare (ref_case      *c,
                   lt_op          op,
                   const char    *kernel_name,
                   lt_threadpool *pool,
                   double         rtol,
                   double         atol)
{
  size_t n = c->outputs[0].count;
  float *want = g_new0 (float, n + 1), *got = g_new0 (float, n + 1);
  const lt_kernel *reference = lt_cpu_reference_kernel (op);

  g_assert_nonnull (reference);
  g_assert_cmpint (fast_case_run (c, reference, NULL, want), ==, LT_OK);
  g_assert_cmpint (fast_case_run (c, fast_case_find_kernel (op, kernel_name), pool, got), ==, LT_OK);
  ref_assert_floats (got, want, n, rtol, atol);
  g_free (want);
  g_free (got);
}

float *
fast_random_floats (GRand *rand,
                    size_t n)
{
  float *data = g_new (float, n + 1);

  for (size_t i = 0; i < n; i++)
    data[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  return data;
}
