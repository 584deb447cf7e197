/* f32-gemm.h — the CPU backend's packed, blocked single-precision GEMM.
 *
 * C[m×n] = alpha · A[m×k] · B[k×n] + bias, then clamped to [min, max].
 *
 * Both operands are packed before the product: A into panels of `mr` rows,
 * B into panels of `nr` columns, each panel k steps long and zero-padded to
 * a full panel, so a microkernel always computes a whole mr×nr tile.  Packed
 * layouts (float offsets):
 *
 *   packed A: panel i (rows i·mr …) at i·mr·k; element (row r, step p) at
 *             + p·mr + r
 *   packed B: panel j (cols j·nr …) at j·nr·k; element (step p, col c) at
 *             + p·nr + c
 *
 * e.g. with mr = 6, A = 7×2: panel 0 holds rows 0–5, panel 1 row 6 and five
 * rows of zeros; 2·6·2 = 24 floats in all.
 *
 * A packed operand is only valid with the microkernel it was packed for:
 * keep the lt_f32_gemm_ukernel pointer next to it.
 */
#pragma once

#include "cpu-isa.h"
#include "ops/kernel.h"

#include <stdbool.h>
#include <stddef.h>

/* What happens to each element after the product:
 * c[i][j] = clamp (alpha · acc + bias_scale · bias[i·bias_row_stride +
 * j·bias_col_stride], min, max).  Strides of 0 broadcast: (1, 0) is a bias
 * per row, (0, 1) per column, (0, 0) a scalar; bias_col_stride is 0 or 1.
 * bias may be NULL. */
typedef struct lt_f32_gemm_epilogue
{
  float        alpha;
  const float *bias;
  size_t       bias_row_stride;
  size_t       bias_col_stride;
  float        bias_scale;
  float        min; /* -INFINITY for no lower bound */
  float        max; /* +INFINITY for no upper bound */
} lt_f32_gemm_epilogue;

/* Computes one mr×nr tile of C from kc steps of a packed A panel and kc
 * rows of B: C = acc, or C += acc when `accumulate`, for the first mc rows
 * and nc columns of the tile only (1 ≤ mc ≤ mr, 1 ≤ nc ≤ nr): no other
 * element of C is read or written, so edge tiles need no copy.  B's rows
 * are ldb floats apart: a packed B panel (ldb = nr) or B itself, read in
 * place; no column of B from nc on is read.  Row stride of C is ldc
 * floats.  When `epilogue` is not NULL (the last k step), every stored
 * element then goes through it, its bias pointing at the tile's element
 * (0, 0). */
typedef void lt_f32_gemm_ukernel_fn (size_t                      mc,
                                     size_t                      nc,
                                     size_t                      kc,
                                     const float                *a,
                                     const float                *b,
                                     size_t                      ldb,
                                     float                      *c,
                                     size_t                      ldc,
                                     bool                        accumulate,
                                     const lt_f32_gemm_epilogue *epilogue);

/* Largest tile of any microkernel, for stack buffers. */
#define LT_F32_GEMM_MAX_MR 8
#define LT_F32_GEMM_MAX_NR 32

typedef struct lt_f32_gemm_ukernel
{
  const char            *name;
  size_t                 mr;
  size_t                 nr;
  lt_f32_gemm_ukernel_fn *fn;
} lt_f32_gemm_ukernel;

/* The microkernels, one per ISA (f32-gemm-<isa>.c). */
lt_f32_gemm_ukernel_fn lt_f32_gemm_ukernel_4x4__scalar;
lt_f32_gemm_ukernel_fn lt_f32_gemm_ukernel_6x16__avx2;
lt_f32_gemm_ukernel_fn lt_f32_gemm_ukernel_8x32__avx512;

/* The best microkernel built in for this ISA. */
const lt_f32_gemm_ukernel *lt_f32_gemm_ukernel_for (lt_cpu_isa isa);

/* Floats a packed A (m×k) or B (k×n) needs. */
size_t lt_f32_gemm_packed_a_size (const lt_f32_gemm_ukernel *ukernel,
                                  size_t                     m,
                                  size_t                     k);
size_t lt_f32_gemm_packed_b_size (const lt_f32_gemm_ukernel *ukernel,
                                  size_t                     k,
                                  size_t                     n);

/* Packs A: element (i, p) is a[i·lda + p], or a[p·lda + i] when
 * `transposed`. */
void lt_f32_gemm_pack_a (const lt_f32_gemm_ukernel *ukernel,
                         size_t                     m,
                         size_t                     k,
                         const float               *a,
                         size_t                     lda,
                         bool                       transposed,
                         float                     *packed);

/* Packs B: element (p, j) is b[p·ldb + j], or b[j·ldb + p] when
 * `transposed`.  Panels are packed in parallel on `pool` (may be NULL). */
void lt_f32_gemm_pack_b (const lt_f32_gemm_ukernel *ukernel,
                         size_t                     k,
                         size_t                     n,
                         const float               *b,
                         size_t                     ldb,
                         bool                       transposed,
                         float                     *packed,
                         lt_threadpool             *pool);

/* Packs B's columns [n0, n1) only (n0 a multiple of nr) into their place
 * in `packed`, on the calling thread. */
void lt_f32_gemm_pack_b_columns (const lt_f32_gemm_ukernel *ukernel,
                                 size_t                     k,
                                 size_t                     n,
                                 const float               *b,
                                 size_t                     ldb,
                                 bool                       transposed,
                                 size_t                     n0,
                                 size_t                     n1,
                                 float                     *packed);


/* alpha 1, no bias, no clamp. */
lt_f32_gemm_epilogue lt_f32_gemm_epilogue_identity (void);

/* C (row stride ldc) from packed A and B; tiles of C run in parallel on
 * `pool` (may be NULL).  Does not allocate.  k may be 0 (C = epilogue of
 * zeros). */
void lt_f32_gemm_compute (const lt_f32_gemm_ukernel  *ukernel,
                          size_t                      m,
                          size_t                      n,
                          size_t                      k,
                          const float                *packed_a,
                          const float                *packed_b,
                          float                      *c,
                          size_t                      ldc,
                          const lt_f32_gemm_epilogue *epilogue,
                          lt_threadpool              *pool);

/* Whether reading a row-major k×n B in place beats packing it: when it is
 * small enough to stay in the L2 cache across the tiles that reuse it. */
bool lt_f32_gemm_prefers_direct_b (size_t k,
                                   size_t n);

/* Like lt_f32_gemm_compute, but reads B (k×n, row-major, rows ldb floats
 * apart) in place instead of a packed copy: for a B that is small or used
 * once, where packing would cost more than it saves. */
void lt_f32_gemm_compute_direct_b (const lt_f32_gemm_ukernel  *ukernel,
                                   size_t                      m,
                                   size_t                      n,
                                   size_t                      k,
                                   const float                *packed_a,
                                   const float                *b,
                                   size_t                      ldb,
                                   float                      *c,
                                   size_t                      ldc,
                                   const lt_f32_gemm_epilogue *epilogue,
                                   lt_threadpool              *pool);

/* Packs B's columns [n0, n1) (n0 a multiple of nr) into their place in the
 * packed-B buffer the caller gave lt_f32_gemm_compute_packing_b.  Called
 * from the pool's threads, once per column range, ranges disjoint. */
typedef void (*lt_f32_gemm_pack_b_fn) (void  *context,
                                       size_t n0,
                                       size_t n1);

/* Like lt_f32_gemm_compute, but each parallel task first packs its own
 * columns of B into `packed_b` (packed_b_size floats) with `pack_b`, so the
 * packed block is consumed while it is still in cache. */
void lt_f32_gemm_compute_packing_b (const lt_f32_gemm_ukernel  *ukernel,
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
                                    lt_threadpool              *pool);
