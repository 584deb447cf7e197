/* session-private.h — sessions the engine creates for itself: the body of
 * a control-flow op runs in a session of its subgraph. */
#pragma once

#include "lt/session.h"

/* Like lt_session_new, on a subgraph owned by an enclosing model that
 * outlives the session.  The subgraph must not read outer values. */
lt_status lt_session_new_for_subgraph (const lt_graph           *graph,
                                       const lt_session_options *options,
                                       lt_session              **out,
                                       lt_error                 *err);
