/* ref-harness.h — runs one reference kernel on hand-written tensors.
 *
 * A case builds a one-node graph (so the kernel sees real attributes and a
 * node name for its errors), binds the given input arrays and freshly
 * allocated outputs, then calls the kernel's prepare and run as a session
 * would.  Inputs are borrowed; outputs and the graph belong to the case.
 */
#pragma once

#include <glib.h>
#include <lt/lt.h>

#include "ops/kernel.h"

#define REF_MAX_IO    10
#define REF_MAX_ATTRS 12

typedef struct ref_case
{
  const char      *op_type;
  int64_t          opset;
  lt_graph        *graph;
  uint32_t         n_attrs;
  lt_attr          attrs[REF_MAX_ATTRS];
  uint32_t         n_inputs, n_outputs;
  lt_kernel_tensor inputs[REF_MAX_IO];
  lt_kernel_tensor outputs[REF_MAX_IO];
  lt_error         err;
} ref_case;

/* A case for a node "node" of `op_type` at `opset`. */
void ref_case_init (ref_case   *c,
                    const char *op_type,
                    int64_t     opset);

void ref_case_attr_int (ref_case   *c,
                        const char *name,
                        int64_t     v);
void ref_case_attr_float (ref_case   *c,
                          const char *name,
                          float       v);
void ref_case_attr_string (ref_case   *c,
                           const char *name,
                           const char *v);
void ref_case_attr_ints (ref_case      *c,
                         const char    *name,
                         int            n,
                         const int64_t *v);
void ref_case_attr_floats (ref_case    *c,
                           const char  *name,
                           int          n,
                           const float *v);

/* Adds the next input; `data` is borrowed.  dtype UNDEFINED = omitted. */
void ref_case_input (ref_case      *c,
                     lt_dtype       dtype,
                     int32_t        rank,
                     const int64_t *dims,
                     const void    *data);

/* Adds the next output, zero-filled, owned by the case. */
void ref_case_output (ref_case      *c,
                      lt_dtype       dtype,
                      int32_t        rank,
                      const int64_t *dims);

/* Builds the node and runs prepare then run of `kernel`; on failure
 * c->err says why.  A kernel whose `supports` refuses the node fails the
 * test. */
lt_status ref_case_run (ref_case        *c,
                        const lt_kernel *kernel);

void ref_case_clear (ref_case *c);

/* Asserts |got - want| <= atol + rtol * |want| element by element. */
void ref_assert_floats (const float *got,
                        const float *want,
                        size_t       n,
                        double       rtol,
                        double       atol);
