/* fast-case.h — runs a fast CPU kernel and the reference kernel on the
 * same one-node graph and compares them.
 *
 * A case is a ref_case (attributes, inputs, one f32 output) whose inputs
 * may be model constants, as the fast kernels pack constant weights in
 * prepare.  Both kernels run through supports → prepare → run → release on
 * a thread pool; the fast one must accept the node.
 */
#pragma once

#include "ref-harness.h"

#include "exec/threadpool.h"

/* Builds the node; bit i of `constant_mask` makes input i an initializer. */
void fast_case_build (ref_case *c,
                      uint32_t  constant_mask);

/* The optimized kernel of that name among lt_cpu_kernels_for (op). */
const lt_kernel *fast_case_find_kernel (lt_op       op,
                                        const char *name);

/* What `kernel`'s supports says of the built case. */
bool fast_case_supports (ref_case        *c,
                         const lt_kernel *kernel);

/* Runs `kernel` on the built case into `out` (outputs[0].count floats). */
lt_status fast_case_run (ref_case        *c,
                         const lt_kernel *kernel,
                         lt_threadpool   *pool,
                         float           *out);

/* Runs the named fast kernel and the reference kernel and asserts
 * |fast - reference| <= atol + rtol · |reference| element by element. */
void fast_case_compare (ref_case      *c,
                        lt_op          op,
                        const char    *kernel_name,
                        lt_threadpool *pool,
                        double         rtol,
                        double         atol);

/* Fills `n` floats with uniform values in [-1, 1). */
float *fast_random_floats (GRand *rand,
                           size_t n);
