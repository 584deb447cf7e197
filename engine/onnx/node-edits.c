/* node-edits.c — removing a node that has become an identity, and turning
 * a Clip into a Relu, in a ModelProto's main graph (node-edits.h).
 *
 * A bypassed node's output keeps its name: the producer of the node's
 * first input writes it instead, so every reader of that name (nodes,
 * subgraphs, the graph's outputs, value_info) stays as it was and only the
 * producer's old output name disappears.  That is why the old name must be
 * read by the bypassed node alone and not be a graph output.
 */
#include "node-edits.h"

#include "proto-file.h"

#include <stdlib.h>
#include <string.h>

/* How many node inputs of `gp` and of the subgraphs in its nodes'
 * attributes name `name` (a subgraph reads outer values by name). */
static size_t
count_reads (const Onnx__GraphProto *gp,
             const char             *name)
{
  size_t n = 0;

  for (size_t i = 0; i < gp->n_node; i++)
    {
      const Onnx__NodeProto *np = gp->node[i];
      for (size_t j = 0; j < np->n_input; j++)
        n += strcmp (np->input[j], name) == 0;
      for (size_t a = 0; a < np->n_attribute; a++)
        {
          const Onnx__AttributeProto *attr = np->attribute[a];
          if (attr->g)
            n += count_reads (attr->g, name);
          for (size_t g = 0; g < attr->n_graphs; g++)
            n += count_reads (attr->graphs[g], name);
        }
    }
  return n;
}

static bool
is_listed (Onnx__ValueInfoProto *const *list,
           size_t                       n,
           const char                  *name)
{
  for (size_t i = 0; i < n; i++)
    if (list[i]->name && strcmp (list[i]->name, name) == 0)
      return true;
  return false;
}

/* The node whose output `slot` is `name`, or -1. */
static ssize_t
find_producer (const Onnx__GraphProto *gp,
               const char             *name,
               size_t                 *slot)
{
  for (size_t i = 0; i < gp->n_node; i++)
    for (size_t j = 0; j < gp->node[i]->n_output; j++)
      if (strcmp (gp->node[i]->output[j], name) == 0)
        {
          *slot = j;
          return (ssize_t) i;
        }
  return -1;
}

static void
remove_value_info (Onnx__GraphProto *gp,
                   const char       *name)
{
  size_t kept = 0;

  for (size_t i = 0; i < gp->n_value_info; i++)
    if (gp->value_info[i]->name && strcmp (gp->value_info[i]->name, name) == 0)
      onnx__value_info_proto__free_unpacked (gp->value_info[i], NULL);
    else
      gp->value_info[kept++] = gp->value_info[i];
  gp->n_value_info = kept;
}

/* Removes element `index` of a protobuf-c repeated field of pointers. */
static void
remove_at (void  **array,
           size_t *n,
           size_t  index)
{
  memmove (array + index, array + index + 1, (*n - index - 1) * sizeof *array);
  (*n)--;
}

/* Removes the initializers and Constant nodes among `names` (by their
 * output) that nothing reads any more and that are not graph inputs or
 * outputs; frees `names` and its strings. */
static void
drop_orphans (Onnx__GraphProto *gp,
              char            **names,
              size_t            n)
{
  for (size_t i = 0; i < n; i++)
    {
      ssize_t index = names[i][0] ? lt_onnx_proto_find_initializer (gp, names[i]) : -1;
      size_t  slot = 0;
      ssize_t producer = names[i][0] && index < 0 ? find_producer (gp, names[i], &slot) : -1;
      bool    orphan = (index >= 0 || producer >= 0) && count_reads (gp, names[i]) == 0 && !is_listed (gp->input, gp->n_input, names[i]) && !is_listed (gp->output, gp->n_output, names[i]);

      if (orphan && index >= 0)
        {
          onnx__tensor_proto__free_unpacked (gp->initializer[index], NULL);
          remove_at ((void **) gp->initializer, &gp->n_initializer, (size_t) index);
        }
      else if (orphan && gp->node[producer]->op_type && strcmp (gp->node[producer]->op_type, "Constant") == 0 && gp->node[producer]->n_output == 1)
        {
          remove_value_info (gp, names[i]);
          onnx__node_proto__free_unpacked (gp->node[producer], NULL);
          remove_at ((void **) gp->node, &gp->n_node, (size_t) producer);
        }
      free (names[i]);
    }
  free (names);
}

/* Takes the node's inputs from `first` on out of it into *names (*n of
 * them); false when out of memory (the node is unchanged then). */
static bool
steal_inputs (Onnx__NodeProto *np,
              size_t           first,
              char          ***names,
              size_t          *n)
{
  *n = np->n_input > first ? np->n_input - first : 0;
  *names = malloc (*n ? *n * sizeof **names : 1);
  if (!*names)
    return false;
  if (*n)
    memcpy (*names, np->input + first, *n * sizeof **names);
  if (np->n_input > first)
    np->n_input = first;
  return true;
}

static lt_status
bypass (Onnx__GraphProto *gp,
        size_t            index,
        lt_error         *err)
{
  Onnx__NodeProto *np = gp->node[index];
  const char      *output = np->output[0];
  const char      *input = np->n_input > 0 ? np->input[0] : "";
  size_t           slot = 0;
  ssize_t          producer = input[0] ? find_producer (gp, input, &slot) : -1;
  char            *renamed, **orphans;
  size_t           n_orphans;

  for (size_t j = 1; j < np->n_output; j++)
    if (np->output[j][0] != '\0')
      return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, np->output[j], "an output of a node to remove");
  if (producer < 0)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, output, "the node to remove does not read another node's output");
  if (count_reads (gp, input) != 1 || is_listed (gp->output, gp->n_output, input))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, input, "read by more than the node to remove");
  if (!(renamed = strdup (output)))
    return lt_error_set (err, LT_ERR_NO_MEMORY, output, "out of memory");
  if (!steal_inputs (np, 0, &orphans, &n_orphans))
    {
      free (renamed);
      return lt_error_set (err, LT_ERR_NO_MEMORY, output, "out of memory");
    }
  remove_value_info (gp, orphans[0]);
  free (gp->node[producer]->output[slot]);
  gp->node[producer]->output[slot] = renamed;
  onnx__node_proto__free_unpacked (np, NULL);
  remove_at ((void **) gp->node, &gp->n_node, index);
  drop_orphans (gp, orphans, n_orphans);
  return LT_OK;
}

static lt_status
clip_to_relu (Onnx__GraphProto *gp,
              size_t            index,
              lt_error         *err)
{
  Onnx__NodeProto *np = gp->node[index];
  char            *relu, **orphans;
  size_t           n_orphans;

  if (!np->op_type || strcmp (np->op_type, "Clip") != 0 || (np->domain && np->domain[0] && strcmp (np->domain, "ai.onnx") != 0))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, np->output[0], "not a Clip node");
  if (np->n_input == 0 || np->input[0][0] == '\0')
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, np->output[0], "a Clip without input");
  if (!(relu = strdup ("Relu")) || !steal_inputs (np, 1, &orphans, &n_orphans))
    {
      free (relu);
      return lt_error_set (err, LT_ERR_NO_MEMORY, np->output[0], "out of memory");
    }
  free (np->op_type);
  np->op_type = relu;
  for (size_t a = 0; a < np->n_attribute; a++) /* min and max before opset 11 */
    onnx__attribute_proto__free_unpacked (np->attribute[a], NULL);
  free (np->attribute);
  np->attribute = NULL;
  np->n_attribute = 0;
  drop_orphans (gp, orphans, n_orphans);
  return LT_OK;
}

lt_status
lt_onnx_apply_node_edit (Onnx__GraphProto   *gp,
                         const lt_node_edit *edit,
                         lt_error           *err)
{
  for (size_t i = 0; i < gp->n_node; i++)
    if (gp->node[i]->n_output > 0 && strcmp (gp->node[i]->output[0], edit->output) == 0)
      switch (edit->change)
        {
        case LT_NODE_BYPASS:
          return bypass (gp, i, err);
        case LT_NODE_CLIP_TO_RELU:
          return clip_to_relu (gp, i, err);
        default:
          return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, edit->output, "unknown node edit");
        }
  return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, edit->output, "no node of the main graph has this first output");
}
