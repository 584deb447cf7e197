/* f32-simd.h — the float vector of the ISA the including file is compiled
 * for, its lane mask, and the operations the hand-written AVX2 and
 * AVX-512 kernels share, so that one kernel source serves both.
 *
 * Include only from a file built with -mavx512f (16 lanes, __mmask16
 * masks) or with -mavx2 -mfma (8 lanes, lane masks held in a vector).
 * Masked loads read zero in masked-out lanes and never touch their
 * memory; masked stores leave those elements alone.  The operations are
 * macros over the intrinsics or inlined functions, so a kernel compiles to
 * the same code as with the intrinsics written out.
 */
#pragma once

#include <immintrin.h>
#include <stdbool.h>
#include <stdint.h>

#define LT_SIMD_CONCAT_(a, b) a##__##b
#define LT_SIMD_CONCAT(a, b)  LT_SIMD_CONCAT_ (a, b)
/* name__avx512 or name__avx2: a kernel's name for this build. */
#define LT_SIMD_FN(name) LT_SIMD_CONCAT (name, LT_SIMD_ISA)

#if defined(__AVX512F__)
#define LT_SIMD_ISA avx512
#define LT_VF_LANES 16
typedef __m512    lt_vf;
typedef __mmask16 lt_vmask;
#define LT_VF_SET1(v)                  _mm512_set1_ps (v)
#define LT_VF_ADD(x, y)                _mm512_add_ps (x, y)
#define LT_VF_MUL(x, y)                _mm512_mul_ps (x, y)
#define LT_VF_FMADD(x, y, z)           _mm512_fmadd_ps (x, y, z)
#define LT_VF_MIN(x, y)                _mm512_min_ps (x, y)
#define LT_VF_MAX(x, y)                _mm512_max_ps (x, y)
#define LT_VF_LOAD(p)                  _mm512_loadu_ps (p)
#define LT_VF_BROADCAST(p)             _mm512_set1_ps (*(p))
#define LT_VF_LOAD_MASKED(p, mask)     _mm512_maskz_loadu_ps (mask, p)
#define LT_VF_STORE_MASKED(p, mask, v) _mm512_mask_storeu_ps (p, mask, v)

/* A mask of the first n lanes, n clamped to [0, 16]. */
static inline lt_vmask
lt_vmask_first (int64_t n)
{
  int64_t count = n < 0 ? 0 : n > 16 ? 16
                                     : n;

  return (__mmask16) ((1u << count) - 1);
}

/* The lanes of `mask` that are not in `cut`. */
static inline lt_vmask
lt_vmask_andnot (lt_vmask cut,
                 lt_vmask mask)
{
  return mask & (__mmask16) ~cut;
}

/* Elements 0, 2, …, 30 of the 32 in lo:hi. */
static inline lt_vf
lt_vf_even_lanes (lt_vf lo,
                  lt_vf hi)
{
  const __m512i even = _mm512_set_epi32 (30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  return _mm512_permutex2var_ps (lo, even, hi);
}

/* Elements 1, 3, …, 31 of the 32 in lo:hi. */
static inline lt_vf
lt_vf_odd_lanes (lt_vf lo,
                 lt_vf hi)
{
  const __m512i odd = _mm512_set_epi32 (31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  return _mm512_permutex2var_ps (lo, odd, hi);
}

#elif defined(__AVX2__) && defined(__FMA__)
#define LT_SIMD_ISA                    avx2
#define LT_VF_LANES                    8
typedef __m256  lt_vf;
typedef __m256i lt_vmask;
#define LT_VF_SET1(v)                  _mm256_set1_ps (v)
#define LT_VF_ADD(x, y)                _mm256_add_ps (x, y)
#define LT_VF_MUL(x, y)                _mm256_mul_ps (x, y)
#define LT_VF_FMADD(x, y, z)           _mm256_fmadd_ps (x, y, z)
#define LT_VF_MIN(x, y)                _mm256_min_ps (x, y)
#define LT_VF_MAX(x, y)                _mm256_max_ps (x, y)
#define LT_VF_LOAD(p)                  _mm256_loadu_ps (p)
#define LT_VF_BROADCAST(p)             _mm256_broadcast_ss (p)
#define LT_VF_LOAD_MASKED(p, mask)     _mm256_maskload_ps (p, mask)
#define LT_VF_STORE_MASKED(p, mask, v) _mm256_maskstore_ps (p, mask, v)

/* A mask of the first n lanes, n clamped to [0, 8]. */
static inline lt_vmask
lt_vmask_first (int64_t n)
{
  const __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  int           count = n <= 0 ? 0 : n >= 8 ? 8
                                            : (int) n;

  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 (count), lanes);
}

/* The lanes of `mask` that are not in `cut`. */
static inline lt_vmask
lt_vmask_andnot (lt_vmask cut,
                 lt_vmask mask)
{
  return _mm256_andnot_si256 (cut, mask);
}

/* Elements 0, 2, …, 14 of the 16 in lo:hi. */
static inline lt_vf
lt_vf_even_lanes (lt_vf lo,
                  lt_vf hi)
{
  __m256 mixed = _mm256_shuffle_ps (lo, hi, _MM_SHUFFLE (2, 0, 2, 0));
  return _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (mixed), _MM_SHUFFLE (3, 1, 2, 0)));
}

/* Elements 1, 3, …, 15 of the 16 in lo:hi. */
static inline lt_vf
lt_vf_odd_lanes (lt_vf lo,
                 lt_vf hi)
{
  __m256 mixed = _mm256_shuffle_ps (lo, hi, _MM_SHUFFLE (3, 1, 3, 1));
  return _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (mixed), _MM_SHUFFLE (3, 1, 2, 0)));
}

#else
#error "f32-simd.h needs -mavx512f, or -mavx2 and -mfma"
#endif

/* A masked load or, when not `masked`, a plain one: masked loads run
 * slower, so a kernel takes plain ones where every lane is inside. */
static inline __attribute__ ((always_inline)) lt_vf
lt_vf_load_or_masked (bool         masked,
                      lt_vmask     mask,
                      const float *from)
{
  return masked ? LT_VF_LOAD_MASKED (from, mask) : LT_VF_LOAD (from);
}
