/* test-project-vfs.c — saving when the disk fails: a wrapper SQLite VFS,
 * registered as the default, makes xWrite or xSync fail with SQLITE_FULL or
 * SQLITE_IOERR on demand.  Every failed save must leave the project as it was
 * (same connection, and after reopening), report an error naming the file,
 * and a later save must work. */
#include "project-test-util.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

/* ---- the failing VFS ------------------------------------------------------ */

typedef struct
{
  int fail_code;   /* SQLITE_OK: no failure */
  int fail_writes; /* fail xWrite when TRUE */
  int fail_syncs;  /* fail xSync when TRUE */
  int writes_left; /* writes that still succeed before failing */
  int n_failures;  /* failures injected */
} Faults;

static Faults faults;

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real; /* follows this struct in the same allocation */
} ShimFile;

static sqlite3_vfs *real_vfs;

static int
shim_close (sqlite3_file *file)
{
  ShimFile *shim = (ShimFile *) file;
  int       rc = shim->real->pMethods ? shim->real->pMethods->xClose (shim->real) : SQLITE_OK;

  return rc;
}

static int
shim_read (sqlite3_file *file,
           void         *buffer,
           int           amount,
           sqlite3_int64 offset)
{
  ShimFile *shim = (ShimFile *) file;

  return shim->real->pMethods->xRead (shim->real, buffer, amount, offset);
}

static int
shim_write (sqlite3_file *file,
            const void   *buffer,
            int           amount,
            sqlite3_int64 offset)
{
  ShimFile *shim = (ShimFile *) file;

  if (faults.fail_code != SQLITE_OK && faults.fail_writes && faults.writes_left-- <= 0)
    {
      faults.n_failures++;
      return faults.fail_code == SQLITE_IOERR ? SQLITE_IOERR_WRITE : faults.fail_code;
    }
  return shim->real->pMethods->xWrite (shim->real, buffer, amount, offset);
}

static int
shim_truncate (sqlite3_file *file,
               sqlite3_int64 size)
{
  ShimFile *shim = (ShimFile *) file;

  return shim->real->pMethods->xTruncate (shim->real, size);
}

static int
shim_sync (sqlite3_file *file,
           int           flags)
{
  ShimFile *shim = (ShimFile *) file;

  if (faults.fail_code != SQLITE_OK && faults.fail_syncs)
    {
      faults.n_failures++;
      return faults.fail_code == SQLITE_IOERR ? SQLITE_IOERR_FSYNC : faults.fail_code;
    }
  return shim->real->pMethods->xSync (shim->real, flags);
}

#define FORWARD(name, signature, call)    \
  static int shim_##name signature        \
  {                                       \
    ShimFile *shim = (ShimFile *) file;   \
    return shim->real->pMethods->x##call; \
  }

FORWARD (file_size, (sqlite3_file * file, sqlite3_int64 *size), FileSize (shim->real, size))
FORWARD (lock, (sqlite3_file * file, int level), Lock (shim->real, level))
FORWARD (unlock, (sqlite3_file * file, int level), Unlock (shim->real, level))
FORWARD (check_reserved_lock, (sqlite3_file * file, int *out), CheckReservedLock (shim->real, out))
FORWARD (file_control, (sqlite3_file * file, int op, void *arg), FileControl (shim->real, op, arg))
FORWARD (sector_size, (sqlite3_file * file), SectorSize (shim->real))
FORWARD (device_characteristics, (sqlite3_file * file), DeviceCharacteristics (shim->real))
FORWARD (shm_map, (sqlite3_file * file, int page, int size, int extend, void volatile **out), ShmMap (shim->real, page, size, extend, out))
FORWARD (shm_lock, (sqlite3_file * file, int offset, int n, int flags), ShmLock (shim->real, offset, n, flags))
FORWARD (shm_unmap, (sqlite3_file * file, int delete_flag), ShmUnmap (shim->real, delete_flag))
FORWARD (fetch, (sqlite3_file * file, sqlite3_int64 offset, int amount, void **out), Fetch (shim->real, offset, amount, out))
FORWARD (unfetch, (sqlite3_file * file, sqlite3_int64 offset, void *page), Unfetch (shim->real, offset, page))

static void
shim_shm_barrier (sqlite3_file *file)
{
  ShimFile *shim = (ShimFile *) file;

  shim->real->pMethods->xShmBarrier (shim->real);
}

static const sqlite3_io_methods shim_methods = {
  3,
  shim_close,
  shim_read,
  shim_write,
  shim_truncate,
  shim_sync,
  shim_file_size,
  shim_lock,
  shim_unlock,
  shim_check_reserved_lock,
  shim_file_control,
  shim_sector_size,
  shim_device_characteristics,
  shim_shm_map,
  shim_shm_lock,
  shim_shm_barrier,
  shim_shm_unmap,
  shim_fetch,
  shim_unfetch,
};

static int
shim_open (sqlite3_vfs  *vfs,
           const char   *name,
           sqlite3_file *file,
           int           flags,
           int          *out_flags)
{
  ShimFile *shim = (ShimFile *) file;
  int       rc;

  (void) vfs;
  shim->real = (sqlite3_file *) (shim + 1);
  rc = real_vfs->xOpen (real_vfs, name, shim->real, flags, out_flags);
  /* xClose is called even when xOpen fails, when pMethods is set */
  shim->base.pMethods = shim->real->pMethods ? &shim_methods : NULL;
  return rc;
}

static sqlite3_vfs shim_vfs;

static void
register_shim (void)
{
  real_vfs = sqlite3_vfs_find (NULL);
  shim_vfs = *real_vfs;
  shim_vfs.zName = "lathe-failing";
  shim_vfs.szOsFile = (int) sizeof (ShimFile) + real_vfs->szOsFile;
  shim_vfs.xOpen = shim_open;
  g_assert_cmpint (sqlite3_vfs_register (&shim_vfs, 1), ==, SQLITE_OK);
}

static void
arm (int code,
     int on_write,
     int writes_left)
{
  faults.fail_code = code;
  faults.fail_writes = on_write;
  faults.fail_syncs = !on_write;
  faults.writes_left = writes_left;
  faults.n_failures = 0;
}

static void
disarm (void)
{
  faults.fail_code = SQLITE_OK;
}

/* ---- the tests ------------------------------------------------------------ */

static guint
n_edits (LtProject *project)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) edits = lt_project_list_edits (project, &error);

  g_assert_no_error (error);
  return edits->len;
}

static void
assert_encoding (LtProject               *project,
                 const LtProjectEncoding *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LtProjectEncoding) got = lt_project_get_encoding (project, expected->tensor, expected->section, &error);

  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_true (lt_project_encoding_equal (got, expected));
}

/* Fails the n-th write of an edit, for n = 0, 1, … until the edit goes
 * through: every failure must leave the project as before. */
static void
fail_each_write (int code,
                 int expected_error)
{
  g_autoptr (GError) error = NULL;
  char            *dir = project_test_dir_new ();
  LtProject       *project = project_test_create (dir, "failing.lathe", FALSE);
  g_autofree char *path = g_strdup (lt_project_get_path (project));
  g_autoptr (LtProjectEncoding) before = project_test_encoding ("conv3_out", 5);
  g_autoptr (LtProjectEncoding) after = lt_project_encoding_copy (before);
  guint n_log;
  int   n_failed = 0;

  after->bitwidth = 16;
  g_assert_true (lt_project_set_encoding (project, before, &error));
  n_log = n_edits (project);
  for (int writes_left = 0;; writes_left++)
    {
      gboolean saved;

      arm (code, TRUE, writes_left);
      saved = lt_project_set_encoding (project, after, &error);
      disarm ();
      if (saved)
        {
          g_assert_no_error (error);
          g_assert_cmpint (faults.n_failures, ==, 0);
          break;
        }
      n_failed++;
      g_assert_error (error, LT_PROJECT_ERROR, expected_error);
      g_assert_nonnull (strstr (error->message, "failing.lathe"));
      g_clear_error (&error);
      assert_encoding (project, before);
      g_assert_cmpuint (n_edits (project), ==, n_log);

      /* and on disk, seen by a fresh connection */
      g_object_unref (project);
      project = lt_project_open (path, LT_PROJECT_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_true (lt_project_check_integrity (project, &error));
      assert_encoding (project, before);
      g_assert_cmpuint (n_edits (project), ==, n_log);
    }
  g_test_message ("%d failed saves before one went through", n_failed);
  g_assert_cmpint (n_failed, >, 0);
  assert_encoding (project, after);

  /* undo fails the same way and leaves the edit in place */
  arm (code, TRUE, 0);
  g_assert_false (lt_project_undo (project, &error));
  disarm ();
  g_assert_error (error, LT_PROJECT_ERROR, expected_error);
  g_clear_error (&error);
  assert_encoding (project, after);
  g_assert_true (lt_project_undo (project, &error));
  assert_encoding (project, before);

  g_object_unref (project);
  project_test_dir_free (dir);
}

static void
test_disk_full (void)
{
  fail_each_write (SQLITE_FULL, LT_PROJECT_ERROR_FULL);
}

static void
test_io_error (void)
{
  fail_each_write (SQLITE_IOERR, LT_PROJECT_ERROR_IO);
}

static void
test_calibration_io_error (void)
{
  g_autoptr (GError) error = NULL;
  char      *dir = project_test_dir_new ();
  LtProject *project = project_test_create (dir, "calibration.lathe", FALSE);
  g_autoptr (GPtrArray) stats = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_tensor_stats_free);
  g_autoptr (GPtrArray) runs = NULL;
  LtProjectCalibration run = { 0, "data", "minmax", "{}", NULL };

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *name = g_strdup_printf ("act%u", i);

      g_ptr_array_add (stats, lt_project_tensor_stats_new (name, 256));
    }
  arm (SQLITE_FULL, TRUE, 3);
  g_assert_false (lt_project_add_calibration (project, &run, (const LtProjectTensorStats **) stats->pdata, stats->len, NULL, &error));
  disarm ();
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_FULL);
  g_clear_error (&error);
  runs = lt_project_list_calibrations (project, &error);
  g_assert_cmpuint (runs->len, ==, 0);
  g_assert_true (lt_project_check_integrity (project, &error));
  g_object_unref (project);
  project_test_dir_free (dir);
}

/* Creating a project syncs the new file: when that fails nothing is left. */
static void
test_create_sync_error (void)
{
  g_autoptr (GError) error = NULL;
  char            *dir = project_test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "new.lathe", NULL);
  g_autofree char *model = project_test_model_path ();
  GDir            *listing;

  arm (SQLITE_IOERR, FALSE, 0);
  g_assert_null (lt_project_create (path, model, TRUE, &error));
  disarm ();
  g_assert_cmpint (faults.n_failures, >, 0);
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "new.lathe"));
  listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));
  g_dir_close (listing);
  project_test_dir_free (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  register_shim ();
  g_test_add_func ("/project/vfs/disk-full", test_disk_full);
  g_test_add_func ("/project/vfs/io-error", test_io_error);
  g_test_add_func ("/project/vfs/calibration", test_calibration_io_error);
  g_test_add_func ("/project/vfs/create-sync", test_create_sync_error);
  return g_test_run ();
}
