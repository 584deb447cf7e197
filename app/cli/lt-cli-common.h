/* lt-cli-common.h — what every lathe-cli command shares: exit statuses,
 * option parsing with --help and --json, error reporting. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>
#include <glib/gi18n.h>
#include <lt/lt.h>

G_BEGIN_DECLS

/* Exit statuses, documented in docs/cli.md. */
enum
{
  LT_CLI_EXIT_OK = 0,
  LT_CLI_EXIT_FAILED = 1,   /* the input was refused or the work failed */
  LT_CLI_EXIT_USAGE = 2,    /* wrong command line */
  LT_CLI_EXIT_MISMATCH = 3, /* ran, but results differ from what was expected */
};

/* Parses options for a command; on a usage error prints it and returns
 * FALSE.  `parameter` is the positional summary ("MODEL"). */
gboolean lt_cli_parse (GOptionContext *context,
                       int            *argc,
                       char         ***argv);

/* A new option context with the command's summary, --json added when
 * `json` is not NULL. */
GOptionContext *lt_cli_context_new (const char *parameter,
                                    const char *summary,
                                    gboolean   *json);

/* Prints an error for the user ("lathe-cli: …") and returns
 * LT_CLI_EXIT_FAILED. */
int lt_cli_fail (const GError *error);
int lt_cli_fail_engine (const lt_error *err);

/* Prints a --json result on stdout and frees it. */
void lt_cli_print_json (cJSON *root);

/* Rewrites the progress line on stderr with `text` (already translated
 * and formatted), ending the line when done == total. */
void lt_cli_show_progress (const char *text,
                           guint       done,
                           guint       total);

/* Terminal columns `text` (UTF-8) takes: combining marks none, wide
 * characters two, others one.  printf's widths count bytes, which
 * misaligns translated headers and names outside ASCII. */
int lt_cli_text_columns (const char *text);

/* A cell of a text table: `text` padded with spaces to `columns` (on the
 * left when `align_right`); text wider than that is printed whole. */
typedef struct
{
  const char *text;
  int         columns;
  gboolean    align_right;
} LtCliCell;

/* Prints the cells, `separator` between them, no line end. */
void lt_cli_print_cells (const LtCliCell *cells,
                         guint            n_cells,
                         const char      *separator);

/* Prints a usage error and returns LT_CLI_EXIT_USAGE. */
int lt_cli_usage (GOptionContext *context,
                  const char     *message);

G_END_DECLS
