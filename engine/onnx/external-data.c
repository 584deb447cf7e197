/* external-data.c — safe resolution and mapping of external tensor data. */
#include "external-data.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct mapped_file
{
  char          *location;
  const uint8_t *data;  /* NULL for an empty file */
  size_t         size;
} mapped_file;

struct lt_external_files
{
  char        *dir;     /* the model's folder */
  mapped_file *files;
  uint32_t     n_files;
};

lt_external_files *
lt_external_files_new (const char *model_path)
{
  lt_external_files *files = calloc (1, sizeof *files);
  const char        *slash = strrchr (model_path, '/');

  if (files == NULL)
    return NULL;
  files->dir = slash ? strndup (model_path, (size_t) (slash - model_path) + (slash == model_path)) : strdup (".");
  if (files->dir == NULL)
    {
      free (files);
      return NULL;
    }
  return files;
}

void
lt_external_files_free (lt_external_files *files)
{
  if (files == NULL)
    return;
  for (uint32_t i = 0; i < files->n_files; i++)
    free (files->files[i].location);
  free (files->files);
  free (files->dir);
  free (files);
}

/* Checks the location's spelling; NULL when acceptable, else why not. */
static const char *
location_problem (const char *location)
{
  const char *p = location;

  if (location[0] == '\0')
    return "is empty";
  if (location[0] == '/')
    return "is an absolute path";
  if (strchr (location, '\\') || (location[0] && location[1] == ':'))
    return "is a Windows path";
  while (*p)
    {
      const char *end = strchr (p, '/');
      size_t      n = end ? (size_t) (end - p) : strlen (p);
      if (n == 0)
        return "has an empty path component";
      if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        return "has a '.' or '..' component (it must stay inside the model's folder)";
      if (n > NAME_MAX)
        return "has a path component that is too long";
      p += n;
      if (*p == '/')
        p++;
    }
  return NULL;
}

/* Opens `location` below `dir` one component at a time, never following a
 * symlink.  Returns an fd or -1 with errno set. */
static int
open_beneath (const char *dir,
              const char *location)
{
  int   fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char *copy, *component, *save = NULL;

  if (fd < 0)
    return -1;
  copy = strdup (location);
  if (copy == NULL)
    {
      close (fd);
      errno = ENOMEM;
      return -1;
    }
  component = strtok_r (copy, "/", &save);
  while (component)
    {
      char *next = strtok_r (NULL, "/", &save);
      int   flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (next ? O_DIRECTORY : O_NONBLOCK);
      int   child = openat (fd, component, flags);
      int   saved = errno;
      close (fd);
      if (child < 0)
        {
          free (copy);
          errno = saved;
          return -1;
        }
      fd = child;
      component = next;
    }
  free (copy);
  return fd;
}

static lt_status
map_file (lt_external_files *files,
          lt_model          *model,
          const char        *tensor,
          const char        *location,
          mapped_file      **out,
          lt_error          *err)
{
  const char  *problem = location_problem (location);
  struct stat  st;
  mapped_file *grown;
  void        *addr = NULL;
  int          fd;

  for (uint32_t i = 0; i < files->n_files; i++)
    if (strcmp (files->files[i].location, location) == 0)
      {
        *out = &files->files[i];
        return LT_OK;
      }

  if (problem)
    return lt_error_set (err, LT_ERR_INVALID_MODEL, tensor,
                         "external data location '%s' %s", location, problem);
  fd = open_beneath (files->dir, location);
  if (fd < 0)
    {
      if (errno == ELOOP || errno == ENOTDIR)
        return lt_error_set (err, LT_ERR_INVALID_MODEL, tensor,
                             "external data location '%s' goes through a symbolic link, which is not allowed", location);
      return lt_error_set (err, LT_ERR_IO, tensor, "cannot open external data file '%s': %s",
                           location, strerror (errno));
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return lt_error_set (err, LT_ERR_INVALID_MODEL, tensor,
                           "external data location '%s' is not a regular file", location);
    }
  if (st.st_size > 0)
    {
      addr = mmap (NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (addr == MAP_FAILED)
        {
          int saved = errno;
          close (fd);
          return lt_error_set (err, LT_ERR_IO, tensor, "cannot map external data file '%s': %s",
                               location, strerror (saved));
        }
      /* weights only: huge page cache folios, as for the model file (import.c) */
      madvise (addr, (size_t) st.st_size, MADV_HUGEPAGE);
    }
  close (fd);
  if (addr && !lt_model_add_mapping (model, addr, (size_t) st.st_size))
    return lt_error_set (err, LT_ERR_NO_MEMORY, tensor, "out of memory");

  grown = realloc (files->files, (files->n_files + 1) * sizeof *grown);
  if (grown == NULL)
    return lt_error_set (err, LT_ERR_NO_MEMORY, tensor, "out of memory");
  files->files = grown;
  grown[files->n_files].location = strdup (location);
  if (grown[files->n_files].location == NULL)
    return lt_error_set (err, LT_ERR_NO_MEMORY, tensor, "out of memory");
  grown[files->n_files].data = addr;
  grown[files->n_files].size = (size_t) st.st_size;
  *out = &grown[files->n_files++];
  return LT_OK;
}

lt_status
lt_external_files_get (lt_external_files *files,
                       lt_model          *model,
                       const char        *tensor,
                       const char        *location,
                       uint64_t           offset,
                       uint64_t           length,
                       size_t             expected,
                       const void       **out_data,
                       lt_error          *err)
{
  mapped_file *file = NULL;
  lt_status    st = map_file (files, model, tensor, location, &file, err);

  if (st != LT_OK)
    return st;
  if (offset > file->size)
    return lt_error_set (err, LT_ERR_INVALID_MODEL, tensor,
                         "external data offset %llu is past the end of '%s' (%zu bytes)",
                         (unsigned long long) offset, location, file->size);
  if (length == UINT64_MAX)
    length = file->size - offset;
  if (length > file->size - offset)
    return lt_error_set (err, LT_ERR_INVALID_MODEL, tensor,
                         "external data runs past the end of '%s': offset %llu + length %llu > %zu bytes",
                         location, (unsigned long long) offset, (unsigned long long) length, file->size);
  if (length != expected)
    return lt_error_set (err, LT_ERR_INVALID_MODEL, tensor,
                         "external data length %llu does not match the tensor's %zu bytes",
                         (unsigned long long) length, expected);
  *out_data = file->data ? file->data + offset : NULL;
  return LT_OK;
}
