/* lt-encodings-io.h — reading and writing encodings files (0.4, 0.6.1,
 * 1.0.0 and 2.0.0 layouts; see docs/formats.md "Encodings").
 *
 * Reading refuses anything it would have to guess about, with a GError
 * naming the file, the tensor and the field.  Writing is atomic (a
 * temporary file renamed over the target, which replaces a symlink rather
 * than following it) and prints every number so that it reads back
 * bit-exactly.
 */
#pragma once

#include "lt-encoding.h"

G_BEGIN_DECLS

#define LT_ENCODINGS_ERROR (lt_encodings_error_quark ())

typedef enum
{
  LT_ENCODINGS_ERROR_IO,          /* cannot read or write the file */
  LT_ENCODINGS_ERROR_TOO_LARGE,   /* over LT_ENCODINGS_MAX_FILE_BYTES */
  LT_ENCODINGS_ERROR_SYNTAX,      /* not JSON, trailing bytes, bad UTF-8, NUL in a string */
  LT_ENCODINGS_ERROR_INVALID,     /* JSON, but a field breaks the format's rules */
  LT_ENCODINGS_ERROR_UNSUPPORTED, /* valid, but not expressible or not handled */
} LtEncodingsError;

/* Far above any real encodings file (tens of MiB for the largest LLMs). */
#define LT_ENCODINGS_MAX_FILE_BYTES (64u * 1024u * 1024u)

GQuark lt_encodings_error_quark (void);

/* Reads a file; the set's warnings list what was converted on the way
 * (offsets written with the opposite sign, scale computed from min/max). */
LtEncodingSet *lt_encodings_read_file (const char *path,
                                       GError    **error);

/* Same for bytes in memory; `display_name` names them in errors.  `data`
 * need not be NUL-terminated. */
LtEncodingSet *lt_encodings_read_data (const char *data,
                                       gsize       length,
                                       const char *display_name,
                                       GError    **error);

/* The file text of `set` in `format`.  Settings that the format cannot hold
 * are left out with a line added to `warnings` (may be NULL); encodings it
 * cannot hold are an LT_ENCODINGS_ERROR_UNSUPPORTED naming the tensor. */
char    *lt_encodings_write_data (const LtEncodingSet *set,
                                  LtEncodingsFormat    format,
                                  GPtrArray           *warnings,
                                  GError             **error);
gboolean lt_encodings_write_file (const LtEncodingSet *set,
                                  LtEncodingsFormat    format,
                                  const char          *path,
                                  GPtrArray           *warnings,
                                  GError             **error);

G_END_DECLS
