/* f32-gemm.c — packing, cache blocking and threading of the f32 GEMM.
 *
 * C is cut into blocks of MC rows × NC columns, one parallel task each
 * (narrower blocks when that leaves threads idle).  When the caller packs B
 * on the fly (Conv's patches), a task owns a column block instead: it packs
 * those columns of B and computes them for all rows, so the packed block
 * is used while still in cache; when there are too few column blocks for
 * the threads, B is packed first and the row blocks are split as well.
 * A task walks k in steps of KC; for each step it runs the microkernel on
 * every mr×nr tile of its block, B's kc×nr micro-panel staying in L1 while
 * A's MC×KC block stays in L2.  The first k step stores, later ones
 * accumulate, and the microkernel applies the epilogue on the last step,
 * before the tile leaves its registers.  B is either packed or, for a B
 * that packing would not pay for, read in place (row stride ldb).  Tiles that stick out of C are cut by the
 * microkernel itself (it is told how many rows and columns are inside).
 */
#include "f32-gemm.h"
#include "exec/threadpool.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#define KC_STEP         256
#define MC_PANELS       16 /* MC = 16 · mr */
#define NC_PANELS       8  /* NC = 8 · nr */
#define DIRECT_B_MAX    (512 * 1024) /* bytes of B read in place at most */

static const lt_f32_gemm_ukernel scalar_ukernel = {
  "lt_f32_gemm_ukernel_4x4__scalar",
  4,
  4,
  lt_f32_gemm_ukernel_4x4__scalar,
};

#if defined(LT_HAVE_AVX2_KERNELS)
static const lt_f32_gemm_ukernel avx2_ukernel = {
  "lt_f32_gemm_ukernel_6x16__avx2",
  6,
  16,
  lt_f32_gemm_ukernel_6x16__avx2,
};
#endif

#if defined(LT_HAVE_AVX512_KERNELS)
static const lt_f32_gemm_ukernel avx512_ukernel = {
  "lt_f32_gemm_ukernel_8x32__avx512",
  8,
  32,
  lt_f32_gemm_ukernel_8x32__avx512,
};
#endif

const lt_f32_gemm_ukernel *
lt_f32_gemm_ukernel_for (lt_cpu_isa isa)
{
#if defined(LT_HAVE_AVX512_KERNELS)
  if (isa >= LT_CPU_ISA_AVX512)
    return &avx512_ukernel;
#endif
#if defined(LT_HAVE_AVX2_KERNELS)
  if (isa >= LT_CPU_ISA_AVX2)
    return &avx2_ukernel;
#endif
  (void) isa;
  return &scalar_ukernel;
}

static size_t
round_up (size_t value,
          size_t step)
{
  return (value + step - 1) / step * step;
}

size_t
lt_f32_gemm_packed_a_size (const lt_f32_gemm_ukernel *ukernel,
                           size_t                     m,
                           size_t                     k)
{
  return round_up (m, ukernel->mr) * k;
}

size_t
lt_f32_gemm_packed_b_size (const lt_f32_gemm_ukernel *ukernel,
                           size_t                     k,
                           size_t                     n)
{
  return round_up (n, ukernel->nr) * k;
}

void
lt_f32_gemm_pack_a (const lt_f32_gemm_ukernel *ukernel,
                    size_t                     m,
                    size_t                     k,
                    const float               *a,
                    size_t                     lda,
                    bool                       transposed,
                    float                     *packed)
{
  size_t mr = ukernel->mr;

  for (size_t i0 = 0; i0 < m; i0 += mr)
    {
      float *panel = packed + i0 * k;
      size_t rows = m - i0 < mr ? m - i0 : mr;

      for (size_t p = 0; p < k; p++)
        {
          float *dst = panel + p * mr;
          size_t r = 0;

          for (; r < rows; r++)
            dst[r] = transposed ? a[p * lda + i0 + r] : a[(i0 + r) * lda + p];
          for (; r < mr; r++)
            dst[r] = 0.0f;
        }
    }
}

typedef struct pack_b_job
{
  size_t       k;
  size_t       n;
  size_t       nr;
  const float *b;
  size_t       ldb;
  bool         transposed;
  float       *packed;
} pack_b_job;

static void
pack_b_panels (void    *context,
               uint64_t begin,
               uint64_t end)
{
  const pack_b_job *job = context;
  size_t            k = job->k, nr = job->nr, ldb = job->ldb;

  for (uint64_t panel_index = begin; panel_index < end; panel_index++)
    {
      size_t j0 = panel_index * nr;
      size_t cols = job->n - j0 < nr ? job->n - j0 : nr;
      float *panel = job->packed + j0 * k;

      if (!job->transposed)
        {
          for (size_t p = 0; p < k; p++)
            {
              memcpy (panel + p * nr, job->b + p * ldb + j0, cols * sizeof (float));
              if (cols < nr)
                memset (panel + p * nr + cols, 0, (nr - cols) * sizeof (float));
            }
          continue;
        }
      for (size_t c = 0; c < nr; c++)
        {
          const float *src = job->b + (j0 + c) * ldb;

          for (size_t p = 0; p < k; p++)
            panel[p * nr + c] = c < cols ? src[p] : 0.0f;
        }
    }
}

void
lt_f32_gemm_pack_b (const lt_f32_gemm_ukernel *ukernel,
                    size_t                     k,
                    size_t                     n,
                    const float               *b,
                    size_t                     ldb,
                    bool                       transposed,
                    float                     *packed,
                    lt_threadpool             *pool)
{
  pack_b_job job = { k, n, ukernel->nr, b, ldb, transposed, packed };
  size_t     panels = (n + ukernel->nr - 1) / ukernel->nr;
  /* Roughly 16 KiB of packing per chunk so tiny matrices stay on one thread. */
  size_t grain = 4096 / (k * ukernel->nr + 1) + 1;

  lt_threadpool_parallel_for (pool, panels, grain, pack_b_panels, &job);
}

void
lt_f32_gemm_pack_b_columns (const lt_f32_gemm_ukernel *ukernel,
                            size_t                     k,
                            size_t                     n,
                            const float               *b,
                            size_t                     ldb,
                            bool                       transposed,
                            size_t                     n0,
                            size_t                     n1,
                            float                     *packed)
{
  pack_b_job job = { k, n, ukernel->nr, b, ldb, transposed, packed };

  pack_b_panels (&job, n0 / ukernel->nr, (n1 + ukernel->nr - 1) / ukernel->nr);
}

lt_f32_gemm_epilogue
lt_f32_gemm_epilogue_identity (void)
{
  lt_f32_gemm_epilogue epilogue = { 1.0f, NULL, 0, 0, 1.0f, -INFINITY, INFINITY };

  return epilogue;
}

static bool
epilogue_is_identity (const lt_f32_gemm_epilogue *epilogue)
{
  return epilogue->alpha == 1.0f && epilogue->bias == NULL &&
         epilogue->min == -INFINITY && epilogue->max == INFINITY;
}

typedef struct gemm_job
{
  const lt_f32_gemm_ukernel  *ukernel;
  size_t                      m;
  size_t                      n;
  size_t                      k;
  const float                *packed_a;
  const float                *packed_b; /* or, when direct_b, B itself: */
  size_t                      ldb;      /* its row stride */
  bool                        direct_b;
  float                      *c;
  size_t                      ldc;
  const lt_f32_gemm_epilogue *epilogue;
  bool                        plain_epilogue;
  size_t                      mc;
  size_t                      nc;
  size_t                      n_blocks;
  size_t                      kc;     /* k step: at most KC_STEP, steps of equal size */
  lt_f32_gemm_pack_b_fn       pack_b; /* NULL: B is packed already */
  void                       *pack_b_context;
} gemm_job;

static void
compute_tile (const gemm_job *job,
              size_t          i0,
              size_t          j0,
              size_t          k0,
              size_t          kc)
{
  const lt_f32_gemm_ukernel *uk = job->ukernel;
  size_t                     mr = uk->mr, nr = uk->nr;
  size_t                     rows = job->m - i0 < mr ? job->m - i0 : mr;
  size_t                     cols = job->n - j0 < nr ? job->n - j0 : nr;
  const float               *a = job->packed_a + i0 * job->k + k0 * mr;
  const float               *b = job->direct_b ? job->packed_b + k0 * job->ldb + j0 : job->packed_b + j0 * job->k + k0 * nr;
  float                     *c = job->c + i0 * job->ldc + j0;
  bool                       first_step = k0 == 0;
  bool                       last_step = k0 + kc >= job->k;
  lt_f32_gemm_epilogue       tile_epilogue;

  if (last_step && !job->plain_epilogue)
    {
      /* the same epilogue, its bias moved to the tile's element (0, 0) */
      tile_epilogue = *job->epilogue;
      if (tile_epilogue.bias != NULL)
        tile_epilogue.bias += i0 * tile_epilogue.bias_row_stride + j0 * tile_epilogue.bias_col_stride;
    }
  uk->fn (rows, cols, kc, a, b, job->direct_b ? job->ldb : nr, c, job->ldc, !first_step,
          last_step && !job->plain_epilogue ? &tile_epilogue : NULL);
}

/* Rows [m0, m0 + MC) × columns [n0, n0 + NC) of C, all of k. */
static void
compute_block (const gemm_job *job,
               size_t          m0,
               size_t          n0)
{
  size_t mr = job->ukernel->mr, nr = job->ukernel->nr;
  size_t m1 = m0 + job->mc < job->m ? m0 + job->mc : job->m;
  size_t n1 = n0 + job->nc < job->n ? n0 + job->nc : job->n;
  size_t k0 = 0;

  do
    {
      size_t kc = job->k - k0 < job->kc ? job->k - k0 : job->kc;

      for (size_t j0 = n0; j0 < n1; j0 += nr)
        for (size_t i0 = m0; i0 < m1; i0 += mr)
          compute_tile (job, i0, j0, k0, kc);
      k0 += kc;
    }
  while (k0 < job->k);
}

static void
compute_blocks (void    *context,
                uint64_t begin,
                uint64_t end)
{
  const gemm_job *job = context;

  for (uint64_t block = begin; block < end; block++)
    compute_block (job, (block / job->n_blocks) * job->mc, (block % job->n_blocks) * job->nc);
}

/* Packs the columns of B's column block `block`; returns its first column. */
static size_t
pack_column_block (const gemm_job *job,
                   uint64_t        block)
{
  size_t n0 = block * job->nc;
  size_t n1 = n0 + job->nc < job->n ? n0 + job->nc : job->n;

  job->pack_b (job->pack_b_context, n0, n1);
  return n0;
}

/* With B packed inside the tasks: one task per column block, which packs
 * its columns and then computes them for every row block. */
static void
pack_and_compute_blocks (void    *context,
                         uint64_t begin,
                         uint64_t end)
{
  const gemm_job *job = context;

  for (uint64_t block = begin; block < end; block++)
    {
      size_t n0 = pack_column_block (job, block);

      for (size_t m0 = 0; m0 < job->m; m0 += job->mc)
        compute_block (job, m0, n0);
    }
}

/* Only packs B's column blocks, for compute_blocks to use afterwards. */
static void
pack_blocks (void    *context,
             uint64_t begin,
             uint64_t end)
{
  for (uint64_t block = begin; block < end; block++)
    pack_column_block (context, block);
}

static void
run_gemm (gemm_job      *job,
          lt_threadpool *pool)
{
  const lt_f32_gemm_ukernel *ukernel = job->ukernel;
  size_t                     threads = lt_threadpool_get_n_threads (pool);
  size_t                     m_blocks;

  assert (ukernel->mr <= LT_F32_GEMM_MAX_MR && ukernel->nr <= LT_F32_GEMM_MAX_NR);
  if (job->m == 0 || job->n == 0)
    return;
  job->plain_epilogue = job->epilogue == NULL || epilogue_is_identity (job->epilogue);
  job->kc = job->k / ((job->k + KC_STEP - 1) / KC_STEP + (job->k == 0)) + 1;
  job->kc = job->kc > KC_STEP ? KC_STEP : job->kc;
  job->mc = MC_PANELS * ukernel->mr;
  job->nc = NC_PANELS * ukernel->nr;
  /* Small products: narrower blocks until every thread gets a few. */
  while (threads > 1 && job->nc > ukernel->nr &&
         ((job->m + job->mc - 1) / job->mc) * ((job->n + job->nc - 1) / job->nc) < 4 * threads)
    job->nc -= ukernel->nr;
  m_blocks = (job->m + job->mc - 1) / job->mc;
  job->n_blocks = (job->n + job->nc - 1) / job->nc;
  if (job->pack_b != NULL && (threads == 1 || job->n_blocks >= 2 * threads))
    lt_threadpool_parallel_for (pool, job->n_blocks, 1, pack_and_compute_blocks, job);
  else
    {
      /* Too few column blocks to keep every thread busy (a narrow C):
       * pack all of B first, then split the rows too. */
      if (job->pack_b != NULL)
        lt_threadpool_parallel_for (pool, job->n_blocks, 1, pack_blocks, job);
      lt_threadpool_parallel_for (pool, m_blocks * job->n_blocks, 1, compute_blocks, job);
    }
}

void
lt_f32_gemm_compute (const lt_f32_gemm_ukernel  *ukernel,
                     size_t                      m,
                     size_t                      n,
                     size_t                      k,
                     const float                *packed_a,
                     const float                *packed_b,
                     float                      *c,
                     size_t                      ldc,
                     const lt_f32_gemm_epilogue *epilogue,
                     lt_threadpool              *pool)
{
  gemm_job job = { ukernel, m, n, k, packed_a, packed_b, 0, false, c, ldc, epilogue };

  run_gemm (&job, pool);
}

bool
lt_f32_gemm_prefers_direct_b (size_t k,
                              size_t n)
{
  return k * n <= DIRECT_B_MAX / sizeof (float);
}

void
lt_f32_gemm_compute_direct_b (const lt_f32_gemm_ukernel  *ukernel,
                              size_t                      m,
                              size_t                      n,
                              size_t                      k,
                              const float                *packed_a,
                              const float                *b,
                              size_t                      ldb,
                              float                      *c,
                              size_t                      ldc,
                              const lt_f32_gemm_epilogue *epilogue,
                              lt_threadpool              *pool)
{
  gemm_job job = { ukernel, m, n, k, packed_a, b, ldb, true, c, ldc, epilogue };

  run_gemm (&job, pool);
}

void
lt_f32_gemm_compute_packing_b (const lt_f32_gemm_ukernel  *ukernel,
                               size_t                      m,
                               size_t                      n,
                               size_t                      k,
                               const float                *packed_a,
                               lt_f32_gemm_pack_b_fn       pack_b,
                               void                       *pack_b_context,
                               const float                *packed_b,
                               float                      *c,
                               size_t                      ldc,
                               const lt_f32_gemm_epilogue *epilogue,
                               lt_threadpool              *pool)
{
  gemm_job job = { ukernel, m, n, k, packed_a, packed_b, 0, false, c, ldc, epilogue };

  job.pack_b = pack_b;
  job.pack_b_context = pack_b_context;
  run_gemm (&job, pool);
}
