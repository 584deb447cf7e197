/* prescan.h — checks an ONNX file's protobuf wire format before protobuf-c
 * sees it.
 *
 * protobuf-c unpacks recursively with no depth limit and copies every bytes
 * field.  The pre-scan walks the buffer iteratively with a schema table of
 * which fields are sub-messages, and:
 *  - refuses varints over 10 bytes, length prefixes past the end of their
 *    message, groups and unknown wire types, wrong wire types for known
 *    sub-message fields;
 *  - refuses nesting deeper than the limits (message levels, graph levels)
 *    and more nodes or messages than the caps;
 *  - refuses wire types that do not match the schema and malformed packed
 *    fields (protobuf-c would fail on them without saying where);
 *  - estimates what protobuf-c will allocate for structs, pointer arrays
 *    and packed varints, and refuses files above the cap (a 2-byte message
 *    becomes a struct of 100 bytes or more);
 *  - optionally writes a copy of the buffer in which every large
 *    TensorProto.raw_data is replaced by two varint fields, LT_PB_RAW_OFFSET
 *    and LT_PB_RAW_LENGTH, locating the bytes in the original buffer, so the
 *    weights stay in the mmap instead of being copied.
 */
#pragma once

#include "lt/model.h"
#include "lt/status.h"

#include <stddef.h>
#include <stdint.h>

/* Field numbers of the stand-in fields; far above any ONNX field. */
#define LT_PB_RAW_OFFSET 536870000u
#define LT_PB_RAW_LENGTH 536870001u

typedef struct lt_prescan_limits
{
  uint32_t max_message_depth; /* nested messages */
  uint32_t max_graph_depth;   /* nested GraphProtos (1 = main graph only) */
  uint32_t max_nodes;
  uint32_t max_messages;
  uint64_t max_unpack_cost;   /* bytes protobuf-c may allocate beyond the bytes it copies */
  size_t   strip_threshold;   /* raw_data at least this long is stripped; 0 = never */
  lt_abort_fn abort_fn;       /* may be NULL; polled every LT_PRESCAN_POLL_EVERY messages */
  void       *abort_data;
} lt_prescan_limits;

#define LT_PRESCAN_POLL_EVERY 4096u

typedef struct lt_prescan_result
{
  uint8_t *stripped;     /* malloc'd rewritten buffer, or NULL when nothing was stripped */
  size_t   stripped_len;
  uint32_t n_nodes;      /* NodeProtos in all graphs */
  uint32_t n_stripped;   /* raw_data fields moved out */
} lt_prescan_result;

/* Scans `buf` as a ModelProto.  On failure the error names the message type,
 * field and byte offset (LT_ERR_CANCELLED when the abort callback asked);
 * *out holds nothing to free. */
lt_status lt_onnx_prescan (const uint8_t           *buf,
                           size_t                   len,
                           const lt_prescan_limits *limits,
                           lt_prescan_result       *out,
                           lt_error                *err);
