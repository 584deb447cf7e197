/* graph-build.h — building small graphs in engine tests: inputs and
 * constants of any dtype, each asserted to succeed. */
#pragma once

#include "lt/graph.h"

#include <stddef.h>

void lt_test_add_input (lt_graph      *g,
                        const char    *name,
                        lt_dtype       dtype,
                        int32_t        rank,
                        const int64_t *dims);

/* A constant of shape `dims` (rank 0: a scalar) whose data, `nbytes` of
 * `values`, is copied into the graph. */
void lt_test_add_constant (lt_graph      *g,
                           const char    *name,
                           lt_dtype       dtype,
                           int32_t        rank,
                           const int64_t *dims,
                           const void    *values,
                           size_t         nbytes);
