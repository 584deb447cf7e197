/* observer-thread.h — a session's observer called on a thread of its own
 *
 * With lt_session_options.observer_thread the session does not call the
 * observer between nodes: it pushes a view of each value it wants shown
 * (queued in the order produced) and goes on with the next node, while
 * this thread calls the observer on the queued views one at a time, in
 * that order.  The session waits (lt_observer_thread_wait) before a node
 * may overwrite memory a queued view points at, and before lt_session_run
 * returns; the memory plan keeps observed values alive for a few steps
 * past their last reader so that such waits are rare (see session.c).
 *
 * Entries are numbered from 0 within one run; the queue holds at most the
 * capacity given to lt_observer_thread_reserve, which the session sizes
 * at reshape to every output of every step.  One producer: the thread
 * running the session.
 */
#pragma once

#include "lt/session.h"

#include <stdint.h>

typedef struct lt_observer_thread lt_observer_thread;

/* Starts the thread.  LT_ERR_NO_MEMORY or LT_ERR_RUNTIME (no thread). */
lt_status lt_observer_thread_new (lt_observer_fn       fn,
                                  void                *user_data,
                                  const lt_graph      *graph,
                                  lt_observer_thread **out,
                                  lt_error            *err);

/* Waits for every pushed view, stops and joins the thread.  Accepts NULL. */
void lt_observer_thread_free (lt_observer_thread *thread);

/* Room for `capacity` views per run; only between runs. */
lt_status lt_observer_thread_reserve (lt_observer_thread *thread,
                                      uint32_t            capacity,
                                      lt_error           *err);

/* Queues `view` (copied) of value `value_id`; the memory it points at must
 * stay unchanged until a wait covers it.  At most the reserved capacity
 * per run. */
void lt_observer_thread_push (lt_observer_thread *thread,
                              int32_t             value_id,
                              const lt_tensor    *view);

/* Views pushed since the last reset. */
uint32_t lt_observer_thread_get_pushed (const lt_observer_thread *thread);

/* Returns once the observer has returned for the first `n_entries` views
 * pushed since the last reset. */
void lt_observer_thread_wait (lt_observer_thread *thread,
                              uint32_t            n_entries);

/* Waits for every pushed view, then numbers the next push 0 again. */
void lt_observer_thread_reset (lt_observer_thread *thread);
