/* test-threadpool.c — every index of a parallel loop runs exactly once,
 * on pools of several sizes, for ranges smaller and larger than the pool,
 * and a loop nested inside a work item completes. */
#include "exec/threadpool.h"

#include <glib.h>
#include <stdatomic.h>

typedef struct
{
  atomic_uint *hits;
  lt_threadpool *pool;
} loop_context;

static void
count_hits (void    *data,
            uint64_t begin,
            uint64_t end)
{
  loop_context *ctx = data;
  for (uint64_t i = begin; i < end; i++)
    atomic_fetch_add (&ctx->hits[i], 1);
}

static void
check_all_once (lt_threadpool *pool,
                uint64_t       n,
                uint64_t       grain)
{
  atomic_uint *hits = g_new0 (atomic_uint, n + 1);
  loop_context ctx = { hits, pool };

  lt_threadpool_parallel_for (pool, n, grain, count_hits, &ctx);
  for (uint64_t i = 0; i < n; i++)
    g_assert_cmpuint (atomic_load (&hits[i]), ==, 1);
  g_assert_cmpuint (atomic_load (&hits[n]), ==, 0);
  g_free (hits);
}

static void
test_each_index_once (void)
{
  const uint32_t sizes[] = { 1, 2, 3, 8 };
  const uint64_t ranges[] = { 0, 1, 7, 100, 10007 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      lt_threadpool *pool = NULL;
      lt_error       err;
      g_assert_cmpint (lt_threadpool_new (sizes[s], &pool, &err), ==, LT_OK);
      g_assert_cmpuint (lt_threadpool_get_n_threads (pool), ==, sizes[s]);
      for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
        for (uint64_t grain = 1; grain <= 64; grain *= 8)
          check_all_once (pool, ranges[r], grain);
      /* Many loops in a row reuse the workers. */
      for (int round = 0; round < 200; round++)
        check_all_once (pool, 64, 1);
      lt_threadpool_free (pool);
    }
  check_all_once (NULL, 50, 1);
}

static void
nested_loop (void    *data,
             uint64_t begin,
             uint64_t end)
{
  loop_context *ctx = data;
  for (uint64_t i = begin; i < end; i++)
    {
      loop_context inner = { ctx->hits + i * 10, ctx->pool };
      lt_threadpool_parallel_for (ctx->pool, 10, 1, count_hits, &inner);
    }
}

static void
test_nested (void)
{
  lt_threadpool *pool = NULL;
  atomic_uint   *hits = g_new0 (atomic_uint, 100);
  loop_context   ctx = { hits, NULL };

  g_assert_cmpint (lt_threadpool_new (4, &pool, NULL), ==, LT_OK);
  ctx.pool = pool;
  lt_threadpool_parallel_for (pool, 10, 1, nested_loop, &ctx);
  for (int i = 0; i < 100; i++)
    g_assert_cmpuint (atomic_load (&hits[i]), ==, 1);
  lt_threadpool_free (pool);
  g_free (hits);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/threadpool/each-index-once", test_each_index_once);
  g_test_add_func ("/threadpool/nested", test_nested);
  return g_test_run ();
}
