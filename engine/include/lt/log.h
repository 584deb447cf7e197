/* lt/log.h — the engine's only way to say something
 *
 * The engine never writes to stderr by itself.  A host installs a handler
 * (the studio forwards to g_log, lathe-cli prints warnings); without one,
 * messages are dropped.
 */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lt_log_level
{
  LT_LOG_DEBUG,
  LT_LOG_INFO,
  LT_LOG_WARNING,
} lt_log_level;

typedef void (*lt_log_func) (lt_log_level level,
                             const char  *message,
                             void        *user_data);

/* Installs the process-wide handler; NULL restores the silent default.
 * Not thread-safe against concurrent logging: call it at start-up. */
void lt_log_set_handler (lt_log_func func,
                         void       *user_data);

#ifdef __cplusplus
}
#endif
