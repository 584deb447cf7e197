/* test-tensor-io.c — .npy and .raw readers: a round trip through the
 * writers, and every malformed file refused with an error naming it. */
#include "lt-tensor-io.h"
#include "test-util.h"

#include <gio/gio.h>
#include <string.h>

static char *tmp_dir;

static char *
write_file (const char *name,
            const void *data,
            gsize       len)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  return path;
}

/* A version-1 .npy with the given header dict and data bytes. */
static char *
write_npy (const char *name,
           const char *dict,
           gsize       data_len)
{
  g_autoptr (GByteArray) file = g_byte_array_new ();
  g_autofree char *header = g_strdup_printf ("%s\n", dict);
  guint8           prefix[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0 };
  g_autofree guint8 *data = g_malloc0 (data_len + 1);

  prefix[8] = (guint8) strlen (header);
  g_byte_array_append (file, prefix, sizeof prefix);
  g_byte_array_append (file, (const guint8 *) header, (guint) strlen (header));
  g_byte_array_append (file, data, (guint) data_len);
  return write_file (name, file->data, file->len);
}

static void
test_round_trip (void)
{
  const float      values[6] = { 1, -2, 3.5f, 0, 1e-3f, 7 };
  lt_tensor        t = { .name = "x", .dtype = LT_DTYPE_F32, .rank = 2, .dims = { 2, 3 }, .count = 6,
                         .data = values, .nbytes = sizeof values };
  g_autofree char *npy = g_build_filename (tmp_dir, "x.npy", NULL);
  g_autofree char *raw = g_build_filename (tmp_dir, "x.raw", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LtArray) a = NULL;
  g_autoptr (LtArray) b = NULL;
  const int64_t    dims[2] = { 2, 3 };

  g_assert_true (lt_npy_save (npy, &t, &error));
  g_assert_true (lt_raw_save (raw, &t, &error));
  a = lt_npy_load (npy, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->dtype, ==, LT_DTYPE_F32);
  g_assert_cmpint (a->rank, ==, 2);
  g_assert_cmpint (a->dims[0], ==, 2);
  g_assert_cmpint (a->dims[1], ==, 3);
  g_assert_cmpmem (g_bytes_get_data (a->data, NULL), g_bytes_get_size (a->data), values, sizeof values);
  b = lt_raw_load (raw, LT_DTYPE_F32, 2, dims, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (b->data, NULL), g_bytes_get_size (b->data), values, sizeof values);
}

static void
test_scalar_and_int64 (void)
{
  g_autofree char *path = write_npy ("s.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (), }", 8);
  g_autoptr (GError) error = NULL;
  g_autoptr (LtArray) a = lt_npy_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (a->dtype, ==, LT_DTYPE_I64);
  g_assert_cmpint (a->rank, ==, 0);
  g_assert_cmpuint (a->count, ==, 1);
}

static void
expect_refused (const char *path,
                const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LtArray) a = lt_npy_load (path, &error);

  g_assert_null (a);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  if (strstr (error->message, fragment) == NULL)
    g_error ("'%s' does not mention '%s'", error->message, fragment);
}

static void
test_bad_npy (void)
{
  g_autofree char *magic = write_file ("magic.npy", "NOTNUMPYxxxxxxxxxxxx", 20);
  g_autofree char *object = write_npy ("object.npy", "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16);
  g_autofree char *fortran = write_npy ("fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16);
  g_autofree char *big = write_npy ("big.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8);
  g_autofree char *short_data = write_npy ("short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 8);
  g_autofree char *no_shape = write_npy ("noshape.npy", "{'descr': '<f4', 'fortran_order': False, }", 8);
  g_autofree char *complex_type = write_npy ("complex.npy", "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8);
  g_autofree char *bad_dim = write_npy ("dim.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 8);
  guint8           truncated_bytes[12] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 200, 0, '{', '}' };
  g_autofree char *truncated = write_file ("truncated.npy", truncated_bytes, sizeof truncated_bytes);

  expect_refused (magic, "magic");
  expect_refused (object, "not a plain type");
  expect_refused (fortran, "Fortran");
  expect_refused (big, "big-endian");
  expect_refused (short_data, "8 bytes");
  expect_refused (no_shape, "'shape'");
  expect_refused (complex_type, "c8");
  expect_refused (bad_dim, "sizes");
  expect_refused (truncated, "past the end");
}

static void
test_bad_raw (void)
{
  g_autofree char *path = write_file ("short.raw", "abcdefg", 7);
  const int64_t    dims[1] = { 2 };
  g_autoptr (GError) error = NULL;
  g_autoptr (LtArray) a = lt_raw_load (path, LT_DTYPE_F32, 1, dims, &error);

  g_assert_null (a);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "7 bytes"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("lathe-tensor-io-XXXXXX", NULL);
  g_test_add_func ("/tensor-io/round-trip", test_round_trip);
  g_test_add_func ("/tensor-io/scalar-int64", test_scalar_and_int64);
  g_test_add_func ("/tensor-io/bad-npy", test_bad_npy);
  g_test_add_func ("/tensor-io/bad-raw", test_bad_raw);
  status = g_test_run ();
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
