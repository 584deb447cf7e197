/* chain-model.h — writes a large valid ONNX model for tests that need a
 * load to take a while (cancellation). */
#pragma once

#include <stdint.h>

/* Writes to `path` a model whose graph is a chain of `n_nodes` Add nodes,
 * x → Add(·, w0) → Add(·, w1) → … → y, each w_i a float[1] initializer, so
 * the file holds 2 × n_nodes messages of each kind the importer converts.
 * Aborts the test on failure. */
void chain_model_write (const char *path,
                        uint32_t    n_nodes);
