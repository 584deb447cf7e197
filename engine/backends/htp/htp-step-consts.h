/* htp-step-consts.h — constant operands and parameters of a step (see
 * htp-step-consts.c).  Quantized constants live in the step's `consts`
 * (data owned, freed by lt_htp_consts_clear); errors name the tensor. */
#pragma once

#include "htp-step.h"

/* Weights `value_id` as int8 (4-bit values in [-8, 7]) with its signed
 * encoding, which must be per tensor or match the dims along its axis. */
lt_status lt_htp_const_weights (const lt_htp_step_context *ctx,
                                lt_htp_step               *step,
                                int32_t                    value_id,
                                const lt_htp_tensor      **out,
                                lt_error                  *err);

/* Bias `value_id` as int32 [channels]: round (b[c] / (in_scale ·
 * w_scale[c])), saturated.  Its own encoding, when given, must be 32 bits
 * and is otherwise not read. */
lt_status lt_htp_const_bias (const lt_htp_step_context *ctx,
                             lt_htp_step               *step,
                             int32_t                    value_id,
                             double                     in_scale,
                             const lt_quant_encoding   *w_enc,
                             int64_t                    channels,
                             const lt_htp_tensor      **out,
                             lt_error                  *err);

/* A constant operand of an activation op (Add, Mul, Concat) quantized with
 * its unsigned per-tensor encoding. */
lt_status lt_htp_const_activation (const lt_htp_step_context *ctx,
                                   lt_htp_step               *step,
                                   int32_t                    value_id,
                                   const lt_htp_tensor      **out,
                                   lt_error                  *err);

void lt_htp_consts_clear (lt_htp_step *step);

/* Integers of input `input` (its known contents: a constant or a value
 * shape inference resolved) or, when the node has no such input, of the
 * INTS attribute `attr_name` (may be NULL).  *n = 0 when neither is there.
 * False when the input's contents are unknown, not integers or more than
 * `max`. */
bool lt_htp_param_ints (const lt_htp_step_context *ctx,
                        const lt_node             *node,
                        uint32_t                   input,
                        const char                *attr_name,
                        int64_t                   *values,
                        uint32_t                   max,
                        uint32_t                  *n);

/* The float scalar of input `input`; left as is when the input is
 * omitted.  False when its contents are unknown or not one float. */
bool lt_htp_param_float (const lt_htp_step_context *ctx,
                         const lt_node             *node,
                         uint32_t                   input,
                         float                     *value);

/* Explicit pads (top, left, bottom, right) of a 2-D window from `pads` or
 * `auto_pad`, given the input and output extents; `label` names the node
 * in errors. */
lt_status lt_htp_window_pads (const lt_node *node,
                              const char    *label,
                              const int64_t *in,
                              const int64_t *out,
                              const int64_t *kernel,
                              const int64_t *strides,
                              const int64_t *dilations,
                              int64_t       *pads,
                              lt_error      *err);
