/* lt-application.h — the studio's AdwApplication. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LT_TYPE_APPLICATION (lt_application_get_type ())
G_DECLARE_FINAL_TYPE (LtApplication, lt_application, LT, APPLICATION, AdwApplication)

LtApplication *lt_application_new (void);

G_END_DECLS
