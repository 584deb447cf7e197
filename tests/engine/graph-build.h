/* graph-build.h — building small graphs in engine tests: inputs,
 * constants of any dtype, nodes and outputs, then a model and a session
 * over it; each step asserted to succeed. */
#pragma once

#include "lt/graph.h"
#include "lt/session.h"

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

/* ---- nodes, models and sessions ---------------------------------------- */

/* A NULL-terminated list of names. */
#define LT_TEST_NAMES(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* A node named after its first output; `inputs` and `outputs` end with
 * NULL. */
void lt_test_add_node (lt_graph          *g,
                       const char        *op,
                       int64_t            opset,
                       const char *const *inputs,
                       const char *const *outputs,
                       uint32_t           n_attrs,
                       const lt_attr     *attrs);

void lt_test_add_outputs (lt_graph          *g,
                          const char *const *names);

/* Finalizes `g` and makes it a model's graph (the model owns it). */
lt_model *lt_test_finish (lt_graph *g);

lt_attr lt_test_graph_attr (const char *name,
                            lt_graph   *graph);

/* A one-thread session. */
lt_session *lt_test_new_session (lt_model *model);

void lt_test_bind (lt_session *session,
                   uint32_t    index,
                   const void *data,
                   size_t      nbytes);

/* Runs, asserting no error. */
void lt_test_run_ok (lt_session *session);
