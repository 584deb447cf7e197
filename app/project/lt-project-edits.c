/* lt-project-edits.c — the editable part of a project (encodings,
 * placements, backend configuration) and its edit log: undo, redo, audit.
 *
 * An edit is described by a state fragment, a JSON object whose members list
 * rows by key with their whole value, null meaning "absent":
 *
 *   { "encodings":  [ { "tensor": "conv3_out", "section": "activation",
 *                       "value": { "dtype": "int", "bw": 16, … } | null } ],
 *     "placements": [ { "node": "conv3", "value": { "backend": "gpu",
 *                       "pinned": true } | null } ],
 *     "settings":   [ { "key": "backend_config", "value": "{…}" | null } ] }
 *
 * Making an edit reads the fragment of the same keys as they are (before),
 * applies the new one (after) and appends both to edit_log, in one
 * transaction.  Undo applies the before of the latest applied edit, redo
 * the after of the earliest undone one; both are appended to the log too.
 *
 * Invariants: every applied edit has a smaller id than every undone one, so
 * the log is a stack with a redo cursor; a new edit marks the undone ones
 * dropped (they stay in the log, but cannot be redone).  Rows of edit_log are
 * never deleted and their before and after never change; only `state` moves.
 */
#include "config.h"

#include "lt-project-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* ---- reading and applying fragments -------------------------------------- */

static gboolean
parse_section (const cJSON      *item,
               LtProjectSection *section)
{
  const cJSON *json = cJSON_GetObjectItemCaseSensitive (item, "section");

  if (!cJSON_IsString (json))
    return FALSE;
  if (strcmp (json->valuestring, "param") == 0)
    *section = LT_PROJECT_SECTION_PARAM;
  else if (strcmp (json->valuestring, "activation") == 0)
    *section = LT_PROJECT_SECTION_ACTIVATION;
  else
    return FALSE;
  return TRUE;
}

static const char *
item_string (const cJSON *item,
             const char  *member)
{
  const cJSON *json = cJSON_GetObjectItemCaseSensitive (item, member);

  return cJSON_IsString (json) ? json->valuestring : NULL;
}

static gboolean
malformed (LtProject *self,
           GError   **error)
{
  g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_CORRUPT,
               _("“%s” holds a malformed edit-log entry"), self->display_name);
  return FALSE;
}

static gboolean
apply_encoding (LtProject   *self,
                const cJSON *item,
                GError     **error)
{
  const char      *tensor = item_string (item, "tensor");
  const cJSON     *value = cJSON_GetObjectItemCaseSensitive (item, "value");
  LtProjectSection section;
  sqlite3_stmt    *stmt;

  if (!tensor || !parse_section (item, &section) || !value)
    return malformed (self, error);
  if (cJSON_IsNull (value))
    {
      stmt = lt_project_prepare_cached (self, "DELETE FROM encodings WHERE tensor = ? AND section = ?", error);
      if (!stmt)
        return FALSE;
      sqlite3_bind_text (stmt, 1, tensor, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, section);
    }
  else
    {
      g_autoptr (LtProjectEncoding) encoding = lt_project_encoding_from_json (value, tensor, section, error);
      g_autoptr (GBytes) scale = NULL;
      g_autoptr (GBytes) offset = NULL;

      if (!encoding)
        return FALSE;
      stmt = lt_project_prepare_cached (self, "INSERT OR REPLACE INTO encodings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
      if (!stmt)
        return FALSE;
      scale = lt_project_pack_f32 (encoding->scale, encoding->n_values);
      offset = lt_project_pack_i32 (encoding->offset, encoding->n_values);
      sqlite3_bind_text (stmt, 1, tensor, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, section);
      sqlite3_bind_int (stmt, 3, encoding->is_float);
      sqlite3_bind_int (stmt, 4, (int) encoding->bitwidth);
      sqlite3_bind_int (stmt, 5, encoding->granularity);
      sqlite3_bind_int (stmt, 6, encoding->axis);
      sqlite3_bind_int (stmt, 7, (int) encoding->block_size);
      sqlite3_bind_int (stmt, 8, encoding->symmetric);
      sqlite3_bind_blob (stmt, 9, g_bytes_get_data (scale, NULL), (int) g_bytes_get_size (scale), SQLITE_TRANSIENT);
      sqlite3_bind_blob (stmt, 10, g_bytes_get_data (offset, NULL), (int) g_bytes_get_size (offset), SQLITE_TRANSIENT);
    }
  return lt_project_step_done (self, stmt, _("save"), error); /* resets the cached statement */
}

static gboolean
apply_placement (LtProject   *self,
                 const cJSON *item,
                 GError     **error)
{
  const char   *node = item_string (item, "node");
  const cJSON  *value = cJSON_GetObjectItemCaseSensitive (item, "value");
  sqlite3_stmt *stmt;

  if (!node || !value)
    return malformed (self, error);
  if (cJSON_IsNull (value))
    {
      stmt = lt_project_prepare_cached (self, "DELETE FROM placements WHERE node = ?", error);
      if (!stmt)
        return FALSE;
    }
  else
    {
      const char *backend = item_string (value, "backend");

      if (!backend)
        return malformed (self, error);
      stmt = lt_project_prepare_cached (self, "INSERT OR REPLACE INTO placements VALUES (?, ?, ?)", error);
      if (!stmt)
        return FALSE;
      sqlite3_bind_text (stmt, 2, backend, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (value, "pinned")));
    }
  sqlite3_bind_text (stmt, 1, node, -1, SQLITE_STATIC);
  return lt_project_step_done (self, stmt, _("save"), error); /* resets the cached statement */
}

static gboolean
apply_setting (LtProject   *self,
               const cJSON *item,
               GError     **error)
{
  const char   *key = item_string (item, "key");
  const cJSON  *value = cJSON_GetObjectItemCaseSensitive (item, "value");
  sqlite3_stmt *stmt;
  gboolean      ok;

  if (!key || !(cJSON_IsNull (value) || cJSON_IsString (value)))
    return malformed (self, error);
  stmt = lt_project_prepare (self, cJSON_IsNull (value) ? "DELETE FROM settings WHERE key = ?1" : "INSERT OR REPLACE INTO settings VALUES (?1, ?2)",
                             error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (cJSON_IsString (value))
    sqlite3_bind_text (stmt, 2, value->valuestring, -1, SQLITE_STATIC);
  ok = lt_project_step_done (self, stmt, _("save"), error);
  sqlite3_finalize (stmt);
  return ok;
}

typedef gboolean (*ApplyItem) (LtProject   *self,
                               const cJSON *item,
                               GError     **error);

static const struct
{
  const char *member;
  const char *key; /* the member naming the row: a subject of the edit */
  ApplyItem   apply;
} fragment_parts[] = {
  { "encodings", "tensor", apply_encoding },
  { "placements", "node", apply_placement },
  { "settings", "key", apply_setting },
};

static gboolean
apply_fragment (LtProject   *self,
                const cJSON *fragment,
                GError     **error)
{
  if (!cJSON_IsObject (fragment))
    return malformed (self, error);
  for (guint p = 0; p < G_N_ELEMENTS (fragment_parts); p++)
    {
      const cJSON *items = cJSON_GetObjectItemCaseSensitive (fragment, fragment_parts[p].member);
      const cJSON *item;

      if (items && !cJSON_IsArray (items))
        return malformed (self, error);
      cJSON_ArrayForEach (item, items) if (!fragment_parts[p].apply (self, item, error)) return FALSE;
    }
  return TRUE;
}

/* The names a fragment touches, for the log and the `changed` signal. */
static char **
fragment_subjects (const cJSON *fragment)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint p = 0; p < G_N_ELEMENTS (fragment_parts); p++)
    {
      const cJSON *item;

      cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive (fragment, fragment_parts[p].member))
      {
        const char *name = item_string (item, fragment_parts[p].key);

        if (name)
          g_strv_builder_add (builder, name);
      }
    }
  return g_strv_builder_end (builder);
}

/* Appends `entry` to the array `member` of a fragment, creating it. */
static void
add_to_part (cJSON      *fragment,
             const char *member,
             cJSON      *entry)
{
  cJSON *items = cJSON_GetObjectItemCaseSensitive (fragment, member);

  if (!items)
    items = cJSON_AddArrayToObject (fragment, member);
  cJSON_AddItemToArray (items, entry);
}

/* The current value of each row named in `after`, as a fragment. */
static cJSON *
capture_before (LtProject   *self,
                const cJSON *after,
                GError     **error)
{
  g_autoptr (cJSON) before = cJSON_CreateObject ();
  const cJSON *item;

  cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive (after, "encodings"))
  {
    const char      *tensor = item_string (item, "tensor");
    LtProjectSection section = LT_PROJECT_SECTION_ACTIVATION;
    g_autoptr (GError) local_error = NULL;
    g_autoptr (LtProjectEncoding) encoding = NULL;
    cJSON *entry;

    parse_section (item, &section);
    encoding = lt_project_get_encoding (self, tensor, section, &local_error);
    if (local_error)
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return NULL;
      }
    entry = cJSON_CreateObject ();
    cJSON_AddStringToObject (entry, "tensor", tensor);
    cJSON_AddStringToObject (entry, "section", lt_project_section_to_string (section));
    cJSON_AddItemToObject (entry, "value", encoding ? lt_project_encoding_to_json (encoding) : cJSON_CreateNull ());
    add_to_part (before, "encodings", entry);
  }
  cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive (after, "placements"))
  {
    const char *node = item_string (item, "node");
    g_autoptr (GError) local_error = NULL;
    g_autoptr (LtProjectPlacement) placement = lt_project_get_placement (self, node, &local_error);
    cJSON *entry, *value = cJSON_CreateNull ();

    if (local_error)
      {
        cJSON_Delete (value);
        g_propagate_error (error, g_steal_pointer (&local_error));
        return NULL;
      }
    if (placement)
      {
        cJSON_Delete (value);
        value = cJSON_CreateObject ();
        cJSON_AddStringToObject (value, "backend", placement->backend);
        cJSON_AddBoolToObject (value, "pinned", placement->pinned);
      }
    entry = cJSON_CreateObject ();
    cJSON_AddStringToObject (entry, "node", node);
    cJSON_AddItemToObject (entry, "value", value);
    add_to_part (before, "placements", entry);
  }
  cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive (after, "settings"))
  {
    g_autoptr (GError) local_error = NULL;
    g_autofree char *config = lt_project_get_backend_config (self, &local_error);
    cJSON           *entry;

    if (local_error)
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return NULL;
      }
    entry = cJSON_CreateObject ();
    cJSON_AddStringToObject (entry, "key", "backend_config");
    cJSON_AddItemToObject (entry, "value", config ? cJSON_CreateString (config) : cJSON_CreateNull ());
    add_to_part (before, "settings", entry);
  }
  return g_steal_pointer (&before);
}

/* ---- the log -------------------------------------------------------------- */

/* Appends one row to edit_log. */
static gboolean
append_log (LtProject         *self,
            const char        *action,
            const char        *kind,
            const char *const *subjects,
            const char        *before,
            const char        *after,
            gint64             target,
            LtProjectEditState state,
            GError           **error)
{
  g_autofree char *time = lt_project_now ();
  g_autoptr (cJSON) subject_list = cJSON_CreateStringArray ((const char **) subjects, (int) g_strv_length ((char **) subjects));
  g_autofree char *subjects_json = cJSON_PrintUnformatted (subject_list);
  sqlite3_stmt    *stmt;
  gboolean         ok;

  stmt = lt_project_prepare (self,
                             "INSERT INTO edit_log (time, user, action, kind, subjects, before, after, target, state)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, time, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, g_get_user_name (), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, subjects_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, before, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, after, -1, SQLITE_STATIC);
  if (target > 0)
    sqlite3_bind_int64 (stmt, 8, target);
  sqlite3_bind_int (stmt, 9, state);
  ok = lt_project_step_done (self, stmt, _("save"), error);
  sqlite3_finalize (stmt);
  if (ok)
    self->pending_edit_id = sqlite3_last_insert_rowid (self->db);
  return ok;
}

gboolean
lt_project_edit (LtProject  *self,
                 const char *kind,
                 cJSON      *after_fragment,
                 GError    **error)
{
  g_autoptr (cJSON) after = after_fragment;
  g_autoptr (cJSON) before = NULL;
  g_auto (GStrv) subjects = fragment_subjects (after);
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = cJSON_PrintUnformatted (after);
  gboolean         ok;

  if (!lt_project_begin (self, error))
    return FALSE;
  before = capture_before (self, after, error);
  ok = before != NULL;
  if (ok)
    before_text = cJSON_PrintUnformatted (before);
  ok = ok && apply_fragment (self, after, error);
  /* a new edit drops the redo branch */
  ok = ok && lt_project_exec (self, "UPDATE edit_log SET state = 2 WHERE state = 1", error);
  ok = ok && append_log (self, "edit", kind, (const char *const *) subjects, before_text, after_text, 0,
                         LT_PROJECT_EDIT_STATE_APPLIED, error);
  return lt_project_finish_change (self, ok, kind, (const char *const *) subjects, error);
}

/* Undo (`undo` TRUE) or redo: moves the cursor by one edit. */
static gboolean
step (LtProject *self,
      gboolean   undo,
      GError   **error)
{
  const char      *sql = undo ? "SELECT id, kind, before, after FROM edit_log WHERE state = 0 ORDER BY id DESC LIMIT 1"
                              : "SELECT id, kind, before, after FROM edit_log WHERE state = 1 ORDER BY id ASC LIMIT 1";
  g_autofree char *kind = NULL;
  g_autofree char *apply_text = NULL;
  g_autofree char *reverse_text = NULL;
  g_autoptr (cJSON) fragment = NULL;
  g_auto (GStrv) subjects = NULL;
  g_autofree char *update = NULL;
  sqlite3_stmt    *stmt;
  gint64           target;
  int              rc;
  gboolean         ok;

  if (!lt_project_begin (self, error))
    return FALSE;
  stmt = lt_project_prepare (self, sql, error);
  if (!stmt)
    {
      lt_project_rollback (self);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      target = sqlite3_column_int64 (stmt, 0);
      kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      apply_text = g_strdup ((const char *) sqlite3_column_text (stmt, undo ? 2 : 3));
      reverse_text = g_strdup ((const char *) sqlite3_column_text (stmt, undo ? 3 : 2));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      lt_project_rollback (self);
      if (rc == SQLITE_DONE)
        g_set_error (error, LT_PROJECT_ERROR, undo ? LT_PROJECT_ERROR_NOTHING_TO_UNDO : LT_PROJECT_ERROR_NOTHING_TO_REDO,
                     undo ? _("“%s”: nothing to undo") : _("“%s”: nothing to redo"), self->display_name);
      else
        lt_project_set_sqlite_error (error, self->display_name, self->db, rc, _("read"));
      return FALSE;
    }

  fragment = cJSON_Parse (apply_text ? apply_text : "");
  subjects = fragment_subjects (fragment);
  update = g_strdup_printf ("UPDATE edit_log SET state = %d WHERE id = %" G_GINT64_FORMAT,
                            undo ? LT_PROJECT_EDIT_STATE_UNDONE : LT_PROJECT_EDIT_STATE_APPLIED, target);
  ok = apply_fragment (self, fragment, error);
  ok = ok && lt_project_exec (self, update, error);
  ok = ok && append_log (self, undo ? "undo" : "redo", kind, (const char *const *) subjects, reverse_text, apply_text,
                         target, LT_PROJECT_EDIT_STATE_RECORD, error);
  return lt_project_finish_change (self, ok, kind, (const char *const *) subjects, error);
}

gboolean
lt_project_undo (LtProject *self,
                 GError   **error)
{
  g_return_val_if_fail (LT_IS_PROJECT (self), FALSE);
  return step (self, TRUE, error);
}

gboolean
lt_project_redo (LtProject *self,
                 GError   **error)
{
  g_return_val_if_fail (LT_IS_PROJECT (self), FALSE);
  return step (self, FALSE, error);
}

static gboolean
has_edit_in_state (LtProject         *self,
                   LtProjectEditState state)
{
  sqlite3_stmt *stmt = lt_project_prepare (self, "SELECT 1 FROM edit_log WHERE state = ? LIMIT 1", NULL);
  gboolean      found;

  if (!stmt)
    return FALSE;
  sqlite3_bind_int (stmt, 1, state);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

gboolean
lt_project_can_undo (LtProject *self)
{
  g_return_val_if_fail (LT_IS_PROJECT (self), FALSE);
  return !self->read_only && has_edit_in_state (self, LT_PROJECT_EDIT_STATE_APPLIED);
}

gboolean
lt_project_can_redo (LtProject *self)
{
  g_return_val_if_fail (LT_IS_PROJECT (self), FALSE);
  return !self->read_only && has_edit_in_state (self, LT_PROJECT_EDIT_STATE_UNDONE);
}

gint64
lt_project_get_last_edit_id (LtProject *self)
{
  g_return_val_if_fail (LT_IS_PROJECT (self), 0);
  return self->last_edit_id;
}

GPtrArray *
lt_project_list_edits (LtProject *self,
                       GError   **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_edit_free);
  sqlite3_stmt *stmt = lt_project_prepare (self,
                                           "SELECT id, time, user, action, kind, subjects, before, after, target, state"
                                           " FROM edit_log ORDER BY id",
                                           error);
  int           rc;

  if (!stmt)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LtProjectEdit *edit = g_new0 (LtProjectEdit, 1);
      g_autoptr (cJSON) subjects = cJSON_Parse ((const char *) sqlite3_column_text (stmt, 5));
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      const cJSON *subject;

      cJSON_ArrayForEach (subject, subjects) if (cJSON_IsString (subject))
          g_strv_builder_add (builder, subject->valuestring);
      edit->id = sqlite3_column_int64 (stmt, 0);
      edit->time = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      edit->user = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      edit->action = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      edit->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      edit->subjects = g_strv_builder_end (builder);
      edit->before = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      edit->after = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      edit->target = sqlite3_column_int64 (stmt, 8);
      edit->state = (LtProjectEditState) CLAMP (sqlite3_column_int (stmt, 9), 0, LT_PROJECT_EDIT_STATE_RECORD);
      g_ptr_array_add (list, edit);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      lt_project_set_sqlite_error (error, self->display_name, self->db, rc, _("read"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* ---- the edits ------------------------------------------------------------ */

static gboolean
invalid (GError    **error,
         const char *format,
         const char *name)
{
  g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID, format, name);
  return FALSE;
}

static gboolean
check_encoding (const LtProjectEncoding *encoding,
                GError                 **error)
{
  if (!encoding->tensor || !*encoding->tensor)
    return invalid (error, _("an encoding has no tensor name%s"), "");
  if (encoding->n_values == 0 || !encoding->scale || !encoding->offset)
    return invalid (error, _("the encoding of tensor “%s” has no scale"), encoding->tensor);
  if (encoding->bitwidth < 1 || encoding->bitwidth > 64)
    return invalid (error, _("the encoding of tensor “%s” has a bit width out of range"), encoding->tensor);
  for (guint i = 0; i < encoding->n_values; i++)
    if (!isfinite (encoding->scale[i]) || encoding->scale[i] <= 0)
      return invalid (error, _("the encoding of tensor “%s” has a scale that is not a positive finite number"), encoding->tensor);
  if ((guint) encoding->granularity > LT_PROJECT_GRANULARITY_PER_BLOCK ||
      (guint) encoding->section > LT_PROJECT_SECTION_PARAM ||
      encoding->axis < -1)
    return invalid (error, _("the encoding of tensor “%s” is malformed"), encoding->tensor);
  return TRUE;
}

gboolean
lt_project_set_encodings (LtProject                *self,
                          const char               *kind,
                          const LtProjectEncoding **encodings,
                          guint                     n_encodings,
                          GError                  **error)
{
  cJSON *after = cJSON_CreateObject ();
  cJSON *items = cJSON_AddArrayToObject (after, "encodings");

  g_return_val_if_fail (LT_IS_PROJECT (self), FALSE);
  for (guint i = 0; i < n_encodings; i++)
    {
      cJSON *item;

      if (!check_encoding (encodings[i], error))
        {
          cJSON_Delete (after);
          return FALSE;
        }
      item = cJSON_CreateObject ();
      cJSON_AddStringToObject (item, "tensor", encodings[i]->tensor);
      cJSON_AddStringToObject (item, "section", lt_project_section_to_string (encodings[i]->section));
      cJSON_AddItemToObject (item, "value", lt_project_encoding_to_json (encodings[i]));
      cJSON_AddItemToArray (items, item);
    }
  return lt_project_edit (self, kind ? kind : "encodings", after, error);
}

gboolean
lt_project_set_encoding (LtProject               *self,
                         const LtProjectEncoding *encoding,
                         GError                 **error)
{
  return lt_project_set_encodings (self, "encoding", &encoding, 1, error);
}

gboolean
lt_project_remove_encoding (LtProject       *self,
                            const char      *tensor,
                            LtProjectSection section,
                            GError         **error)
{
  cJSON *after = cJSON_CreateObject ();
  cJSON *item = cJSON_CreateObject ();

  g_return_val_if_fail (LT_IS_PROJECT (self), FALSE);
  cJSON_AddStringToObject (item, "tensor", tensor);
  cJSON_AddStringToObject (item, "section", lt_project_section_to_string (section));
  cJSON_AddNullToObject (item, "value");
  cJSON_AddItemToArray (cJSON_AddArrayToObject (after, "encodings"), item);
  return lt_project_edit (self, "remove-encoding", after, error);
}

gboolean
lt_project_set_placements (LtProject                 *self,
                           const LtProjectPlacement **placements,
                           guint                      n_placements,
                           GError                   **error)
{
  static const char *const backends[] = { "htp", "gpu", "cpu", NULL };
  cJSON                   *after = cJSON_CreateObject ();
  cJSON                   *items = cJSON_AddArrayToObject (after, "placements");

  g_return_val_if_fail (LT_IS_PROJECT (self), FALSE);
  for (guint i = 0; i < n_placements; i++)
    {
      cJSON *item, *value;

      if (!placements[i]->node ||
          !*placements[i]->node ||
          !placements[i]->backend ||
          !g_strv_contains (backends, placements[i]->backend))
        {
          cJSON_Delete (after);
          return invalid (error, _("the placement of node “%s” names no backend among htp, gpu and cpu"),
                          placements[i]->node ? placements[i]->node : "");
        }
      item = cJSON_CreateObject ();
      value = cJSON_CreateObject ();
      cJSON_AddStringToObject (item, "node", placements[i]->node);
      cJSON_AddStringToObject (value, "backend", placements[i]->backend);
      cJSON_AddBoolToObject (value, "pinned", placements[i]->pinned);
      cJSON_AddItemToObject (item, "value", value);
      cJSON_AddItemToArray (items, item);
    }
  return lt_project_edit (self, "placements", after, error);
}

gboolean
lt_project_set_backend_config (LtProject  *self,
                               const char *json,
                               GError    **error)
{
  cJSON *after, *item;

  g_return_val_if_fail (LT_IS_PROJECT (self), FALSE);
  if (json)
    {
      cJSON *parsed = cJSON_Parse (json);

      if (!cJSON_IsObject (parsed))
        {
          cJSON_Delete (parsed);
          return invalid (error, _("the backend configuration is not a JSON object%s"), "");
        }
      cJSON_Delete (parsed);
    }
  after = cJSON_CreateObject ();
  item = cJSON_CreateObject ();
  cJSON_AddStringToObject (item, "key", "backend_config");
  cJSON_AddItemToObject (item, "value", json ? cJSON_CreateString (json) : cJSON_CreateNull ());
  cJSON_AddItemToArray (cJSON_AddArrayToObject (after, "settings"), item);
  return lt_project_edit (self, "backend-config", after, error);
}
