/* project-test-util.h — what the project tests share: a scratch folder, the
 * model a project is made for, and encodings filled from a seed. */
#pragma once

#include "lt-project.h"

/* A new temporary folder; removed with its files by project_test_dir_free. */
char *project_test_dir_new (void);
void  project_test_dir_free (char *dir);

/* The model bundled with the sources (resources/demo/small-cnn.onnx). */
char *project_test_model_path (void);

/* A project `name` in `dir` for the bundled model; the test fails if it
 * cannot be created. */
LtProject *project_test_create (const char *dir,
                                const char *name,
                                gboolean    embed);

/* An encoding whose every field derives from `seed`. */
LtProjectEncoding *project_test_encoding (const char *tensor,
                                          guint32     seed);
