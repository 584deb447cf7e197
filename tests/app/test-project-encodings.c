/* test-project-encodings.c — LtEncodingSet ⇄ project encoding rows: a set
 * with per-tensor, per-channel, per-block and float encodings survives set →
 * rows → project file → rows → set with every field equal (scales bit for
 * bit); rows → set → rows is exact; what a row cannot hold is refused with
 * an error naming the tensor and the field. */
#include "lt-project-encodings.h"
#include "project-test-util.h"

#include <string.h>

static LtEncoding *
make_encoding (const char           *name,
               LtEncodingSection     section,
               LtEncodingGranularity granularity,
               guint                 n_values,
               guint                 bitwidth,
               gboolean              symmetric)
{
  LtEncoding *encoding = lt_encoding_new (name, section, n_values);

  encoding->bitwidth = bitwidth;
  encoding->granularity = granularity;
  encoding->is_symmetric = symmetric;
  encoding->axis = granularity == LT_ENCODING_PER_TENSOR ? LT_ENCODING_AXIS_UNKNOWN : 0;
  encoding->block_size = granularity == LT_ENCODING_PER_BLOCK ? 16 : 0;
  for (guint i = 0; i < n_values; i++)
    {
      /* Scales that are not round in binary, so a lossy step would show. */
      encoding->scale[i] = (float) (0.0123456789 * (i + 1) / 3.0);
      encoding->offset[i] = symmetric ? lt_encoding_symmetric_offset (bitwidth) : -(gint64) (17 + i);
    }
  lt_encoding_derive_min_max (encoding);
  return encoding;
}

static LtEncodingSet *
make_set (void)
{
  LtEncodingSet *set = lt_encoding_set_new (LT_ENCODINGS_FORMAT_1_0_0);
  LtEncoding    *half = lt_encoding_new ("flat", LT_ENCODING_SECTION_ACTIVATION, 0);

  g_assert_true (lt_encoding_set_add (set, make_encoding ("image", LT_ENCODING_SECTION_ACTIVATION,
                                                          LT_ENCODING_PER_TENSOR, 1, 8, FALSE)));
  g_assert_true (lt_encoding_set_add (set, make_encoding ("conv1.weight", LT_ENCODING_SECTION_PARAM,
                                                          LT_ENCODING_PER_CHANNEL, 8, 8, TRUE)));
  g_assert_true (lt_encoding_set_add (set, make_encoding ("conv1.bias", LT_ENCODING_SECTION_PARAM,
                                                          LT_ENCODING_PER_TENSOR, 1, 32, TRUE)));
  g_assert_true (lt_encoding_set_add (set, make_encoding ("fc.weight", LT_ENCODING_SECTION_PARAM,
                                                          LT_ENCODING_PER_BLOCK, 12, 4, TRUE)));
  half->dtype = LT_ENCODING_DTYPE_FLOAT;
  half->bitwidth = 16;
  g_assert_true (lt_encoding_set_add (set, half));
  return set;
}

static void
assert_encodings_equal (const LtEncoding *a,
                        const LtEncoding *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpint (a->section, ==, b->section);
  g_assert_cmpint (a->dtype, ==, b->dtype);
  g_assert_cmpuint (a->bitwidth, ==, b->bitwidth);
  g_assert_cmpint (a->granularity, ==, b->granularity);
  g_assert_cmpint (a->is_symmetric, ==, b->is_symmetric);
  g_assert_cmpint (a->axis, ==, b->axis);
  g_assert_cmpuint (a->block_size, ==, b->block_size);
  g_assert_cmpuint (a->n_values, ==, b->n_values);
  g_assert_cmpint (a->has_min_max, ==, b->has_min_max);
  for (guint i = 0; i < a->n_values; i++)
    {
      g_assert_cmpmem (&a->scale[i], sizeof (float), &b->scale[i], sizeof (float));
      g_assert_cmpint (a->offset[i], ==, b->offset[i]);
      g_assert_cmpfloat (a->min[i], ==, b->min[i]);
      g_assert_cmpfloat (a->max[i], ==, b->max[i]);
    }
}

static void
test_round_trip_through_project (void)
{
  char      *dir = project_test_dir_new ();
  LtProject *project = project_test_create (dir, "p.lathe", FALSE);
  g_autoptr (LtEncodingSet) set = make_set ();
  g_autoptr (LtEncodingSet) back = NULL;
  g_autoptr (GPtrArray) edits = NULL;
  g_autoptr (GError) error = NULL;

  lt_project_store_encoding_set (project, "import-encodings", set, "test", &error);
  g_assert_no_error (error);
  edits = lt_project_list_edits (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (edits->len, ==, 1);
  back = lt_project_load_encoding_set (project, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpuint (back->encodings->len, ==, set->encodings->len);
  for (guint i = 0; i < set->encodings->len; i++)
    {
      const LtEncoding *want = g_ptr_array_index (set->encodings, i);

      assert_encodings_equal (want, lt_encoding_set_lookup (back, want->section, want->name));
    }
  g_object_unref (project);
  project_test_dir_free (dir);
}

static void
test_rows_set_rows_exact (void)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_encoding_free);
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (LtEncodingSet) set = NULL;
  g_autoptr (GError) error = NULL;
  const LtProjectGranularity granularity[] = { LT_PROJECT_GRANULARITY_PER_TENSOR, LT_PROJECT_GRANULARITY_PER_CHANNEL,
                                               LT_PROJECT_GRANULARITY_PER_BLOCK };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char   *name = g_strdup_printf ("t%u", i);
      LtProjectEncoding *row = project_test_encoding (name, 7 + i);

      /* The seeded row's shape fields, made consistent for a set. */
      row->granularity = granularity[i];
      row->axis = i == 0 ? -1 : (int) i;
      row->block_size = i == 2 ? 32 : 0;
      row->is_float = FALSE;
      g_ptr_array_add (rows, row);
    }
  set = lt_project_encodings_to_set (rows);
  again = lt_project_encodings_from_set (set, "test", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, rows->len);
  for (guint i = 0; i < rows->len; i++)
    g_assert_true (lt_project_encoding_equal (g_ptr_array_index (rows, i), g_ptr_array_index (again, i)));
}

static void
assert_refused (LtEncoding *encoding,
                const char *field)
{
  g_autoptr (LtEncodingSet) set = lt_encoding_set_new (LT_ENCODINGS_FORMAT_2_0_0);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (lt_encoding_set_add (set, encoding));
  rows = lt_project_encodings_from_set (set, "bad.json", &error);
  g_assert_null (rows);
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "bad.json"));
  g_assert_nonnull (strstr (error->message, encoding->name));
  g_assert_nonnull (strstr (error->message, field));
}

static void
test_refusals (void)
{
  LtEncoding *unresolved = make_encoding ("a", LT_ENCODING_SECTION_UNSPECIFIED, LT_ENCODING_PER_TENSOR, 1, 8, FALSE);
  LtEncoding *lpbq = make_encoding ("w", LT_ENCODING_SECTION_PARAM, LT_ENCODING_LPBQ, 2, 4, TRUE);
  LtEncoding *from_end = make_encoding ("m", LT_ENCODING_SECTION_PARAM, LT_ENCODING_PER_CHANNEL, 2, 8, TRUE);
  LtEncoding *wide = make_encoding ("b", LT_ENCODING_SECTION_PARAM, LT_ENCODING_PER_TENSOR, 1, 32, FALSE);

  from_end->axis = -1;
  wide->offset[0] = G_MININT32 - (gint64) 1;
  assert_refused (unresolved, "section");
  assert_refused (lpbq, "granularity");
  assert_refused (from_end, "axis");
  assert_refused (wide, "offset");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project-encodings/round-trip-through-project", test_round_trip_through_project);
  g_test_add_func ("/project-encodings/rows-set-rows-exact", test_rows_set_rows_exact);
  g_test_add_func ("/project-encodings/refusals", test_refusals);
  return g_test_run ();
}
