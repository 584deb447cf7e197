/* fold.c — finds Conv → BatchNormalization pairs and computes the folded
 * weights and bias (see fold.h).  Model constants are read with memcpy:
 * their data may be unaligned. */
#include "exec/fold.h"
#include "exec/session-private.h"

#include "lt/ops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct fold
{
  int32_t   conv_node;
  int32_t   bn_node;
  int32_t   bn_output;
  lt_tensor weights;
  lt_tensor bias;
} fold;

struct lt_fold_plan
{
  uint32_t first_extra_id;
  uint32_t n_folds;
  fold    *folds;
};

static float
read_f32 (const lt_tensor *t,
          uint64_t         i)
{
  float v;
  memcpy (&v, (const char *) t->data + i * sizeof v, sizeof v);
  return v;
}

/* The constant F32 tensor a node input refers to (the caller's
 * replacement when `replaced` has one for it), or NULL. */
static const lt_tensor *
constant_f32 (const lt_graph         *graph,
              const lt_tensor *const *replaced,
              const lt_node          *node,
              uint32_t                input)
{
  if (input >= node->n_inputs || node->inputs[input] < 0)
    return NULL;
  const lt_value *value = lt_graph_get_value (graph, node->inputs[input]);
  if (value->kind != LT_VALUE_CONSTANT || value->constant == NULL || value->constant->dtype != LT_DTYPE_F32)
    return NULL;
  if (replaced != NULL && replaced[node->inputs[input]] != NULL)
    return replaced[node->inputs[input]];
  return value->constant;
}

/* Whether a BatchNormalization can be folded into its producer; fills
 * the Conv's node id. */
static bool
is_foldable (const lt_graph         *graph,
             const lt_tensor *const *replaced,
             int32_t                 bn_id,
             int32_t                *conv_id)
{
  const lt_node *bn = lt_graph_get_node (graph, bn_id);
  if (bn->op != LT_OP_BatchNormalization || bn->n_inputs != 5 || bn->inputs[0] < 0
      || lt_node_get_attr_int (bn, "training_mode", 0) != 0)
    return false;
  for (uint32_t o = 1; o < bn->n_outputs; o++)
    if (bn->outputs[o] >= 0)
      return false;
  const lt_value *x = lt_graph_get_value (graph, bn->inputs[0]);
  if (x->producer < 0 || x->n_consumers != 1 || x->is_output || lt_value_is_captured (graph, bn->inputs[0]))
    return false;
  const lt_node *conv = lt_graph_get_node (graph, x->producer);
  if (conv->op != LT_OP_Conv || conv->n_outputs != 1)
    return false;
  const lt_tensor *w = constant_f32 (graph, replaced, conv, 1);
  if (w == NULL || w->rank < 3 || w->dims[0] <= 0)
    return false;
  int64_t channels = w->dims[0];
  if (conv->n_inputs > 2 && conv->inputs[2] >= 0)
    {
      const lt_tensor *b = constant_f32 (graph, replaced, conv, 2);
      if (b == NULL || b->count != (uint64_t) channels)
        return false;
    }
  for (uint32_t i = 1; i < 5; i++)
    {
      const lt_tensor *p = constant_f32 (graph, replaced, bn, i);
      if (p == NULL || p->count != (uint64_t) channels)
        return false;
    }
  *conv_id = x->producer;
  return true;
}

static bool
compute_fold (const lt_graph         *graph,
              const lt_tensor *const *replaced,
              fold                   *f)
{
  const lt_node   *conv = lt_graph_get_node (graph, f->conv_node);
  const lt_node   *bn = lt_graph_get_node (graph, f->bn_node);
  const lt_tensor *w = constant_f32 (graph, replaced, conv, 1);
  const lt_tensor *b = constant_f32 (graph, replaced, conv, 2);
  const lt_tensor *scale = constant_f32 (graph, replaced, bn, 1);
  const lt_tensor *beta = constant_f32 (graph, replaced, bn, 2);
  const lt_tensor *mean = constant_f32 (graph, replaced, bn, 3);
  const lt_tensor *var = constant_f32 (graph, replaced, bn, 4);
  double           epsilon = lt_node_get_attr_float (bn, "epsilon", 1e-5f);
  uint64_t         channels = (uint64_t) w->dims[0];
  uint64_t         per_channel = w->count / channels;
  float           *weights = malloc (w->count * sizeof *weights);
  float           *bias = malloc (channels * sizeof *bias);

  if (weights == NULL || bias == NULL)
    {
      free (weights);
      free (bias);
      return false;
    }
  for (uint64_t c = 0; c < channels; c++)
    {
      double s = read_f32 (scale, c) / sqrt ((double) read_f32 (var, c) + epsilon);
      double b0 = b != NULL ? read_f32 (b, c) : 0.0;
      for (uint64_t k = 0; k < per_channel; k++)
        weights[c * per_channel + k] = (float) (read_f32 (w, c * per_channel + k) * s);
      bias[c] = (float) ((b0 - read_f32 (mean, c)) * s + read_f32 (beta, c));
    }
  f->weights = *w;
  f->weights.name = "";
  f->weights.data = weights;
  f->bias = (lt_tensor) { .name = "", .dtype = LT_DTYPE_F32, .rank = 1, .dims = { (int64_t) channels },
                          .count = channels, .data = bias, .nbytes = channels * sizeof *bias };
  f->bn_output = bn->outputs[0];
  return true;
}

lt_status
lt_fold_plan_new (const lt_graph         *graph,
                  const lt_tensor *const *replaced,
                  uint32_t                first_extra_id,
                  lt_fold_plan          **out,
                  lt_error               *err)
{
  uint32_t      n_nodes = lt_graph_get_n_nodes (graph);
  lt_fold_plan *plan = calloc (1, sizeof *plan);

  if (plan == NULL)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory folding batch normalization");
  plan->first_extra_id = first_extra_id;
  for (uint32_t n = 0; n < n_nodes; n++)
    {
      int32_t conv_id;
      if (!is_foldable (graph, replaced, (int32_t) n, &conv_id))
        continue;
      fold *grown = realloc (plan->folds, (plan->n_folds + 1) * sizeof *grown);
      if (grown == NULL)
        goto no_memory;
      plan->folds = grown;
      fold *f = &plan->folds[plan->n_folds];
      memset (f, 0, sizeof *f);
      f->conv_node = conv_id;
      f->bn_node = (int32_t) n;
      if (!compute_fold (graph, replaced, f))
        goto no_memory;
      plan->n_folds++;
    }
  *out = plan;
  return LT_OK;

no_memory:
  lt_fold_plan_free (plan);
  return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory folding batch normalization");
}

void
lt_fold_plan_free (lt_fold_plan *plan)
{
  if (plan == NULL)
    return;
  for (uint32_t i = 0; i < plan->n_folds; i++)
    {
      free ((void *) plan->folds[i].weights.data);
      free ((void *) plan->folds[i].bias.data);
    }
  free (plan->folds);
  free (plan);
}

uint32_t
lt_fold_plan_get_n_extra (const lt_fold_plan *plan)
{
  return plan != NULL ? 2 * plan->n_folds : 0;
}

const lt_tensor *
lt_fold_plan_get_extra (const lt_fold_plan *plan,
                        uint32_t            index)
{
  const fold *f = &plan->folds[index / 2];
  return index % 2 == 0 ? &f->weights : &f->bias;
}

bool
lt_fold_is_removed (const lt_fold_plan *plan,
                    int32_t             node_id)
{
  for (uint32_t i = 0; plan != NULL && i < plan->n_folds; i++)
    if (plan->folds[i].bn_node == node_id)
      return true;
  return false;
}

void
lt_fold_apply (const lt_fold_plan *plan,
               int32_t             node_id,
               uint32_t           *n_inputs,
               int32_t            *input_ids,
               int32_t            *output_ids)
{
  for (uint32_t i = 0; plan != NULL && i < plan->n_folds; i++)
    if (plan->folds[i].conv_node == node_id)
      {
        if (*n_inputs < 3)
          *n_inputs = 3;
        if (input_ids != NULL)
          {
            input_ids[1] = (int32_t) (plan->first_extra_id + 2 * i);
            input_ids[2] = (int32_t) (plan->first_extra_id + 2 * i + 1);
          }
        if (output_ids != NULL)
          output_ids[0] = plan->folds[i].bn_output;
        return;
      }
}
