/* lt-cli.c — lathe-cli: dispatches to one command per file (lt-cli-*.c). */
#include "config.h"

#include "lt-cli-common.h"
#include "lt-cli-commands.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
#define LT_CLI_ENTRY(name, func, summary) { name, func, summary },
  LT_CLI_COMMANDS (LT_CLI_ENTRY)
#undef LT_CLI_ENTRY
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: lathe-cli COMMAND [OPTION…] [ARGUMENT…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-20s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run 'lathe-cli COMMAND --help' for the options of a command."));
}

static void
log_to_stderr (lt_log_level level,
               const char  *message,
               void        *user_data)
{
  (void) user_data;
  if (level >= LT_LOG_WARNING)
    fprintf (stderr, "lathe-cli: warning: %s\n", message);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  lt_log_set_handler (log_to_stderr, NULL);

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_help (argc < 2 ? stderr : stdout);
      return argc < 2 ? LT_CLI_EXIT_USAGE : LT_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("lathe-cli %s\n", PACKAGE_VERSION);
      return LT_CLI_EXIT_OK;
    }
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, _("lathe-cli: unknown command '%s'\n\n"), argv[1]);
  print_help (stderr);
  return LT_CLI_EXIT_USAGE;
}
