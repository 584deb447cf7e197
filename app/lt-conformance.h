/* lt-conformance.h — running one ONNX backend test folder
 *
 * A folder holds `model.onnx` and `test_data_set_N/` folders with
 * `input_K.pb` (the K-th graph input) and `output_K.pb` (the K-th graph
 * output) as serialized TensorProtos.  A case passes when every data set's
 * outputs match in dtype, shape and values within the op's tolerance.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char      *name;    /* "<parent folder>/<folder>", e.g. "node/test_add" */
  char      *path;
  GPtrArray *ops;     /* distinct op types of the main graph (char *), sorted */
  gboolean   passed;
  char      *reason;  /* one line saying why it failed; NULL when it passed */
} LtConformanceCase;

/* Runs the case in `dir` with kernels using `n_threads` threads.  Never
 * fails as a call: a problem is the case's reason. */
LtConformanceCase *lt_conformance_case_run (const char *dir,
                                            guint       n_threads);

void lt_conformance_case_free (LtConformanceCase *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtConformanceCase, lt_conformance_case_free)

/* Tolerances for outputs of a graph whose ops are `ops`: ONNX's
 * backend-test defaults (rtol 1e-3, atol 1e-7) unless an op's entry in the
 * table in lt-conformance.c, with its reason, allows more. */
void lt_conformance_tolerance (const GPtrArray *ops,
                               double          *rtol,
                               double          *atol);

G_END_DECLS
