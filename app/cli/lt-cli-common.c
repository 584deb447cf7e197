/* lt-cli-common.c — shared helpers of the lathe-cli commands. */
#include "lt-cli-common.h"

#include <stdio.h>
#include <string.h>

GOptionContext *
lt_cli_context_new (const char *parameter,
                    const char *summary,
                    gboolean   *json)
{
  GOptionContext *context = g_option_context_new (parameter);

  g_option_context_set_summary (context, summary);
  if (json)
    {
      const GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, json, N_("Print the result as JSON"), NULL },
        { NULL },
      };
      g_option_context_add_main_entries (context, entries, NULL);
    }
  return context;
}

gboolean
lt_cli_parse (GOptionContext *context,
              int            *argc,
              char         ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      lt_cli_usage (context, error->message);
      return FALSE;
    }
  return TRUE;
}

int
lt_cli_usage (GOptionContext *context,
              const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  fprintf (stderr, "lathe-cli: %s\n\n%s", message, help);
  return LT_CLI_EXIT_USAGE;
}

int
lt_cli_fail (const GError *error)
{
  fprintf (stderr, "lathe-cli: %s\n", error->message);
  return LT_CLI_EXIT_FAILED;
}

int
lt_cli_fail_engine (const lt_error *err)
{
  char text[LT_ERROR_MESSAGE_MAX + 2 * LT_ERROR_NAME_MAX + 8];

  lt_error_format (err, text, sizeof text);
  fprintf (stderr, "lathe-cli: %s\n", text);
  return LT_CLI_EXIT_FAILED;
}

void
lt_cli_print_json (cJSON *root)
{
  char *text = cJSON_Print (root);

  printf ("%s\n", text);
  cJSON_free (text);
  cJSON_Delete (root);
}

void
lt_cli_show_progress (const char *text,
                      guint       done,
                      guint       total)
{
  g_printerr ("\r%s", text);
  if (done == total)
    g_printerr ("\n");
}

int
lt_cli_text_columns (const char *text)
{
  int columns = 0;

  if (!g_utf8_validate (text, -1, NULL))
    return (int) strlen (text);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c) || g_unichar_ismark (c))
        continue;
      columns += g_unichar_iswide (c) ? 2 : 1;
    }
  return columns;
}

void
lt_cli_print_cells (const LtCliCell *cells,
                    guint            n_cells,
                    const char      *separator)
{
  for (guint i = 0; i < n_cells; i++)
    {
      int pad = MAX (cells[i].columns - lt_cli_text_columns (cells[i].text), 0);

      if (i > 0)
        fputs (separator, stdout);
      if (cells[i].align_right)
        printf ("%*s%s", pad, "", cells[i].text);
      else
        printf ("%s%*s", cells[i].text, pad, "");
    }
}
