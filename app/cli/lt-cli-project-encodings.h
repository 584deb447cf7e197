/* lt-cli-project-encodings.h — `lathe-cli project import-encodings` and
 * `project export-encodings`: an encodings file into a project (one edit)
 * and a project's encodings out to a file. */
#pragma once

int lt_cli_project_import_encodings (int    argc,
                                     char **argv);
int lt_cli_project_export_encodings (int    argc,
                                     char **argv);
