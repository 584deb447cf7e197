/* prescan.c — iterative protobuf wire-format walk over an ONNX ModelProto.
 *
 * Wire format reminder: a message is a sequence of (tag, payload) where
 * tag = field_number << 3 | wire_type, as a varint.  Wire types: 0 varint,
 * 1 fixed64, 2 length-delimited (varint length, then bytes), 5 fixed32;
 * 3 and 4 (groups) do not occur in ONNX and are refused.
 *
 * The walk runs twice when stripping: pass one computes the new size of every
 * sub-message (sizes change when raw_data is replaced), pass two writes.
 * Sub-messages are numbered in pre-order in both passes.  Pass one records
 * (number, new size) only for the messages whose size changed (those that
 * hold a stripped tensor), then sorts the records by number; pass two meets
 * the messages in the same order, so it consumes the records with a cursor
 * and keeps every other length as it was.
 *
 *   example: TensorProto { name:"w" (field 8), raw_data: 4 MB (field 9) }
 *   becomes  TensorProto { name:"w", 536870000: <offset>, 536870001: 4194304 }
 */
#include "prescan.h"

#include "onnx/onnx.pb-c.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum
{
  M_NONE,
  M_MODEL,
  M_GRAPH,
  M_NODE,
  M_ATTR,
  M_TENSOR,
  M_SEGMENT,
  M_SPARSE,
  M_VALUE_INFO,
  M_TYPE,
  M_TYPE_TENSOR,
  M_TYPE_SEQ,
  M_TYPE_MAP,
  M_TYPE_OPT,
  M_TYPE_SPARSE,
  M_SHAPE,
  M_DIM,
  M_STRING_ENTRY,
  M_OPSET,
  M_TRAINING,
  M_FUNCTION,
  M_ANNOTATION,
} msg_type;

static const char *const msg_names[] = {
  [M_NONE] = "?",
  [M_MODEL] = "ModelProto",
  [M_GRAPH] = "GraphProto",
  [M_NODE] = "NodeProto",
  [M_ATTR] = "AttributeProto",
  [M_TENSOR] = "TensorProto",
  [M_SEGMENT] = "TensorProto.Segment",
  [M_SPARSE] = "SparseTensorProto",
  [M_VALUE_INFO] = "ValueInfoProto",
  [M_TYPE] = "TypeProto",
  [M_TYPE_TENSOR] = "TypeProto.Tensor",
  [M_TYPE_SEQ] = "TypeProto.Sequence",
  [M_TYPE_MAP] = "TypeProto.Map",
  [M_TYPE_OPT] = "TypeProto.Optional",
  [M_TYPE_SPARSE] = "TypeProto.SparseTensor",
  [M_SHAPE] = "TensorShapeProto",
  [M_DIM] = "TensorShapeProto.Dimension",
  [M_STRING_ENTRY] = "StringStringEntryProto",
  [M_OPSET] = "OperatorSetIdProto",
  [M_TRAINING] = "TrainingInfoProto",
  [M_FUNCTION] = "FunctionProto",
  [M_ANNOTATION] = "TensorAnnotation",
};

/* protobuf-c's descriptors, for the wire type of every known scalar field:
 * protobuf-c refuses a mismatch without saying where, so the scan does. */
static const ProtobufCMessageDescriptor *const msg_descriptors[] = {
  [M_NONE] = NULL,
  [M_MODEL] = &onnx__model_proto__descriptor,
  [M_GRAPH] = &onnx__graph_proto__descriptor,
  [M_NODE] = &onnx__node_proto__descriptor,
  [M_ATTR] = &onnx__attribute_proto__descriptor,
  [M_TENSOR] = &onnx__tensor_proto__descriptor,
  [M_SEGMENT] = &onnx__tensor_proto__segment__descriptor,
  [M_SPARSE] = &onnx__sparse_tensor_proto__descriptor,
  [M_VALUE_INFO] = &onnx__value_info_proto__descriptor,
  [M_TYPE] = &onnx__type_proto__descriptor,
  [M_TYPE_TENSOR] = &onnx__type_proto__tensor__descriptor,
  [M_TYPE_SEQ] = &onnx__type_proto__sequence__descriptor,
  [M_TYPE_MAP] = &onnx__type_proto__map__descriptor,
  [M_TYPE_OPT] = &onnx__type_proto__optional__descriptor,
  [M_TYPE_SPARSE] = &onnx__type_proto__sparse_tensor__descriptor,
  [M_SHAPE] = &onnx__tensor_shape_proto__descriptor,
  [M_DIM] = &onnx__tensor_shape_proto__dimension__descriptor,
  [M_STRING_ENTRY] = &onnx__string_string_entry_proto__descriptor,
  [M_OPSET] = &onnx__operator_set_id_proto__descriptor,
  [M_TRAINING] = &onnx__training_info_proto__descriptor,
  [M_FUNCTION] = &onnx__function_proto__descriptor,
  [M_ANNOTATION] = &onnx__tensor_annotation__descriptor,
};

typedef struct
{
  msg_type parent;
  uint32_t field;
  msg_type child;
} child_field;

/* Every field of the schema that holds a sub-message. */
static const child_field children[] = {
  { M_MODEL, 7, M_GRAPH },
  { M_MODEL, 8, M_OPSET },
  { M_MODEL, 14, M_STRING_ENTRY },
  { M_MODEL, 20, M_TRAINING },
  { M_MODEL, 25, M_FUNCTION },
  { M_GRAPH, 1, M_NODE },
  { M_GRAPH, 5, M_TENSOR },
  { M_GRAPH, 15, M_SPARSE },
  { M_GRAPH, 11, M_VALUE_INFO },
  { M_GRAPH, 12, M_VALUE_INFO },
  { M_GRAPH, 13, M_VALUE_INFO },
  { M_GRAPH, 14, M_ANNOTATION },
  { M_GRAPH, 16, M_STRING_ENTRY },
  { M_NODE, 5, M_ATTR },
  { M_NODE, 9, M_STRING_ENTRY },
  { M_ATTR, 5, M_TENSOR },
  { M_ATTR, 6, M_GRAPH },
  { M_ATTR, 22, M_SPARSE },
  { M_ATTR, 14, M_TYPE },
  { M_ATTR, 10, M_TENSOR },
  { M_ATTR, 11, M_GRAPH },
  { M_ATTR, 23, M_SPARSE },
  { M_ATTR, 15, M_TYPE },
  { M_TENSOR, 3, M_SEGMENT },
  { M_TENSOR, 13, M_STRING_ENTRY },
  { M_TENSOR, 16, M_STRING_ENTRY },
  { M_SPARSE, 1, M_TENSOR },
  { M_SPARSE, 2, M_TENSOR },
  { M_VALUE_INFO, 2, M_TYPE },
  { M_VALUE_INFO, 4, M_STRING_ENTRY },
  { M_TYPE, 1, M_TYPE_TENSOR },
  { M_TYPE, 4, M_TYPE_SEQ },
  { M_TYPE, 5, M_TYPE_MAP },
  { M_TYPE, 9, M_TYPE_OPT },
  { M_TYPE, 8, M_TYPE_SPARSE },
  { M_TYPE_TENSOR, 2, M_SHAPE },
  { M_TYPE_SPARSE, 2, M_SHAPE },
  { M_TYPE_SEQ, 1, M_TYPE },
  { M_TYPE_MAP, 2, M_TYPE },
  { M_TYPE_OPT, 1, M_TYPE },
  { M_SHAPE, 1, M_DIM },
  { M_TRAINING, 1, M_GRAPH },
  { M_TRAINING, 2, M_GRAPH },
  { M_TRAINING, 3, M_STRING_ENTRY },
  { M_TRAINING, 4, M_STRING_ENTRY },
  { M_FUNCTION, 7, M_NODE },
  { M_FUNCTION, 11, M_ATTR },
  { M_FUNCTION, 9, M_OPSET },
  { M_FUNCTION, 12, M_VALUE_INFO },
  { M_FUNCTION, 14, M_STRING_ENTRY },
  { M_ANNOTATION, 2, M_STRING_ENTRY },
};

static const child_field *
find_child (msg_type parent,
            uint32_t field)
{
  for (size_t i = 0; i < sizeof children / sizeof children[0]; i++)
    if (children[i].parent == parent && children[i].field == field)
      return &children[i];
  return NULL;
}

typedef struct frame
{
  msg_type type;
  size_t   end;        /* offset just past this message in the input */
  uint64_t new_size;   /* pass one: bytes this message will have */
  uint64_t old_size;   /* bytes this message has in the input */
  uint32_t number;     /* pre-order number of this sub-message */
  uint32_t graph_depth;
  uint32_t field;      /* field number in the parent (for messages) */
} frame;

typedef struct resized
{
  uint32_t number;
  uint64_t new_size;
} resized;

typedef struct walker
{
  const uint8_t           *buf;
  size_t                   len;
  const lt_prescan_limits *limits;
  lt_error                *err;
  frame                   *stack;
  uint32_t                 depth;
  resized                 *resized;      /* pass one: messages whose size changed */
  uint32_t                 n_resized;
  uint32_t                 cap_resized;
  uint32_t                 next_resized; /* pass two: cursor into resized */
  uint8_t                 *out;        /* pass two: output cursor; NULL in pass one */
  uint32_t                 n_nodes;
  uint32_t                 n_stripped;
  uint64_t                 unpack_cost; /* see check_field */
} walker;

static unsigned
varint_size (uint64_t v)
{
  unsigned n = 1;
  while (v >= 0x80)
    {
      v >>= 7;
      n++;
    }
  return n;
}

static uint8_t *
put_varint (uint8_t *p,
            uint64_t v)
{
  while (v >= 0x80)
    {
      *p++ = (uint8_t) (v | 0x80);
      v >>= 7;
    }
  *p++ = (uint8_t) v;
  return p;
}

/* Reads a varint at *pos (not past `end`); false when it is longer than 10
 * bytes or runs past the end. */
static bool
get_varint (const uint8_t *buf,
            size_t        *pos,
            size_t         end,
            uint64_t      *value)
{
  uint64_t v = 0;

  for (unsigned i = 0; i < 10; i++)
    {
      uint8_t b;
      if (*pos >= end)
        return false;
      b = buf[(*pos)++];
      if (i == 9 && b > 1)
        return false; /* more than 64 bits */
      v |= (uint64_t) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0)
        {
          *value = v;
          return true;
        }
    }
  return false;
}

static lt_status
fail (walker     *w,
      lt_status   code,
      size_t      offset,
      uint32_t    field,
      const char *what)
{
  const frame *f = &w->stack[w->depth - 1];
  char         subject[96];

  if (field)
    {
      const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field (msg_descriptors[f->type], field);
      if (fd)
        snprintf (subject, sizeof subject, "%s.%s", msg_names[f->type], fd->name);
      else
        snprintf (subject, sizeof subject, "%s field %u", msg_names[f->type], field);
    }
  else
    snprintf (subject, sizeof subject, "%s", msg_names[f->type]);
  return lt_error_set (w->err, code, subject, "%s (at byte %zu)", what, offset);
}

/* The wire type a scalar field of `type` takes when not packed. */
static unsigned
scalar_wire_type (ProtobufCType type)
{
  switch (type)
    {
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
      return 5;
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
      return 1;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_MESSAGE:
      return 2;
    default:
      return 0;
    }
}

/* What protobuf-c allocates for one field beyond the bytes it copies (those
 * are bounded by the file's size): the struct of a sub-message, a pointer
 * per element of a repeated field, a block header per string, 8 bytes per
 * packed varint (one byte in the file), a record per unknown field. */
#define UNPACK_COST_BLOCK   16u
#define UNPACK_COST_UNKNOWN 48u

/* Checks a known field's wire type against the schema and the payload of a
 * packed repeated field (whole elements, well-formed varints), and adds what
 * unpacking the field costs to the walk's total, failing above the cap.
 * Unknown fields pass: protobuf-c keeps them aside. */
static lt_status
check_field (walker  *w,
             size_t   field_start,
             uint32_t field,
             unsigned wire,
             size_t   payload,
             size_t   payload_len)
{
  const frame                    *f = &w->stack[w->depth - 1];
  const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field (msg_descriptors[f->type], field);
  bool                            repeated;
  uint64_t                        cost = 0;
  unsigned                        want;

  if (fd == NULL)
    {
      cost = UNPACK_COST_UNKNOWN;
      goto account;
    }
  repeated = fd->label == PROTOBUF_C_LABEL_REPEATED;
  want = scalar_wire_type (fd->type);
  if (wire == want)
    {
      if (fd->type == PROTOBUF_C_TYPE_MESSAGE)
        cost = ((const ProtobufCMessageDescriptor *) fd->descriptor)->sizeof_message + sizeof (void *);
      else if (want == 2)
        cost = UNPACK_COST_BLOCK + (repeated ? sizeof (void *) : 0);
      else
        cost = repeated ? sizeof (uint64_t) : 0;
      goto account;
    }
  if (wire != 2 || !repeated)
    return fail (w, LT_ERR_PARSE, field_start, field,
                 want == 2 ? "a length-delimited field is encoded as a number"
                           : "a numeric field is encoded with the wrong wire type");
  /* packed */
  if ((want == 5 && payload_len % 4 != 0) || (want == 1 && payload_len % 8 != 0))
    return fail (w, LT_ERR_PARSE, field_start, field, "a packed field does not hold a whole number of elements");
  if (want == 0)
    {
      size_t   pos = payload, end = payload + payload_len;
      uint64_t value;
      while (pos < end)
        {
          if (!get_varint (w->buf, &pos, end, &value))
            return fail (w, LT_ERR_PARSE, field_start, field, "a packed field holds a malformed varint");
          cost += sizeof (uint64_t);
        }
    }

account:
  w->unpack_cost += cost;
  if (w->unpack_cost > w->limits->max_unpack_cost)
    return fail (w, LT_ERR_LIMIT, field_start, field,
                 "decoding the model would need more memory than the limit (too many small messages or values)");
  return LT_OK;
}

static lt_status
walk (walker *w)
{
  const uint8_t *buf = w->buf;
  size_t         pos = 0;
  uint32_t       next_number = 0;
  uint32_t       messages = 0;

  w->depth = 1;
  w->unpack_cost = 0;
  w->stack[0] = (frame) { M_MODEL, w->len, 0, w->len, UINT32_MAX, 0, 0 };

  for (;;)
    {
      frame    *f = &w->stack[w->depth - 1];
      size_t    field_start = pos;
      uint64_t  tag, field, value;
      unsigned  wire;
      lt_status st;

      if (pos == f->end)
        {
          uint64_t size = f->new_size;
          uint32_t fieldno = f->field;
          if (w->depth == 1)
            return LT_OK;
          if (w->out == NULL && size != f->old_size)
            {
              if (w->n_resized == w->cap_resized)
                {
                  uint32_t cap = w->cap_resized ? w->cap_resized * 2 : 64;
                  resized *grown = realloc (w->resized, (size_t) cap * sizeof *grown);
                  if (grown == NULL)
                    return lt_error_set (w->err, LT_ERR_NO_MEMORY, NULL, "out of memory while scanning the model");
                  w->resized = grown;
                  w->cap_resized = cap;
                }
              w->resized[w->n_resized++] = (resized) { f->number, size };
            }
          w->depth--;
          w->stack[w->depth - 1].new_size += varint_size ((uint64_t) fieldno << 3 | 2) + varint_size (size) + size;
          continue;
        }

      if (!get_varint (buf, &pos, f->end, &tag))
        return fail (w, LT_ERR_PARSE, field_start, 0, "a field tag is malformed or runs past the end of its message");
      field = tag >> 3;
      wire = (unsigned) (tag & 7);
      if (field == 0 || field > 536870911u)
        return fail (w, LT_ERR_PARSE, field_start, 0, "a field number is out of range");
      /* A file that spells our stand-in fields itself would point a tensor
       * at bytes of its choosing: they are only ever written by pass two. */
      if (f->type == M_TENSOR && (field == LT_PB_RAW_OFFSET || field == LT_PB_RAW_LENGTH))
        return fail (w, LT_ERR_PARSE, field_start, (uint32_t) field, "uses a field number reserved by Lathe");

      switch (wire)
        {
        case 0:
          if (!get_varint (buf, &pos, f->end, &value))
            return fail (w, LT_ERR_PARSE, field_start, (uint32_t) field, "a varint is longer than 10 bytes or runs past the end");
          if ((st = check_field (w, field_start, (uint32_t) field, wire, 0, 0)) != LT_OK)
            return st;
          if (w->out)
            w->out = put_varint (put_varint (w->out, tag), value);
          f->new_size += varint_size (tag) + varint_size (value);
          continue;

        case 1:
        case 5:
          {
            size_t n = wire == 1 ? 8 : 4;
            if (f->end - pos < n)
              return fail (w, LT_ERR_PARSE, field_start, (uint32_t) field, "a fixed-size field runs past the end");
            if ((st = check_field (w, field_start, (uint32_t) field, wire, 0, 0)) != LT_OK)
              return st;
            if (w->out)
              {
                w->out = put_varint (w->out, tag);
                memcpy (w->out, buf + pos, n);
                w->out += n;
              }
            pos += n;
            f->new_size += varint_size (tag) + n;
            continue;
          }

        case 2:
          break;

        default:
          return fail (w, LT_ERR_PARSE, field_start, (uint32_t) field, "uses a wire type ONNX does not use (group or invalid)");
        }

      /* length-delimited */
      if (!get_varint (buf, &pos, f->end, &value) || value > f->end - pos)
        return fail (w, LT_ERR_PARSE, field_start, (uint32_t) field, "a length prefix runs past the end of its message");
      if ((st = check_field (w, field_start, (uint32_t) field, wire, pos, (size_t) value)) != LT_OK)
        return st;

      {
        const child_field *child = find_child (f->type, (uint32_t) field);

        if (child)
          {
            uint32_t graph_depth = f->graph_depth + (child->child == M_GRAPH);
            if (++messages > w->limits->max_messages)
              return fail (w, LT_ERR_LIMIT, field_start, (uint32_t) field, "the model holds more messages than the limit");
            if (messages % LT_PRESCAN_POLL_EVERY == 0 && w->limits->abort_fn &&
                w->limits->abort_fn (w->limits->abort_data))
              return lt_error_set (w->err, LT_ERR_CANCELLED, NULL, "the load was cancelled");
            if (child->child == M_NODE && f->type == M_GRAPH && ++w->n_nodes > w->limits->max_nodes)
              return fail (w, LT_ERR_LIMIT, field_start, (uint32_t) field, "the model holds more nodes than the limit");
            if (w->depth >= w->limits->max_message_depth)
              return fail (w, LT_ERR_LIMIT, field_start, (uint32_t) field, "messages are nested deeper than the limit");
            if (graph_depth > w->limits->max_graph_depth)
              return fail (w, LT_ERR_LIMIT, field_start, (uint32_t) field, "subgraphs are nested deeper than the limit");
            if (w->out)
              {
                uint64_t size = value;
                if (w->next_resized < w->n_resized && w->resized[w->next_resized].number == next_number)
                  size = w->resized[w->next_resized++].new_size;
                w->out = put_varint (put_varint (w->out, tag), size);
              }
            w->stack[w->depth++] = (frame) { child->child, pos + value, 0, value, next_number++, graph_depth, (uint32_t) field };
            continue;
          }

        if (f->type == M_TENSOR && field == 9 && w->limits->strip_threshold && value >= w->limits->strip_threshold)
          {
            uint64_t tag_off = (uint64_t) LT_PB_RAW_OFFSET << 3;
            uint64_t tag_len = (uint64_t) LT_PB_RAW_LENGTH << 3;
            if (w->out)
              {
                w->out = put_varint (put_varint (w->out, tag_off), pos);
                w->out = put_varint (put_varint (w->out, tag_len), value);
              }
            else
              w->n_stripped++;
            f->new_size += varint_size (tag_off) + varint_size (pos) + varint_size (tag_len) + varint_size (value);
            pos += value;
            continue;
          }

        if (w->out)
          {
            w->out = put_varint (put_varint (w->out, tag), value);
            memcpy (w->out, buf + pos, value);
            w->out += value;
          }
        f->new_size += varint_size (tag) + varint_size (value) + value;
        pos += value;
      }
    }
}

static int
compare_resized (const void *a,
                 const void *b)
{
  uint32_t x = ((const resized *) a)->number, y = ((const resized *) b)->number;
  return (x > y) - (x < y);
}

lt_status
lt_onnx_prescan (const uint8_t           *buf,
                 size_t                   len,
                 const lt_prescan_limits *limits,
                 lt_prescan_result       *out,
                 lt_error                *err)
{
  walker    w = { 0 };
  lt_status st;

  memset (out, 0, sizeof *out);
  w.buf = buf;
  w.len = len;
  w.limits = limits;
  w.err = err;
  w.stack = calloc (limits->max_message_depth + 1, sizeof (frame));
  if (w.stack == NULL)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory while scanning the model");

  st = walk (&w);
  if (st == LT_OK && w.n_stripped > 0)
    {
      uint64_t total = w.stack[0].new_size;
      uint32_t n_stripped = w.n_stripped, n_nodes = w.n_nodes;
      out->stripped = malloc (total ? total : 1);
      if (out->stripped == NULL)
        st = lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory while scanning the model");
      else
        {
          qsort (w.resized, w.n_resized, sizeof *w.resized, compare_resized);
          w.out = out->stripped;
          w.n_nodes = 0;
          st = walk (&w);
          out->stripped_len = (size_t) (w.out - out->stripped);
          w.n_stripped = n_stripped;
          w.n_nodes = n_nodes;
        }
    }
  if (st == LT_OK)
    {
      out->n_nodes = w.n_nodes;
      out->n_stripped = w.n_stripped;
    }
  else
    {
      free (out->stripped);
      out->stripped = NULL;
    }
  free (w.resized);
  free (w.stack);
  return st;
}
