/* lt-input-list.h — input lists (qnn-net-run's `input_list.txt`): one
 * inference per line, and the input files a line names, loaded and
 * checked against the model's inputs.  Shared by `lathe-cli run` and
 * calibration datasets. */
#pragma once

#include "lt-tensor-io.h"

#include <glib.h>
#include <lt/lt.h>

G_BEGIN_DECLS

/* One line of a list, before its files are read. */
typedef struct
{
  guint line_number; /* from 1 */
  char  text[];      /* stripped */
} LtInputListEntry;

/* One line with its files loaded. */
typedef struct
{
  guint      line_number;
  GPtrArray *arrays; /* LtArray per graph input in input order; NULL for an input left to its default */
} LtInputLine;

void lt_input_line_free (LtInputLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtInputLine, lt_input_line_free)

/* The lines of a list (LtInputListEntry *, owned), comments and blank lines
 * left out.  An error when the file cannot be read or holds no line. */
GPtrArray *lt_input_list_read_lines (const char *list_path,
                                     GError    **error);

/* Input lists and datasets carry tensors, and `run` writes and `analyze`
 * compares outputs as tensors: an error naming the first graph input (and
 * with `outputs`, output) that is a sequence or an optional. */
gboolean lt_input_list_check_tensors (const lt_graph *graph,
                                      gboolean        outputs,
                                      GError        **error);

/* Loads the files a line names; relative paths are relative to list_dir.
 * Errors name the line, the file and the input. */
LtInputLine *lt_input_list_load_line (const lt_graph *graph,
                                      const char     *list_dir,
                                      const char     *line,
                                      guint           line_number,
                                      GError        **error);

/* Every line of a list, loaded (LtInputLine *, owned); the first bad line
 * is the error. */
GPtrArray *lt_input_list_load (const lt_graph *graph,
                               const char     *list_path,
                               GError        **error);

/* One input file: `.npy` (its own dtype and shape) or raw (the input's
 * dtype and declared, static shape), checked against the input. */
LtArray *lt_input_file_load (const char     *path,
                             const lt_value *input,
                             GError        **error);

/* Reshapes `session` for the line's input shapes unless they equal those
 * of *last (small integer inputs are given with their values, as they
 * may decide shapes); *last becomes `line`. */
gboolean lt_input_list_reshape (lt_session     *session,
                                const lt_graph *graph,
                                LtInputLine    *line,
                                LtInputLine   **last,
                                GError        **error);

G_END_DECLS
