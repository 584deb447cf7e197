/* ui-test-util.h — what the widget tests share: starting GTK and
 * libadwaita for a test program, spinning the main loop until a condition
 * holds. */
#pragma once

#include <adwaita.h>
#include <glib.h>

/* Runs the main loop until `done` holds or 30 s pass. */
#define SPIN_UNTIL(done)                                                \
  G_STMT_START                                                          \
  {                                                                     \
    gint64 spin_deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC; \
    while (!(done) && g_get_monotonic_time () < spin_deadline)          \
      g_main_context_iteration (NULL, TRUE);                            \
    g_assert_true (done);                                               \
  }                                                                     \
  G_STMT_END

/* A timeout callback that keeps the main loop waking up, so SPIN_UNTIL
 * sees its deadline: g_timeout_add (50, ui_test_tick, NULL). */
static inline gboolean
ui_test_tick (gpointer data)
{
  (void) data;
  return G_SOURCE_CONTINUE;
}

/* Starts GTK (gtk_test_init) and libadwaita for a test program, with the
 * tick that SPIN_UNTIL needs. */
static inline void
ui_test_init (int    *argc,
              char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  g_timeout_add (50, ui_test_tick, NULL);
}
