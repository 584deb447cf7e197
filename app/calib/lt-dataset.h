/* lt-dataset.h — a calibration dataset: an ordered list of samples, each
 * loaded and checked on demand into one array per model input.
 *
 * PATH is either
 *  - a folder: every regular file in it whose name does not start with
 *    '.' is a sample, in byte order of the names; `.npy` files and PNG or
 *    JPEG images (by content, whatever the name) feed the model's one
 *    input without a default value; or
 *  - an input list (`input_list.txt`, see lt-input-list.h): one sample per
 *    line, any number of inputs.
 * Sample i keeps its index whatever happens to the others, so shards (i %
 * N == k - 1) are stable.  A sample that fails its checks is an error
 * naming it; the caller decides to skip it. */
#pragma once

#include "lt-image-sample.h"
#include "lt-input-list.h"

#include <glib.h>
#include <lt/lt.h>

G_BEGIN_DECLS

typedef struct LtDataset LtDataset;

/* `graph` must outlive the dataset; `image` may be NULL (defaults). */
LtDataset *lt_dataset_open (const char           *path,
                            const lt_graph       *graph,
                            const LtImageOptions *image,
                            GError              **error);
void       lt_dataset_free (LtDataset *dataset);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtDataset, lt_dataset_free)

guint lt_dataset_get_n_samples (const LtDataset *dataset);

/* The file name, or "LIST:LINE" for an input list. */
const char *lt_dataset_get_sample_name (const LtDataset *dataset,
                                        guint            index);

/* Loads and checks sample `index`. */
LtInputLine *lt_dataset_load (LtDataset *dataset,
                              guint      index,
                              GError   **error);

G_END_DECLS
