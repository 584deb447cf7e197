/* cpu-kernel-util.h — small helpers the fast CPU kernels share: reaching a
 * node's constant inputs and reporting errors that name the node. */
#pragma once

#include "ops/kernel.h"

/* The constant data of the node's input `index`, or NULL when that input
 * is omitted or computed at run time. */
const lt_tensor *lt_kernel_call_get_constant (const lt_kernel_call *call,
                                              uint32_t              index);

/* A malloc'd, aligned copy of an f32 constant (model constants may be
 * unaligned), or NULL when out of memory.  The caller frees it. */
float *lt_kernel_call_copy_constant_f32 (const lt_tensor *constant);

/* Sets call->err to `code` with "<op_type> node <name>: <message>" and the
 * node's printable name as subject; returns code. */
lt_status lt_kernel_call_fail (const lt_kernel_call *call,
                               lt_status             code,
                               const char           *format,
                               ...) __attribute__ ((format (printf, 3, 4)));
