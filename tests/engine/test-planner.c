/* test-planner.c — properties of the memory plan on random graphs: no two
 * values alive at the same step share a byte, offsets are aligned, the peak
 * covers every value and is no larger than the sum of sizes; plus worked
 * examples where reuse must happen. */
#include "exec/planner.h"

#include <glib.h>

#define ALIGN 64

/* A random DAG in topological order: node i produces value i from up to
 * three earlier values; a value lives from its producer to its last
 * consumer, or to the end when nothing consumes it (a graph output). */
static lt_usage_record *
random_graph_records (GRand *rand,
                      int    n_nodes)
{
  lt_usage_record *records = g_new0 (lt_usage_record, n_nodes);

  for (int i = 0; i < n_nodes; i++)
    {
      records[i].first = i;
      records[i].last = -1;
      records[i].size = g_rand_boolean (rand) ? (uint64_t) g_rand_int_range (rand, 0, 5000)
                                              : (uint64_t) g_rand_int_range (rand, 1, 65) * 1024;
      int n_inputs = i == 0 ? 0 : g_rand_int_range (rand, 1, 4);
      for (int k = 0; k < n_inputs; k++)
        {
          /* Mostly recent values, sometimes far back: long and short lives. */
          int back = g_rand_int_range (rand, 0, 10) < 8 ? g_rand_int_range (rand, 1, MIN (i, 4) + 1)
                                                        : g_rand_int_range (rand, 1, i + 1);
          records[i - back].last = i;
        }
    }
  for (int i = 0; i < n_nodes; i++)
    if (records[i].last < 0)
      records[i].last = n_nodes - 1;
  return records;
}

static void
check_plan (const lt_usage_record *records,
            int                    n,
            uint64_t               peak)
{
  uint64_t total = 0;

  for (int i = 0; i < n; i++)
    {
      const lt_usage_record *a = &records[i];
      total += (a->size + ALIGN - 1) / ALIGN * ALIGN;
      g_assert_cmpuint (a->offset % ALIGN, ==, 0);
      g_assert_cmpuint (a->offset + a->size, <=, peak);
      if (a->size == 0)
        continue;
      for (int j = i + 1; j < n; j++)
        {
          const lt_usage_record *b = &records[j];
          if (b->size == 0 || a->first > b->last || b->first > a->last)
            continue;
          gboolean disjoint = a->offset + a->size <= b->offset || b->offset + b->size <= a->offset;
          if (!disjoint)
            g_error ("values %d [%d,%d] and %d [%d,%d] overlap at offsets %" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT,
                     i, a->first, a->last, j, b->first, b->last, a->offset, b->offset);
        }
    }
  g_assert_cmpuint (peak, <=, total);
}

static void
test_random_graphs (void)
{
  GRand   *rand = g_rand_new_with_seed (20261124);
  uint64_t shared_total = 0, naive_total = 0;

  for (int round = 0; round < 400; round++)
    {
      int              n = g_rand_int_range (rand, 1, 120);
      lt_usage_record *records = random_graph_records (rand, n);
      uint64_t         peak = 0;
      lt_error         err;

      g_assert_cmpint (lt_memory_plan (records, n, ALIGN, &peak, &err), ==, LT_OK);
      check_plan (records, n, peak);
      shared_total += peak;
      for (int i = 0; i < n; i++)
        naive_total += records[i].size;
      g_free (records);
    }
  /* Reuse happens: over all graphs the arenas are well below the sum of
   * value sizes. */
  g_assert_cmpuint (shared_total, <, naive_total * 3 / 4);
  g_rand_free (rand);
}

static void
test_chain_reuses (void)
{
  /* a → b → c → d, each 1000 bytes: two buffers suffice. */
  lt_usage_record records[4] = {
    { 1000, 0, 1, 0 },
    { 1000, 1, 2, 0 },
    { 1000, 2, 3, 0 },
    { 1000, 3, 3, 0 },
  };
  uint64_t peak = 0;

  g_assert_cmpint (lt_memory_plan (records, 4, ALIGN, &peak, NULL), ==, LT_OK);
  check_plan (records, 4, peak);
  g_assert_cmpuint (peak, ==, 2 * 1024);
  g_assert_cmpuint (records[0].offset, ==, records[2].offset);
}

static void
test_best_fit (void)
{
  /* A 4096-byte value and a 1024-byte one both die at step 1; a 1024-byte
   * value born at step 2 must take the small hole's size class without
   * growing the arena. */
  lt_usage_record records[4] = {
    { 4096, 0, 1, 0 },
    { 1024, 0, 1, 0 },
    { 8192, 0, 3, 0 },
    { 1024, 2, 3, 0 },
  };
  uint64_t peak = 0;

  g_assert_cmpint (lt_memory_plan (records, 4, ALIGN, &peak, NULL), ==, LT_OK);
  check_plan (records, 4, peak);
  g_assert_cmpuint (peak, ==, 8192 + 4096 + 1024);
}

static void
test_overflow (void)
{
  lt_usage_record records[2] = {
    { UINT64_MAX - 10, 0, 1, 0 },
    { 100, 0, 1, 0 },
  };
  uint64_t peak = 0;
  lt_error err;

  lt_error_clear (&err);
  g_assert_cmpint (lt_memory_plan (records, 2, ALIGN, &peak, &err), ==, LT_ERR_LIMIT);
  g_assert_cmpint (err.code, ==, LT_ERR_LIMIT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/planner/random-graphs", test_random_graphs);
  g_test_add_func ("/planner/chain-reuses", test_chain_reuses);
  g_test_add_func ("/planner/best-fit", test_best_fit);
  g_test_add_func ("/planner/overflow", test_overflow);
  return g_test_run ();
}
