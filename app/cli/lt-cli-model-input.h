/* lt-cli-model-input.h — how a lathe-cli command gets its model: a MODEL
 * argument, or `--project FILE.lathe` (lt_project_load_model: the project's
 * embedded model, or the model file it records, checked against its
 * SHA-256). */
#pragma once

#include "lt-cli-common.h"
#include "lt-project.h"

G_BEGIN_DECLS

/* Adds `--project FILE.lathe` to a command's options; *project_path is set
 * when given (free with g_free). */
void lt_cli_add_project_option (GOptionContext *context,
                                char          **project_path);

/* Loads the model: from `model_path` when not NULL, else from the project at
 * `project_path`, which is opened read-only unless `writable`; exactly one
 * must be given (INVALID otherwise).  On success *model is owned, and
 * *project too when `project` is not NULL and a project was given. */
gboolean lt_cli_open_model_or_project (const char *model_path,
                                       const char *project_path,
                                       gboolean    writable,
                                       lt_model  **model,
                                       LtProject **project,
                                       GError    **error);

/* lt_cli_open_model_or_project, and in *file (owned) the model's file, for
 * a command that reads it again after loading (export-qdq copies the
 * original's bytes): MODEL, the recorded file, or the embedded model
 * extracted into a private folder that lt_project_model_file_free removes. */
gboolean lt_cli_open_model_file_or_project (const char          *model_path,
                                            const char          *project_path,
                                            gboolean             writable,
                                            lt_model           **model,
                                            LtProjectModelFile **file,
                                            LtProject          **project,
                                            GError             **error);

G_END_DECLS
