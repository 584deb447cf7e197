/* lt-application.c — opens a window per file given on the command line, or
 * one empty window. */
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
lt_application_class_init (LtApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

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
