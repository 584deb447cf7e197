/* lt/htp.h — the NPU (htp) backend: integer-only kernels
 *
 * An emulation on the CPU of a fixed-point accelerator, so that a model's
 * quantized numbers can be seen on the desktop.  Every kernel reads
 * quantized tensors and writes quantized tensors; no float touches the data
 * path (floats are only used once per call to turn scale ratios into
 * fixed-point multipliers, see docs/engine.md "The NPU (htp) backend").
 *
 * Tensors:
 *   activations  LT_DTYPE_U8 or LT_DTYPE_U16, one encoding per tensor;
 *   weights      LT_DTYPE_I8 holding 8-bit or 4-bit values (bitwidth 4:
 *                one value per byte, in [-8, 7]), per tensor or per output
 *                channel;
 *   bias         LT_DTYPE_I32 with scale = in_scale * w_scale[c] and offset
 *                0 (its encoding is not read, that scale is implied).
 * Accumulation is exact (int64) and saturates to int32 before
 * requantization; outputs round half away from zero and saturate to their
 * encoding's range.
 *
 * Ownership: kernels borrow every tensor and encoding for the call only.
 * Failures: LT_ERR_SHAPE or LT_ERR_UNSUPPORTED naming the tensor, before
 * any output is written.
 */
#pragma once

#include "lt/graph.h"
#include "lt/quant.h"
#include "lt/status.h"
#include "lt/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lt_htp_tensor
{
  const char              *name;  /* for errors; may be NULL */
  lt_dtype                 dtype;
  int32_t                  rank;
  int64_t                  dims[LT_MAX_RANK];
  void                    *data;
  const lt_quant_encoding *enc;   /* NULL only for a bias */
} lt_htp_tensor;

/* 2-D convolution, NCHW, weights [M, C/group, KH, KW]; group == C == M is a
 * depthwise convolution. */
typedef struct lt_htp_conv_params
{
  int64_t strides[2];
  int64_t dilations[2];
  int64_t pads[4];    /* top, left, bottom, right */
  int64_t group;
} lt_htp_conv_params;

/* y = conv (x, w) + bias; bias may be NULL.  y's dims must be the
 * convolution's output dims. */
lt_status lt_htp_conv (const lt_htp_tensor      *x,
                       const lt_htp_tensor      *w,
                       const lt_htp_tensor      *bias,
                       const lt_htp_conv_params *params,
                       lt_htp_tensor            *y,
                       lt_error                 *err);

/* y = a × b + bias for Gemm and MatMul: a is [..., M, K] (leading dims
 * folded into M), b is [K, N] ([N, K] when trans_b) with an encoding per
 * tensor or per column n, bias [N] or NULL, y is [..., M, N]. */
lt_status lt_htp_matmul (const lt_htp_tensor *a,
                         const lt_htp_tensor *b,
                         const lt_htp_tensor *bias,
                         bool                 trans_b,
                         lt_htp_tensor       *y,
                         lt_error            *err);

typedef enum lt_htp_binary_op
{
  LT_HTP_ADD,
  LT_HTP_MUL,
} lt_htp_binary_op;

/* Elementwise a + b or a × b, each operand of y's shape or broadcasting to
 * it (numpy rules: dims aligned from the right, each equal or 1), so a
 * bias [C, 1, 1] adds to [N, C, H, W]. */
lt_status lt_htp_binary (lt_htp_binary_op     op,
                         const lt_htp_tensor *a,
                         const lt_htp_tensor *b,
                         lt_htp_tensor       *y,
                         lt_error            *err);

/* y = clamp (x, lo, hi) re-expressed in y's encoding: Relu is lo = 0,
 * hi = +inf; Clip passes its bounds. */
lt_status lt_htp_clip (const lt_htp_tensor *x,
                       float                lo,
                       float                hi,
                       lt_htp_tensor       *y,
                       lt_error            *err);

/* Movement ops: data moves unchanged, values are re-expressed in y's
 * encoding (y = requant (x + x_offset, x_scale/y_scale) − y_offset, an
 * exact copy when the encodings are equal).  Reshape (and Flatten,
 * Squeeze, Unsqueeze) is lt_htp_requantize on tensors of equal counts. */
lt_status lt_htp_requantize (const lt_htp_tensor *x,
                             lt_htp_tensor       *y,
                             lt_error            *err);

/* y = transpose (x, perm), perm of x's rank. */
lt_status lt_htp_transpose (const lt_htp_tensor *x,
                            const int64_t       *perm,
                            lt_htp_tensor       *y,
                            lt_error            *err);

/* y[i] = x[starts + i · steps] per axis (ONNX Slice once its starts and
 * steps are resolved: starts[d] in [0, dims[d]), steps[d] != 0, y's dims the
 * element counts).  Split is one slice per output. */
lt_status lt_htp_slice (const lt_htp_tensor *x,
                        const int64_t       *starts,
                        const int64_t       *steps,
                        lt_htp_tensor       *y,
                        lt_error            *err);

/* y = concat (inputs, axis); every input is re-expressed in y's encoding. */
lt_status lt_htp_concat (const lt_htp_tensor *const *inputs,
                         uint32_t                    n_inputs,
                         int32_t                     axis,
                         lt_htp_tensor              *y,
                         lt_error                   *err);

/* 2-D pooling, NCHW. */
typedef struct lt_htp_pool_params
{
  bool    is_max;             /* MaxPool, else AveragePool */
  bool    count_include_pad;  /* AveragePool: divide by the full window */
  int64_t kernel[2];
  int64_t strides[2];
  int64_t pads[4];            /* top, left, bottom, right */
} lt_htp_pool_params;

/* MaxPool takes the integer maximum (requantization is monotonic) then
 * re-expresses it; AveragePool sums (x + x_offset) exactly and requantizes
 * by x_scale / (y_scale · count) for the window's count. */
lt_status lt_htp_pool (const lt_htp_tensor      *x,
                       const lt_htp_pool_params *params,
                       lt_htp_tensor            *y,
                       lt_error                 *err);

/* Table lookups for activation functions: the table maps every input code
 * to the output code, each entry quantize_y (f (dequantize_x (q))) computed
 * in double at build time, so the run is one load per element.  An 8-bit
 * input has a 256-entry table, a 16-bit input a full 65536-entry one (no
 * interpolation: every code is exact to half an output step). */
typedef enum lt_htp_lut_fn
{
  LT_HTP_LUT_SIGMOID,
  LT_HTP_LUT_TANH,
  LT_HTP_LUT_HARD_SWISH,
  LT_HTP_LUT_GELU,      /* the exact erf form */
} lt_htp_lut_fn;

typedef struct lt_htp_lut lt_htp_lut;

/* Builds the table of `fn` from x's dtype and encoding to y's; y's
 * encoding is copied, x's is not kept.  Returns an owned table. */
lt_status lt_htp_lut_new (lt_htp_lut_fn        fn,
                          const lt_htp_tensor *x,
                          const lt_htp_tensor *y,
                          lt_htp_lut         **out,
                          lt_error            *err);

/* y[i] = table[x[i]]; x and y must have the dtypes the table was built
 * for and equal counts.  Allocates nothing. */
lt_status lt_htp_lut_apply (const lt_htp_lut    *lut,
                            const lt_htp_tensor *x,
                            lt_htp_tensor       *y,
                            lt_error            *err);

/* Accepts NULL. */
void lt_htp_lut_free (lt_htp_lut *lut);

/* Softmax over the last axis in 16-bit fixed point, integer only:
 *   d_i   = max_j q_j − q_i                      (exact, >= 0)
 *   e_i   = EXP[d_i] = round (2^15 · exp (−d_i · x_scale))   (a table of
 *           2^bits(x) uint16 entries built once; e of the maximum = 2^15)
 *   r     = round (2^47 / Σ e_j)                 (integer reciprocal)
 *   p_i   = round_half_away (e_i · r / 2^31)     (probability in Q16)
 *   y_i   = requant (p_i, 1 / (2^16 · y_scale)) − y_offset
 * An owned object holds the exp table; it is built from x's encoding. */
typedef struct lt_htp_softmax lt_htp_softmax;

lt_status lt_htp_softmax_new (const lt_htp_tensor *x,
                              const lt_htp_tensor *y,
                              lt_htp_softmax     **out,
                              lt_error            *err);

/* Runs on x and y of the encodings it was built for.  Allocates nothing. */
lt_status lt_htp_softmax_apply (const lt_htp_softmax *softmax,
                                const lt_htp_tensor  *x,
                                lt_htp_tensor        *y,
                                lt_error             *err);

/* Accepts NULL. */
void lt_htp_softmax_free (lt_htp_softmax *softmax);

/* LayerNormalization over the last axis (length C), integer only:
 *   v_i   = q_i + x_offset;  μ = round (16 · Σ v / C)   (Q4)
 *   d_i   = 16 · v_i − μ;    var = round (Σ d² / C) + eps / x_scale² · 256
 *   σ     = isqrt (var · 2^16)                            (Q12, integer sqrt)
 *   n_i   = round (d_i · round (2^48 / σ) / 2^28)         (normalized, Q12)
 *   acc_i = n_i · (gamma_q[i] + gamma_offset) + beta_q[i]
 *   y_i   = requant (acc_i, 2^-12 · gamma_scale[i] / y_scale) − y_offset
 * gamma is int8 weights [C] (per tensor or per element), beta is int32 [C]
 * in scale 2^-12 · gamma_scale[i] (or NULL).  Rows of at most 65536. */
lt_status lt_htp_layer_norm (const lt_htp_tensor *x,
                             const lt_htp_tensor *gamma,
                             const lt_htp_tensor *beta,
                             float                epsilon,
                             lt_htp_tensor       *y,
                             lt_error            *err);

/* Resize of the two last axes of a 4-D NCHW tensor. */
typedef enum lt_htp_resize_mode
{
  LT_HTP_RESIZE_NEAREST_FLOOR,             /* mode "nearest", nearest_mode "floor" */
  LT_HTP_RESIZE_NEAREST_ROUND_PREFER_FLOOR, /* mode "nearest", the default nearest_mode */
  LT_HTP_RESIZE_LINEAR,                     /* mode "linear" (bilinear) */
} lt_htp_resize_mode;

typedef enum lt_htp_resize_coords
{
  LT_HTP_COORDS_HALF_PIXEL,
  LT_HTP_COORDS_ASYMMETRIC,
  LT_HTP_COORDS_ALIGN_CORNERS,
} lt_htp_resize_coords;

/* Source coordinates come from the sizes alone, in Q16 (integer
 * arithmetic, rounded); bilinear weights are Q16, the weighted sum is
 * rounded to Q8 and requantized by x_scale / (2^8 · y_scale). */
lt_status lt_htp_resize (const lt_htp_tensor  *x,
                         lt_htp_resize_mode    mode,
                         lt_htp_resize_coords  coords,
                         lt_htp_tensor        *y,
                         lt_error             *err);

/* The capability table: whether node `node_id` of a finalized graph, whose
 * values carry their types (declared, or set from shape inference with
 * lt_graph_set_value_type), can run on the NPU when its inputs are quantized to
 * `types` (one per node input: U8/U16 for activations, I8 for weights, I32
 * for a bias, UNDEFINED for an omitted input; NULL means "8-bit
 * activations, 8-bit weights, 32-bit bias" by position).  Returns true, or
 * false with a sentence for the user in `why` (op, dtype or shape limit),
 * e.g. "Resize is not supported on the NPU yet".  Does not keep pointers. */
bool lt_htp_check_node (const lt_graph *graph,
                        int32_t         node_id,
                        const lt_dtype *types,
                        char           *why,
                        size_t          why_size);

#ifdef __cplusplus
}
#endif
