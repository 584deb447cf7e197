/* lt-project-schema.c — the project file's schema, its migrations and the
 * checks made before trusting a file.
 *
 * Invariants: `migrations[i]` takes a database from user_version i to i + 1
 * and runs inside one transaction together with the user_version update, so
 * a file is always at one whole version.  application_id is set once, at
 * creation.  The tables are described in docs/formats.md ("Project file").
 */
#include "config.h"

#include "lt-project-private.h"

#include <glib/gi18n-lib.h>

static const char *const migrations[] = {
  /* 0 → 1: the first schema. */
  "CREATE TABLE model ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  path TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  data BLOB);"
  "CREATE TABLE encodings ("
  "  tensor TEXT NOT NULL,"
  "  section INTEGER NOT NULL,"
  "  is_float INTEGER NOT NULL,"
  "  bitwidth INTEGER NOT NULL,"
  "  granularity INTEGER NOT NULL,"
  "  axis INTEGER NOT NULL,"
  "  block_size INTEGER NOT NULL,"
  "  symmetric INTEGER NOT NULL,"
  "  scale BLOB NOT NULL,"
  "  offset BLOB NOT NULL,"
  "  PRIMARY KEY (tensor, section)) WITHOUT ROWID;"
  "CREATE TABLE placements ("
  "  node TEXT PRIMARY KEY,"
  "  backend TEXT NOT NULL,"
  "  pinned INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE calibration_runs ("
  "  id INTEGER PRIMARY KEY,"
  "  dataset TEXT NOT NULL,"
  "  method TEXT NOT NULL,"
  "  options TEXT NOT NULL,"
  "  date TEXT NOT NULL);"
  "CREATE TABLE tensor_stats ("
  "  run_id INTEGER NOT NULL REFERENCES calibration_runs (id),"
  "  tensor TEXT NOT NULL,"
  "  min REAL NOT NULL,"
  "  max REAL NOT NULL,"
  "  hist_min REAL NOT NULL,"
  "  hist_max REAL NOT NULL,"
  "  bins BLOB NOT NULL,"
  "  PRIMARY KEY (run_id, tensor)) WITHOUT ROWID;"
  "CREATE TABLE result_runs ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  label TEXT NOT NULL,"
  "  date TEXT NOT NULL);"
  "CREATE TABLE result_values ("
  "  run_id INTEGER NOT NULL REFERENCES result_runs (id),"
  "  subject TEXT NOT NULL,"
  "  metric TEXT NOT NULL,"
  "  value REAL NOT NULL,"
  "  PRIMARY KEY (run_id, subject, metric)) WITHOUT ROWID;"
  "CREATE TABLE exports ("
  "  id INTEGER PRIMARY KEY,"
  "  date TEXT NOT NULL,"
  "  destination TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL);"
  "CREATE TABLE edit_log ("
  "  id INTEGER PRIMARY KEY,"
  "  time TEXT NOT NULL,"
  "  user TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  subjects TEXT NOT NULL,"
  "  before TEXT NOT NULL,"
  "  after TEXT NOT NULL,"
  "  target INTEGER,"
  "  state INTEGER NOT NULL);"
  "CREATE INDEX edit_log_by_state ON edit_log (state, id);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == LT_PROJECT_SCHEMA_VERSION);

static gboolean
exec (sqlite3    *db,
      const char *display_name,
      const char *sql,
      const char *doing,
      GError    **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      lt_project_set_sqlite_error (error, display_name, db, rc, doing);
      return FALSE;
    }
  return TRUE;
}

/* Reads one integer PRAGMA; FALSE with *error on failure. */
static gboolean
pragma_int (sqlite3    *db,
            const char *display_name,
            const char *sql,
            gint64     *out,
            GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int           rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      lt_project_set_sqlite_error (error, display_name, db, rc, _("read"));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  *out = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
migrate (sqlite3    *db,
         const char *display_name,
         gint64      from,
         GError    **error)
{
  for (gint64 version = from; version < LT_PROJECT_SCHEMA_VERSION; version++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);

      if (!exec (db, display_name, "BEGIN IMMEDIATE", _("upgrade"), error))
        return FALSE;
      if (!exec (db, display_name, migrations[version], _("upgrade"), error) ||
          !exec (db, display_name, set_version, _("upgrade"), error) ||
          !exec (db, display_name, "COMMIT", _("upgrade"), error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
lt_project_schema_create (sqlite3    *db,
                          const char *display_name,
                          GError    **error)
{
  g_autofree char *set_id = g_strdup_printf ("PRAGMA application_id = %d", LT_PROJECT_APPLICATION_ID);

  return exec (db, display_name, set_id, _("create"), error) && migrate (db, display_name, 0, error);
}

/* PRAGMA quick_check: the first line it reports when it is not "ok". */
static gboolean
quick_check (sqlite3    *db,
             const char *display_name,
             GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int           rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check(1)", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_NOTADB)
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a Lathe project: it is not an SQLite database"), display_name);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      lt_project_set_sqlite_error (error, display_name, db, rc, _("check"));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_CORRUPT,
                   _("“%s” is damaged: %s"), display_name, (const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

gboolean
lt_project_schema_check (sqlite3    *db,
                         const char *display_name,
                         gboolean    read_only,
                         GError    **error)
{
  gint64 application_id, version, n_tables;

  if (!quick_check (db, display_name, error) ||
      !pragma_int (db, display_name, "PRAGMA application_id", &application_id, error) ||
      !pragma_int (db, display_name, "PRAGMA user_version", &version, error) ||
      !pragma_int (db, display_name, "SELECT count(*) FROM sqlite_schema", &n_tables, error))
    return FALSE;

  if (application_id != LT_PROJECT_APPLICATION_ID)
    {
      if (application_id == 0 && n_tables == 0)
        g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_NOT_A_PROJECT,
                     _("“%s” is not a Lathe project: it is an empty SQLite database"), display_name);
      else
        g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_OTHER_APPLICATION,
                     _("“%s” is not a Lathe project: it is an SQLite database of another application (application_id 0x%08x)"),
                     display_name, (guint32) application_id);
      return FALSE;
    }
  /* A newer file is only read: its tables may hold more than this version
   * knows, and writing would lose it.  What cannot be read is an error. */
  if (version > LT_PROJECT_SCHEMA_VERSION && !read_only)
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_FUTURE_VERSION,
                   _("“%s” was made by a newer version of Lathe (project format %d; this version writes %d); open it read-only to view it"),
                   display_name, (int) version, LT_PROJECT_SCHEMA_VERSION);
      return FALSE;
    }
  if (version < LT_PROJECT_SCHEMA_VERSION)
    {
      if (read_only)
        {
          g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_READ_ONLY,
                       _("“%s” uses an older project format (%d) and must be upgraded, but it is opened read-only"),
                       display_name, (int) version);
          return FALSE;
        }
      return migrate (db, display_name, version, error);
    }
  return TRUE;
}
