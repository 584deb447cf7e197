/* test-project-crash.c — crash safety: a child process edits a project in a
 * loop and is killed with SIGKILL at a random moment, over and over.  The
 * child reports each edit on a pipe only after lt_project_set_encoding
 * returned; afterwards the file must pass PRAGMA integrity_check, every
 * reported edit must be in the log, and the last reported value must be in
 * effect (or a later, unreported one).
 *
 * LATHE_CRASH_TRIALS overrides the number of trials (default 200).
 */
#include "project-test-util.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_TENSORS 10

/* What the child writes once opened (edit_id 0), then after each committed
 * edit. */
typedef struct
{
  gint64  edit_id;
  guint32 counter; /* also the edit's scale, so the value is checkable */
  guint32 padding;
} Report;

static void
write_all (int         fd,
           const void *data,
           gsize       size)
{
  while (size > 0)
    {
      ssize_t n = write (fd, data, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (3);
      data = (const guint8 *) data + n;
      size -= (gsize) n;
    }
}

/* The child: never returns. */
static void
edit_forever (const char *path,
              guint32     first_counter,
              int         fd)
{
  LtProject *project = lt_project_open (path, LT_PROJECT_OPEN_DEFAULT, NULL);

  Report opened = { 0 };

  if (!project)
    _exit (2);
  write_all (fd, &opened, sizeof opened);
  for (guint32 counter = first_counter;; counter++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", counter % N_TENSORS);
      g_autoptr (LtProjectEncoding) e = lt_project_encoding_new (name, LT_PROJECT_SECTION_ACTIVATION, 1);
      Report report = { 0 };

      e->scale[0] = (float) counter;
      if (!lt_project_set_encoding (project, e, NULL))
        _exit (4);
      report.edit_id = lt_project_get_last_edit_id (project);
      report.counter = counter;
      write_all (fd, &report, sizeof report);
    }
}

static gboolean
edit_exists (sqlite3 *db,
             gint64   id)
{
  sqlite3_stmt *stmt = NULL;
  gboolean      found;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT 1 FROM edit_log WHERE id = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

static void
test_sigkill (void)
{
  const char      *env = g_getenv ("LATHE_CRASH_TRIALS");
  guint            n_trials = env ? (guint) g_ascii_strtoull (env, NULL, 10) : 200;
  char            *dir = project_test_dir_new ();
  LtProject       *project = project_test_create (dir, "crash.lathe", FALSE);
  g_autofree char *path = g_strdup (lt_project_get_path (project));
  GRand           *rand = g_rand_new_with_seed (4242);
  guint32          next_counter = 1;
  guint64          n_reported = 0;
  guint            n_killed_mid_run = 0;

  g_object_unref (project);
  for (guint trial = 0; trial < n_trials; trial++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GByteArray) received = g_byte_array_new ();
      g_autoptr (LtProjectEncoding) last = NULL;
      const Report *reports;
      guint         n;
      sqlite3      *db = NULL;
      int           fds[2], status;
      pid_t         pid;
      guint8        buffer[4096];
      ssize_t       got;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          edit_forever (path, next_counter, fds[1]);
        }
      close (fds[1]);
      /* half the trials kill at any moment, opening included; the other half
       * once the child is editing (it reported opening and one edit) */
      while (trial % 2 == 1 && received->len < 2 * sizeof (Report))
        {
          got = read (fds[0], buffer, 2 * sizeof (Report) - received->len);
          g_assert_cmpint (got, >, 0);
          g_byte_array_append (received, buffer, (guint) got);
        }
      g_usleep ((gulong) g_rand_int_range (rand, 0, 25000));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      if (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL)
        n_killed_mid_run++;
      else
        g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0); /* never: the child loops */
      while ((got = read (fds[0], buffer, sizeof buffer)) > 0)
        g_byte_array_append (received, buffer, (guint) got);
      close (fds[0]);

      /* the project opens (the lock died with the child) and is intact; read-only,
       * so that the next child finds the file as the killed one left it */
      project = lt_project_open (path, LT_PROJECT_OPEN_READ_ONLY, &error);
      g_assert_no_error (error);
      g_assert_true (lt_project_check_integrity (project, &error));
      g_assert_no_error (error);

      reports = (const Report *) received->data;
      n = received->len / sizeof (Report); /* a torn last report is not counted */
      g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
      if (n > 0)
        {
          /* the "opened" report */
          g_assert_cmpint (reports[0].edit_id, ==, 0);
          reports++;
          n--;
        }
      for (guint i = 0; i < n; i++)
        g_assert_true (edit_exists (db, reports[i].edit_id));
      sqlite3_close (db);
      if (n > 0)
        {
          const Report    *r = &reports[n - 1];
          g_autofree char *name = g_strdup_printf ("t%u", r->counter % N_TENSORS);

          last = lt_project_get_encoding (project, name, LT_PROJECT_SECTION_ACTIVATION, &error);
          g_assert_no_error (error);
          g_assert_nonnull (last);
          g_assert_cmpfloat (last->scale[0], >=, (float) r->counter);
          next_counter = r->counter + 1;
        }
      n_reported += n;
      /* counters stay below 2^24 so a float holds them exactly */
      next_counter += 1000;
      g_object_unref (project);
    }
  g_test_message ("%u trials, %u killed while running, %" G_GUINT64_FORMAT " committed edits reported",
                  n_trials, n_killed_mid_run, n_reported);
  g_assert_cmpuint (n_killed_mid_run, ==, n_trials);
  g_assert_cmpuint (n_reported, >=, n_trials / 2);
  g_rand_free (rand);
  project_test_dir_free (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project/crash/sigkill", test_sigkill);
  return g_test_run ();
}
