/* threadpool.h — a fixed set of pthreads that run parallel loops
 *
 * A pool is created with a thread count and lives as long as the session
 * that owns it.  lt_threadpool_parallel_for (declared in ops/kernel.h, since
 * kernels call it) hands out chunks of an index range to the workers and the
 * calling thread; it returns when every chunk is done.  One loop runs at a
 * time: a loop started while another is running on the same pool (a kernel
 * that calls parallel_for from inside a work item) runs on the calling
 * thread alone, so nesting never deadlocks.
 */
#pragma once

#include "ops/kernel.h"

#include <stdint.h>

/* A pool that runs loops on `n_threads` threads in all, the caller's
 * included (so 1 starts no thread).  0 means one per online CPU.  Returns
 * LT_ERR_NO_MEMORY or LT_ERR_RUNTIME (a thread could not be started). */
lt_status lt_threadpool_new (uint32_t        n_threads,
                             lt_threadpool **out,
                             lt_error       *err);

/* Stops and joins the workers.  Accepts NULL.  Must not be called while a
 * loop is running. */
void lt_threadpool_free (lt_threadpool *pool);

/* Threads a loop may use, the caller's included; 1 for a NULL pool. */
uint32_t lt_threadpool_get_n_threads (const lt_threadpool *pool);
