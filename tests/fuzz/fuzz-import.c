/* fuzz-import.c — libFuzzer target for lt_model_load.
 *
 * Each input is written to an in-memory file (memfd) and loaded through its
 * /proc/self/fd path, so the whole importer runs: pre-scan, protobuf-c,
 * conversion to the IR and finalize.  A load either succeeds or fails with
 * an error naming the file and a subject; anything else aborts, which
 * libFuzzer reports as a crash with the input that caused it.
 */
#include <lt/lt.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static int  fd = -1;
  static char path[64];
  lt_model   *model = NULL;
  lt_error    err;

  if (fd < 0)
    {
      fd = memfd_create ("fuzz-import.onnx", MFD_CLOEXEC);
      if (fd < 0)
        abort ();
      snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
    }
  if (ftruncate (fd, 0) != 0 || pwrite (fd, data, size, 0) != (ssize_t) size)
    abort ();

  if (lt_model_load (path, NULL, &model, &err) == LT_OK)
    {
      lt_model_unref (model);
      return 0;
    }
  if (strcmp (err.file, path) != 0 || err.message[0] == '\0')
    abort ();
  if (size > 0 && err.code != LT_ERR_IO && err.subject[0] == '\0')
    abort ();
  return 0;
}
