/* lt-application.c — opens a window per file given on the command line, or
 * one window with the start page; app-wide actions (quit, about,
 * preferences) and accelerators. */
#include "config.h"

#include "lt-application.h"
#include "lt-window.h"

#include <glib/gi18n.h>

struct _LtApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (LtApplication, lt_application, ADW_TYPE_APPLICATION)

static void
lt_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (lt_window_new (LT_APPLICATION (app)));
  gtk_window_present (window);
}

static void
lt_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  (void) hint;
  for (int i = 0; i < n_files; i++)
    {
      LtWindow *window = lt_window_new (LT_APPLICATION (app));

      lt_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  (void) action;
  (void) parameter;
  /* Closing each window lets it save its size. */
  while (windows != NULL)
    {
      gtk_window_destroy (windows->data);
      windows = gtk_application_get_windows (GTK_APPLICATION (user_data));
    }
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  static const char *developers[] = { "The Lathe developers", NULL };

  (void) action;
  (void) parameter;
  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (user_data)),
                         "application-name", _("Lathe"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Inspect, optimize and quantize ONNX models"),
                         "website", "https://github.com/lathestudio/lathe",
                         "issue-url", "https://github.com/lathestudio/lathe/issues",
                         "license-type", GTK_LICENSE_APACHE_2_0,
                         "developers", developers,
                         /* Translators: your name(s), one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettings) settings = NULL;
  GtkWidget *window, *page, *group, *row, *toggle;

  (void) action;
  (void) parameter;
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "io.github.lathestudio.Lathe", TRUE);
  if (schema == NULL)
    return;
  settings = g_settings_new_full (schema, NULL, NULL);
  window = adw_preferences_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (window), gtk_application_get_active_window (GTK_APPLICATION (user_data)));
  page = adw_preferences_page_new ();
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Graph"));
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Curved edges"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Draw edges as splines instead of straight segments"));
  toggle = gtk_switch_new ();
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  g_settings_bind (settings, "spline-edges", toggle, "active", G_SETTINGS_BIND_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_activated, NULL, NULL, NULL, { 0 } },
};

static void
lt_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *preferences_accels[] = { "<Primary>comma", NULL };

  G_APPLICATION_CLASS (lt_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
}

static void
lt_application_class_init (LtApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = lt_application_startup;
  app_class->activate = lt_application_activate;
  app_class->open = lt_application_open;
}

static void
lt_application_init (LtApplication *self)
{
  (void) self;
}

LtApplication *
lt_application_new (void)
{
  return g_object_new (LT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/lathestudio/Lathe",
                       NULL);
}
