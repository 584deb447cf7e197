/* cpu-isa.h — which instruction set the CPU backend's fast kernels use.
 *
 * The answer is decided at run time from the processor (never from the
 * build machine): AVX-512F, else AVX2+FMA, else scalar.  The
 * environment variable LATHE_CPU_ISA (scalar, avx2) caps it for a whole process;
 * lt_cpu_isa_set_limit caps it from code (tests compare both paths).
 * Kernels read the ISA once, in prepare, and keep using what they packed
 * for, so changing the limit only affects nodes prepared afterwards.
 */
#pragma once

typedef enum lt_cpu_isa
{
  LT_CPU_ISA_SCALAR = 0,
  LT_CPU_ISA_AVX2 = 1,   /* AVX2 and FMA3 */
  LT_CPU_ISA_AVX512 = 2, /* AVX-512F (implies the above on every CPU that has it) */
} lt_cpu_isa;

#define LT_CPU_ISA_MAX LT_CPU_ISA_AVX512

/* The best ISA this CPU supports, within the limit. Thread-safe. */
lt_cpu_isa lt_cpu_isa_get (void);

/* Caps lt_cpu_isa_get (LT_CPU_ISA_MAX removes the cap set by code; the
 * environment variable still applies). Thread-safe. */
void lt_cpu_isa_set_limit (lt_cpu_isa limit);
