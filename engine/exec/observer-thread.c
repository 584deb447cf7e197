/* observer-thread.c — the queue between a running session and its observer
 *
 * Invariants (under `lock`): observed <= taken <= pushed <= capacity; the
 * entries [observed, pushed) are the views not yet shown, [observed, taken)
 * the one being shown now (at most one).  Signals are sent only to a side
 * that said it sleeps, so a run whose observer keeps up costs no system
 * call per value beyond the one wake-up of an idle thread.
 */
#include "exec/observer-thread.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct
{
  int32_t   value_id;
  lt_tensor view;
} queued_view;

struct lt_observer_thread
{
  lt_observer_fn  fn;
  void           *user_data;
  const lt_graph *graph;
  pthread_t       thread;
  pthread_mutex_t lock;
  pthread_cond_t  work;     /* the observer: something pushed, or stopping */
  pthread_cond_t  progress; /* the session: `observed` grew */
  bool            observer_sleeps;
  bool            session_sleeps;
  bool            stopping;
  queued_view    *entries;
  uint32_t        capacity;
  uint32_t        pushed;
  uint32_t        taken;
  uint32_t        observed;
};

static void *
observer_main (void *data)
{
  lt_observer_thread *thread = data;

  pthread_mutex_lock (&thread->lock);
  for (;;)
    {
      while (thread->taken == thread->pushed && !thread->stopping)
        {
          thread->observer_sleeps = true;
          pthread_cond_wait (&thread->work, &thread->lock);
          thread->observer_sleeps = false;
        }
      if (thread->taken == thread->pushed)
        break; /* stopping, and nothing left to show */
      queued_view *entry = &thread->entries[thread->taken++];
      pthread_mutex_unlock (&thread->lock);
      thread->fn (thread->user_data, thread->graph, entry->value_id, &entry->view);
      pthread_mutex_lock (&thread->lock);
      thread->observed = thread->taken;
      if (thread->session_sleeps)
        pthread_cond_signal (&thread->progress);
    }
  pthread_mutex_unlock (&thread->lock);
  return NULL;
}

lt_status
lt_observer_thread_new (lt_observer_fn       fn,
                        void                *user_data,
                        const lt_graph      *graph,
                        lt_observer_thread **out,
                        lt_error            *err)
{
  lt_observer_thread *thread = calloc (1, sizeof *thread);

  if (thread == NULL)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory starting the observer thread");
  thread->fn = fn;
  thread->user_data = user_data;
  thread->graph = graph;
  pthread_mutex_init (&thread->lock, NULL);
  pthread_cond_init (&thread->work, NULL);
  pthread_cond_init (&thread->progress, NULL);
  if (pthread_create (&thread->thread, NULL, observer_main, thread) != 0)
    {
      pthread_mutex_destroy (&thread->lock);
      pthread_cond_destroy (&thread->work);
      pthread_cond_destroy (&thread->progress);
      free (thread);
      return lt_error_set (err, LT_ERR_RUNTIME, NULL, "could not start the observer thread");
    }
  *out = thread;
  return LT_OK;
}

void
lt_observer_thread_free (lt_observer_thread *thread)
{
  if (thread == NULL)
    return;
  pthread_mutex_lock (&thread->lock);
  thread->stopping = true;
  pthread_cond_signal (&thread->work);
  pthread_mutex_unlock (&thread->lock);
  pthread_join (thread->thread, NULL);
  pthread_mutex_destroy (&thread->lock);
  pthread_cond_destroy (&thread->work);
  pthread_cond_destroy (&thread->progress);
  free (thread->entries);
  free (thread);
}

lt_status
lt_observer_thread_reserve (lt_observer_thread *thread,
                            uint32_t            capacity,
                            lt_error           *err)
{
  queued_view *grown;

  if (capacity <= thread->capacity)
    return LT_OK;
  grown = realloc (thread->entries, capacity * sizeof *grown);
  if (grown == NULL)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory preparing the observer queue");
  /* Between runs the observer touches no entry. */
  pthread_mutex_lock (&thread->lock);
  thread->entries = grown;
  thread->capacity = capacity;
  pthread_mutex_unlock (&thread->lock);
  return LT_OK;
}

void
lt_observer_thread_push (lt_observer_thread *thread,
                         int32_t             value_id,
                         const lt_tensor    *view)
{
  pthread_mutex_lock (&thread->lock);
  thread->entries[thread->pushed++] = (queued_view){ value_id, *view };
  if (thread->observer_sleeps)
    pthread_cond_signal (&thread->work);
  pthread_mutex_unlock (&thread->lock);
}

uint32_t
lt_observer_thread_get_pushed (const lt_observer_thread *thread)
{
  /* Only the session's thread writes `pushed`, and only it calls this. */
  return thread->pushed;
}

void
lt_observer_thread_wait (lt_observer_thread *thread,
                         uint32_t            n_entries)
{
  pthread_mutex_lock (&thread->lock);
  while (thread->observed < n_entries && thread->observed < thread->pushed)
    {
      thread->session_sleeps = true;
      pthread_cond_wait (&thread->progress, &thread->lock);
      thread->session_sleeps = false;
    }
  pthread_mutex_unlock (&thread->lock);
}

void
lt_observer_thread_reset (lt_observer_thread *thread)
{
  lt_observer_thread_wait (thread, UINT32_MAX);
  pthread_mutex_lock (&thread->lock);
  thread->pushed = thread->taken = thread->observed = 0;
  pthread_mutex_unlock (&thread->lock);
}
