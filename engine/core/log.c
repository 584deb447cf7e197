/* log.c — forwards engine messages to the host's handler, if any. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static lt_log_func log_func;
static void       *log_user_data;

void
lt_log_set_handler (lt_log_func func,
                    void       *user_data)
{
  log_func = func;
  log_user_data = user_data;
}

void
lt_log (lt_log_level level,
        const char  *format,
        ...)
{
  char    message[1024];
  va_list args;

  if (log_func == NULL)
    return;
  va_start (args, format);
  vsnprintf (message, sizeof message, format, args);
  va_end (args);
  log_func (level, message, log_user_data);
}
