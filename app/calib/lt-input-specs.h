/* lt-input-specs.h — `input_specs.json`: how calibration images become
 * each model input (docs/formats.md has the format).
 *
 * One object per input name.  Field names follow Qualcomm AI Hub's input
 * specs (`shape`, `dtype`) and the QNN converters' options (`layout` for
 * --input_layout, `encoding` for --input_encoding); the preprocessing fields
 * are those of LtImageOptions.  Unknown fields, wrong types, out-of-range
 * values and repeated keys are refused naming the file and the field.
 */
#pragma once

#include "lt-image-sample.h"

#include <glib.h>
#include <lt/lt.h>

G_BEGIN_DECLS

typedef struct
{
  char          *name;  /* the input */
  LtImageOptions image; /* defaults, then what the file gives */
  guint          rank;  /* of `shape`; 0 when the file gives none */
  gint64         shape[LT_MAX_RANK];
  guint          crop[2]; /* height, width; 0 when not given */
} LtInputSpec;

typedef struct LtInputSpecs LtInputSpecs;

LtInputSpecs *lt_input_specs_read_file (const char *path,
                                        GError    **error);
void          lt_input_specs_free (LtInputSpecs *specs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtInputSpecs, lt_input_specs_free)

/* Checks every spec against `graph` (each names an input; shape, dtype and
 * crop agree with it) and copies the image options of the input images
 * feed (the one input without a default value) into *image, when the file
 * has a spec for it.  Errors name the file and the input. */
gboolean lt_input_specs_apply (const LtInputSpecs *specs,
                               const lt_graph     *graph,
                               LtImageOptions     *image,
                               GError            **error);

G_END_DECLS
