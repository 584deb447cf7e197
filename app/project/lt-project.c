/* lt-project.c — LtProject: opening and creating project files, the
 * model, reading encodings and placements, and the measurements (calibration
 * runs, analysis and profile results, export history).
 *
 * Invariants: a project is opened only after the file was checked
 * (lt_project_schema_check); a writable project holds an exclusive flock on
 * "<path>.lock" for its whole life, so a second instance is refused while
 * the first runs and a crashed one leaves no stale lock (the kernel drops
 * it).  Each public change is one transaction; on failure it is rolled back
 * and the file is as it was.  Edits live in lt-project-edits.c.
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

G_DEFINE_QUARK (lt-project-error-quark, lt_project_error)
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
  sqlite3_close_v2 (self->db);
  if (self->lock_fd >= 0)
    {
      g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);

      g_unlink (lock_path); /* while still locked: see take_lock */
      close (self->lock_fd);  /* drops the flock */
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
lt_project_init (LtProject *self)
{
  self->lock_fd = -1;
}

void
lt_project_emit_changed (LtProject         *self,
                         const char        *kind,
                         const char *const *subjects)
{
  static const char *const none[] = { NULL };

  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, kind, subjects ? subjects : none);
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

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
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
      if (fstat (self->lock_fd, &held) == 0 && g_stat (lock_path, &named) == 0
          && held.st_ino == named.st_ino && held.st_dev == named.st_dev)
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

  self->db = open_database (self->path, self->display_name,
                            self->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, error);
  if (!self->db || !lt_project_schema_check (self->db, self->display_name, self->read_only, error))
    return NULL;
  if (!self->read_only
      && (!lt_project_exec (self, "PRAGMA synchronous = NORMAL", error)
          || !lt_project_exec (self, "PRAGMA journal_mode = WAL", error)))
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
  g_autofree char *model_name = g_filename_display_name (model_path);
  g_autofree char *absolute = g_canonicalize_filename (model_path, NULL);
  g_autofree guint8 *chunk = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3_blob *blob = NULL;
  GStatBuf      st;
  FILE         *file;
  gint64        offset = 0;
  int           rc;

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
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID,
                   _("The model “%s” is too large to embed in a project (%" G_GINT64_FORMAT " bytes)"),
                   model_name, (gint64) st.st_size);
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
  sqlite3 *db;
  gboolean ok;

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

/* Finishes a SELECT loop: TRUE when it ran to the end. */
static gboolean
finish_rows (LtProject    *self,
             sqlite3_stmt *stmt,
             int           rc,
             GError      **error)
{
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      lt_project_set_sqlite_error (error, self->display_name, self->db, rc, _("read"));
      return FALSE;
    }
  return TRUE;
}

/* ---- model ---------------------------------------------------------------- */

LtProjectModel *
lt_project_get_model (LtProject *self,
                      GError   **error)
{
  sqlite3_stmt   *stmt = lt_project_prepare (self, "SELECT path, sha256, size, data IS NOT NULL FROM model WHERE id = 1", error);
  LtProjectModel *model = NULL;
  int             rc;

  if (!stmt)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      model = g_new0 (LtProjectModel, 1);
      model->path = column_dup (stmt, 0);
      model->sha256 = column_dup (stmt, 1);
      model->size = (guint64) sqlite3_column_int64 (stmt, 2);
      model->embedded = sqlite3_column_int (stmt, 3);
      rc = SQLITE_DONE;
    }
  else if (rc == SQLITE_DONE)
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID,
                   _("“%s” records no model"), self->display_name);
      sqlite3_finalize (stmt);
      return NULL;
    }
  if (!finish_rows (self, stmt, rc, error))
    g_clear_pointer (&model, lt_project_model_free);
  return model;
}

gboolean
lt_project_extract_model (LtProject  *self,
                          const char *dest_path,
                          GError    **error)
{
  g_autoptr (LtProjectModel) model = lt_project_get_model (self, error);
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *temp_path = g_strconcat (dest_path, ".part", NULL);
  g_autofree char *dest_name = g_filename_display_name (dest_path);
  g_autofree guint8 *chunk = NULL;
  sqlite3_blob *blob = NULL;
  FILE         *out;
  int           size, rc, saved = 0;

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

/* ---- encodings and placements (reading) ---------------------------------- */

#define ENCODING_COLUMNS "tensor, section, is_float, bitwidth, granularity, axis, block_size, symmetric, scale, offset"

static LtProjectEncoding *
encoding_from_row (LtProject    *self,
                   sqlite3_stmt *stmt,
                   GError      **error)
{
  const char *tensor = (const char *) sqlite3_column_text (stmt, 0);
  int         section = sqlite3_column_int (stmt, 1);
  int         granularity = sqlite3_column_int (stmt, 4);
  int         scale_bytes = sqlite3_column_bytes (stmt, 8);
  guint       n = (guint) MAX (scale_bytes, 0) / sizeof (float);
  g_autoptr (LtProjectEncoding) encoding = NULL;

  if (section < LT_PROJECT_SECTION_ACTIVATION || section > LT_PROJECT_SECTION_PARAM
      || granularity < LT_PROJECT_GRANULARITY_PER_TENSOR || granularity > LT_PROJECT_GRANULARITY_PER_BLOCK)
    goto invalid;
  encoding = lt_project_encoding_new (tensor, (LtProjectSection) section, n);
  encoding->is_float = sqlite3_column_int (stmt, 2);
  encoding->bitwidth = (guint) sqlite3_column_int (stmt, 3);
  encoding->granularity = (LtProjectGranularity) granularity;
  encoding->axis = sqlite3_column_int (stmt, 5);
  encoding->block_size = (guint) sqlite3_column_int (stmt, 6);
  encoding->symmetric = sqlite3_column_int (stmt, 7);
  if (n == 0
      || !lt_project_unpack_f32 (sqlite3_column_blob (stmt, 8), scale_bytes, encoding->scale, n)
      || !lt_project_unpack_i32 (sqlite3_column_blob (stmt, 9), sqlite3_column_bytes (stmt, 9), encoding->offset, n))
    goto invalid;
  return g_steal_pointer (&encoding);

invalid:
  g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_CORRUPT,
               _("“%s” holds a malformed encoding for tensor “%s”"), self->display_name, tensor);
  return NULL;
}

LtProjectEncoding *
lt_project_get_encoding (LtProject       *self,
                         const char      *tensor,
                         LtProjectSection section,
                         GError         **error)
{
  sqlite3_stmt      *stmt = lt_project_prepare (self, "SELECT " ENCODING_COLUMNS " FROM encodings WHERE tensor = ? AND section = ?", error);
  LtProjectEncoding *encoding = NULL;
  int                rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, tensor, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, section);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      encoding = encoding_from_row (self, stmt, error);
      sqlite3_finalize (stmt);
      return encoding;
    }
  finish_rows (self, stmt, rc, error);
  return NULL;
}

GPtrArray *
lt_project_list_encodings (LtProject *self,
                           GError   **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_encoding_free);
  sqlite3_stmt *stmt = lt_project_prepare (self, "SELECT " ENCODING_COLUMNS " FROM encodings ORDER BY section, tensor", error);
  int           rc;

  if (!stmt)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LtProjectEncoding *encoding = encoding_from_row (self, stmt, error);

      if (!encoding)
        {
          sqlite3_finalize (stmt);
          return NULL;
        }
      g_ptr_array_add (list, encoding);
    }
  return finish_rows (self, stmt, rc, error) ? g_steal_pointer (&list) : NULL;
}

LtProjectPlacement *
lt_project_get_placement (LtProject  *self,
                          const char *node,
                          GError    **error)
{
  sqlite3_stmt       *stmt = lt_project_prepare (self, "SELECT node, backend, pinned FROM placements WHERE node = ?", error);
  LtProjectPlacement *placement = NULL;
  int                 rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, node, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      placement = lt_project_placement_new ((const char *) sqlite3_column_text (stmt, 0),
                                            (const char *) sqlite3_column_text (stmt, 1), sqlite3_column_int (stmt, 2));
      rc = SQLITE_DONE;
    }
  finish_rows (self, stmt, rc, error);
  return placement;
}

GPtrArray *
lt_project_list_placements (LtProject *self,
                            GError   **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_placement_free);
  sqlite3_stmt *stmt = lt_project_prepare (self, "SELECT node, backend, pinned FROM placements ORDER BY node", error);
  int           rc;

  if (!stmt)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, lt_project_placement_new ((const char *) sqlite3_column_text (stmt, 0),
                                                     (const char *) sqlite3_column_text (stmt, 1),
                                                     sqlite3_column_int (stmt, 2)));
  return finish_rows (self, stmt, rc, error) ? g_steal_pointer (&list) : NULL;
}

char *
lt_project_get_backend_config (LtProject *self,
                               GError   **error)
{
  sqlite3_stmt *stmt = lt_project_prepare (self, "SELECT value FROM settings WHERE key = 'backend_config'", error);
  char         *json = NULL;
  int           rc;

  if (!stmt)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      json = column_dup (stmt, 0);
      rc = SQLITE_DONE;
    }
  finish_rows (self, stmt, rc, error);
  return json;
}

/* ---- measurements --------------------------------------------------------- */

gboolean
lt_project_add_calibration (LtProject                   *self,
                            const LtProjectCalibration  *run,
                            const LtProjectTensorStats **stats,
                            guint                        n_stats,
                            gint64                      *id,
                            GError                     **error)
{
  g_autofree char *date = lt_project_now ();
  sqlite3_stmt    *insert_run = NULL, *insert_stats = NULL;
  gint64           run_id;
  gboolean         ok;

  if (!lt_project_begin (self, error))
    return FALSE;
  insert_run = lt_project_prepare (self, "INSERT INTO calibration_runs (dataset, method, options, date) VALUES (?, ?, ?, ?)", error);
  insert_stats = insert_run ? lt_project_prepare (self, "INSERT INTO tensor_stats VALUES (?, ?, ?, ?, ?, ?, ?)", error) : NULL;
  ok = insert_stats != NULL;
  if (ok)
    {
      sqlite3_bind_text (insert_run, 1, run->dataset ? run->dataset : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_run, 2, run->method ? run->method : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_run, 3, run->options ? run->options : "{}", -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_run, 4, date, -1, SQLITE_STATIC);
      ok = lt_project_step_done (self, insert_run, _("save"), error);
    }
  run_id = sqlite3_last_insert_rowid (self->db);
  for (guint i = 0; ok && i < n_stats; i++)
    {
      g_autofree guint64 *bins = g_new (guint64, stats[i]->n_bins);

      for (guint b = 0; b < stats[i]->n_bins; b++)
        bins[b] = GUINT64_TO_LE (stats[i]->bins[b]);
      sqlite3_bind_int64 (insert_stats, 1, run_id);
      sqlite3_bind_text (insert_stats, 2, stats[i]->tensor, -1, SQLITE_STATIC);
      sqlite3_bind_double (insert_stats, 3, stats[i]->min);
      sqlite3_bind_double (insert_stats, 4, stats[i]->max);
      sqlite3_bind_double (insert_stats, 5, stats[i]->hist_min);
      sqlite3_bind_double (insert_stats, 6, stats[i]->hist_max);
      sqlite3_bind_blob (insert_stats, 7, bins, (int) (sizeof (guint64) * stats[i]->n_bins), SQLITE_STATIC);
      ok = lt_project_step_done (self, insert_stats, _("save"), error);
    }
  sqlite3_finalize (insert_run);
  sqlite3_finalize (insert_stats);
  if (!ok)
    {
      lt_project_rollback (self);
      return FALSE;
    }
  if (!lt_project_commit (self, error))
    return FALSE;
  if (id)
    *id = run_id;
  lt_project_emit_changed (self, "calibration", NULL);
  return TRUE;
}

GPtrArray *
lt_project_list_calibrations (LtProject *self,
                              GError   **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_calibration_free);
  sqlite3_stmt *stmt = lt_project_prepare (self, "SELECT id, dataset, method, options, date FROM calibration_runs ORDER BY id", error);
  int           rc;

  if (!stmt)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LtProjectCalibration *run = g_new0 (LtProjectCalibration, 1);

      run->id = sqlite3_column_int64 (stmt, 0);
      run->dataset = column_dup (stmt, 1);
      run->method = column_dup (stmt, 2);
      run->options = column_dup (stmt, 3);
      run->date = column_dup (stmt, 4);
      g_ptr_array_add (list, run);
    }
  return finish_rows (self, stmt, rc, error) ? g_steal_pointer (&list) : NULL;
}

GPtrArray *
lt_project_get_statistics (LtProject *self,
                           gint64     run_id,
                           GError   **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_tensor_stats_free);
  sqlite3_stmt *stmt = lt_project_prepare (self, "SELECT tensor, min, max, hist_min, hist_max, bins FROM tensor_stats WHERE run_id = ? ORDER BY tensor", error);
  int           rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const guint8         *blob = sqlite3_column_blob (stmt, 5);
      int                   n_bytes = sqlite3_column_bytes (stmt, 5);
      LtProjectTensorStats *stats;

      if (n_bytes % sizeof (guint64) != 0)
        {
          g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_CORRUPT,
                       _("“%s” holds a malformed histogram for tensor “%s”"), self->display_name, sqlite3_column_text (stmt, 0));
          sqlite3_finalize (stmt);
          return NULL;
        }
      stats = lt_project_tensor_stats_new ((const char *) sqlite3_column_text (stmt, 0), (guint) (n_bytes / sizeof (guint64)));
      stats->min = sqlite3_column_double (stmt, 1);
      stats->max = sqlite3_column_double (stmt, 2);
      stats->hist_min = sqlite3_column_double (stmt, 3);
      stats->hist_max = sqlite3_column_double (stmt, 4);
      for (guint b = 0; b < stats->n_bins; b++)
        {
          guint64 word;

          memcpy (&word, blob + sizeof word * b, sizeof word);
          stats->bins[b] = GUINT64_FROM_LE (word);
        }
      g_ptr_array_add (list, stats);
    }
  return finish_rows (self, stmt, rc, error) ? g_steal_pointer (&list) : NULL;
}

static const char *
results_kind_name (LtProjectResultsKind kind)
{
  return kind == LT_PROJECT_RESULTS_PROFILE ? "profile" : "analysis";
}

gboolean
lt_project_add_results (LtProject              *self,
                        LtProjectResultsKind    kind,
                        const char             *label,
                        const LtProjectMetric **metrics,
                        guint                   n_metrics,
                        gint64                 *id,
                        GError                **error)
{
  g_autofree char *date = lt_project_now ();
  sqlite3_stmt    *insert_run = NULL, *insert_value = NULL;
  gint64           run_id;
  gboolean         ok;

  if (!lt_project_begin (self, error))
    return FALSE;
  insert_run = lt_project_prepare (self, "INSERT INTO result_runs (kind, label, date) VALUES (?, ?, ?)", error);
  insert_value = insert_run ? lt_project_prepare (self, "INSERT OR REPLACE INTO result_values VALUES (?, ?, ?, ?)", error) : NULL;
  ok = insert_value != NULL;
  if (ok)
    {
      sqlite3_bind_text (insert_run, 1, results_kind_name (kind), -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_run, 2, label ? label : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_run, 3, date, -1, SQLITE_STATIC);
      ok = lt_project_step_done (self, insert_run, _("save"), error);
    }
  run_id = sqlite3_last_insert_rowid (self->db);
  for (guint i = 0; ok && i < n_metrics; i++)
    {
      sqlite3_bind_int64 (insert_value, 1, run_id);
      sqlite3_bind_text (insert_value, 2, metrics[i]->subject, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_value, 3, metrics[i]->metric, -1, SQLITE_STATIC);
      sqlite3_bind_double (insert_value, 4, metrics[i]->value);
      ok = lt_project_step_done (self, insert_value, _("save"), error);
    }
  sqlite3_finalize (insert_run);
  sqlite3_finalize (insert_value);
  if (!ok)
    {
      lt_project_rollback (self);
      return FALSE;
    }
  if (!lt_project_commit (self, error))
    return FALSE;
  if (id)
    *id = run_id;
  lt_project_emit_changed (self, results_kind_name (kind), NULL);
  return TRUE;
}

GPtrArray *
lt_project_get_latest_results (LtProject           *self,
                               LtProjectResultsKind kind,
                               GError             **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_metric_free);
  sqlite3_stmt *stmt = lt_project_prepare (self,
                                           "SELECT subject, metric, value FROM result_values WHERE run_id ="
                                           " (SELECT max(id) FROM result_runs WHERE kind = ?) ORDER BY subject, metric",
                                           error);
  int           rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, results_kind_name (kind), -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LtProjectMetric *metric = g_new0 (LtProjectMetric, 1);

      metric->subject = column_dup (stmt, 0);
      metric->metric = column_dup (stmt, 1);
      metric->value = sqlite3_column_double (stmt, 2);
      g_ptr_array_add (list, metric);
    }
  return finish_rows (self, stmt, rc, error) ? g_steal_pointer (&list) : NULL;
}

gboolean
lt_project_add_export (LtProject  *self,
                       const char *destination,
                       const char *sha256,
                       GError    **error)
{
  g_autofree char *date = lt_project_now ();
  const char      *subjects[] = { destination, NULL };
  sqlite3_stmt    *stmt;
  gboolean         ok;

  if (!lt_project_begin (self, error))
    return FALSE;
  stmt = lt_project_prepare (self, "INSERT INTO exports (date, destination, sha256) VALUES (?, ?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, date, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, destination, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, sha256, -1, SQLITE_STATIC);
      ok = lt_project_step_done (self, stmt, _("save"), error);
    }
  sqlite3_finalize (stmt);
  if (!ok)
    {
      lt_project_rollback (self);
      return FALSE;
    }
  if (!lt_project_commit (self, error))
    return FALSE;
  lt_project_emit_changed (self, "export", subjects);
  return TRUE;
}

GPtrArray *
lt_project_list_exports (LtProject *self,
                         GError   **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_export_free);
  sqlite3_stmt *stmt = lt_project_prepare (self, "SELECT id, date, destination, sha256 FROM exports ORDER BY id", error);
  int           rc;

  if (!stmt)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LtProjectExport *export_ = g_new0 (LtProjectExport, 1);

      export_->id = sqlite3_column_int64 (stmt, 0);
      export_->date = column_dup (stmt, 1);
      export_->destination = column_dup (stmt, 2);
      export_->sha256 = column_dup (stmt, 3);
      g_ptr_array_add (list, export_);
    }
  return finish_rows (self, stmt, rc, error) ? g_steal_pointer (&list) : NULL;
}
