/* lt-project.c — LtProject: opening and creating project files, the
 * model, reading encodings and placements, and the measurements (calibration
 * runs, analysis and profile results, export history).
 *
 * Invariants: a project is opened only after the file was checked
 * (lt_project_schema_check); a writable project holds an exclusive flock on
 * "<path>.lock" for its whole life, so a second instance is refused while
 * the first runs and a crashed one leaves no stale lock (the kernel drops
 * it).  Each public change is one transaction; on failure it is rolled back
 * and the file is as it was.  Edits live in lt-project-edits.c, the other
 * tables in lt-project-rows.c.
 */
#include "config.h"

#include "lt-project-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (lt - project - error - quark, lt_project_error)
G_DEFINE_FINAL_TYPE (LtProject, lt_project, G_TYPE_OBJECT)

/* Bytes read and hashed at a time when storing or extracting a model. */
#define MODEL_CHUNK (1 << 20)

static void
lt_project_finalize (GObject *object)
{
  LtProject *self = LT_PROJECT (object);

  /* Back to a rollback journal, so a closed project is one file that can be
   * copied or read from a read-only place; fails harmlessly (and stays in
   * WAL mode) while a read-only viewer still reads it. */
  if (self->db && !self->read_only)
    sqlite3_exec (self->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  g_clear_pointer (&self->statements, g_hash_table_unref); /* before closing */
  sqlite3_close_v2 (self->db);
  if (self->lock_fd >= 0)
    {
      g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);

      g_unlink (lock_path);  /* while still locked: see take_lock */
      close (self->lock_fd); /* drops the flock */
    }
  g_free (self->path);
  g_free (self->display_name);
  G_OBJECT_CLASS (lt_project_parent_class)->finalize (object);
}

static void
lt_project_class_init (LtProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lt_project_finalize;

  /**
   * LtProject::changed:
   * @kind: what changed: an edit kind ("encoding", "placements", …), or
   *   "calibration", "analysis", "profile", "export"
   * @subjects: the tensor or node names concerned (may be empty)
   *
   * Emitted after a change was committed, undo and redo included.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRV);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
lt_project_init (LtProject *self)
{
  self->lock_fd = -1;
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
}

/* ---- errors and SQL helpers ---------------------------------------------- */

void
lt_project_set_sqlite_error (GError    **error,
                             const char *display_name,
                             sqlite3    *db,
                             int         rc,
                             const char *doing)
{
  const char *detail = db && sqlite3_errcode (db) == rc ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_FULL,
                   _("Could not %s “%s”: the disk is full; the project is as it was before"), doing, display_name);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_CORRUPT,
                   _("Could not %s “%s”: the file is damaged (%s)"), doing, display_name, detail);
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_READ_ONLY,
                   _("Could not %s “%s”: the file is read-only"), doing, display_name);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_LOCKED,
                   _("Could not %s “%s”: another program is using it"), doing, display_name);
      break;
    default:
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_IO,
                   _("Could not %s “%s”: %s; the project is as it was before"), doing, display_name, detail);
      break;
    }
}

gboolean
lt_project_exec (LtProject  *self,
                 const char *sql,
                 GError    **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      lt_project_set_sqlite_error (error, self->display_name, self->db, rc, _("save"));
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
lt_project_prepare (LtProject  *self,
                    const char *sql,
                    GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int           rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      lt_project_set_sqlite_error (error, self->display_name, self->db, rc, _("read"));
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

sqlite3_stmt *
lt_project_prepare_cached (LtProject  *self,
                           const char *sql,
                           GError    **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (!stmt)
    {
      stmt = lt_project_prepare (self, sql, error);
      if (stmt)
        g_hash_table_insert (self->statements, (gpointer) sqlite3_sql (stmt), stmt);
    }
  return stmt;
}

void
lt_project_release (LtProject    *self,
                    sqlite3_stmt *stmt)
{
  if (stmt && g_hash_table_lookup (self->statements, sqlite3_sql (stmt)) == stmt)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
  else
    sqlite3_finalize (stmt);
}

gboolean
lt_project_step_done (LtProject    *self,
                      sqlite3_stmt *stmt,
                      const char   *doing,
                      GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      lt_project_set_sqlite_error (error, self->display_name, self->db, rc, doing);
      return FALSE;
    }
  return TRUE;
}

gboolean
lt_project_check_writable (LtProject *self,
                           GError   **error)
{
  if (self->read_only)
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_READ_ONLY,
                   _("“%s” is open read-only; changes are not saved"), self->display_name);
      return FALSE;
    }
  return TRUE;
}

gboolean
lt_project_begin (LtProject *self,
                  GError   **error)
{
  return lt_project_check_writable (self, error) && lt_project_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
lt_project_commit (LtProject *self,
                   GError   **error)
{
  if (lt_project_exec (self, "COMMIT", error))
    return TRUE;
  lt_project_rollback (self);
  return FALSE;
}

void
lt_project_rollback (LtProject *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
lt_project_now (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

char *
lt_project_column_dup (sqlite3_stmt *stmt,
                       int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

GPtrArray *
lt_project_collect_rows (LtProject         *self,
                         sqlite3_stmt      *stmt,
                         LtProjectRowReader read,
                         GDestroyNotify     free_func,
                         GError           **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer row = read (self, stmt, error);

      if (!row)
        {
          lt_project_release (self, stmt);
          return NULL;
        }
      g_ptr_array_add (rows, row);
    }
  lt_project_release (self, stmt);
  if (rc != SQLITE_DONE)
    {
      lt_project_set_sqlite_error (error, self->display_name, self->db, rc, _("read"));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

gpointer
lt_project_collect_one (LtProject         *self,
                        sqlite3_stmt      *stmt,
                        LtProjectRowReader read,
                        GDestroyNotify     free_func,
                        GError           **error)
{
  g_autoptr (GPtrArray) rows = lt_project_collect_rows (self, stmt, read, free_func, error);

  return rows && rows->len > 0 ? g_ptr_array_steal_index (rows, 0) : NULL;
}

gboolean
lt_project_finish_change (LtProject         *self,
                          gboolean           ok,
                          const char        *kind,
                          const char *const *subjects,
                          GError           **error)
{
  static const char *const none[] = { NULL };
  gint64                   edit_id = self->pending_edit_id;

  self->pending_edit_id = 0;
  if (!ok)
    {
      lt_project_rollback (self);
      return FALSE;
    }
  if (!lt_project_commit (self, error))
    return FALSE;
  if (edit_id > 0)
    self->last_edit_id = edit_id;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, kind, subjects ? subjects : none);
  return TRUE;
}

/* ---- opening -------------------------------------------------------------- */

/* A file or folder is writable when the system says so and it has a write
 * permission bit: a user who made a file read-only (chmod a-w) is obeyed
 * even when running as root. */
static gboolean
is_writable (const char *path)
{
  GStatBuf st;

  return g_access (path, W_OK) == 0 && g_stat (path, &st) == 0 && (st.st_mode & 0222) != 0;
}

/* Opens "<path>.lock" and takes its flock, without waiting. */
static gboolean
open_lock_file (LtProject  *self,
                const char *lock_path,
                GError    **error)
{
  self->lock_fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (self->lock_fd < 0)
    {
      int saved = errno;

      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_READ_ONLY,
                   _("Could not open “%s” for writing: cannot create its lock file (%s); open it read-only"),
                   self->display_name, g_strerror (saved));
      return FALSE;
    }
  if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved = errno;

      close (self->lock_fd);
      self->lock_fd = -1;
      if (saved == EWOULDBLOCK)
        g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_LOCKED,
                     _("“%s” is open in another running instance of Lathe; close it there or open it read-only"),
                     self->display_name);
      else
        g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_IO,
                     _("Could not lock “%s”: %s"), self->display_name, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Takes the exclusive lock of a writable project.  The holder removes the
 * lock file when it closes, so a lock taken on a file that was meanwhile
 * removed (or replaced) is worthless: it is dropped and taken again. */
static gboolean
take_lock (LtProject *self,
           GError   **error)
{
  g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);

  for (int attempt = 0; attempt < 8; attempt++)
    {
      GStatBuf held, named;

      if (!open_lock_file (self, lock_path, error))
        return FALSE;
      if (fstat (self->lock_fd, &held) == 0 &&
          g_stat (lock_path, &named) == 0 &&
          held.st_ino == named.st_ino &&
          held.st_dev == named.st_dev)
        return TRUE;
      close (self->lock_fd);
      self->lock_fd = -1;
    }
  g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_LOCKED,
               _("Could not lock “%s”: its lock file keeps changing"), self->display_name);
  return FALSE;
}

/* Opens the database with the settings an untrusted file needs. */
static sqlite3 *
open_database (const char *path,
               const char *display_name,
               int         flags,
               GError    **error)
{
  sqlite3 *db = NULL;
  int      rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOFOLLOW, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (db, 1);
      sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
      sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
      sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
      sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
      sqlite3_busy_timeout (db, 2000);
      return db;
    }
  lt_project_set_sqlite_error (error, display_name, db, rc, _("open"));
  sqlite3_close_v2 (db);
  return NULL;
}

static gboolean
has_sqlite_header (const char *path,
                   const char *display_name,
                   GError    **error)
{
  static const char magic[16] = "SQLite format 3";
  char              header[sizeof magic] = { 0 };
  FILE             *file = g_fopen (path, "rb");
  size_t            n;

  if (!file)
    {
      int saved = errno;

      g_set_error (error, LT_PROJECT_ERROR, saved == ENOENT ? LT_PROJECT_ERROR_NOT_FOUND : LT_PROJECT_ERROR_IO,
                   _("Could not open “%s”: %s"), display_name, g_strerror (saved));
      return FALSE;
    }
  n = fread (header, 1, sizeof header, file);
  fclose (file);
  if (n != sizeof header || memcmp (header, magic, sizeof magic) != 0)
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a Lathe project: it is not an SQLite database"), display_name);
      return FALSE;
    }
  return TRUE;
}

LtProject *
lt_project_open (const char        *path,
                 LtProjectOpenFlags flags,
                 GError           **error)
{
  g_autoptr (LtProject) self = g_object_new (LT_TYPE_PROJECT, NULL);
  g_autofree char *folder = NULL;
  gboolean         writable;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_canonicalize_filename (path, NULL);
  self->display_name = g_filename_display_name (path);
  self->read_only = (flags & LT_PROJECT_OPEN_READ_ONLY) != 0;
  folder = g_path_get_dirname (self->path);

  if (!has_sqlite_header (self->path, self->display_name, error))
    return NULL;
  if (!self->read_only)
    {
      if (!is_writable (self->path) || !is_writable (folder))
        {
          g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_READ_ONLY,
                       _("“%s” is read-only (the file or its folder cannot be written); open it read-only to view it"),
                       self->display_name);
          return NULL;
        }
      if (!take_lock (self, error))
        return NULL;
    }

  /* A read-only view of a file that can be written still opens it for
   * writing, with query_only on: after a crash only a writing connection can
   * recover the WAL, and a view must work then too. */
  writable = !self->read_only || (is_writable (self->path) && is_writable (folder));
  self->db = open_database (self->path, self->display_name, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, error);
  if (!self->db)
    return NULL;
  if (self->read_only && writable && !lt_project_exec (self, "PRAGMA query_only = ON", error))
    return NULL;
  if (!lt_project_schema_check (self->db, self->display_name, self->read_only, error))
    return NULL;
  if (!self->read_only &&
      (!lt_project_exec (self, "PRAGMA synchronous = NORMAL", error) || !lt_project_exec (self, "PRAGMA journal_mode = WAL", error)))
    return NULL;
  if (!lt_project_exec (self, "PRAGMA foreign_keys = ON", error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Stores the model's path, size and SHA-256, and its bytes when `embed`,
 * reading the file once. */
static gboolean
store_model (sqlite3    *db,
             const char *display_name,
             const char *model_path,
             gboolean    embed,
             GError    **error)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char   *model_name = g_filename_display_name (model_path);
  g_autofree char   *absolute = g_canonicalize_filename (model_path, NULL);
  g_autofree guint8 *chunk = NULL;
  sqlite3_stmt      *stmt = NULL;
  sqlite3_blob      *blob = NULL;
  GStatBuf           st;
  FILE              *file;
  gint64             offset = 0;
  int                rc;

  file = g_fopen (model_path, "rb");
  if (!file || fstat (fileno (file), &st) != 0)
    {
      int saved = errno;

      g_set_error (error, LT_PROJECT_ERROR, saved == ENOENT ? LT_PROJECT_ERROR_NOT_FOUND : LT_PROJECT_ERROR_IO,
                   _("Could not read the model “%s”: %s"), model_name, g_strerror (saved));
      if (file)
        fclose (file);
      return FALSE;
    }
  if (embed && st.st_size > sqlite3_limit (db, SQLITE_LIMIT_LENGTH, -1))
    {
      g_autofree char *size = g_format_size_full ((guint64) st.st_size, G_FORMAT_SIZE_LONG_FORMAT);

      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID,
                   _("The model “%s” is too large to embed in a project (%s)"), model_name, size);
      fclose (file);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (db, "INSERT INTO model (id, path, sha256, size, data) VALUES (1, ?, '', ?, ?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, absolute, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, st.st_size);
      if (embed)
        sqlite3_bind_zeroblob64 (stmt, 3, st.st_size);
      else
        sqlite3_bind_null (stmt, 3);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_OK && embed)
    rc = sqlite3_blob_open (db, "main", "model", "data", 1, 1, &blob);

  chunk = g_malloc (MODEL_CHUNK);
  while (rc == SQLITE_OK)
    {
      size_t n = fread (chunk, 1, MODEL_CHUNK, file);

      if (n == 0)
        break;
      g_checksum_update (checksum, chunk, (gssize) n);
      if (blob && offset + (gint64) n <= st.st_size)
        rc = sqlite3_blob_write (blob, chunk, (int) n, (int) offset);
      offset += (gint64) n;
    }
  sqlite3_blob_close (blob);
  if (rc != SQLITE_OK)
    {
      lt_project_set_sqlite_error (error, display_name, db, rc, _("create"));
      fclose (file);
      return FALSE;
    }
  if (ferror (file) || offset != st.st_size)
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_IO,
                   _("Could not read the model “%s”: it changed or could not be read while being stored"), model_name);
      fclose (file);
      return FALSE;
    }
  fclose (file);

  rc = sqlite3_prepare_v2 (db, "UPDATE model SET sha256 = ? WHERE id = 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, g_checksum_get_string (checksum), -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      lt_project_set_sqlite_error (error, display_name, db, rc, _("create"));
      return FALSE;
    }
  return TRUE;
}

LtProject *
lt_project_create (const char *path,
                   const char *model_path,
                   gboolean    embed_model,
                   GError    **error)
{
  g_autofree char *display_name = g_filename_display_name (path);
  g_autofree char *temp_path = g_strdup_printf ("%s.new-%d", path, (int) getpid ());
  sqlite3         *db;
  gboolean         ok;

  g_return_val_if_fail (path != NULL && model_path != NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID,
                   _("Could not create “%s”: the file already exists"), display_name);
      return NULL;
    }
  /* Built under a temporary name in rollback-journal mode, then linked into
   * place: a failure leaves nothing, and an existing file is never replaced. */
  g_unlink (temp_path);
  db = open_database (temp_path, display_name, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (!db)
    return NULL;
  ok = lt_project_schema_create (db, display_name, error);
  if (ok)
    {
      ok = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
      ok = ok && store_model (db, display_name, model_path, embed_model, error);
      if (ok && sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        {
          lt_project_set_sqlite_error (error, display_name, db, sqlite3_errcode (db), _("create"));
          ok = FALSE;
        }
    }
  sqlite3_close_v2 (db);
  if (ok && link (temp_path, path) != 0)
    {
      int saved = errno;

      g_set_error (error, LT_PROJECT_ERROR, saved == EEXIST ? LT_PROJECT_ERROR_INVALID : LT_PROJECT_ERROR_IO,
                   _("Could not create “%s”: %s"), display_name, g_strerror (saved));
      ok = FALSE;
    }
  g_unlink (temp_path);
  if (!ok)
    return NULL;
  return lt_project_open (path, LT_PROJECT_OPEN_DEFAULT, error);
}

const char *
lt_project_get_path (LtProject *self)
{
  g_return_val_if_fail (LT_IS_PROJECT (self), NULL);
  return self->path;
}

gboolean
lt_project_is_read_only (LtProject *self)
{
  g_return_val_if_fail (LT_IS_PROJECT (self), TRUE);
  return self->read_only;
}

gboolean
lt_project_check_integrity (LtProject *self,
                            GError   **error)
{
  g_autoptr (GString) problems = g_string_new (NULL);
  sqlite3_stmt *stmt = lt_project_prepare (self, "PRAGMA integrity_check", error);
  int           rc;

  if (!stmt)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
      g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      lt_project_set_sqlite_error (error, self->display_name, self->db, rc, _("check"));
      return FALSE;
    }
  if (problems->len > 0)
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_CORRUPT,
                   _("“%s” is damaged: %s"), self->display_name, problems->str);
      return FALSE;
    }
  return TRUE;
}

/* ---- model ---------------------------------------------------------------- */

static gpointer
model_from_row (LtProject    *self,
                sqlite3_stmt *stmt,
                GError      **error)
{
  LtProjectModel *model = g_new0 (LtProjectModel, 1);

  (void) self, (void) error;
  model->path = lt_project_column_dup (stmt, 0);
  model->sha256 = lt_project_column_dup (stmt, 1);
  model->size = (guint64) sqlite3_column_int64 (stmt, 2);
  model->embedded = sqlite3_column_int (stmt, 3);
  return model;
}

LtProjectModel *
lt_project_get_model (LtProject *self,
                      GError   **error)
{
  g_autoptr (GError) local_error = NULL;
  sqlite3_stmt   *stmt = lt_project_prepare (self, "SELECT path, sha256, size, data IS NOT NULL FROM model WHERE id = 1", error);
  LtProjectModel *model;

  if (!stmt)
    return NULL;
  model = lt_project_collect_one (self, stmt, model_from_row, (GDestroyNotify) lt_project_model_free, &local_error);
  if (local_error)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (!model)
    g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID, _("“%s” records no model"), self->display_name);
  return model;
}

gboolean
lt_project_extract_model (LtProject  *self,
                          const char *dest_path,
                          GError    **error)
{
  g_autoptr (LtProjectModel) model = lt_project_get_model (self, error);
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char   *temp_path = g_strconcat (dest_path, ".part", NULL);
  g_autofree char   *dest_name = g_filename_display_name (dest_path);
  g_autofree guint8 *chunk = NULL;
  sqlite3_blob      *blob = NULL;
  FILE              *out;
  int                size, rc, saved = 0;

  if (!model)
    return FALSE;
  if (!model->embedded)
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID,
                   _("“%s” does not embed its model"), self->display_name);
      return FALSE;
    }
  rc = sqlite3_blob_open (self->db, "main", "model", "data", 1, 0, &blob);
  if (rc != SQLITE_OK)
    {
      lt_project_set_sqlite_error (error, self->display_name, self->db, rc, _("read"));
      return FALSE;
    }
  out = g_fopen (temp_path, "wb");
  if (!out)
    {
      saved = errno;
      sqlite3_blob_close (blob);
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_IO,
                   _("Could not write “%s”: %s"), dest_name, g_strerror (saved));
      return FALSE;
    }
  size = sqlite3_blob_bytes (blob);
  chunk = g_malloc (MODEL_CHUNK);
  for (int offset = 0; rc == SQLITE_OK && offset < size && saved == 0; offset += MODEL_CHUNK)
    {
      int n = MIN (MODEL_CHUNK, size - offset);

      rc = sqlite3_blob_read (blob, chunk, n, offset);
      if (rc == SQLITE_OK)
        {
          g_checksum_update (checksum, chunk, n);
          if (fwrite (chunk, 1, (size_t) n, out) != (size_t) n)
            saved = errno;
        }
    }
  sqlite3_blob_close (blob);
  if (fclose (out) != 0 && saved == 0)
    saved = errno;

  if (rc != SQLITE_OK)
    lt_project_set_sqlite_error (error, self->display_name, self->db, rc, _("read"));
  else if (saved != 0)
    g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_IO,
                 _("Could not write “%s”: %s"), dest_name, g_strerror (saved));
  else if (g_strcmp0 (g_checksum_get_string (checksum), model->sha256) != 0)
    g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_CORRUPT,
                 _("The model embedded in “%s” does not match its recorded SHA-256"), self->display_name);
  else if (g_rename (temp_path, dest_path) != 0)
    {
      saved = errno;
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_IO,
                   _("Could not write “%s”: %s"), dest_name, g_strerror (saved));
    }
  else
    return TRUE;
  g_unlink (temp_path);
  return FALSE;
}
