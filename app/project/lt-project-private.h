/* lt-project-private.h — what the files of LtProject share: the instance
 * layout, error helpers and the schema and edit-log entry points.
 *
 * Invariants: `db` is open for the whole life of the object; when not
 * read-only, `lock_fd` holds an exclusive flock on "<path>.lock"; no
 * transaction is left open between calls.
 */
#pragma once

#include "lt-project.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cJSON, cJSON_Delete)

struct _LtProject
{
  GObject parent_instance;

  char       *path;         /* as opened, absolute */
  char       *display_name; /* for messages */
  sqlite3    *db;
  int         lock_fd; /* -1 when read-only */
  gboolean    read_only;
  gint64      last_edit_id;    /* last edit-log row committed by this object */
  gint64      pending_edit_id; /* edit-log row of the transaction in progress */
  GHashTable *statements;      /* SQL text → prepared statement kept for reuse */
};

/* Sets *error from an SQLite result code: FULL, CORRUPT, READ_ONLY, LOCKED
 * or IO, with a message naming the file and saying what failed (`doing` is
 * translated, e.g. _("save")). */
void lt_project_set_sqlite_error (GError    **error,
                                  const char *display_name,
                                  sqlite3    *db,
                                  int         rc,
                                  const char *doing);

/* Runs SQL without results; on failure sets *error through
 * lt_project_set_sqlite_error. */
gboolean lt_project_exec (LtProject  *self,
                          const char *sql,
                          GError    **error);

/* Prepares one statement, or sets *error and returns NULL. */
sqlite3_stmt *lt_project_prepare (LtProject  *self,
                                  const char *sql,
                                  GError    **error);

/* A statement prepared once and kept by the project (for those run once
 * per row of an edit).  Never finalize it: lt_project_release resets it. */
sqlite3_stmt *lt_project_prepare_cached (LtProject  *self,
                                         const char *sql,
                                         GError    **error);

/* Done with a statement: resets a cached one, finalizes any other. */
void lt_project_release (LtProject    *self,
                         sqlite3_stmt *stmt);

/* Steps a statement that returns no row; resets it. */
gboolean lt_project_step_done (LtProject    *self,
                               sqlite3_stmt *stmt,
                               const char   *doing,
                               GError      **error);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  Commit rolls back on failure, so no
 * transaction stays open and the file is as before the change. */
gboolean lt_project_begin (LtProject *self,
                           GError   **error);
gboolean lt_project_commit (LtProject *self,
                            GError   **error);
void     lt_project_rollback (LtProject *self);

/* Refuses a change on a project opened read-only. */
gboolean lt_project_check_writable (LtProject *self,
                                    GError   **error);

/* The current UTC time as ISO 8601 ("2026-11-24T20:44:30Z"). */
char *lt_project_now (void);

/* lt-project-schema.c: creates the schema in an empty database (application
 * id, every migration, user_version). */
gboolean lt_project_schema_create (sqlite3    *db,
                                   const char *display_name,
                                   GError    **error);
/* Checks an opened database: quick_check, application_id, user_version;
 * migrates an older schema unless `read_only`. */
gboolean lt_project_schema_check (sqlite3    *db,
                                  const char *display_name,
                                  gboolean    read_only,
                                  GError    **error);

/* lt-project-edits.c: records one edit.  `after` is a state fragment (see
 * lt-project-edits.c) that is applied; its before state is read first.
 * Takes ownership of `after`.  Emits `changed`. */
gboolean lt_project_edit (LtProject  *self,
                          const char *kind,
                          cJSON      *after,
                          GError    **error);

/* Builds the JSON of one encoding, and reads it back (INVALID naming the
 * tensor on a malformed value). */
cJSON             *lt_project_encoding_to_json (const LtProjectEncoding *encoding);
LtProjectEncoding *lt_project_encoding_from_json (const cJSON     *json,
                                                  const char      *tensor,
                                                  LtProjectSection section,
                                                  GError         **error);

/* Packs scale and offset arrays into little-endian BLOB bytes, and back. */
GBytes  *lt_project_pack_f32 (const float *values,
                              guint        n);
GBytes  *lt_project_pack_i32 (const gint32 *values,
                              guint         n);
gboolean lt_project_unpack_f32 (const void *blob,
                                int         n_bytes,
                                float      *out,
                                guint       n);
gboolean lt_project_unpack_i32 (const void *blob,
                                int         n_bytes,
                                gint32     *out,
                                guint       n);

char *lt_project_column_dup (sqlite3_stmt *stmt,
                             int           column);

/* Reads one row into a new object, or sets *error and returns NULL. */
typedef gpointer (*LtProjectRowReader) (LtProject    *self,
                                        sqlite3_stmt *stmt,
                                        GError      **error);

/* Steps `stmt` to its end, reading each row; always releases it.  NULL
 * with *error on failure. */
GPtrArray *lt_project_collect_rows (LtProject         *self,
                                    sqlite3_stmt      *stmt,
                                    LtProjectRowReader read,
                                    GDestroyNotify     free_func,
                                    GError           **error);
/* The first row, or NULL: with *error set on failure, without when there is
 * no row. */
gpointer lt_project_collect_one (LtProject         *self,
                                 sqlite3_stmt      *stmt,
                                 LtProjectRowReader read,
                                 GDestroyNotify     free_func,
                                 GError           **error);

/* Ends the change begun with lt_project_begin: rolls back when !ok, else
 * commits and emits `changed (kind, subjects)`.  FALSE when not committed. */
gboolean lt_project_finish_change (LtProject         *self,
                                   gboolean           ok,
                                   const char        *kind,
                                   const char *const *subjects,
                                   GError           **error);

G_END_DECLS
