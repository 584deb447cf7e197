/* threadpool.c — pthread workers that split parallel loops into chunks
 *
 * Invariants: `generation` grows by one per loop handed to the workers; each
 * worker runs each generation exactly once (it remembers the last one it
 * saw) and decrements `workers_active` when done, so the caller knows every
 * worker has left the loop before it returns and the next loop can reuse the
 * job fields.  Chunks are claimed with one atomic counter, so a slow thread
 * never holds up the others by more than one chunk.
 */
#include "exec/threadpool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

/* Chunks per thread a loop is cut into, so uneven chunks balance out. */
#define CHUNKS_PER_THREAD 4

struct lt_threadpool
{
  pthread_mutex_t lock;
  pthread_cond_t  wake;           /* workers: a new generation or stopping */
  pthread_cond_t  finished;       /* caller: workers_active reached 0 */
  uint64_t        generation;
  bool            stopping;
  uint32_t        n_workers;      /* threads started (n_threads - 1) */
  uint32_t        workers_active; /* workers still inside the current loop */
  pthread_t      *workers;
  atomic_bool     busy;           /* a loop is running */

  /* The current loop; written by the caller before a generation starts. */
  lt_parallel_fn       fn;
  void                *context;
  uint64_t             n;
  uint64_t             chunk;
  uint64_t             n_chunks;
  atomic_uint_fast64_t next_chunk;
};

static void
run_chunks (lt_threadpool *pool)
{
  for (;;)
    {
      uint64_t index = atomic_fetch_add (&pool->next_chunk, 1);
      if (index >= pool->n_chunks)
        return;
      uint64_t begin = index * pool->chunk;
      uint64_t end = begin + pool->chunk < pool->n ? begin + pool->chunk : pool->n;
      pool->fn (pool->context, begin, end);
    }
}

static void *
worker_main (void *data)
{
  lt_threadpool *pool = data;
  uint64_t       seen = 0;

  for (;;)
    {
      pthread_mutex_lock (&pool->lock);
      while (pool->generation == seen && !pool->stopping)
        pthread_cond_wait (&pool->wake, &pool->lock);
      if (pool->stopping)
        {
          pthread_mutex_unlock (&pool->lock);
          return NULL;
        }
      seen = pool->generation;
      pthread_mutex_unlock (&pool->lock);

      run_chunks (pool);

      pthread_mutex_lock (&pool->lock);
      if (--pool->workers_active == 0)
        pthread_cond_signal (&pool->finished);
      pthread_mutex_unlock (&pool->lock);
    }
}

static void
stop_workers (lt_threadpool *pool,
              uint32_t       n_started)
{
  pthread_mutex_lock (&pool->lock);
  pool->stopping = true;
  pthread_cond_broadcast (&pool->wake);
  pthread_mutex_unlock (&pool->lock);
  for (uint32_t i = 0; i < n_started; i++)
    pthread_join (pool->workers[i], NULL);
}

lt_status
lt_threadpool_new (uint32_t        n_threads,
                   lt_threadpool **out,
                   lt_error       *err)
{
  if (n_threads == 0)
    {
      long online = sysconf (_SC_NPROCESSORS_ONLN);
      n_threads = online > 0 ? (uint32_t) online : 1;
    }

  lt_threadpool *pool = calloc (1, sizeof *pool);
  if (pool == NULL)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory creating a thread pool");
  pool->n_workers = n_threads - 1;
  if (pool->n_workers > 0)
    {
      pool->workers = calloc (pool->n_workers, sizeof *pool->workers);
      if (pool->workers == NULL)
        {
          free (pool);
          return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory creating a thread pool");
        }
    }
  pthread_mutex_init (&pool->lock, NULL);
  pthread_cond_init (&pool->wake, NULL);
  pthread_cond_init (&pool->finished, NULL);
  atomic_init (&pool->busy, false);
  atomic_init (&pool->next_chunk, 0);

  for (uint32_t i = 0; i < pool->n_workers; i++)
    if (pthread_create (&pool->workers[i], NULL, worker_main, pool) != 0)
      {
        stop_workers (pool, i);
        pool->n_workers = 0;
        lt_threadpool_free (pool);
        return lt_error_set (err, LT_ERR_RUNTIME, NULL,
                             "could not start thread %u of a pool of %u", i + 2, n_threads);
      }
  *out = pool;
  return LT_OK;
}

void
lt_threadpool_free (lt_threadpool *pool)
{
  if (pool == NULL)
    return;
  if (pool->n_workers > 0)
    stop_workers (pool, pool->n_workers);
  pthread_cond_destroy (&pool->finished);
  pthread_cond_destroy (&pool->wake);
  pthread_mutex_destroy (&pool->lock);
  free (pool->workers);
  free (pool);
}

uint32_t
lt_threadpool_get_n_threads (const lt_threadpool *pool)
{
  return pool != NULL ? pool->n_workers + 1 : 1;
}

void
lt_threadpool_parallel_for (lt_threadpool *pool,
                            uint64_t       n,
                            uint64_t       grain,
                            lt_parallel_fn fn,
                            void          *context)
{
  if (n == 0)
    return;
  if (grain == 0)
    grain = 1;
  if (pool == NULL || pool->n_workers == 0 || n <= grain
      || atomic_exchange (&pool->busy, true))
    {
      fn (context, 0, n);
      return;
    }

  uint64_t n_threads = pool->n_workers + 1;
  uint64_t chunk = (n + n_threads * CHUNKS_PER_THREAD - 1) / (n_threads * CHUNKS_PER_THREAD);
  if (chunk < grain)
    chunk = grain;

  pthread_mutex_lock (&pool->lock);
  pool->fn = fn;
  pool->context = context;
  pool->n = n;
  pool->chunk = chunk;
  pool->n_chunks = (n + chunk - 1) / chunk;
  atomic_store (&pool->next_chunk, 0);
  pool->workers_active = pool->n_workers;
  pool->generation++;
  pthread_cond_broadcast (&pool->wake);
  pthread_mutex_unlock (&pool->lock);

  run_chunks (pool);

  pthread_mutex_lock (&pool->lock);
  while (pool->workers_active > 0)
    pthread_cond_wait (&pool->finished, &pool->lock);
  pthread_mutex_unlock (&pool->lock);
  atomic_store (&pool->busy, false);
}
