/* graph-build.c — the helpers of graph-build.h. */
#include "graph-build.h"

#include <glib.h>
#include <string.h>

void
lt_test_add_input (lt_graph      *g,
                   const char    *name,
                   lt_dtype       dtype,
                   int32_t        rank,
                   const int64_t *dims)
{
  lt_shape shape;
  lt_shape_set (&shape, rank, dims);
  g_assert_cmpint (lt_graph_add_input (g, name, dtype, &shape, NULL, NULL), ==, LT_OK);
}

void
lt_test_add_constant (lt_graph      *g,
                      const char    *name,
                      lt_dtype       dtype,
                      int32_t        rank,
                      const int64_t *dims,
                      const void    *values,
                      size_t         nbytes)
{
  lt_tensor t = { .name = name, .dtype = dtype, .rank = rank, .count = 1, .nbytes = nbytes };
  void     *copy = lt_graph_alloc (g, nbytes);

  for (int32_t d = 0; d < rank; d++)
    {
      t.dims[d] = dims[d];
      t.count *= (uint64_t) dims[d];
    }
  memcpy (copy, values, nbytes);
  t.data = copy;
  g_assert_cmpint (lt_graph_add_constant (g, &t, NULL, NULL), ==, LT_OK);
}
