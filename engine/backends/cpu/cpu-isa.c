/* cpu-isa.c — run-time choice of the fast kernels' instruction set.
 *
 * Invariant: lt_cpu_isa_get never returns an ISA the running CPU lacks.
 */
#include "cpu-isa.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_int isa_limit = LT_CPU_ISA_MAX;

static lt_cpu_isa
detect_hardware_isa (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return LT_CPU_ISA_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return LT_CPU_ISA_AVX2;
#endif
  return LT_CPU_ISA_SCALAR;
}

lt_cpu_isa
lt_cpu_isa_get (void)
{
  lt_cpu_isa isa = detect_hardware_isa ();
  const char *env = getenv ("LATHE_CPU_ISA");
  int limit = atomic_load (&isa_limit);

  if (env != NULL && strcmp (env, "scalar") == 0)
    limit = LT_CPU_ISA_SCALAR;
  else if (env != NULL && strcmp (env, "avx2") == 0 && limit > LT_CPU_ISA_AVX2)
    limit = LT_CPU_ISA_AVX2;
  return (int) isa < limit ? isa : (lt_cpu_isa) limit;
}

void
lt_cpu_isa_set_limit (lt_cpu_isa limit)
{
  atomic_store (&isa_limit, (int) limit);
}
