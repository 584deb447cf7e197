/* external-data.h — tensors whose bytes live in a file next to the model.
 *
 * A location is accepted only when it is a relative path inside the model's
 * folder: not absolute, no "." or ".." component, no backslash, no symlink
 * on the way (each component is opened with O_NOFOLLOW), and a regular file
 * in the end.  Each file is mapped once, read-only, and the mapping is handed
 * to the model so it lives as long as the tensors pointing into it.
 */
#pragma once

#include "model-private.h"

typedef struct lt_external_files lt_external_files;

/* A cache of open files for one model import, rooted at the model's folder. */
lt_external_files *lt_external_files_new (const char *model_path);
void               lt_external_files_free (lt_external_files *files);

/* Finds `length` bytes at `offset` of `location` and points *out_data at
 * them.  `length` of UINT64_MAX means "to the end of the file".  The bytes
 * must equal `expected` (the tensor's storage size).  `tensor` names the
 * tensor in errors. */
lt_status lt_external_files_get (lt_external_files *files,
                                 lt_model          *model,
                                 const char        *tensor,
                                 const char        *location,
                                 uint64_t           offset,
                                 uint64_t           length,
                                 size_t             expected,
                                 const void       **out_data,
                                 lt_error          *err);
