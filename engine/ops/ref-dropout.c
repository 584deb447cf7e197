/* ref-dropout.c — the reference Dropout kernel.
 *
 * At inference (no training_mode input, or false) and in training with
 * ratio 0 it copies its input.  In training with a ratio r in (0, 1) it
 * draws the mask the op defines: each element kept with probability 1 − r
 * and scaled by 1 / (1 − r), dropped to 0 otherwise; the optional second
 * output is that mask.  The draws come from a xorshift64* generator per
 * session, seeded with the node's `seed` attribute or a fixed default, so
 * a session's runs differ from each other but a new session repeats the
 * first run's masks. */
#include "ops/ref-common.h"

#include <stdlib.h>

#define DEFAULT_SEED 0x4C41544845ull

typedef struct
{
  uint64_t rng;
} dropout_state;

static uint64_t
next_random (dropout_state *state)
{
  uint64_t x = state->rng;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  state->rng = x;
  return x * 0x2545F4914F6CDD1Dull;
}

static lt_status
dropout_prepare (const lt_kernel_call *call,
                 void                **state,
                 size_t               *scratch_bytes)
{
  dropout_state *s = malloc (sizeof *s);
  uint64_t       seed = (uint64_t) lt_node_get_attr_int (call->node, "seed", (int64_t) DEFAULT_SEED);

  *scratch_bytes = 0;
  if (s == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory");
  s->rng = seed != 0 ? seed : DEFAULT_SEED; /* xorshift never leaves 0 */
  *state = s;
  return LT_OK;
}

static lt_status
dropout_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor       *y = &call->outputs[0];
  lt_kernel_tensor       *mask = call->n_outputs > 1 && call->outputs[1].data != NULL ? &call->outputs[1] : NULL;
  double                  ratio = lt_ref_has_input (call, 1) ? lt_ref_get_f64 (call->inputs[1].dtype, call->inputs[1].data, 0) : 0.5;
  bool                    training = lt_ref_has_input (call, 2)
                                     && lt_ref_get_i64 (call->inputs[2].dtype, call->inputs[2].data, 0) != 0;
  double                  scale;

  if (!training || ratio == 0)
    return lt_ref_copy_run (call);
  if (!(ratio > 0 && ratio < 1))
    return lt_ref_fail (call, LT_ERR_RUNTIME, "ratio is %g; in training mode it must be in [0, 1)", ratio);
  scale = 1.0 / (1.0 - ratio);
  for (uint64_t i = 0; i < x->count; i++)
    {
      /* 53 random bits as a double in [0, 1). */
      double u = (double) (next_random (call->state) >> 11) * 0x1.0p-53;
      bool   keep = u >= ratio;

      lt_ref_set_f64 (y->dtype, y->data, i, keep ? lt_ref_get_f64 (x->dtype, x->data, i) * scale : 0.0);
      if (mask != NULL)
        ((uint8_t *) mask->data)[i] = keep;
    }
  return LT_OK;
}

const lt_kernel lt_ref_dropout_kernel = {
  .name = "lt_ref_dropout",
  .prepare = dropout_prepare,
  .run = dropout_run,
  .release = free,
  .in_place = true,
};
