/* lt-window.h — the studio's main window. */
#pragma once

#include "lt-application.h"

G_BEGIN_DECLS

#define LT_TYPE_WINDOW (lt_window_get_type ())
G_DECLARE_FINAL_TYPE (LtWindow, lt_window, LT, WINDOW, AdwApplicationWindow)

LtWindow *lt_window_new (LtApplication *application);

/* Loads a model off the main thread; the window shows it when done, or the
 * engine's error when it fails. */
void lt_window_open_file (LtWindow *self,
                          GFile    *file);

G_END_DECLS
