/* lt-encoding.h — quantization encodings: one record per tensor, and a set
 * of them keyed by tensor name within a section (activations or params).
 *
 * Every integer encoding uses the QNN sign convention on an unsigned grid of
 * 2^bitwidth steps:  float = (q + offset) * scale,  q in [0, 2^bw - 1],
 * so  min = offset * scale  and  max = (2^bw - 1 + offset) * scale.
 * Scales are float32 (as in QNN); min and max are doubles as files write
 * them.  Per-channel values are in channel order; per-block values are
 * channel-major (scale[c * n_blocks + b]) whatever the tensor layout.  Invariants of an LtEncoding that came from a reader:
 *  - 4 <= bitwidth <= 32 for INT, 16 or 32 for FLOAT;
 *  - n_values >= 1 for INT, and scale[i] is finite, > 0 and normal;
 *  - |offset[i]| <= 2^bitwidth (a file may still leave zero off the grid:
 *    that is a lint finding, not a read error);
 *  - min[i] <= max[i]; when the file gave no min/max they are derived.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LT_ENCODING_SECTION_ACTIVATION,
  LT_ENCODING_SECTION_PARAM,
  LT_ENCODING_SECTION_UNSPECIFIED, /* 2.0.0 files do not say; a model decides */
} LtEncodingSection;

typedef enum
{
  LT_ENCODING_DTYPE_INT,
  LT_ENCODING_DTYPE_FLOAT, /* the tensor stays in float (FP16 override) */
} LtEncodingDtype;

typedef enum
{
  LT_ENCODING_PER_TENSOR,
  LT_ENCODING_PER_CHANNEL,
  LT_ENCODING_PER_BLOCK,
  LT_ENCODING_LPBQ, /* low-power blockwise: float scale per channel, int scale per block */
} LtEncodingGranularity;

/* The file layouts read and written.  0.4 (no "version" key) is only read. */
typedef enum
{
  LT_ENCODINGS_FORMAT_0_4,
  LT_ENCODINGS_FORMAT_0_6_1,
  LT_ENCODINGS_FORMAT_1_0_0,
  LT_ENCODINGS_FORMAT_2_0_0,
} LtEncodingsFormat;

typedef struct
{
  char                 *name; /* tensor name, verbatim */
  LtEncodingSection     section;
  LtEncodingDtype       dtype;
  guint                 bitwidth;
  LtEncodingGranularity granularity;
  gboolean              is_symmetric;
  gboolean              signed_storage; /* 2.0.0 writes intN rather than uintN */
  gint                  axis;           /* channel axis (may count from the end), or LT_ENCODING_AXIS_UNKNOWN */
  guint                 block_size;     /* PER_BLOCK and LPBQ, 0 otherwise */
  guint                 n_blocks;       /* blocks per channel; 0 when unknown */
  gint                  block_axis;     /* PER_BLOCK: axis cut into blocks, or LT_ENCODING_AXIS_UNKNOWN */
  guint                 rank;           /* PER_BLOCK: rank of the tensor, 0 when unknown */
  guint                 n_values;       /* entries in scale/offset/min/max */
  float                *scale;
  gint64               *offset;
  double               *min;
  double               *max;
  gboolean              has_min_max; /* min/max came from the file */
  /* LPBQ only: scale[] holds the per-channel float scales. */
  guint   compressed_bitwidth;
  guint   n_block_int_scales;
  gint64 *block_int_scale; /* per channel, per block, flattened */
} LtEncoding;

typedef struct
{
  LtEncodingsFormat format;     /* the layout it was read from */
  GPtrArray        *encodings;  /* LtEncoding *, owned, in file order */
  GHashTable       *by_name[3]; /* per section: name → LtEncoding * (borrowed) */
  GPtrArray        *warnings;   /* char *: things converted while reading */
  /* Top-level settings kept for writing back: 0 when absent. */
  guint activation_bitwidth;
  guint param_bitwidth;
  guint bias_bitwidth;
  char *quantizer_args;  /* JSON text of the object, or NULL */
  char *excluded_layers; /* JSON text of the 1.0.0 list, or NULL */
} LtEncodingSet;

#define LT_ENCODING_MIN_RANGE    1e-4
#define LT_ENCODING_AXIS_UNKNOWN G_MININT
#define LT_ENCODING_MAX_RANK     8

LtEncoding *lt_encoding_new (const char       *name,
                             LtEncodingSection section,
                             guint             n_values);
void        lt_encoding_free (LtEncoding *encoding);

/* The number of steps of the grid minus one: 2^bitwidth - 1. */
double lt_encoding_grid_max (guint bitwidth);

/* Scale and offset for [min, max] on a bitwidth grid: the range is widened
 * to contain 0 and to be at least LT_ENCODING_MIN_RANGE, and the offset is
 * an integer so that 0.0 is exactly representable.  Writes the range that
 * results to *out_min / *out_max (either may be NULL). */
void lt_encoding_from_min_max (double  min,
                               double  max,
                               guint   bitwidth,
                               float  *scale,
                               gint64 *offset,
                               double *out_min,
                               double *out_max);

/* min = offset * scale, max = (2^bw - 1 + offset) * scale. */
void lt_encoding_to_min_max (float   scale,
                             gint64  offset,
                             guint   bitwidth,
                             double *min,
                             double *max);

/* Fills min[] and max[] from scale and offset (has_min_max stays FALSE). */
void lt_encoding_derive_min_max (LtEncoding *encoding);

/* An axis counted from the end made positive; -1 when unknown or not
 * below `rank`. */
gint lt_encoding_normalize_axis (gint axis,
                                 gint rank);

/* The symmetric offset, -2^(bw-1). */
gint64 lt_encoding_symmetric_offset (guint bitwidth);

const char *lt_encoding_granularity_to_string (LtEncodingGranularity granularity);
const char *lt_encoding_section_to_string (LtEncodingSection section);
const char *lt_encodings_format_to_string (LtEncodingsFormat format);
/* "0.6.1", "1.0.0" or "2.0.0" (0.4 is not accepted: it is read-only). */
gboolean lt_encodings_format_from_string (const char        *text,
                                          LtEncodingsFormat *format);

LtEncodingSet *lt_encoding_set_new (LtEncodingsFormat format);
void           lt_encoding_set_free (LtEncodingSet *set);

/* Adds an encoding (the set takes it).  FALSE, and the encoding left with
 * the caller, when the section already has that name. */
gboolean lt_encoding_set_add (LtEncodingSet *set,
                              LtEncoding    *encoding);
/* Moves an encoding to another section; FALSE when that section already
 * has the name. */
gboolean    lt_encoding_set_move (LtEncodingSet    *set,
                                  LtEncoding       *encoding,
                                  LtEncodingSection section);
LtEncoding *lt_encoding_set_lookup (const LtEncodingSet *set,
                                    LtEncodingSection    section,
                                    const char          *name);
void        lt_encoding_set_warn (LtEncodingSet *set,
                                  const char    *format,
                                  ...) G_GNUC_PRINTF (2, 3);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtEncoding, lt_encoding_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtEncodingSet, lt_encoding_set_free)

G_END_DECLS
