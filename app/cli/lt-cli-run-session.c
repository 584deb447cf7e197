/* lt-cli-run-session.c — the CPU or NPU session of `lathe-cli run` (see
 * the header).  The NPU runner takes float32 inputs only, so its input
 * types are the files' shapes alone; the CPU path keeps
 * lt_input_list_reshape's handling of inputs that decide shapes. */
#include "lt-cli-run-session.h"

#include "lt-encodings-htp.h"
#include "lt-engine-error.h"

#include <glib/gi18n.h>

struct LtCliRunSession
{
  lt_model       *model; /* borrowed */
  lt_session     *cpu;   /* exactly one of cpu and htp */
  lt_htp_session *htp;
  LtHtpEncodings *encodings; /* htp: the per-value encodings */
};

LtCliRunSession *
lt_cli_run_session_new_cpu (lt_model                 *model,
                            const lt_session_options *options,
                            GError                  **error)
{
  g_autoptr (LtCliRunSession) session = g_new0 (LtCliRunSession, 1);
  lt_error err;

  session->model = model;
  lt_error_clear (&err);
  if (lt_session_new (model, options, &session->cpu, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      return NULL;
    }
  return g_steal_pointer (&session);
}

LtCliRunSession *
lt_cli_run_session_new_htp (lt_model            *model,
                            const LtEncodingSet *set,
                            lt_observer_fn       observer,
                            void                *observer_data,
                            GError             **error)
{
  g_autoptr (LtCliRunSession) session = g_new0 (LtCliRunSession, 1);
  lt_htp_session_options options = { .observer_fn = observer, .observer_data = observer_data };
  lt_error               err;

  session->model = model;
  session->encodings = lt_htp_encodings_new (set, lt_model_get_graph (model), error);
  if (session->encodings == NULL)
    return NULL;
  lt_error_clear (&err);
  if (lt_htp_session_new (model, &options, &session->htp, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      return NULL;
    }
  return g_steal_pointer (&session);
}

void
lt_cli_run_session_free (LtCliRunSession *session)
{
  if (session == NULL)
    return;
  lt_session_free (session->cpu);
  lt_htp_session_free (session->htp);
  lt_htp_encodings_free (session->encodings);
  g_free (session);
}

/* The NPU runner's reshape: float32 inputs of the files' shapes. */
static gboolean
reshape_htp (LtCliRunSession *session,
             LtInputLine     *line,
             LtInputLine    **last,
             GError         **error)
{
  guint                     n_inputs = line->arrays->len;
  g_autofree lt_value_type *types = g_new0 (lt_value_type, n_inputs + 1);
  gboolean                  same = *last != NULL;
  lt_error                  err;

  for (guint k = 0; k < n_inputs; k++)
    {
      const LtArray *a = g_ptr_array_index (line->arrays, k);
      const LtArray *b = same ? g_ptr_array_index ((*last)->arrays, k) : NULL;

      if (a == NULL)
        {
          same = same && b == NULL;
          continue;
        }
      types[k].dtype = a->dtype;
      lt_shape_set (&types[k].shape, a->rank, a->dims);
      same = same && b != NULL && a->rank == b->rank && memcmp (a->dims, b->dims, (size_t) a->rank * sizeof a->dims[0]) == 0;
    }
  *last = line;
  if (same)
    return TRUE;
  lt_error_clear (&err);
  if (lt_htp_session_reshape (session->htp, types, session->encodings->by_value, session->encodings->n_values, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      g_prefix_error (error, _ ("line %u: "), line->line_number);
      return FALSE;
    }
  return TRUE;
}

gboolean
lt_cli_run_session_reshape (LtCliRunSession *session,
                            LtInputLine     *line,
                            LtInputLine    **last,
                            GError         **error)
{
  if (session->htp)
    return reshape_htp (session, line, last, error);
  return lt_input_list_reshape (session->cpu, lt_model_get_graph (session->model), line, last, error);
}

gboolean
lt_cli_run_session_run (LtCliRunSession *session,
                        LtInputLine     *line,
                        GError         **error)
{
  lt_error err;

  lt_error_clear (&err);
  for (guint k = 0; k < line->arrays->len; k++)
    {
      const LtArray *a = g_ptr_array_index (line->arrays, k);
      gsize          size;
      const void    *data;
      lt_status      status;

      if (a == NULL)
        continue;
      data = g_bytes_get_data (a->data, &size);
      status = session->htp ? lt_htp_session_bind_input (session->htp, k, data, size, &err)
                            : lt_session_bind_input (session->cpu, k, data, size, &err);
      if (status != LT_OK)
        {
          lt_engine_error_propagate (error, &err);
          return FALSE;
        }
    }
  if ((session->htp ? lt_htp_session_run (session->htp, &err) : lt_session_run (session->cpu, &err)) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      return FALSE;
    }
  return TRUE;
}

const lt_tensor *
lt_cli_run_session_get_output (LtCliRunSession *session,
                               uint32_t         index)
{
  return session->htp ? lt_htp_session_get_output (session->htp, index) : lt_session_get_output (session->cpu, index);
}

uint64_t
lt_cli_run_session_get_arena_bytes (LtCliRunSession *session)
{
  return session->htp ? lt_htp_session_get_arena_bytes (session->htp) : lt_session_get_arena_bytes (session->cpu);
}

void
lt_cli_run_session_describe (LtCliRunSession *session,
                             cJSON           *summary)
{
  cJSON_AddStringToObject (summary, "backend", session->htp ? "htp" : "cpu");
  cJSON_AddNumberToObject (summary, "arena_bytes", (double) lt_cli_run_session_get_arena_bytes (session));
  if (session->cpu)
    cJSON_AddNumberToObject (summary, "unplanned_bytes", (double) lt_session_get_unplanned_bytes (session->cpu));
}
