/* status.c — lt_error: fixed-size, caller-owned error records. */
#include "lt/status.h"

#include <stdio.h>
#include <string.h>

void
lt_error_clear (lt_error *err)
{
  if (err == NULL)
    return;
  err->code = LT_OK;
  err->message[0] = '\0';
  err->file[0] = '\0';
  err->subject[0] = '\0';
}

static void
copy_truncated (char       *dest,
                size_t      size,
                const char *src)
{
  if (src == NULL)
    src = "";
  snprintf (dest, size, "%s", src);
}

lt_status
lt_error_setv (lt_error   *err,
               lt_status   code,
               const char *subject,
               const char *format,
               va_list     args)
{
  if (err == NULL)
    return code;
  err->code = code;
  copy_truncated (err->subject, sizeof err->subject, subject);
  vsnprintf (err->message, sizeof err->message, format, args);
  return code;
}

lt_status
lt_error_set (lt_error   *err,
              lt_status   code,
              const char *subject,
              const char *format,
              ...)
{
  va_list args;

  va_start (args, format);
  lt_error_setv (err, code, subject, format, args);
  va_end (args);
  return code;
}

void
lt_error_set_file (lt_error   *err,
                   const char *path)
{
  if (err == NULL || err->file[0] != '\0')
    return;
  copy_truncated (err->file, sizeof err->file, path);
}

const char *
lt_status_to_string (lt_status status)
{
  switch (status)
    {
    case LT_OK:
      return "ok";
    case LT_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    case LT_ERR_IO:
      return "I/O error";
    case LT_ERR_PARSE:
      return "parse error";
    case LT_ERR_INVALID_MODEL:
      return "invalid model";
    case LT_ERR_UNSUPPORTED:
      return "unsupported";
    case LT_ERR_SHAPE:
      return "shape error";
    case LT_ERR_LIMIT:
      return "limit exceeded";
    case LT_ERR_NO_MEMORY:
      return "out of memory";
    case LT_ERR_CANCELLED:
      return "cancelled";
    case LT_ERR_RUNTIME:
      return "runtime error";
    }
  return "unknown status";
}

void
lt_error_format (const lt_error *err,
                 char           *buf,
                 size_t          size)
{
  const char *file = err->file[0] ? err->file : NULL;
  const char *subject = err->subject[0] ? err->subject : NULL;

  if (file && subject)
    snprintf (buf, size, "%s: %s: %s", file, subject, err->message);
  else if (file || subject)
    snprintf (buf, size, "%s: %s", file ? file : subject, err->message);
  else
    snprintf (buf, size, "%s", err->message);
}
