/* ref-rnn.c — reference RNN, GRU and LSTM (f32).
 *
 * Inputs (ONNX): X, W [dirs, G*H, I], R [dirs, G*H, H], B [dirs, 2*G*H],
 * sequence_lens [batch], initial_h [dirs, batch, H], and for LSTM
 * initial_c and the peepholes P [dirs, 3*H].  G is 1 (RNN), 3 (GRU, gates
 * z r h) or 4 (LSTM, gates i o f c).  Outputs Y [seq, dirs, batch, H],
 * Y_h and (LSTM) Y_c [dirs, batch, H], all optional; layout = 1 puts the
 * batch axis first in X, Y, the states and their initial values.
 *
 * Each direction and batch entry is an independent recurrence: it runs
 * over the first sequence_lens[b] steps (backwards for the reverse
 * direction), Y is zero past that length and Y_h / Y_c hold the state
 * after the last step taken.  Gate pre-activations are clipped to [-clip,
 * clip] when clip is set, then go through the activations (defaults: Tanh
 * for RNN; Sigmoid, Tanh for GRU; Sigmoid, Tanh, Tanh for LSTM), whose
 * alpha/beta are taken in order from activation_alpha/beta by the
 * functions that use them.  Sums accumulate in double in the scratch
 * buffer; nothing is allocated in run.
 */
#include "ops/ref-helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum act_kind
{
  ACT_RELU,
  ACT_TANH,
  ACT_SIGMOID,
  ACT_AFFINE,
  ACT_LEAKY_RELU,
  ACT_THRESHOLDED_RELU,
  ACT_SCALED_TANH,
  ACT_HARD_SIGMOID,
  ACT_ELU,
  ACT_SOFTSIGN,
  ACT_SOFTPLUS,
} act_kind;

typedef struct activation
{
  act_kind kind;
  double   alpha, beta;
} activation;

#define MAX_ACTS 3 /* per direction: f, g, h */

typedef struct rnn_params
{
  int32_t    gates;  /* G */
  int32_t    n_acts; /* activations per direction */
  int32_t    dirs;
  bool       reverse;     /* direction = "reverse" (one direction, run backwards) */
  bool       batch_first; /* layout = 1 */
  bool       linear_before_reset;
  bool       input_forget;
  double     clip; /* 0: none */
  int64_t    seq, batch, input, hidden;
  activation acts[2][MAX_ACTS];
} rnn_params;

static const struct
{
  const char *name;
  act_kind    kind;
  int         n_params;    /* how many of alpha, beta it takes */
  double      alpha, beta; /* defaults */
} act_table[] = {
  { "Relu", ACT_RELU, 0, 0, 0 },
  { "Tanh", ACT_TANH, 0, 0, 0 },
  { "Sigmoid", ACT_SIGMOID, 0, 0, 0 },
  { "Affine", ACT_AFFINE, 2, 1.0, 0.0 },
  { "LeakyRelu", ACT_LEAKY_RELU, 1, 0.01, 0 },
  { "ThresholdedRelu", ACT_THRESHOLDED_RELU, 1, 1.0, 0 },
  { "ScaledTanh", ACT_SCALED_TANH, 2, 1.0, 1.0 },
  { "HardSigmoid", ACT_HARD_SIGMOID, 2, 0.2, 0.5 },
  { "Elu", ACT_ELU, 1, 1.0, 0 },
  { "Softsign", ACT_SOFTSIGN, 0, 0, 0 },
  { "Softplus", ACT_SOFTPLUS, 0, 0, 0 },
};

static double
activate (const activation *a,
          double            x)
{
  switch (a->kind)
    {
    case ACT_RELU:
      return x > 0 ? x : 0;
    case ACT_TANH:
      return tanh (x);
    case ACT_SIGMOID:
      return 1.0 / (1.0 + exp (-x));
    case ACT_AFFINE:
      return a->alpha * x + a->beta;
    case ACT_LEAKY_RELU:
      return x >= 0 ? x : a->alpha * x;
    case ACT_THRESHOLDED_RELU:
      return x > a->alpha ? x : 0;
    case ACT_SCALED_TANH:
      return a->alpha * tanh (a->beta * x);
    case ACT_HARD_SIGMOID:
      return fmax (0.0, fmin (1.0, a->alpha * x + a->beta));
    case ACT_ELU:
      return x >= 0 ? x : a->alpha * (exp (x) - 1.0);
    case ACT_SOFTSIGN:
      return x / (1.0 + fabs (x));
    case ACT_SOFTPLUS:
      return log1p (exp (x));
    default:
      return x;
    }
}

/* Reads `activations` (or the defaults) for every direction. */
static lt_status
parse_activations (const lt_kernel_call *call,
                   rnn_params           *p)
{
  static const char *const rnn_defaults[] = { "Tanh" };
  static const char *const gru_defaults[] = { "Sigmoid", "Tanh" };
  static const char *const lstm_defaults[] = { "Sigmoid", "Tanh", "Tanh" };
  const char *const       *defaults = p->gates == 1 ? rnn_defaults : p->gates == 3 ? gru_defaults
                                                                                   : lstm_defaults;
  const lt_attr           *names = lt_node_get_attr (call->node, "activations");
  const lt_attr           *alphas = lt_node_get_attr (call->node, "activation_alpha");
  const lt_attr           *betas = lt_node_get_attr (call->node, "activation_beta");
  uint32_t                 next_alpha = 0, next_beta = 0;

  if (names != NULL && (names->type != LT_ATTR_STRINGS || names->count != (uint32_t) (p->n_acts * p->dirs)))
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'activations' must list %d names", p->n_acts * p->dirs);
  for (int32_t d = 0; d < p->dirs; d++)
    for (int32_t k = 0; k < p->n_acts; k++)
      {
        const char *name = names ? names->v.strings[d * p->n_acts + k].data : defaults[k];
        activation *a = &p->acts[d][k];
        size_t      e;

        for (e = 0; e < sizeof act_table / sizeof act_table[0]; e++)
          if (strcmp (name, act_table[e].name) == 0)
            break;
        if (e == sizeof act_table / sizeof act_table[0])
          return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "activation '%s' is not supported", name);
        a->kind = act_table[e].kind;
        a->alpha = act_table[e].alpha;
        a->beta = act_table[e].beta;
        if (act_table[e].n_params >= 1 && alphas != NULL && alphas->type == LT_ATTR_FLOATS && next_alpha < alphas->count)
          a->alpha = alphas->v.floats[next_alpha++];
        if (act_table[e].n_params >= 2 && betas != NULL && betas->type == LT_ATTR_FLOATS && next_beta < betas->count)
          a->beta = betas->v.floats[next_beta++];
      }
  return LT_OK;
}

/* Inputs by position: X W R B sequence_lens initial_h initial_c P. */
enum
{
  IN_X,
  IN_W,
  IN_R,
  IN_B,
  IN_SEQ_LENS,
  IN_INITIAL_H,
  IN_INITIAL_C,
  IN_P,
};

/* Checks that input `index`, when present, is float with `count` elements. */
static lt_status
check_float_input (const lt_kernel_call *call,
                   uint32_t              index,
                   const char           *what,
                   uint64_t              count)
{
  if (lt_ref_has_input (call, index) && (call->inputs[index].dtype != LT_DTYPE_F32 || call->inputs[index].count != count))
    return lt_ref_fail (call, LT_ERR_SHAPE, "%s must be float with %llu elements", what, (unsigned long long) count);
  return LT_OK;
}

static lt_status
rnn_prepare (const lt_kernel_call *call,
             void                **state,
             size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[IN_X];
  const char             *direction = lt_node_get_attr_string (call->node, "direction", "forward");
  rnn_params              p = { 0 };
  uint64_t                gh;
  lt_status               st;

  p.gates = call->node->op == LT_OP_RNN ? 1 : call->node->op == LT_OP_GRU ? 3
                                                                          : 4;
  p.n_acts = p.gates == 1 ? 1 : p.gates == 3 ? 2
                                             : 3;
  if (strcmp (direction, "forward") == 0 || strcmp (direction, "reverse") == 0)
    p.dirs = 1;
  else if (strcmp (direction, "bidirectional") == 0)
    p.dirs = 2;
  else
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'direction' has unknown value '%s'", direction);
  p.reverse = strcmp (direction, "reverse") == 0;
  p.batch_first = lt_node_get_attr_int (call->node, "layout", 0) != 0;
  p.linear_before_reset = lt_node_get_attr_int (call->node, "linear_before_reset", 0) != 0;
  p.input_forget = lt_node_get_attr_int (call->node, "input_forget", 0) != 0;
  p.clip = lt_node_get_attr_float (call->node, "clip", 0.0f);
  if (p.clip < 0)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'clip' must be >= 0");
  if (x->rank != 3 || call->inputs[IN_W].rank != 3 || call->inputs[IN_R].rank != 3)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X, W and R must be 3-D");
  p.seq = x->dims[p.batch_first ? 1 : 0];
  p.batch = x->dims[p.batch_first ? 0 : 1];
  p.input = x->dims[2];
  p.hidden = call->inputs[IN_R].dims[2];
  if (lt_node_get_attr_int (call->node, "hidden_size", p.hidden) != p.hidden)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'hidden_size' does not match R");
  gh = (uint64_t) (p.gates * p.hidden);
  if (call->inputs[IN_W].dtype != LT_DTYPE_F32 || call->inputs[IN_W].dims[0] != p.dirs || call->inputs[IN_W].dims[1] != (int64_t) gh || call->inputs[IN_W].dims[2] != p.input || call->inputs[IN_R].dims[0] != p.dirs || call->inputs[IN_R].dims[1] != (int64_t) gh)
    return lt_ref_fail (call, LT_ERR_SHAPE, "W must be [%d, %llu, %lld] and R [%d, %llu, %lld]", p.dirs,
                        (unsigned long long) gh, (long long) p.input, p.dirs, (unsigned long long) gh,
                        (long long) p.hidden);
  if ((st = check_float_input (call, IN_B, "B", (uint64_t) p.dirs * 2 * gh)) != LT_OK || (st = check_float_input (call, IN_INITIAL_H, "initial_h", (uint64_t) (p.dirs * p.batch * p.hidden))) != LT_OK || (p.gates == 4 && ((st = check_float_input (call, IN_INITIAL_C, "initial_c", (uint64_t) (p.dirs * p.batch * p.hidden))) != LT_OK || (st = check_float_input (call, IN_P, "P", (uint64_t) (p.dirs * 3 * p.hidden))) != LT_OK)))
    return st;
  if (lt_ref_has_input (call, IN_SEQ_LENS) && (call->inputs[IN_SEQ_LENS].count != (uint64_t) p.batch || (call->inputs[IN_SEQ_LENS].dtype != LT_DTYPE_I32 && call->inputs[IN_SEQ_LENS].dtype != LT_DTYPE_I64)))
    return lt_ref_fail (call, LT_ERR_SHAPE, "sequence_lens must hold one integer per batch entry");
  if ((st = parse_activations (call, &p)) != LT_OK)
    return st;
  /* h, c, the new h, and the input and recurrent parts of the gates */
  *scratch_bytes = (size_t) (3 * p.hidden + 2 * (int64_t) gh) * sizeof (double);
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

/* Element offsets in the layout-dependent tensors. */
static uint64_t
x_offset (const rnn_params *p,
          int64_t           t,
          int64_t           b)
{
  return (uint64_t) ((p->batch_first ? b * p->seq + t : t * p->batch + b) * p->input);
}

static uint64_t
y_offset (const rnn_params *p,
          int64_t           t,
          int32_t           d,
          int64_t           b)
{
  return (uint64_t) ((p->batch_first ? (b * p->seq + t) * p->dirs + d : (t * p->dirs + d) * p->batch + b) * p->hidden);
}

static uint64_t
state_offset (const rnn_params *p,
              int32_t           d,
              int64_t           b)
{
  return (uint64_t) ((p->batch_first ? b * p->dirs + d : d * p->batch + b) * p->hidden);
}

static double
clip (const rnn_params *p,
      double            v)
{
  return p->clip > 0 ? fmax (-p->clip, fmin (p->clip, v)) : v;
}

/* One step of direction d for one batch entry: reads h and c, writes the
 * new state into h and c.  xg / rg receive X·Wᵀ + Wb and H·Rᵀ + Rb. */
static void
cell_step (const lt_kernel_call *call,
           const rnn_params     *p,
           int32_t               d,
           const float          *xt,
           double               *h,
           double               *c,
           double               *h_new,
           double               *xg,
           double               *rg)
{
  const float      *w = (const float *) call->inputs[IN_W].data + (uint64_t) d * (uint64_t) (p->gates * p->hidden * p->input);
  const float      *r = (const float *) call->inputs[IN_R].data + (uint64_t) d * (uint64_t) (p->gates * p->hidden * p->hidden);
  const float      *bias = lt_ref_has_input (call, IN_B) ? (const float *) call->inputs[IN_B].data + d * 2 * p->gates * p->hidden : NULL;
  const float      *peep = lt_ref_has_input (call, IN_P) ? (const float *) call->inputs[IN_P].data + d * 3 * p->hidden : NULL;
  const activation *f = &p->acts[d][0], *g = &p->acts[d][p->n_acts > 1 ? 1 : 0], *hh = &p->acts[d][p->n_acts - 1];
  int64_t           H = p->hidden, GH = p->gates * p->hidden;

  for (int64_t j = 0; j < GH; j++)
    {
      double sx = bias ? bias[j] : 0.0, sr = bias ? bias[GH + j] : 0.0;
      for (int64_t k = 0; k < p->input; k++)
        sx += (double) xt[k] * w[j * p->input + k];
      for (int64_t k = 0; k < H; k++)
        sr += h[k] * r[j * H + k];
      xg[j] = sx;
      rg[j] = sr;
    }
  /* GRU has no cell state: c holds the reset hidden state r ⊙ h */
  if (p->gates == 3)
    for (int64_t k = 0; k < H; k++)
      c[k] = activate (f, clip (p, xg[H + k] + rg[H + k])) * h[k];
  for (int64_t j = 0; j < H; j++)
    {
      if (p->gates == 1)
        h_new[j] = activate (f, clip (p, xg[j] + rg[j]));
      else if (p->gates == 3)
        {
          /* gates z, r, h */
          double z = activate (f, clip (p, xg[j] + rg[j]));
          double rr = activate (f, clip (p, xg[H + j] + rg[H + j]));
          double pre;
          if (p->linear_before_reset)
            pre = xg[2 * H + j] + rr * rg[2 * H + j];
          else
            {
              /* (r ⊙ h)·Rhᵀ + Rbh, with r ⊙ h from c (see above) */
              const float *rh = r + (uint64_t) (2 * H + j) * (uint64_t) H;
              pre = xg[2 * H + j] + (bias ? bias[GH + 2 * H + j] : 0.0);
              for (int64_t k = 0; k < H; k++)
                pre += c[k] * rh[k];
            }
          h_new[j] = (1.0 - z) * activate (g, clip (p, pre)) + z * h[j];
        }
      else
        {
          /* gates i, o, f, c; peepholes i, o, f */
          double i_g = activate (f, clip (p, xg[j] + rg[j] + (peep ? peep[j] * c[j] : 0.0)));
          double f_g = p->input_forget ? 1.0 - i_g
                                       : activate (f, clip (p, xg[2 * H + j] + rg[2 * H + j] + (peep ? peep[2 * H + j] * c[j] : 0.0)));
          double c_g = activate (g, clip (p, xg[3 * H + j] + rg[3 * H + j]));
          double c_new = f_g * c[j] + i_g * c_g;
          double o_g = activate (f, clip (p, xg[H + j] + rg[H + j] + (peep ? peep[H + j] * c_new : 0.0)));
          h_new[j] = o_g * activate (hh, c_new);
          xg[j] = c_new; /* the input gate's slot is free now: keep the new cell state */
        }
    }
  for (int64_t j = 0; j < H; j++)
    {
      if (p->gates == 4)
        c[j] = xg[j];
      h[j] = h_new[j];
    }
}

static lt_status
rnn_run (const lt_kernel_call *call)
{
  const rnn_params *p = call->state;
  const float      *x = call->inputs[IN_X].data;
  float            *y = call->n_outputs > 0 ? call->outputs[0].data : NULL;
  float            *y_h = call->n_outputs > 1 ? call->outputs[1].data : NULL;
  float            *y_c = call->n_outputs > 2 ? call->outputs[2].data : NULL;
  double           *h = call->scratch, *c = h + p->hidden, *h_new = c + p->hidden;
  double           *xg = h_new + p->hidden, *rg = xg + p->gates * p->hidden;
  int64_t           H = p->hidden;

  if (y != NULL)
    memset (y, 0, (size_t) call->outputs[0].count * sizeof (float));
  for (int32_t d = 0; d < p->dirs; d++)
    for (int64_t b = 0; b < p->batch; b++)
      {
        bool     backwards = p->reverse || d == 1;
        int64_t  len = lt_ref_has_input (call, IN_SEQ_LENS) ? lt_ref_index_input (&call->inputs[IN_SEQ_LENS], (uint64_t) b)
                                                            : p->seq;
        uint64_t so = state_offset (p, d, b);

        if (len < 0 || len > p->seq)
          return lt_ref_fail (call, LT_ERR_RUNTIME, "sequence_lens[%lld] = %lld is outside [0, %lld]",
                              (long long) b, (long long) len, (long long) p->seq);
        for (int64_t j = 0; j < H; j++)
          {
            h[j] = lt_ref_has_input (call, IN_INITIAL_H) ? ((const float *) call->inputs[IN_INITIAL_H].data)[so + (uint64_t) j] : 0.0;
            c[j] = lt_ref_has_input (call, IN_INITIAL_C) ? ((const float *) call->inputs[IN_INITIAL_C].data)[so + (uint64_t) j] : 0.0;
          }
        for (int64_t s = 0; s < len; s++)
          {
            int64_t t = backwards ? len - 1 - s : s;
            cell_step (call, p, d, x + x_offset (p, t, b), h, c, h_new, xg, rg);
            if (y != NULL)
              for (int64_t j = 0; j < H; j++)
                y[y_offset (p, t, d, b) + (uint64_t) j] = (float) h[j];
          }
        for (int64_t j = 0; j < H; j++)
          {
            if (y_h != NULL)
              y_h[so + (uint64_t) j] = (float) h[j];
            if (y_c != NULL)
              y_c[so + (uint64_t) j] = (float) c[j];
          }
      }
  return LT_OK;
}

#define RNN_KERNEL(base)                     \
  const lt_kernel lt_ref_##base##_kernel = { \
    .name = "lt_ref_" #base,                 \
    .supports = lt_ref_supports_f32,         \
    .prepare = rnn_prepare,                  \
    .run = rnn_run,                          \
    .release = free,                         \
  };

RNN_KERNEL (rnn)
RNN_KERNEL (gru)
RNN_KERNEL (lstm)
