/* log.h — internal logging through the handler of lt/log.h. */
#pragma once

#include "lt/log.h"

void lt_log (lt_log_level level,
             const char  *format,
             ...) __attribute__ ((format (printf, 2, 3)));
