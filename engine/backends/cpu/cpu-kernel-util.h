/* cpu-kernel-util.h — how the fast CPU kernels reach a node's constant
 * inputs (errors use lt_ref_fail from ops/ref-common.h). */
#pragma once

#include "ops/kernel.h"

/* The constant data of the node's input `index`, or NULL when that input
 * is omitted or computed at run time. */
const lt_tensor *lt_kernel_call_get_constant (const lt_kernel_call *call,
                                              uint32_t              index);

/* A malloc'd, aligned copy of an f32 constant (model constants may be
 * unaligned), or NULL when out of memory.  The caller frees it. */
float *lt_kernel_call_copy_constant_f32 (const lt_tensor *constant);
