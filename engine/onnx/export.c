/* export.c — writes a QDQ model (lt/onnx-export.h).
 *
 * The model's file is read again, pre-scanned with the import's checks and
 * unpacked by protobuf-c, which keeps unknown fields, so packing it again
 * loses nothing.  The main graph is then edited in place: every string and
 * array hung into the ModelProto is malloc'd, as protobuf-c's default
 * allocator expects, so free_unpacked releases old and new parts alike.
 * Weight values come from the loaded model's constants (already decoded
 * from raw, typed or external data).
 *
 * New names are `<name>_quantized`, `_scale`, `_zero_point`, `_dequantized`
 * and `_float`, with a counter appended while a name is taken; a string set
 * of every name in the main graph keeps them unique.  Node order stays
 * topological: weight DequantizeLinears and graph-input Q/DQ pairs come
 * first, a value's pair right after its producer.
 */
#include "lt/onnx-export.h"
#include "lt/graph.h"

#include "proto-file.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ONNX_DOMAIN_MS "com.microsoft"

/* ---- a set of strings (open addressing, FNV-1a) ------------------------- */

typedef struct name_set
{
  char **slots; /* owned copies, NULL = empty */
  size_t cap;   /* a power of two */
  size_t count;
} name_set;

static uint64_t
name_hash (const char *s)
{
  uint64_t h = 1469598103934665603ull;

  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ull;
  return h;
}

static bool
name_set_contains (const name_set *set,
                   const char     *s)
{
  size_t i = (size_t) name_hash (s) & (set->cap - 1);

  for (; set->slots[i]; i = (i + 1) & (set->cap - 1))
    if (strcmp (set->slots[i], s) == 0)
      return true;
  return false;
}

static void
name_set_insert (name_set *set,
                 char     *owned)
{
  size_t i = (size_t) name_hash (owned) & (set->cap - 1);

  while (set->slots[i])
    i = (i + 1) & (set->cap - 1);
  set->slots[i] = owned;
  set->count++;
}

/* Adds a copy of `s` (the graph's strings change under renames); false
 * when out of memory. */
static bool
name_set_add (name_set   *set,
              const char *s)
{
  char *copy;

  if (s == NULL || name_set_contains (set, s))
    return true;
  if ((set->count + 1) * 2 > set->cap)
    {
      name_set bigger = { calloc (set->cap * 2, sizeof (char *)), set->cap * 2, 0 };

      if (!bigger.slots)
        return false;
      for (size_t i = 0; i < set->cap; i++)
        if (set->slots[i])
          name_set_insert (&bigger, set->slots[i]);
      free (set->slots);
      *set = bigger;
    }
  copy = strdup (s);
  if (!copy)
    return false;
  name_set_insert (set, copy);
  return true;
}

static void
name_set_clear (name_set *set)
{
  for (size_t i = 0; i < set->cap; i++)
    free (set->slots[i]);
  free (set->slots);
}

/* ---- the export context ------------------------------------------------- */

typedef struct export_ctx
{
  Onnx__ModelProto *mp;
  Onnx__GraphProto *gp;
  const lt_graph   *graph; /* the loaded model's main graph */
  name_set          names;
  lt_error         *err;
} export_ctx;

static lt_status
no_memory (export_ctx *ctx)
{
  return lt_error_set (ctx->err, LT_ERR_NO_MEMORY, NULL, "out of memory");
}

/* A name not yet in the graph, `base` + `suffix` [+ counter], malloc'd and
 * registered; NULL when out of memory. */
static char *
fresh_name (export_ctx *ctx,
            const char *base,
            const char *suffix)
{
  size_t len = strlen (base) + strlen (suffix) + 24;
  char  *s = malloc (len);

  if (!s)
    return NULL;
  snprintf (s, len, "%s%s", base, suffix);
  for (unsigned k = 1; name_set_contains (&ctx->names, s); k++)
    snprintf (s, len, "%s%s_%u", base, suffix, k);
  if (!name_set_add (&ctx->names, s))
    {
      free (s);
      return NULL;
    }
  return s;
}

static bool
collect_names (export_ctx *ctx)
{
  Onnx__GraphProto *gp = ctx->gp;
  bool              ok = true;

  for (size_t i = 0; i < gp->n_node; i++)
    {
      for (size_t j = 0; j < gp->node[i]->n_input; j++)
        ok = ok && name_set_add (&ctx->names, gp->node[i]->input[j]);
      for (size_t j = 0; j < gp->node[i]->n_output; j++)
        ok = ok && name_set_add (&ctx->names, gp->node[i]->output[j]);
    }
  for (size_t i = 0; i < gp->n_initializer; i++)
    ok = ok && name_set_add (&ctx->names, gp->initializer[i]->name);
  for (size_t i = 0; i < gp->n_input; i++)
    ok = ok && name_set_add (&ctx->names, gp->input[i]->name);
  for (size_t i = 0; i < gp->n_output; i++)
    ok = ok && name_set_add (&ctx->names, gp->output[i]->name);
  for (size_t i = 0; i < gp->n_value_info; i++)
    ok = ok && name_set_add (&ctx->names, gp->value_info[i]->name);
  return ok;
}

/* ---- building protos ---------------------------------------------------- */

static Onnx__NodeProto *
new_node (const char *op_type,
          const char *domain,
          char       *name,
          char       *in0,
          char       *in1,
          char       *in2,
          char       *out,
          bool        with_axis,
          int64_t     axis)
{
  Onnx__NodeProto      *np = calloc (1, sizeof *np);
  Onnx__AttributeProto *ap = with_axis ? calloc (1, sizeof *ap) : NULL;

  if (!np || (with_axis && !ap))
    goto fail;
  onnx__node_proto__init (np);
  np->op_type = strdup (op_type);
  np->domain = domain ? strdup (domain) : NULL;
  np->name = name;
  np->input = calloc (3, sizeof (char *));
  np->output = calloc (1, sizeof (char *));
  if (!np->op_type || (domain && !np->domain) || !np->input || !np->output)
    goto fail;
  np->input[0] = in0;
  np->input[1] = in1;
  np->input[2] = in2;
  np->n_input = in2 ? 3 : 2;
  np->output[0] = out;
  np->n_output = 1;
  if (with_axis)
    {
      onnx__attribute_proto__init (ap);
      ap->name = strdup ("axis");
      ap->has_type = true;
      ap->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
      ap->has_i = true;
      ap->i = axis;
      np->attribute = malloc (sizeof (Onnx__AttributeProto *));
      if (!ap->name || !np->attribute)
        goto fail;
      np->attribute[0] = ap;
      np->n_attribute = 1;
    }
  return np;

fail:
  if (ap)
    onnx__attribute_proto__free_unpacked (ap, NULL);
  if (np)
    onnx__node_proto__free_unpacked (np, NULL);
  return NULL;
}

/* ---- encodings ---------------------------------------------------------- */

static bool
qdq_dtype_range (lt_dtype dtype,
                 int64_t *lo,
                 int64_t *hi)
{
  switch (dtype)
    {
    case LT_DTYPE_U8:
      *lo = 0;
      *hi = 255;
      return true;
    case LT_DTYPE_I8:
      *lo = -128;
      *hi = 127;
      return true;
    case LT_DTYPE_U16:
      *lo = 0;
      *hi = 65535;
      return true;
    case LT_DTYPE_I16:
      *lo = -32768;
      *hi = 32767;
      return true;
    case LT_DTYPE_I32:
      *lo = INT32_MIN;
      *hi = INT32_MAX;
      return true;
    default:
      return false;
    }
}

static int64_t
opset_of (const Onnx__ModelProto *mp,
          const char             *domain)
{
  for (size_t i = 0; i < mp->n_opset_import; i++)
    {
      const char *d = mp->opset_import[i]->domain ? mp->opset_import[i]->domain : "";

      if (strcmp (d, domain) == 0 || (domain[0] == '\0' && strcmp (d, "ai.onnx") == 0))
        return mp->opset_import[i]->version;
    }
  return 0;
}

static lt_status
check_encoding (export_ctx            *ctx,
                const lt_qdq_encoding *enc,
                int32_t                rank)
{
  int64_t lo, hi;

  if (!enc->name || !qdq_dtype_range (enc->dtype, &lo, &hi))
    return lt_error_set (ctx->err, LT_ERR_INVALID_ARGUMENT, enc->name,
                         "a Q/DQ type must be uint8, int8, uint16, int16 or int32");
  if (enc->n_channels == 0 || !enc->scale || !enc->zero_point)
    return lt_error_set (ctx->err, LT_ERR_INVALID_ARGUMENT, enc->name, "the encoding has no scale");
  for (uint32_t c = 0; c < enc->n_channels; c++)
    {
      if (!(enc->scale[c] > 0.0f) || !isfinite (enc->scale[c]))
        return lt_error_set (ctx->err, LT_ERR_INVALID_ARGUMENT, enc->name,
                             "scale %g (channel %u) is not a positive finite number", (double) enc->scale[c], c);
      if (enc->zero_point[c] < lo || enc->zero_point[c] > hi || (enc->dtype == LT_DTYPE_I32 && enc->zero_point[c] != 0))
        return lt_error_set (ctx->err, LT_ERR_INVALID_ARGUMENT, enc->name,
                             "zero point %lld (channel %u) does not fit %s", (long long) enc->zero_point[c], c,
                             enc->dtype == LT_DTYPE_I32 ? "int32 (it must be 0)" : lt_dtype_name (enc->dtype));
    }
  if (enc->n_channels > 1)
    {
      if (opset_of (ctx->mp, "") < 13)
        return lt_error_set (ctx->err, LT_ERR_UNSUPPORTED, enc->name,
                             "per-channel Q/DQ needs ONNX opset 13 or newer; the model imports opset %lld",
                             (long long) opset_of (ctx->mp, ""));
      if (rank > 0 && (enc->axis < -rank || enc->axis >= rank))
        return lt_error_set (ctx->err, LT_ERR_INVALID_ARGUMENT, enc->name,
                             "axis %d is out of range for a tensor of rank %d", enc->axis, rank);
    }
  return LT_OK;
}

static bool
is_sixteen_bit (lt_dtype dtype)
{
  return dtype == LT_DTYPE_U16 || dtype == LT_DTYPE_I16;
}

/* Scale and zero-point initializers for `enc`, named after `base`. */
static lt_status
add_scale_zero_point (export_ctx            *ctx,
                      const lt_qdq_encoding *enc,
                      const char            *base,
                      char                 **scale_name,
                      char                 **zp_name)
{
  size_t             n = enc->n_channels;
  size_t             esize = (size_t) (lt_dtype_bits (enc->dtype) / 8);
  int64_t            dim = (int64_t) n;
  float             *scales = malloc (n * sizeof (float));
  uint8_t           *zps = malloc (n * esize);
  Onnx__TensorProto *st = NULL, *zt = NULL;

  *scale_name = fresh_name (ctx, base, "_scale");
  *zp_name = enc->dtype == LT_DTYPE_I32 ? NULL : fresh_name (ctx, base, "_zero_point");
  if (!scales || !zps || !*scale_name || (enc->dtype != LT_DTYPE_I32 && !*zp_name))
    goto fail;
  memcpy (scales, enc->scale, n * sizeof (float));
  for (size_t c = 0; c < n; c++)
    {
      int64_t z = enc->zero_point[c];

      /* Little-endian, as ONNX's raw_data is. */
      for (size_t b = 0; b < esize; b++)
        zps[c * esize + b] = (uint8_t) ((uint64_t) z >> (8 * b));
    }
  st = lt_onnx_proto_new_initializer (strdup (*scale_name), LT_DTYPE_F32, &dim, n > 1, (uint8_t *) scales, n * sizeof (float));
  scales = NULL;
  if (!st || !st->name || !lt_onnx_proto_push ((void ***) &ctx->gp->initializer, &ctx->gp->n_initializer, st))
    goto fail;
  st = NULL;
  if (*zp_name)
    {
      zt = lt_onnx_proto_new_initializer (strdup (*zp_name), enc->dtype, &dim, n > 1, zps, n * esize);
      zps = NULL;
      if (!zt || !zt->name || !lt_onnx_proto_push ((void ***) &ctx->gp->initializer, &ctx->gp->n_initializer, zt))
        goto fail;
    }
  free (zps);
  return LT_OK;

fail:
  if (st)
    onnx__tensor_proto__free_unpacked (st, NULL);
  if (zt)
    onnx__tensor_proto__free_unpacked (zt, NULL);
  free (scales);
  free (zps);
  free (*scale_name);
  free (*zp_name);
  *scale_name = *zp_name = NULL;
  return no_memory (ctx);
}

/* Quantizes the constant `t` with `enc`: round half to even, saturate. */
static uint8_t *
quantize_constant (const lt_tensor       *t,
                   const lt_qdq_encoding *enc,
                   size_t                *nbytes)
{
  size_t   esize = (size_t) (lt_dtype_bits (enc->dtype) / 8);
  uint64_t inner = 1;
  int32_t  axis = enc->axis < 0 ? enc->axis + t->rank : enc->axis;
  int64_t  lo = 0, hi = 0;
  uint8_t *out = malloc (t->count ? t->count * esize : 1);

  if (!out)
    return NULL;
  qdq_dtype_range (enc->dtype, &lo, &hi);
  if (enc->n_channels > 1)
    for (int32_t d = axis + 1; d < t->rank; d++)
      inner *= (uint64_t) t->dims[d];
  for (uint64_t i = 0; i < t->count; i++)
    {
      size_t  c = enc->n_channels > 1 ? (size_t) ((i / inner) % (uint64_t) t->dims[axis]) : 0;
      double  q = nearbyint (lt_tensor_get_as_double (t, i) / (double) enc->scale[c]) + (double) enc->zero_point[c];
      int64_t v = q < (double) lo ? lo : q > (double) hi ? hi
                                                         : (int64_t) q;

      for (size_t b = 0; b < esize; b++)
        out[i * esize + b] = (uint8_t) ((uint64_t) v >> (8 * b));
    }
  *nbytes = (size_t) t->count * esize;
  return out;
}

/* Replaces initializer `index` by its quantized form and a DequantizeLinear
 * (appended to `head`, the nodes that go first). */
static lt_status
export_weight (export_ctx            *ctx,
               const lt_qdq_encoding *enc,
               size_t                 index,
               Onnx__NodeProto     ***head,
               size_t                *n_head)
{
  Onnx__GraphProto  *gp = ctx->gp;
  Onnx__TensorProto *old = gp->initializer[index];
  int32_t            vid = lt_graph_find_value (ctx->graph, enc->name);
  const lt_value    *v = vid >= 0 ? lt_graph_get_value (ctx->graph, vid) : NULL;
  const lt_tensor   *t = v ? v->constant : NULL;
  char              *scale_name = NULL, *zp_name = NULL, *q_name, *node_name;
  Onnx__TensorProto *qt;
  Onnx__NodeProto   *dq;
  uint8_t           *bytes;
  size_t             nbytes = 0;
  lt_status          st;
  int32_t            axis;

  if (!t || !(lt_dtype_is_float (t->dtype)))
    return lt_error_set (ctx->err, LT_ERR_UNSUPPORTED, enc->name, "only float initializers can be quantized");
  if ((st = check_encoding (ctx, enc, t->rank)) != LT_OK)
    return st;
  axis = enc->axis < 0 ? enc->axis + t->rank : enc->axis;
  if (enc->n_channels > 1 && (t->rank == 0 || t->dims[axis] != (int64_t) enc->n_channels))
    return lt_error_set (ctx->err, LT_ERR_INVALID_ARGUMENT, enc->name,
                         "%u channels given, but axis %d of the tensor has %lld", enc->n_channels, enc->axis,
                         t->rank ? (long long) t->dims[axis] : 0ll);
  if ((st = add_scale_zero_point (ctx, enc, enc->name, &scale_name, &zp_name)) != LT_OK)
    return st;
  q_name = fresh_name (ctx, enc->name, "_quantized");
  node_name = fresh_name (ctx, enc->name, "_DequantizeLinear");
  bytes = quantize_constant (t, enc, &nbytes);
  qt = q_name && bytes ? lt_onnx_proto_new_initializer (strdup (q_name), enc->dtype, t->dims, (size_t) t->rank, bytes, nbytes) : NULL;
  if (!qt || !qt->name)
    {
      free (bytes);
      goto fail;
    }
  bytes = NULL;
  /* The DQ takes over the initializer's name; the float initializer goes. */
  dq = new_node ("DequantizeLinear", is_sixteen_bit (enc->dtype) ? ONNX_DOMAIN_MS : NULL, node_name,
                 q_name, scale_name, zp_name, strdup (enc->name), enc->n_channels > 1, axis);
  if (!dq || !dq->output[0])
    {
      q_name = scale_name = zp_name = node_name = NULL; /* owned by dq or freed with it */
      if (dq)
        onnx__node_proto__free_unpacked (dq, NULL);
      onnx__tensor_proto__free_unpacked (qt, NULL);
      return no_memory (ctx);
    }
  gp->initializer[index] = qt;
  onnx__tensor_proto__free_unpacked (old, NULL);
  /* Older files list initializers as graph inputs too; a DQ output cannot be one. */
  for (size_t i = 0; i < gp->n_input; i++)
    if (gp->input[i]->name && strcmp (gp->input[i]->name, enc->name) == 0)
      {
        onnx__value_info_proto__free_unpacked (gp->input[i], NULL);
        memmove (&gp->input[i], &gp->input[i + 1], (gp->n_input - i - 1) * sizeof (gp->input[0]));
        gp->n_input--;
        break;
      }
  if (!lt_onnx_proto_push ((void ***) head, n_head, dq))
    {
      onnx__node_proto__free_unpacked (dq, NULL);
      return no_memory (ctx);
    }
  return LT_OK;

fail:
  free (q_name);
  free (node_name);
  free (scale_name);
  free (zp_name);
  return no_memory (ctx);
}

static bool
is_graph_output (const Onnx__GraphProto *gp,
                 const char             *name)
{
  for (size_t i = 0; i < gp->n_output; i++)
    if (gp->output[i]->name && strcmp (gp->output[i]->name, name) == 0)
      return true;
  return false;
}

static bool
rename_string (char      **slot,
               const char *name)
{
  char *copy = strdup (name);

  if (!copy)
    return false;
  free (*slot);
  *slot = copy;
  return true;
}

/* A QuantizeLinear → DequantizeLinear pair after the value `enc` names,
 * produced by `producer` (NULL for a graph input), appended to `out`. */
static lt_status
export_activation (export_ctx            *ctx,
                   const lt_qdq_encoding *enc,
                   Onnx__NodeProto       *producer,
                   Onnx__NodeProto     ***out,
                   size_t                *n_out)
{
  Onnx__GraphProto *gp = ctx->gp;
  int32_t           vid = lt_graph_find_value (ctx->graph, enc->name);
  const lt_value   *v = vid >= 0 ? lt_graph_get_value (ctx->graph, vid) : NULL;
  int32_t           rank = v && v->shape.rank >= 0 ? v->shape.rank : 0;
  bool              keep_name = producer && is_graph_output (gp, enc->name);
  const char       *domain = is_sixteen_bit (enc->dtype) ? ONNX_DOMAIN_MS : NULL;
  char             *scale_name = NULL, *zp_name = NULL;
  char             *float_name, *q_name, *dq_name, *q_node, *dq_node;
  Onnx__NodeProto  *q = NULL, *dq = NULL;
  lt_status         st;

  if (enc->dtype == LT_DTYPE_I32)
    return lt_error_set (ctx->err, LT_ERR_INVALID_ARGUMENT, enc->name,
                         "an activation cannot be quantized to int32 (QuantizeLinear has no int32 output)");
  if ((st = check_encoding (ctx, enc, rank)) != LT_OK)
    return st;
  if ((st = add_scale_zero_point (ctx, enc, enc->name, &scale_name, &zp_name)) != LT_OK)
    return st;
  float_name = keep_name ? fresh_name (ctx, enc->name, "_float") : strdup (enc->name);
  q_name = fresh_name (ctx, enc->name, "_quantized");
  dq_name = keep_name ? strdup (enc->name) : fresh_name (ctx, enc->name, "_dequantized");
  q_node = fresh_name (ctx, enc->name, "_QuantizeLinear");
  dq_node = fresh_name (ctx, enc->name, "_DequantizeLinear");
  if (!float_name || !q_name || !dq_name || !q_node || !dq_node)
    goto fail;
  if (keep_name)
    {
      /* The producer writes `<name>_float`; the DQ writes the output name. */
      for (size_t j = 0; j < producer->n_output; j++)
        if (strcmp (producer->output[j], enc->name) == 0 && !rename_string (&producer->output[j], float_name))
          goto fail;
    }
  else
    {
      /* Every reader of the value reads the DQ output instead. */
      for (size_t i = 0; i < gp->n_node; i++)
        for (size_t j = 0; j < gp->node[i]->n_input; j++)
          if (strcmp (gp->node[i]->input[j], enc->name) == 0 && !rename_string (&gp->node[i]->input[j], dq_name))
            goto fail;
    }
  q = new_node ("QuantizeLinear", domain, q_node, float_name, scale_name, zp_name, strdup (q_name),
                enc->n_channels > 1, enc->axis);
  float_name = q_node = NULL;
  dq = q ? new_node ("DequantizeLinear", domain, dq_node, q_name, strdup (scale_name),
                     zp_name ? strdup (zp_name) : NULL, dq_name, enc->n_channels > 1, enc->axis)
         : NULL;
  if (!q)
    scale_name = zp_name = NULL; /* freed with the failed node */
  q_name = dq_name = dq_node = NULL;
  if (!q || !dq || !q->output[0] || !dq->input[1] || (zp_name && !dq->input[2]) || !lt_onnx_proto_push ((void ***) out, n_out, q))
    goto fail_nodes;
  q = NULL;
  if (!lt_onnx_proto_push ((void ***) out, n_out, dq))
    goto fail_nodes;
  return LT_OK;

fail_nodes:
  if (q)
    onnx__node_proto__free_unpacked (q, NULL);
  if (dq)
    onnx__node_proto__free_unpacked (dq, NULL);
  return no_memory (ctx);

fail:
  free (float_name);
  free (q_name);
  free (dq_name);
  free (q_node);
  free (dq_node);
  free (scale_name);
  free (zp_name);
  return no_memory (ctx);
}

static const lt_qdq_encoding *
find_encoding (const lt_qdq_encoding *encodings,
               size_t                 n,
               const char            *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (encodings[i].name, name) == 0)
      return &encodings[i];
  return NULL;
}

static bool
is_graph_input (const Onnx__GraphProto *gp,
                const char             *name)
{
  for (size_t i = 0; i < gp->n_input; i++)
    if (gp->input[i]->name && strcmp (gp->input[i]->name, name) == 0)
      return true;
  return false;
}

static bool
ensure_ms_opset (Onnx__ModelProto *mp)
{
  Onnx__OperatorSetIdProto *op;

  if (opset_of (mp, ONNX_DOMAIN_MS) > 0)
    return true;
  op = malloc (sizeof *op);
  if (!op)
    return false;
  onnx__operator_set_id_proto__init (op);
  op->domain = strdup (ONNX_DOMAIN_MS);
  op->has_version = true;
  op->version = 1;
  if (!op->domain || !lt_onnx_proto_push ((void ***) &mp->opset_import, &mp->n_opset_import, op))
    {
      onnx__operator_set_id_proto__free_unpacked (op, NULL);
      return false;
    }
  return true;
}

/* Edits the main graph: weights first, then the nodes in file order, each
 * followed by the Q/DQ pairs of its encoded outputs. */
static lt_status
insert_qdq (export_ctx            *ctx,
            const lt_qdq_encoding *encodings,
            size_t                 n_encodings)
{
  Onnx__GraphProto *gp = ctx->gp;
  Onnx__NodeProto **nodes = NULL;
  size_t            n_nodes = 0, n_done = 0;
  bool              sixteen = false;
  lt_status         st = LT_OK;

  for (size_t e = 0; e < n_encodings && st == LT_OK; e++)
    {
      const lt_qdq_encoding *enc = &encodings[e];
      ssize_t                init;

      if (!enc->name || find_encoding (encodings, e, enc->name))
        return lt_error_set (ctx->err, LT_ERR_INVALID_ARGUMENT, enc->name, "the tensor has two encodings");
      if (!name_set_contains (&ctx->names, enc->name) || lt_graph_find_value (ctx->graph, enc->name) < 0)
        return lt_error_set (ctx->err, LT_ERR_INVALID_ARGUMENT, enc->name, "no tensor of this name in the main graph");
      sixteen = sixteen || is_sixteen_bit (enc->dtype);
      init = lt_onnx_proto_find_initializer (gp, enc->name);
      if (init >= 0)
        st = export_weight (ctx, enc, (size_t) init, &nodes, &n_nodes);
      else if (is_graph_input (gp, enc->name))
        st = export_activation (ctx, enc, NULL, &nodes, &n_nodes);
    }
  /* The original nodes, each followed by its outputs' pairs.  Pairs are
   * built before the node moves over, as they rename its outputs. */
  for (size_t i = 0; i < gp->n_node && st == LT_OK; i++)
    {
      Onnx__NodeProto *node = gp->node[i];
      if (!lt_onnx_proto_push ((void ***) &nodes, &n_nodes, node))
        {
          st = no_memory (ctx);
          break;
        }
      n_done = i + 1;
      for (size_t j = 0; j < node->n_output && st == LT_OK; j++)
        {
          const lt_qdq_encoding *enc = node->output[j][0] ? find_encoding (encodings, n_encodings, node->output[j]) : NULL;

          if (enc && lt_onnx_proto_find_initializer (gp, enc->name) < 0)
            st = export_activation (ctx, enc, node, &nodes, &n_nodes);
        }
    }
  if (st == LT_OK && sixteen && !ensure_ms_opset (ctx->mp))
    st = no_memory (ctx);
  if (st != LT_OK)
    {
      /* Nodes moved into `nodes` are still listed in gp->node; free only
       * the new ones (those not in gp->node). */
      for (size_t k = 0; k < n_nodes; k++)
        {
          bool original = false;

          for (size_t i = 0; i < n_done && !original; i++)
            original = nodes[k] == gp->node[i];
          if (!original)
            onnx__node_proto__free_unpacked (nodes[k], NULL);
        }
      free (nodes);
      return st;
    }
  free (gp->node);
  gp->node = nodes;
  gp->n_node = n_nodes;
  return LT_OK;
}

static lt_status
export_qdq (const lt_model        *model,
            const lt_qdq_encoding *encodings,
            size_t                 n_encodings,
            const char            *path,
            lt_error              *err)
{
  export_ctx ctx = { 0 };
  lt_status  st;

  ctx.err = err;
  ctx.graph = lt_model_get_graph (model);
  if ((st = lt_onnx_proto_load (model, &ctx.mp, err)) != LT_OK)
    return st;
  ctx.gp = ctx.mp->graph;
  ctx.names.cap = 64;
  ctx.names.slots = calloc (ctx.names.cap, sizeof (char *));
  if (!ctx.names.slots || !collect_names (&ctx))
    st = no_memory (&ctx);
  else if ((st = insert_qdq (&ctx, encodings, n_encodings)) != LT_OK)
    lt_error_set_file (err, lt_model_get_path (model));
  else
    st = lt_onnx_proto_save (ctx.mp, path, err);
  if (ctx.names.slots)
    name_set_clear (&ctx.names);
  onnx__model_proto__free_unpacked (ctx.mp, NULL);
  return st;
}

lt_status
lt_onnx_export_qdq (const lt_model        *model,
                    const lt_qdq_encoding *encodings,
                    size_t                 n_encodings,
                    const char            *path,
                    lt_error              *err)
{
  if (!model || !path || (n_encodings && !encodings))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "lt_onnx_export_qdq needs a model, encodings and a path");
  return export_qdq (model, encodings, n_encodings, path, err);
}
