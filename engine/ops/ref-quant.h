/* ref-quant.h — linear quantization arithmetic shared by the reference
 * QuantizeLinear, DequantizeLinear, QLinearConv and QLinearMatMul.
 *
 * ONNX's convention: real = (q - zero_point) * scale.  Quantizing rounds
 * half to even (the FPU's default mode) and saturates to the integer
 * type's range.  A scale or zero point holds one element (per tensor) or
 * one per channel of an axis.
 */
#pragma once

#include "ops/ref-helpers.h"

/* Whether `t` is an integer type quantized values may have here: int8,
 * uint8, int16, uint16. */
bool lt_ref_is_quantized_type (lt_dtype t);

/* Rounds v half to even, saturates it to the range of integer type t and
 * stores it at element i. */
void lt_ref_store_quantized (lt_dtype t,
                             void    *data,
                             uint64_t i,
                             double   v);

/* The scale (float) for channel c: element 0 when per tensor. */
float lt_ref_quant_scale (const lt_kernel_tensor *scale,
                          uint64_t                c);

/* The zero point for channel c; 0 when the tensor is absent (NULL or
 * UNDEFINED). */
int64_t lt_ref_quant_zero (const lt_kernel_tensor *zero,
                           uint64_t                c);

/* Checks that scale (a float tensor) and zero (optional, of type `qtype`
 * when present) hold 1 element, or `channels` elements when
 * `channels` > 0; `what` names them in the error (LT_ERR_SHAPE). */
lt_status lt_ref_check_quant_params (const lt_kernel_call   *call,
                                     const char             *what,
                                     const lt_kernel_tensor *scale,
                                     const lt_kernel_tensor *zero,
                                     lt_dtype                qtype,
                                     int64_t                 channels);
