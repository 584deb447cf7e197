/* import.c — ONNX ModelProto → lt_model.
 *
 * The file is mapped, pre-scanned (prescan.h: depth, lengths, counts; large
 * raw_data moved out of the copy protobuf-c sees), unpacked by protobuf-c,
 * then converted into an lt_graph.  Tensor bytes stay in the mapping where
 * they can (raw_data, external data); typed fields (float_data, …) are
 * converted into the graph's arena.  Nothing partial survives a failure: the
 * half-built model is released and *out is untouched.
 */
#include "lt/model.h"
#include "lt/ops.h"

#include "checked.h"
#include "external-data.h"
#include "import-tensor.h"
#include "log.h"
#include "model-private.h"
#include "onnx/onnx.pb-c.h"
#include "prescan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Newest versions this engine knows; a model importing a newer one is
 * refused rather than misread. */
#define LT_MAX_IR_VERSION       11
#define LT_MAX_ONNX_OPSET       23
#define LT_MAX_ONNX_ML_OPSET    5
#define LT_STRIP_THRESHOLD      256
#define LT_MAX_MESSAGE_DEPTH    100
#define LT_MAX_MESSAGES         (16u << 20)
/* Memory protobuf-c may allocate beyond the bytes it copies: 64 MiB plus 16
 * bytes per byte of the file (a 4-byte shape dimension decodes to a 48-byte
 * struct and a pointer), at most 1 GiB. */
#define LT_UNPACK_COST_BASE     (64ull << 20)
#define LT_UNPACK_COST_PER_BYTE 16ull
#define LT_UNPACK_COST_MAX      (1ull << 30)
/* Initializers and nodes converted between two polls of the abort callback. */
#define LT_IMPORT_POLL_EVERY    256u

typedef struct import_ctx
{
  lt_model          *model;
  const uint8_t     *file;      /* the mapped model file */
  size_t             file_len;
  lt_external_files *external;
  lt_error          *err;
  uint32_t           max_graph_depth;
  lt_abort_fn        abort_fn; /* may be NULL */
  void              *abort_data;
  uint32_t           since_poll; /* items converted since the last poll */
} import_ctx;

static lt_status
no_memory (import_ctx *ctx)
{
  return lt_error_set (ctx->err, LT_ERR_NO_MEMORY, NULL, "out of memory while importing the model");
}

/* Asks the abort callback now. */
static lt_status
poll_abort (import_ctx *ctx)
{
  ctx->since_poll = 0;
  if (ctx->abort_fn && ctx->abort_fn (ctx->abort_data))
    return lt_error_set (ctx->err, LT_ERR_CANCELLED, NULL, "the load was cancelled");
  return LT_OK;
}

/* Counts one converted item and asks every LT_IMPORT_POLL_EVERY items. */
static lt_status
count_item (import_ctx *ctx)
{
  if (++ctx->since_poll < LT_IMPORT_POLL_EVERY)
    return LT_OK;
  return poll_abort (ctx);
}

/* The subject of an error about something the file may leave unnamed: its
 * name, or "<what> #<index> of graph '<graph>'" written into buf. */
static const char *
describe (const char *name,
          const char *what,
          size_t      index,
          const char *graph_name,
          char       *buf,
          size_t      size)
{
  if (name && name[0])
    return name;
  snprintf (buf, size, "%s #%zu of graph '%s'", what, index, graph_name ? graph_name : "");
  return buf;
}

/* ---- tensors ----------------------------------------------------------- */

static bool
find_stripped_raw (const Onnx__TensorProto *tp,
                   uint64_t                *offset,
                   uint64_t                *length)
{
  bool have_offset = false, have_length = false;

  for (size_t i = 0; i < tp->base.n_unknown_fields; i++)
    {
      const ProtobufCMessageUnknownField *u = &tp->base.unknown_fields[i];
      uint64_t                            v = 0;
      if (u->wire_type != PROTOBUF_C_WIRE_TYPE_VARINT)
        continue;
      for (size_t b = 0; b < u->len && b < 10; b++)
        v |= (uint64_t) (u->data[b] & 0x7f) << (7 * b);
      if (u->tag == LT_PB_RAW_OFFSET)
        {
          *offset = v;
          have_offset = true;
        }
      else if (u->tag == LT_PB_RAW_LENGTH)
        {
          *length = v;
          have_length = true;
        }
    }
  return have_offset && have_length;
}

static lt_status
tensor_from_external (import_ctx              *ctx,
                      const Onnx__TensorProto *tp,
                      const char              *name,
                      size_t                   expected,
                      const void             **data)
{
  const char *location = NULL;
  uint64_t    offset = 0, length = UINT64_MAX;

  for (size_t i = 0; i < tp->n_external_data; i++)
    {
      const char *key = tp->external_data[i]->key ? tp->external_data[i]->key : "";
      const char *value = tp->external_data[i]->value ? tp->external_data[i]->value : "";
      char       *end = NULL;

      if (strcmp (key, "location") == 0)
        {
          if (location)
            return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, name, "external_data has 'location' twice");
          location = value;
        }
      else if (strcmp (key, "offset") == 0 || strcmp (key, "length") == 0)
        {
          unsigned long long v;
          errno = 0;
          v = strtoull (value, &end, 10);
          if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno == ERANGE)
            return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, name,
                                 "external_data '%s' is not a non-negative integer: '%s'", key, value);
          if (key[0] == 'o')
            offset = v;
          else
            length = v;
        }
      else if (strcmp (key, "checksum") != 0)
        lt_log (LT_LOG_WARNING, "tensor '%s': unknown external_data key '%s' ignored", name, key);
    }
  if (location == NULL)
    return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, name, "external data has no 'location'");
  if (length == UINT64_MAX)
    length = expected; /* read exactly the tensor's bytes from offset */
  return lt_external_files_get (ctx->external, ctx->model, name, location, offset, length, expected, data, ctx->err);
}

/* Converts the typed repeated fields into packed little-endian storage. */
static lt_status
tensor_from_typed (import_ctx              *ctx,
                   lt_graph                *graph,
                   const Onnx__TensorProto *tp,
                   const char              *subject,
                   lt_tensor               *t,
                   size_t                   nbytes)
{
  uint64_t    n = t->count;
  uint64_t    have;
  uint8_t    *dst;

  if (t->dtype == LT_DTYPE_STRING)
    {
      lt_bytes *strings;
      if (tp->n_string_data != n)
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject,
                             "string_data has %zu entries for %llu elements", tp->n_string_data, (unsigned long long) n);
      if (n == 0)
        return LT_OK;
      strings = lt_graph_alloc (graph, n * sizeof *strings);
      if (!strings)
        return no_memory (ctx);
      for (uint64_t i = 0; i < n; i++)
        {
          strings[i].data = lt_graph_strndup (graph, (const char *) tp->string_data[i].data, tp->string_data[i].len);
          strings[i].len = tp->string_data[i].len;
          if (!strings[i].data)
            return no_memory (ctx);
        }
      t->data = strings;
      t->nbytes = n * sizeof *strings;
      return LT_OK;
    }

  switch (t->dtype)
    {
    case LT_DTYPE_F32:
    case LT_DTYPE_C64:
      have = tp->n_float_data;
      break;
    case LT_DTYPE_F64:
    case LT_DTYPE_C128:
      have = tp->n_double_data;
      break;
    case LT_DTYPE_I64:
      have = tp->n_int64_data;
      break;
    case LT_DTYPE_U32:
    case LT_DTYPE_U64:
      have = tp->n_uint64_data;
      break;
    default:
      have = tp->n_int32_data;
      break;
    }
  {
    uint64_t want = n;
    if (t->dtype == LT_DTYPE_C64 || t->dtype == LT_DTYPE_C128)
      want = n * 2;
    else if (lt_dtype_bits (t->dtype) == 4)
      want = (n + 1) / 2; /* two 4-bit elements per int32_data entry */
    if (have != want)
      return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject,
                           "the tensor has %llu elements but its typed data field holds %llu values",
                           (unsigned long long) n, (unsigned long long) have);
  }
  if (nbytes == 0)
    return LT_OK;
  dst = lt_graph_alloc (graph, nbytes);
  if (!dst)
    return no_memory (ctx);
  switch (t->dtype)
    {
    case LT_DTYPE_F32:
    case LT_DTYPE_C64:
      memcpy (dst, tp->float_data, nbytes);
      break;
    case LT_DTYPE_F64:
    case LT_DTYPE_C128:
      memcpy (dst, tp->double_data, nbytes);
      break;
    case LT_DTYPE_I64:
      memcpy (dst, tp->int64_data, nbytes);
      break;
    case LT_DTYPE_I32:
      memcpy (dst, tp->int32_data, nbytes);
      break;
    case LT_DTYPE_U64:
      memcpy (dst, tp->uint64_data, nbytes);
      break;
    case LT_DTYPE_U32:
      for (uint64_t i = 0; i < n; i++)
        {
          uint32_t v = (uint32_t) tp->uint64_data[i];
          memcpy (dst + i * 4, &v, 4);
        }
      break;
    default:
      {
        /* int32_data carries 8- and 16-bit values (and 16-bit float bit
         * patterns) one per entry, 4-bit types one byte per entry. */
        unsigned bits = lt_dtype_bits (t->dtype);
        for (uint64_t i = 0; i < have; i++)
          {
            uint32_t v = (uint32_t) tp->int32_data[i];
            if (bits == 16)
              {
                uint16_t h = (uint16_t) v;
                memcpy (dst + i * 2, &h, 2);
              }
            else
              dst[i] = (uint8_t) v;
          }
      }
      break;
    }
  t->data = dst;
  t->nbytes = nbytes;
  return LT_OK;
}

/* Fills *t from a TensorProto; t->data points into the model mapping, the
 * external data mapping, or the graph's arena.  Errors name the tensor, or
 * `unnamed` when the tensor has no name. */
static lt_status
convert_tensor (import_ctx              *ctx,
                lt_graph                *graph,
                const Onnx__TensorProto *tp,
                const char              *unnamed,
                lt_tensor               *t)
{
  const char *name = tp->name ? tp->name : "";
  const char *subject = name[0] ? name : unnamed;
  uint64_t    raw_offset = 0, raw_length = 0;
  bool        stripped = find_stripped_raw (tp, &raw_offset, &raw_length);
  bool        has_raw = stripped || tp->has_raw_data;
  bool        external = tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  bool        has_typed = tp->n_float_data || tp->n_int32_data || tp->n_string_data || tp->n_int64_data
                   || tp->n_double_data || tp->n_uint64_data;
  size_t      nbytes = 0;

  memset (t, 0, sizeof *t);
  t->name = lt_graph_strndup (graph, name, strlen (name));
  if (!t->name)
    return no_memory (ctx);
  if (!tp->has_data_type || !lt_dtype_is_valid (tp->data_type))
    return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject, "data_type %d is not a valid tensor type",
                         tp->has_data_type ? tp->data_type : 0);
  t->dtype = (lt_dtype) tp->data_type;
  if (tp->n_dims > LT_MAX_RANK)
    return lt_error_set (ctx->err, LT_ERR_UNSUPPORTED, subject, "rank %zu is above the engine's limit of %d",
                         tp->n_dims, LT_MAX_RANK);
  t->rank = (int32_t) tp->n_dims;
  for (size_t i = 0; i < tp->n_dims; i++)
    {
      if (tp->dims[i] < 0)
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject, "dims[%zu] is negative (%lld)", i,
                             (long long) tp->dims[i]);
      t->dims[i] = tp->dims[i];
    }
  if (!lt_checked_dims_product (t->dims, t->rank, &t->count))
    return lt_error_set (ctx->err, LT_ERR_LIMIT, subject, "the product of the dims overflows (the tensor is too large)");
  if (tp->segment)
    return lt_error_set (ctx->err, LT_ERR_UNSUPPORTED, subject, "segmented tensors are not supported");

  if (t->dtype != LT_DTYPE_STRING && !lt_dtype_storage_size (t->dtype, t->count, &nbytes))
    return lt_error_set (ctx->err, LT_ERR_LIMIT, subject, "the tensor's byte size overflows");
  if ((has_raw + external + has_typed) > 1)
    return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject,
                         "the tensor's data is given more than once (raw_data, typed fields or external data)");

  if (external)
    {
      if (t->dtype == LT_DTYPE_STRING)
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject, "string tensors cannot use external data");
      t->nbytes = nbytes;
      return tensor_from_external (ctx, tp, subject, nbytes, &t->data);
    }
  if (has_raw)
    {
      uint64_t len = stripped ? raw_length : tp->raw_data.len;
      if (t->dtype == LT_DTYPE_STRING)
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject, "string tensors cannot use raw_data");
      if (len != nbytes)
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject,
                             "raw_data holds %llu bytes but dims and data_type need %zu",
                             (unsigned long long) len, nbytes);
      if (stripped)
        {
          if (raw_offset > ctx->file_len || raw_length > ctx->file_len - raw_offset)
            return lt_error_set (ctx->err, LT_ERR_PARSE, subject, "raw_data lies outside the file");
          t->data = ctx->file + raw_offset;
        }
      else if (nbytes)
        {
          void *copy = lt_graph_alloc (graph, nbytes);
          if (!copy)
            return no_memory (ctx);
          memcpy (copy, tp->raw_data.data, nbytes);
          t->data = copy;
        }
      t->nbytes = nbytes;
      return LT_OK;
    }
  if (!has_typed && t->count > 0)
    return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject, "the tensor has %llu elements but no data",
                         (unsigned long long) t->count);
  return tensor_from_typed (ctx, graph, tp, subject, t, nbytes);
}

lt_status
lt_onnx_tensor_from_proto (const Onnx__TensorProto *proto,
                           lt_graph                *owner,
                           lt_tensor               *t,
                           lt_error                *err)
{
  import_ctx ctx = { .err = err };

  if (proto->has_data_location && proto->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, proto->name, "a lone tensor cannot use external data");
  return convert_tensor (&ctx, owner, proto, "the tensor", t);
}

/* ---- types ------------------------------------------------------------- */

static lt_status
convert_tensor_type (import_ctx                    *ctx,
                     lt_graph                      *graph,
                     const char                    *name,
                     const Onnx__TypeProto__Tensor *tt,
                     lt_type_desc                  *out)
{
  if (tt->has_elem_type && tt->elem_type != 0)
    {
      if (!lt_dtype_is_valid (tt->elem_type))
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, name, "elem_type %d is not a valid tensor type",
                             tt->elem_type);
      out->dtype = (lt_dtype) tt->elem_type;
    }
  if (tt->shape == NULL)
    return LT_OK;
  if (tt->shape->n_dim > LT_MAX_RANK)
    return lt_error_set (ctx->err, LT_ERR_UNSUPPORTED, name, "rank %zu is above the engine's limit of %d",
                         tt->shape->n_dim, LT_MAX_RANK);
  out->shape.rank = (int32_t) tt->shape->n_dim;
  for (size_t i = 0; i < tt->shape->n_dim; i++)
    {
      const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
      out->shape.dims[i].size = -1;
      out->shape.dims[i].param = NULL;
      if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
        {
          if (d->dim_value < 0)
            return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, name, "shape dim %zu is negative (%lld)", i,
                                 (long long) d->dim_value);
          out->shape.dims[i].size = d->dim_value;
        }
      else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM && d->dim_param)
        {
          out->shape.dims[i].param = lt_graph_strndup (graph, d->dim_param, strlen (d->dim_param));
          if (!out->shape.dims[i].param)
            return no_memory (ctx);
        }
    }
  return LT_OK;
}

/* The tensor type inside a sequence's or an optional's TypeProto (an
 * absent elem_type leaves it unknown). */
static lt_status
convert_element_type (import_ctx            *ctx,
                      lt_graph              *graph,
                      const char            *name,
                      const char            *container,
                      const Onnx__TypeProto *elem,
                      lt_type_desc          *out)
{
  if (elem == NULL || elem->value_case == ONNX__TYPE_PROTO__VALUE__NOT_SET)
    return LT_OK;
  if (elem->value_case == ONNX__TYPE_PROTO__VALUE_MAP_TYPE)
    {
      out->kind = LT_TYPE_MAP;
      return LT_OK;
    }
  if (elem->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
    return lt_error_set (ctx->err, LT_ERR_UNSUPPORTED, name,
                         "'%s' is %s of something other than tensors; only tensors are supported there", name,
                         container);
  return convert_tensor_type (ctx, graph, name, elem->tensor_type, out);
}

/* A TypeProto: a tensor, a sequence of tensors or an optional tensor or
 * sequence; a map, or a sequence or optional of maps, is LT_TYPE_MAP; a
 * sparse tensor (or no type) is left unknown. */
static lt_status
convert_type (import_ctx            *ctx,
              lt_graph              *graph,
              const char            *name,
              const Onnx__TypeProto *type,
              lt_type_desc          *out)
{
  const Onnx__TypeProto *elem;

  out->kind = LT_TYPE_TENSOR;
  out->dtype = LT_DTYPE_UNDEFINED;
  lt_shape_set_unknown (&out->shape);
  if (type == NULL)
    return LT_OK;
  switch (type->value_case)
    {
    case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
      return convert_tensor_type (ctx, graph, name, type->tensor_type, out);
    case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
      out->kind = LT_TYPE_SEQUENCE;
      return convert_element_type (ctx, graph, name, "a sequence", type->sequence_type->elem_type, out);
    case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
      elem = type->optional_type->elem_type;
      out->kind = LT_TYPE_OPTIONAL_TENSOR;
      if (elem != NULL && elem->value_case == ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE)
        {
          out->kind = LT_TYPE_OPTIONAL_SEQUENCE;
          elem = elem->sequence_type->elem_type;
        }
      return convert_element_type (ctx, graph, name, "an optional", elem, out);
    case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
      out->kind = LT_TYPE_MAP;
      return LT_OK;
    default:
      return LT_OK;
    }
}

/* Declares a graph output's or value_info's type. */
static lt_status
declare_type (import_ctx         *ctx,
              lt_graph           *graph,
              const char         *name,
              const lt_type_desc *type)
{
  lt_status st = lt_graph_declare_value (graph, name, type->dtype, type->shape.rank >= 0 ? &type->shape : NULL,
                                         ctx->err);
  if (st == LT_OK && type->kind != LT_TYPE_TENSOR)
    st = lt_graph_declare_kind (graph, name, type->kind, ctx->err);
  return st;
}

/* ---- graphs ------------------------------------------------------------ */

static lt_status convert_graph (import_ctx              *ctx,
                                const Onnx__GraphProto  *gp,
                                lt_graph                *graph,
                                uint32_t                 depth,
                                const Onnx__ModelProto  *mp);

static lt_attr_type
infer_attr_type (const Onnx__AttributeProto *ap)
{
  if (ap->has_type && ap->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED)
    return (lt_attr_type) ap->type;
  /* IR version 1 files have no type field: infer it from what is set. */
  if (ap->n_floats)
    return LT_ATTR_FLOATS;
  if (ap->n_ints)
    return LT_ATTR_INTS;
  if (ap->n_strings)
    return LT_ATTR_STRINGS;
  if (ap->n_tensors)
    return LT_ATTR_TENSORS;
  if (ap->n_graphs)
    return LT_ATTR_GRAPHS;
  if (ap->t)
    return LT_ATTR_TENSOR;
  if (ap->g)
    return LT_ATTR_GRAPH;
  if (ap->has_s)
    return LT_ATTR_STRING;
  if (ap->has_i)
    return LT_ATTR_INT;
  if (ap->has_f)
    return LT_ATTR_FLOAT;
  return LT_ATTR_UNDEFINED;
}

static lt_status
convert_subgraph (import_ctx             *ctx,
                  lt_graph               *parent,
                  const Onnx__GraphProto *gp,
                  uint32_t                depth,
                  const Onnx__ModelProto *mp,
                  lt_graph              **out)
{
  lt_graph *sub;

  if (depth + 1 > ctx->max_graph_depth)
    return lt_error_set (ctx->err, LT_ERR_LIMIT, gp->name, "subgraphs are nested more than %u levels deep",
                         ctx->max_graph_depth);
  sub = lt_graph_new (parent);
  if (!sub)
    return no_memory (ctx);
  *out = sub; /* owned by the attribute from here, freed with the parent */
  return convert_graph (ctx, gp, sub, depth + 1, mp);
}

static lt_status
convert_attr (import_ctx                 *ctx,
              lt_graph                   *graph,
              const char                 *node_label,
              const Onnx__AttributeProto *ap,
              uint32_t                    depth,
              const Onnx__ModelProto     *mp,
              lt_attr                    *attr)
{
  lt_status st;

  memset (attr, 0, sizeof *attr);
  attr->name = ap->name ? ap->name : "";
  attr->type = infer_attr_type (ap);
  attr->count = 1;
  switch (attr->type)
    {
    case LT_ATTR_FLOAT:
      attr->v.f = ap->f;
      break;
    case LT_ATTR_INT:
      attr->v.i = ap->i;
      break;
    case LT_ATTR_STRING:
      attr->v.s.data = lt_graph_strndup (graph, (const char *) ap->s.data, ap->s.len);
      attr->v.s.len = ap->s.len;
      if (!attr->v.s.data)
        return no_memory (ctx);
      break;
    case LT_ATTR_TENSOR:
      {
        lt_tensor *t = lt_graph_alloc (graph, sizeof *t);
        char       unnamed[LT_ERROR_NAME_MAX];
        if (!t)
          return no_memory (ctx);
        if (!ap->t)
          return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, node_label, "attribute '%s' has no tensor", attr->name);
        snprintf (unnamed, sizeof unnamed, "attribute '%.96s' of node '%.128s'", attr->name, node_label);
        if ((st = convert_tensor (ctx, graph, ap->t, unnamed, t)) != LT_OK)
          return st;
        attr->v.t = t;
      }
      break;
    case LT_ATTR_GRAPH:
      if (!ap->g)
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, node_label, "attribute '%s' has no graph", attr->name);
      return convert_subgraph (ctx, graph, ap->g, depth, mp, &attr->v.g);
    case LT_ATTR_FLOATS:
      attr->count = (uint32_t) ap->n_floats;
      if (ap->n_floats)
        {
          float *f = lt_graph_alloc (graph, ap->n_floats * sizeof *f);
          if (!f)
            return no_memory (ctx);
          memcpy (f, ap->floats, ap->n_floats * sizeof *f);
          attr->v.floats = f;
        }
      break;
    case LT_ATTR_INTS:
      attr->count = (uint32_t) ap->n_ints;
      if (ap->n_ints)
        {
          int64_t *v = lt_graph_alloc (graph, ap->n_ints * sizeof *v);
          if (!v)
            return no_memory (ctx);
          memcpy (v, ap->ints, ap->n_ints * sizeof *v);
          attr->v.ints = v;
        }
      break;
    case LT_ATTR_STRINGS:
      attr->count = (uint32_t) ap->n_strings;
      if (ap->n_strings)
        {
          lt_bytes *s = lt_graph_alloc (graph, ap->n_strings * sizeof *s);
          if (!s)
            return no_memory (ctx);
          for (size_t i = 0; i < ap->n_strings; i++)
            {
              s[i].data = lt_graph_strndup (graph, (const char *) ap->strings[i].data, ap->strings[i].len);
              s[i].len = ap->strings[i].len;
              if (!s[i].data)
                return no_memory (ctx);
            }
          attr->v.strings = s;
        }
      break;
    case LT_ATTR_TENSORS:
      attr->count = (uint32_t) ap->n_tensors;
      if (ap->n_tensors)
        {
          const lt_tensor **ts = lt_graph_alloc (graph, ap->n_tensors * sizeof *ts);
          lt_tensor        *storage = lt_graph_alloc (graph, ap->n_tensors * sizeof *storage);
          if (!ts || !storage)
            return no_memory (ctx);
          for (size_t i = 0; i < ap->n_tensors; i++)
            {
              char unnamed[LT_ERROR_NAME_MAX];
              snprintf (unnamed, sizeof unnamed, "attribute '%.80s'[%zu] of node '%.100s'", attr->name, i, node_label);
              if ((st = convert_tensor (ctx, graph, ap->tensors[i], unnamed, &storage[i])) != LT_OK)
                return st;
              ts[i] = &storage[i];
            }
          attr->v.tensors = ts;
        }
      break;
    case LT_ATTR_GRAPHS:
      attr->count = 0;
      if (ap->n_graphs)
        {
          lt_graph **gs = lt_graph_alloc (graph, ap->n_graphs * sizeof *gs);
          if (!gs)
            return no_memory (ctx);
          attr->v.graphs = gs;
          for (size_t i = 0; i < ap->n_graphs; i++)
            {
              attr->count++; /* counted first, so a failure still frees it */
              if ((st = convert_subgraph (ctx, graph, ap->graphs[i], depth, mp, &gs[i])) != LT_OK)
                return st;
            }
        }
      break;
    case LT_ATTR_TYPE_PROTO:
      {
        lt_type_desc *tp = lt_graph_alloc (graph, sizeof *tp);
        if (!tp)
          return no_memory (ctx);
        attr->v.tp = tp;
        return convert_type (ctx, graph, node_label, ap->tp, tp);
      }
    case LT_ATTR_SPARSE_TENSOR:
    case LT_ATTR_SPARSE_TENSORS:
    case LT_ATTR_TYPE_PROTOS:
      /* Kept by kind only: no op the engine runs reads these payloads. */
      attr->count = 0;
      break;
    default:
      return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, node_label, "attribute '%s' has unknown type %d",
                           attr->name, (int) attr->type);
    }
  return LT_OK;
}

static int64_t
domain_version (const Onnx__ModelProto *mp,
                const char             *domain)
{
  bool want_default = domain == NULL || domain[0] == '\0' || strcmp (domain, "ai.onnx") == 0;

  for (size_t i = 0; i < mp->n_opset_import; i++)
    {
      const char *d = mp->opset_import[i]->domain ? mp->opset_import[i]->domain : "";
      bool        is_default = d[0] == '\0' || strcmp (d, "ai.onnx") == 0;
      if (want_default ? is_default : strcmp (d, domain) == 0)
        return mp->opset_import[i]->version;
    }
  return 0;
}

static lt_status
convert_node (import_ctx             *ctx,
              lt_graph               *graph,
              const Onnx__NodeProto  *np,
              size_t                  index,
              uint32_t                depth,
              const Onnx__ModelProto *mp)
{
  lt_node_desc desc = { 0 };
  lt_attr     *attrs = NULL;
  char         buf[LT_ERROR_NAME_MAX];
  const char  *label;
  lt_status    st;
  lt_attr     *added;
  int32_t      id;

  desc.name = np->name ? np->name : "";
  desc.op_type = np->op_type ? np->op_type : "";
  desc.domain = np->domain ? np->domain : "";
  desc.opset = domain_version (mp, desc.domain);
  desc.n_inputs = (uint32_t) np->n_input;
  desc.inputs = (const char *const *) np->input;
  desc.n_outputs = (uint32_t) np->n_output;
  desc.outputs = (const char *const *) np->output;

  /* unnamed nodes are "<op_type> #<index>", as lt_node_describe spells them */
  if (desc.op_type[0] == '\0')
    return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, describe (desc.name, "node", index, lt_graph_get_name (graph), buf, sizeof buf),
                         "the node has no op_type");
  if (desc.name[0])
    label = desc.name;
  else
    {
      snprintf (buf, sizeof buf, "%s #%zu", desc.op_type, index);
      label = buf;
    }

  /* The node goes in first, without attributes, so that subgraphs built
   * while converting them already belong to the graph (freed with it). */
  if ((st = lt_graph_add_node (graph, &desc, &id, ctx->err)) != LT_OK)
    return st;
  if (np->n_attribute == 0)
    return LT_OK;
  attrs = lt_graph_alloc (graph, np->n_attribute * sizeof *attrs);
  if (!attrs)
    return no_memory (ctx);
  added = attrs;
  {
    lt_node *node = (lt_node *) lt_graph_get_node (graph, id);
    node->attrs = attrs;
    node->n_attrs = 0;
    for (size_t a = 0; a < np->n_attribute; a++)
      {
        st = convert_attr (ctx, graph, label, np->attribute[a], depth, mp, &added[a]);
        /* counted even on failure: a subgraph it holds is freed with the graph */
        node->n_attrs++;
        if (st != LT_OK)
          return st;
        added[a].name = lt_graph_strndup (graph, added[a].name, strlen (added[a].name));
        if (!added[a].name)
          return no_memory (ctx);
      }
  }
  return LT_OK;
}

static lt_status
convert_graph (import_ctx              *ctx,
               const Onnx__GraphProto  *gp,
               lt_graph                *graph,
               uint32_t                 depth,
               const Onnx__ModelProto  *mp)
{
  const char *graph_name = gp->name ? gp->name : "";
  char        buf[LT_ERROR_NAME_MAX];
  lt_status   st;

  lt_graph_set_name (graph, graph_name);
  for (size_t i = 0; i < gp->n_input; i++)
    {
      const Onnx__ValueInfoProto *vi = gp->input[i];
      const char                 *name = vi->name ? vi->name : "";
      const char                 *subject = describe (name, "input", i, graph_name, buf, sizeof buf);
      lt_type_desc                type;
      if (name[0] == '\0')
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject, "the graph input has an empty name");
      if ((st = convert_type (ctx, graph, subject, vi->type, &type)) != LT_OK)
        return st;
      if ((st = lt_graph_add_input (graph, name, type.dtype, &type.shape, NULL, ctx->err)) != LT_OK)
        return st;
      if (type.kind != LT_TYPE_TENSOR && (st = lt_graph_declare_kind (graph, name, type.kind, ctx->err)) != LT_OK)
        return st;
    }
  for (size_t i = 0; i < gp->n_initializer; i++)
    {
      const char *name = gp->initializer[i]->name;
      const char *subject = describe (name, "initializer", i, graph_name, buf, sizeof buf);
      lt_tensor   t;
      if ((st = count_item (ctx)) != LT_OK || (st = convert_tensor (ctx, graph, gp->initializer[i], subject, &t)) != LT_OK)
        return st;
      if (name == NULL || name[0] == '\0')
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject, "the initializer has an empty name");
      if ((st = lt_graph_add_constant (graph, &t, NULL, ctx->err)) != LT_OK)
        return st;
    }
  if (gp->n_sparse_initializer)
    {
      const Onnx__SparseTensorProto *sp = gp->sparse_initializer[0];
      return lt_error_set (ctx->err, LT_ERR_UNSUPPORTED,
                           describe (sp->values ? sp->values->name : NULL, "sparse_initializer", 0, graph_name, buf, sizeof buf),
                           "sparse initializers are not supported");
    }
  for (size_t i = 0; i < gp->n_node; i++)
    if ((st = count_item (ctx)) != LT_OK || (st = convert_node (ctx, graph, gp->node[i], i, depth, mp)) != LT_OK)
      return st;
  for (size_t i = 0; i < gp->n_output; i++)
    {
      const Onnx__ValueInfoProto *vi = gp->output[i];
      const char                 *name = vi->name ? vi->name : "";
      const char                 *subject = describe (name, "output", i, graph_name, buf, sizeof buf);
      lt_type_desc                type;
      if (name[0] == '\0')
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, subject, "the graph output has an empty name");
      if ((st = convert_type (ctx, graph, subject, vi->type, &type)) != LT_OK)
        return st;
      if ((st = lt_graph_add_output (graph, name, ctx->err)) != LT_OK)
        return st;
      if ((st = declare_type (ctx, graph, name, &type)) != LT_OK)
        return st;
    }
  for (size_t i = 0; i < gp->n_value_info; i++)
    {
      const Onnx__ValueInfoProto *vi = gp->value_info[i];
      const char                 *name = vi->name ? vi->name : "";
      lt_type_desc                type;
      if ((st = convert_type (ctx, graph, describe (name, "value_info", i, graph_name, buf, sizeof buf), vi->type,
                              &type)) != LT_OK)
        return st;
      if ((st = declare_type (ctx, graph, name, &type)) != LT_OK)
        return st;
    }
  return LT_OK;
}

/* ---- model ------------------------------------------------------------- */

static char *
dup_or_null (const char *s)
{
  return s ? strdup (s) : NULL;
}

static lt_status
convert_model (import_ctx             *ctx,
               const Onnx__ModelProto *mp)
{
  lt_model *model = ctx->model;
  lt_status st;

  if (!mp->has_ir_version || mp->ir_version <= 0)
    return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, "ir_version", "the model has no valid ir_version");
  if (mp->ir_version > LT_MAX_IR_VERSION)
    return lt_error_set (ctx->err, LT_ERR_UNSUPPORTED, "ir_version",
                         "IR version %lld is newer than the newest this engine reads (%d)",
                         (long long) mp->ir_version, LT_MAX_IR_VERSION);
  if (mp->graph == NULL)
    return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, "graph", "the model has no graph");

  model->ir_version = mp->ir_version;
  model->model_version = mp->model_version;
  model->producer_name = dup_or_null (mp->producer_name);
  model->producer_version = dup_or_null (mp->producer_version);
  model->domain = dup_or_null (mp->domain);
  model->doc_string = dup_or_null (mp->doc_string);

  model->graph = lt_graph_new (NULL);
  if (!model->graph)
    return no_memory (ctx);

  model->opsets = calloc (mp->n_opset_import ? mp->n_opset_import : 1, sizeof *model->opsets);
  if (!model->opsets)
    return no_memory (ctx);
  for (size_t i = 0; i < mp->n_opset_import; i++)
    {
      const Onnx__OperatorSetIdProto *op = mp->opset_import[i];
      const char                     *domain = op->domain ? op->domain : "";
      bool is_default = domain[0] == '\0' || strcmp (domain, "ai.onnx") == 0;
      int64_t max = is_default ? LT_MAX_ONNX_OPSET : strcmp (domain, "ai.onnx.ml") == 0 ? LT_MAX_ONNX_ML_OPSET : INT64_MAX;

      if (!op->has_version || op->version <= 0)
        return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, "opset_import",
                             "opset version %lld of domain '%s' is not valid", (long long) op->version,
                             is_default ? "ai.onnx" : domain);
      if (op->version > max)
        return lt_error_set (ctx->err, LT_ERR_UNSUPPORTED, "opset_import",
                             "opset %lld of domain '%s' is newer than this engine knows (up to %lld)",
                             (long long) op->version, is_default ? "ai.onnx" : domain, (long long) max);
      model->opsets[i].domain = lt_graph_strndup (model->graph, domain, strlen (domain));
      model->opsets[i].version = op->version;
      if (!model->opsets[i].domain)
        return no_memory (ctx);
      model->n_opsets++;
    }
  if (mp->n_opset_import == 0 && mp->ir_version >= 3)
    return lt_error_set (ctx->err, LT_ERR_INVALID_MODEL, "opset_import", "the model imports no opset");

  model->metadata = calloc (mp->n_metadata_props ? mp->n_metadata_props : 1, sizeof *model->metadata);
  if (!model->metadata)
    return no_memory (ctx);
  for (size_t i = 0; i < mp->n_metadata_props; i++)
    {
      const char *k = mp->metadata_props[i]->key ? mp->metadata_props[i]->key : "";
      const char *v = mp->metadata_props[i]->value ? mp->metadata_props[i]->value : "";
      model->metadata[i].key = lt_graph_strndup (model->graph, k, strlen (k));
      model->metadata[i].value = lt_graph_strndup (model->graph, v, strlen (v));
      if (!model->metadata[i].key || !model->metadata[i].value)
        return no_memory (ctx);
      model->n_metadata++;
    }

  if ((st = convert_graph (ctx, mp->graph, model->graph, 1, mp)) != LT_OK || (st = poll_abort (ctx)) != LT_OK)
    return st;
  return lt_graph_finalize (model->graph, ctx->err);
}

/* lt_model_load on a fresh error record, so that the file recorded on
 * failure is this one even when the caller reuses a record (the innermost
 * file wins in lt_error_set_file). */
static lt_status
load_model (const char            *path,
            const lt_load_options *options,
            lt_model             **out,
            lt_error              *err)
{
  lt_load_options    opts = { .max_graph_depth = 16, .max_nodes = 1000000, .max_file_bytes = (2ull << 30) - 1 };
  lt_prescan_limits  limits;
  lt_prescan_result  scan;
  import_ctx         ctx = { 0 };
  Onnx__ModelProto  *mp;
  struct stat        st;
  lt_status          status;
  void              *addr;
  int                fd;

  if (path == NULL || out == NULL)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "lt_model_load needs a path and an output");
  if (options)
    {
      if (options->max_graph_depth)
        opts.max_graph_depth = options->max_graph_depth;
      if (options->max_nodes)
        opts.max_nodes = options->max_nodes;
      if (options->max_file_bytes)
        opts.max_file_bytes = options->max_file_bytes;
      opts.abort_fn = options->abort_fn;
      opts.abort_data = options->abort_data;
    }

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    {
      lt_error_set (err, LT_ERR_IO, NULL, "cannot open the model: %s", strerror (errno));
      goto fail_file;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      lt_error_set (err, LT_ERR_IO, NULL, "not a regular file");
      goto fail_file;
    }
  if (st.st_size == 0)
    {
      close (fd);
      lt_error_set (err, LT_ERR_PARSE, NULL, "the file is empty, not an ONNX model");
      goto fail_file;
    }
  if ((uint64_t) st.st_size > opts.max_file_bytes)
    {
      close (fd);
      lt_error_set (err, LT_ERR_LIMIT, NULL,
                    "the file is %lld bytes, more than one protobuf may hold (%llu); keep large weights as external data",
                    (long long) st.st_size, (unsigned long long) opts.max_file_bytes);
      goto fail_file;
    }
  addr = mmap (NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close (fd);
  if (addr == MAP_FAILED)
    {
      lt_error_set (err, LT_ERR_IO, NULL, "cannot map the model: %s", strerror (errno));
      goto fail_file;
    }

  ctx.model = lt_model_new (path);
  ctx.external = lt_external_files_new (path);
  if (!ctx.model || !ctx.external || !lt_model_add_mapping (ctx.model, addr, (size_t) st.st_size))
    {
      if (!ctx.model)
        munmap (addr, (size_t) st.st_size);
      lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory");
      goto fail;
    }
  ctx.file = addr;
  ctx.file_len = (size_t) st.st_size;
  ctx.err = err;
  ctx.max_graph_depth = opts.max_graph_depth;
  ctx.abort_fn = opts.abort_fn;
  ctx.abort_data = opts.abort_data;

  limits.max_message_depth = LT_MAX_MESSAGE_DEPTH;
  limits.max_graph_depth = opts.max_graph_depth;
  limits.max_nodes = opts.max_nodes;
  limits.max_messages = LT_MAX_MESSAGES;
  limits.max_unpack_cost = LT_UNPACK_COST_BASE + LT_UNPACK_COST_PER_BYTE * ctx.file_len;
  if (limits.max_unpack_cost > LT_UNPACK_COST_MAX)
    limits.max_unpack_cost = LT_UNPACK_COST_MAX;
  limits.strip_threshold = LT_STRIP_THRESHOLD;
  limits.abort_fn = opts.abort_fn;
  limits.abort_data = opts.abort_data;
  if (lt_onnx_prescan (ctx.file, ctx.file_len, &limits, &scan, err) != LT_OK)
    goto fail;
  /* Unpacking cannot be interrupted: ask once more before it starts. */
  if (poll_abort (&ctx) != LT_OK)
    {
      free (scan.stripped);
      goto fail;
    }
  /* The headers are read; what is left to fault in is mostly weights.  With
   * this hint the kernel may read them into huge page cache folios and map
   * many pages per fault, which makes reading the weights several times
   * faster than with 4 KiB folios (bench/README.md).  A hint only. */
  madvise (addr, ctx.file_len, MADV_HUGEPAGE);

  mp = onnx__model_proto__unpack (NULL, scan.stripped ? scan.stripped_len : ctx.file_len,
                                  scan.stripped ? scan.stripped : ctx.file);
  free (scan.stripped);
  if (mp == NULL)
    {
      lt_error_set (err, LT_ERR_PARSE, NULL, "not a valid ONNX model (the protobuf does not decode as a ModelProto)");
      goto fail;
    }
  status = poll_abort (&ctx);
  if (status == LT_OK)
    status = convert_model (&ctx, mp);
  onnx__model_proto__free_unpacked (mp, NULL);
  if (status != LT_OK)
    goto fail;

  lt_external_files_free (ctx.external);
  *out = ctx.model;
  return LT_OK;

fail:
  lt_external_files_free (ctx.external);
  lt_model_unref (ctx.model);
fail_file:
  lt_error_set_file (err, path);
  return err->code;
}

lt_status
lt_model_load (const char            *path,
               const lt_load_options *options,
               lt_model             **out,
               lt_error              *err)
{
  lt_error  fresh;
  lt_status status;

  lt_error_clear (&fresh);
  status = load_model (path, options, out, &fresh);
  if (status != LT_OK && err != NULL)
    *err = fresh;
  return status;
}
