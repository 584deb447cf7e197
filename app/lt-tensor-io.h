/* lt-tensor-io.h — tensors in files for `lathe-cli run`: `.npy` (numpy's
 * format, version 1–3) and `.raw` (packed little-endian elements, no
 * header).
 *
 * A loaded array owns its bytes (little-endian, C order).  Readers check
 * everything a file claims against its length: a bad magic, header,
 * dtype, fortran order, object array or data length is a G_IO_ERROR
 * naming the file.
 */
#pragma once

#include <glib.h>
#include <lt/lt.h>

G_BEGIN_DECLS

typedef struct
{
  lt_dtype dtype;
  int32_t  rank;
  int64_t  dims[LT_MAX_RANK];
  uint64_t count;
  GBytes  *data;   /* count elements of dtype */
} LtArray;

void lt_array_free (LtArray *array);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtArray, lt_array_free)

/* Reads a .npy file.  Accepted element types: bool, int8/16/32/64,
 * uint8/16/32/64, float16/32/64, little-endian or single-byte. */
LtArray *lt_npy_load (const char *path,
                      GError    **error);

/* Reads a .raw file of `dtype` elements of the given shape; its length
 * must be exactly the shape's size. */
LtArray *lt_raw_load (const char    *path,
                      lt_dtype       dtype,
                      int32_t        rank,
                      const int64_t *dims,
                      GError       **error);

/* Writes a tensor as .npy / .raw; the file appears whole or not at all. */
gboolean lt_npy_save (const char      *path,
                      const lt_tensor *tensor,
                      GError         **error);
gboolean lt_raw_save (const char      *path,
                      const lt_tensor *tensor,
                      GError         **error);

G_END_DECLS
