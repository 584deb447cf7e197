/* lt-cli-run-session.h — what `lathe-cli run` runs a model on: the CPU
 * engine in float32 (lt/session.h) or the NPU runner (lt/htp-session.h)
 * with encodings, behind one interface.  Both take and give float32
 * tensors; the NPU one quantizes inputs and dequantizes outputs. */
#pragma once

#include "lt-encoding.h"
#include "lt-input-list.h"

#include <cjson/cJSON.h>
#include <lt/htp-session.h>

G_BEGIN_DECLS

typedef struct LtCliRunSession LtCliRunSession;

/* A CPU session; `options` as lt_session_new takes them. */
LtCliRunSession *lt_cli_run_session_new_cpu (lt_model                 *model,
                                             const lt_session_options *options,
                                             GError                  **error);

/* An NPU session with the encodings of `set` (converted here; the set may
 * be freed after) and an observer of dequantized values (may be NULL). */
LtCliRunSession *lt_cli_run_session_new_htp (lt_model            *model,
                                             const LtEncodingSet *set,
                                             lt_observer_fn       observer,
                                             void                *observer_data,
                                             GError             **error);

void lt_cli_run_session_free (LtCliRunSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtCliRunSession, lt_cli_run_session_free)

/* Prepares the session for the line's input shapes unless they are those
 * of *last; *last becomes `line`.  Errors name the line. */
gboolean lt_cli_run_session_reshape (LtCliRunSession *session,
                                     LtInputLine     *line,
                                     LtInputLine    **last,
                                     GError         **error);

/* Binds the line's files (reshaped for) and runs once. */
gboolean lt_cli_run_session_run (LtCliRunSession *session,
                                 LtInputLine     *line,
                                 GError         **error);

/* Output `index` after a run (float32), or NULL. */
const lt_tensor *lt_cli_run_session_get_output (LtCliRunSession *session,
                                                uint32_t         index);

/* Adds the backend and its memory figures to a JSON summary. */
void lt_cli_run_session_describe (LtCliRunSession *session,
                                  cJSON           *summary);

/* Bytes of the arena of computed values. */
uint64_t lt_cli_run_session_get_arena_bytes (LtCliRunSession *session);

G_END_DECLS
