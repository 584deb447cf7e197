/* lt-cli-encodings-input.h — how a lathe-cli command gets its encodings:
 * an encodings file when one is given, else the encodings of the project
 * given with --project. */
#pragma once

#include "lt-encoding.h"
#include "lt-project.h"

G_BEGIN_DECLS

/* Reads `path` when not NULL, else the encodings `project` holds (an error
 * naming the project when it holds none).  *display_name (owned) is what to
 * call the source in messages. */
LtEncodingSet *lt_cli_read_encodings (const char *path,
                                      LtProject  *project,
                                      char      **display_name,
                                      GError    **error);

G_END_DECLS
