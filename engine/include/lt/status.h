/* lt/status.h — status codes and the caller-owned error record
 *
 * Every fallible engine function returns an lt_status and takes a last,
 * nullable lt_error pointer.  The error is a plain struct owned by the
 * caller, so reporting a failure never allocates: a parser that runs out of
 * memory can still say so.  On success the error is left untouched.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lt_status
{
  LT_OK = 0,
  LT_ERR_INVALID_ARGUMENT, /* the caller passed something the API does not accept */
  LT_ERR_IO,               /* a file could not be opened, read, mapped or written */
  LT_ERR_PARSE,            /* the bytes are not a well-formed file of the expected kind */
  LT_ERR_INVALID_MODEL,    /* well-formed, but the graph breaks a rule (SSA, DAG, types) */
  LT_ERR_UNSUPPORTED,      /* valid, but uses something the engine does not implement */
  LT_ERR_SHAPE,            /* shapes or dtypes do not agree */
  LT_ERR_LIMIT,            /* a size, count or depth cap was exceeded */
  LT_ERR_NO_MEMORY,        /* an allocation failed */
  LT_ERR_CANCELLED,        /* the abort callback asked to stop */
  LT_ERR_RUNTIME,          /* a kernel failed while running (bad index, backend error) */
} lt_status;

#define LT_ERROR_MESSAGE_MAX 512
#define LT_ERROR_NAME_MAX    256

/* An error as the engine reports it.  `file` is the path being read (empty
 * when no file is involved) and `subject` the node, tensor or field the
 * problem is about (empty when it concerns the whole file). */
typedef struct lt_error
{
  lt_status code;
  char      message[LT_ERROR_MESSAGE_MAX]; /* one sentence, no trailing newline */
  char      file[LT_ERROR_NAME_MAX];
  char      subject[LT_ERROR_NAME_MAX];
} lt_error;

/* Clears an error record to LT_OK with empty strings.  Accepts NULL. */
void lt_error_clear (lt_error *err);

/* Fills `err` (when not NULL) and returns `code`, so a failure reads
 * `return lt_error_set (err, LT_ERR_PARSE, name, "…", …);`.  `subject` may be
 * NULL.  Strings longer than the fields are truncated. */
lt_status lt_error_set (lt_error   *err,
                        lt_status   code,
                        const char *subject,
                        const char *format,
                        ...) __attribute__ ((format (printf, 4, 5)));

lt_status lt_error_setv (lt_error   *err,
                         lt_status   code,
                         const char *subject,
                         const char *format,
                         va_list     args);

/* Records the file an error is about, unless one is already recorded (a
 * nested reader may record a more precise file before its caller does). */
void lt_error_set_file (lt_error   *err,
                        const char *path);

/* A short, stable English name of a status ("parse error"). */
const char *lt_status_to_string (lt_status status);

/* Writes "file: subject: message" (parts that are empty left out) into buf. */
void lt_error_format (const lt_error *err,
                      char           *buf,
                      size_t          size);

#ifdef __cplusplus
}
#endif
