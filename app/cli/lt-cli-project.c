/* lt-cli-project.c — `lathe-cli project new|show|log|undo|redo`: make a
 * project file, show what it holds, print its edit log (the audit trail),
 * and walk undo and redo; import-encodings and export-encodings are in
 * lt-cli-project-encodings.c.  All through LtProject; no SQL here. */
#include "lt-cli-common.h"
#include "lt-cli-project-encodings.h"
#include "lt-project.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cJSON, cJSON_Delete)

static void
print_json (cJSON *json)
{
  char *text = cJSON_Print (json);

  printf ("%s\n", text);
  cJSON_free (text);
}

static int
project_new (int    argc,
             char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (LtProjectModel) model = NULL;
  g_autofree char   *output = NULL;
  gboolean           json = FALSE, embed = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The project file to create"), N_("FILE.lathe") },
    { "embed", 0, 0, G_OPTION_ARG_NONE, &embed, N_("Store the model in the project so that it can travel"), NULL },
    { NULL },
  };

  context = lt_cli_context_new (_("MODEL"), _("Create a project file for a model."), &json);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc != 2 || !output)
    return lt_cli_usage (context, _("expected one MODEL and -o FILE.lathe"));

  project = lt_project_create (output, argv[1], embed, &error);
  if (!project || !(model = lt_project_get_model (project, &error)))
    return lt_cli_fail (error);
  if (json)
    {
      g_autoptr (cJSON) result = cJSON_CreateObject ();

      cJSON_AddStringToObject (result, "project", lt_project_get_path (project));
      cJSON_AddStringToObject (result, "model", model->path);
      cJSON_AddStringToObject (result, "sha256", model->sha256);
      cJSON_AddBoolToObject (result, "embedded", model->embedded);
      print_json (result);
    }
  else
    printf (_("Created %s for %s (SHA-256 %s%s)\n"), output, model->path, model->sha256,
            model->embedded ? _(", embedded") : "");
  return LT_CLI_EXIT_OK;
}

/* Parses `project SUB FILE.lathe [--json]` and opens the file. */
static LtProject *
open_one (int               *argc,
          char            ***argv,
          const char        *summary,
          gboolean          *json,
          LtProjectOpenFlags flags,
          int               *status)
{
  g_autoptr (GOptionContext) context = lt_cli_context_new (_("FILE.lathe"), summary, json);
  g_autoptr (GError) error = NULL;
  LtProject *project;

  if (!lt_cli_parse (context, argc, argv))
    {
      *status = LT_CLI_EXIT_USAGE;
      return NULL;
    }
  if (*argc != 2)
    {
      *status = lt_cli_usage (context, _("expected one FILE.lathe"));
      return NULL;
    }
  project = lt_project_open ((*argv)[1], flags, &error);
  if (!project)
    *status = lt_cli_fail (error);
  return project;
}

static int
project_show (int    argc,
              char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (LtProjectModel) model = NULL;
  g_autoptr (GPtrArray) encodings = NULL, placements = NULL, runs = NULL, edits = NULL, exports = NULL;
  g_autofree char *config = NULL;
  gboolean         json = FALSE;
  int              status = LT_CLI_EXIT_OK;

  project = open_one (&argc, &argv, _("Show what a project holds."), &json, LT_PROJECT_OPEN_READ_ONLY, &status);
  if (!project)
    return status;
  if (!(model = lt_project_get_model (project, &error)) ||
      !(encodings = lt_project_list_encodings (project, &error)) ||
      !(placements = lt_project_list_placements (project, &error)) ||
      !(runs = lt_project_list_calibrations (project, &error)) ||
      !(edits = lt_project_list_edits (project, &error)) ||
      !(exports = lt_project_list_exports (project, &error)))
    return lt_cli_fail (error);
  config = lt_project_get_backend_config (project, &error);
  if (error)
    return lt_cli_fail (error);

  if (json)
    {
      g_autoptr (cJSON) result = cJSON_CreateObject ();
      cJSON *model_json = cJSON_AddObjectToObject (result, "model");

      cJSON_AddStringToObject (model_json, "path", model->path);
      cJSON_AddStringToObject (model_json, "sha256", model->sha256);
      cJSON_AddNumberToObject (model_json, "size", (double) model->size);
      cJSON_AddBoolToObject (model_json, "embedded", model->embedded);
      cJSON_AddNumberToObject (result, "encodings", encodings->len);
      cJSON_AddNumberToObject (result, "placements", placements->len);
      cJSON_AddBoolToObject (result, "backend_config", config != NULL);
      cJSON_AddNumberToObject (result, "calibration_runs", runs->len);
      cJSON_AddNumberToObject (result, "exports", exports->len);
      cJSON_AddNumberToObject (result, "log_entries", edits->len);
      print_json (result);
      return LT_CLI_EXIT_OK;
    }
  printf (_("Model: %s\n"), model->path);
  {
    g_autofree char *size = g_format_size_full (model->size, G_FORMAT_SIZE_LONG_FORMAT);

    printf (_("  SHA-256 %s, %s%s\n"), model->sha256, size, model->embedded ? _(", embedded") : "");
  }
  printf (_("Encodings: %u\n"), encodings->len);
  printf (_("Placements: %u\n"), placements->len);
  printf (_("Backend configuration: %s\n"), config ? _("set") : _("none"));
  printf (_("Calibration runs: %u\n"), runs->len);
  printf (_("Exports: %u\n"), exports->len);
  printf (_("Edit log: %u entries\n"), edits->len);
  return LT_CLI_EXIT_OK;
}

static const char *
state_note (const LtProjectEdit *edit)
{
  switch (edit->state)
    {
    case LT_PROJECT_EDIT_STATE_UNDONE:
      return _(" (undone)");
    case LT_PROJECT_EDIT_STATE_DROPPED:
      return _(" (undone, no redo)");
    case LT_PROJECT_EDIT_STATE_APPLIED:
    case LT_PROJECT_EDIT_STATE_RECORD:
    default:
      return "";
    }
}

/* One row's value in an edit-log fragment, for people: "16-bit int",
 * "gpu (pinned)", "set", "none". */
static char *
describe_value (const char  *member,
                const cJSON *value)
{
  if (!cJSON_IsObject (value) && !cJSON_IsString (value))
    return g_strdup (_("none"));
  if (strcmp (member, "encodings") == 0)
    {
      const cJSON *bw = cJSON_GetObjectItemCaseSensitive (value, "bw");
      const cJSON *dtype = cJSON_GetObjectItemCaseSensitive (value, "dtype");

      return g_strdup_printf (_("%d-bit %s"), cJSON_IsNumber (bw) ? bw->valueint : 0,
                              cJSON_IsString (dtype) ? dtype->valuestring : "?");
    }
  if (strcmp (member, "placements") == 0)
    {
      const cJSON *backend = cJSON_GetObjectItemCaseSensitive (value, "backend");
      const char  *name = cJSON_IsString (backend) ? backend->valuestring : "?";

      return cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (value, "pinned")) ? g_strdup_printf (_("%s (pinned)"), name)
                                                                                : g_strdup (name);
    }
  return g_strdup (_("set"));
}

/* What an edit changed, row by row: "conv3_out: 8-bit int → 16-bit int".
 * The before and after fragments list the same rows in the same order. */
static char *
describe_change (const char *before_text,
                 const char *after_text)
{
  static const struct
  {
    const char *member, *key;
  } parts[] = { { "encodings", "tensor" }, { "placements", "node" }, { "settings", "key" } };
  g_autoptr (cJSON) before = cJSON_Parse (before_text);
  g_autoptr (cJSON) after = cJSON_Parse (after_text);
  GString *text = g_string_new (NULL);

  for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
    {
      const cJSON *old_items = cJSON_GetObjectItemCaseSensitive (before, parts[p].member);
      const cJSON *new_items = cJSON_GetObjectItemCaseSensitive (after, parts[p].member);

      for (int i = 0; i < cJSON_GetArraySize (new_items); i++)
        {
          const cJSON     *item = cJSON_GetArrayItem (new_items, i);
          const cJSON     *name = cJSON_GetObjectItemCaseSensitive (item, parts[p].key);
          g_autofree char *was = describe_value (parts[p].member, cJSON_GetObjectItemCaseSensitive (cJSON_GetArrayItem (old_items, i), "value"));
          g_autofree char *now = describe_value (parts[p].member, cJSON_GetObjectItemCaseSensitive (item, "value"));

          g_string_append_printf (text, "%s%s: %s → %s", text->len ? "; " : "",
                                  cJSON_IsString (name) ? name->valuestring : "?", was, now);
        }
    }
  return g_string_free (text, FALSE);
}

static int
project_log (int    argc,
             char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (GPtrArray) edits = NULL;
  gboolean json = FALSE;
  int      status = LT_CLI_EXIT_OK;

  project = open_one (&argc, &argv, _("Print a project's edit log: who changed what, and when."), &json,
                      LT_PROJECT_OPEN_READ_ONLY, &status);
  if (!project)
    return status;
  edits = lt_project_list_edits (project, &error);
  if (!edits)
    return lt_cli_fail (error);
  if (json)
    {
      g_autoptr (cJSON) result = cJSON_CreateArray ();

      for (guint i = 0; i < edits->len; i++)
        {
          const LtProjectEdit *edit = edits->pdata[i];
          cJSON               *entry = cJSON_CreateObject ();

          cJSON_AddNumberToObject (entry, "id", (double) edit->id);
          cJSON_AddStringToObject (entry, "time", edit->time);
          cJSON_AddStringToObject (entry, "user", edit->user);
          cJSON_AddStringToObject (entry, "action", edit->action);
          cJSON_AddStringToObject (entry, "kind", edit->kind);
          cJSON_AddItemToObject (entry, "subjects", cJSON_CreateStringArray ((const char **) edit->subjects, (int) g_strv_length (edit->subjects)));
          cJSON_AddItemToObject (entry, "before", cJSON_Parse (edit->before));
          cJSON_AddItemToObject (entry, "after", cJSON_Parse (edit->after));
          if (edit->target > 0)
            cJSON_AddNumberToObject (entry, "target", (double) edit->target);
          cJSON_AddBoolToObject (entry, "undone", edit->state == LT_PROJECT_EDIT_STATE_UNDONE || edit->state == LT_PROJECT_EDIT_STATE_DROPPED);
          cJSON_AddItemToArray (result, entry);
        }
      print_json (result);
      return LT_CLI_EXIT_OK;
    }
  if (edits->len == 0)
    printf ("%s\n", _("No edits yet."));
  for (guint i = 0; i < edits->len; i++)
    {
      const LtProjectEdit *edit = edits->pdata[i];
      g_autofree char     *change = describe_change (edit->before, edit->after);

      if (edit->target > 0)
        printf ("%" G_GINT64_FORMAT "  %s  %s  %s #%" G_GINT64_FORMAT " %s: %s\n", edit->id, edit->time, edit->user,
                edit->action, edit->target, edit->kind, change);
      else
        printf ("%" G_GINT64_FORMAT "  %s  %s  %s: %s%s\n", edit->id, edit->time, edit->user, edit->kind, change,
                state_note (edit));
    }
  return LT_CLI_EXIT_OK;
}

static int
project_step (int      argc,
              char   **argv,
              gboolean undo)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (GPtrArray) edits = NULL;
  const LtProjectEdit *done;
  gboolean             json = FALSE;
  int                  status = LT_CLI_EXIT_OK;

  project = open_one (&argc, &argv, undo ? _("Undo a project's latest edit.") : _("Redo a project's latest undone edit."),
                      &json, LT_PROJECT_OPEN_DEFAULT, &status);
  if (!project)
    return status;
  if (!(undo ? lt_project_undo (project, &error) : lt_project_redo (project, &error)) ||
      !(edits = lt_project_list_edits (project, &error)))
    return lt_cli_fail (error);
  done = edits->pdata[edits->len - 1];
  if (json)
    {
      g_autoptr (cJSON) result = cJSON_CreateObject ();

      cJSON_AddStringToObject (result, "action", done->action);
      cJSON_AddNumberToObject (result, "target", (double) done->target);
      cJSON_AddStringToObject (result, "kind", done->kind);
      cJSON_AddItemToObject (result, "subjects", cJSON_CreateStringArray ((const char **) done->subjects, (int) g_strv_length (done->subjects)));
      print_json (result);
    }
  else
    {
      g_autofree char *subjects = g_strjoinv (", ", done->subjects);
      g_autofree char *target = g_strdup_printf ("%" G_GINT64_FORMAT, done->target);

      printf (undo ? _("Undid edit %s (%s: %s)\n") : _("Redid edit %s (%s: %s)\n"), target, done->kind, subjects);
    }
  return LT_CLI_EXIT_OK;
}

static int
project_undo (int    argc,
              char **argv)
{
  return project_step (argc, argv, TRUE);
}

static int
project_redo (int    argc,
              char **argv)
{
  return project_step (argc, argv, FALSE);
}

static const struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} subcommands[] = {
  { "new", project_new, N_("Create a project file for a model") },
  { "show", project_show, N_("Show what a project holds") },
  { "log", project_log, N_("Print the edit log (who changed what, and when)") },
  { "undo", project_undo, N_("Undo the latest edit") },
  { "redo", project_redo, N_("Redo the latest undone edit") },
  { "import-encodings", lt_cli_project_import_encodings, N_("Store an encodings file in the project (one edit)") },
  { "export-encodings", lt_cli_project_export_encodings, N_("Write the project's encodings to a file") },
};

static int
usage (FILE *out,
       int   status)
{
  fprintf (out, "%s\n\n", _("Usage: lathe-cli project SUBCOMMAND [OPTION…] ARGUMENT"));
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    fprintf (out, "  %-16s %s\n", subcommands[i].name, _(subcommands[i].summary));
  return status;
}

int
lt_cli_project (int    argc,
                char **argv)
{
  if (argc < 2)
    return usage (stderr, LT_CLI_EXIT_USAGE);
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    return usage (stdout, LT_CLI_EXIT_OK);
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    if (strcmp (argv[1], subcommands[i].name) == 0)
      return subcommands[i].run (argc - 1, argv + 1);
  fprintf (stderr, _("lathe-cli: unknown project subcommand '%s'\n\n"), argv[1]);
  return usage (stderr, LT_CLI_EXIT_USAGE);
}
