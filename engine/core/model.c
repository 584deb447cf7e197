/* model.c — lt_model ownership and accessors (loading lives in engine/onnx). */
#include "model-private.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

lt_model *
lt_model_new (const char *path)
{
  lt_model *model = calloc (1, sizeof *model);

  if (model == NULL)
    return NULL;
  model->ref_count = 1;
  model->path = strdup (path ? path : "");
  if (model->path == NULL)
    {
      free (model);
      return NULL;
    }
  return model;
}

lt_model *
lt_model_ref (lt_model *model)
{
  __atomic_add_fetch (&model->ref_count, 1, __ATOMIC_RELAXED);
  return model;
}

void
lt_model_unref (lt_model *model)
{
  if (model == NULL)
    return;
  if (__atomic_sub_fetch (&model->ref_count, 1, __ATOMIC_ACQ_REL) != 0)
    return;
  lt_graph_free (model->graph);
  for (uint32_t i = 0; i < model->n_mappings; i++)
    munmap (model->mappings[i].addr, model->mappings[i].length);
  for (uint32_t i = 0; i < model->n_buffers; i++)
    free (model->buffers[i]);
  free (model->mappings);
  free (model->buffers);
  free (model->opsets);
  free (model->metadata);
  free (model->path);
  free (model->producer_name);
  free (model->producer_version);
  free (model->domain);
  free (model->doc_string);
  free (model);
}

bool
lt_model_add_mapping (lt_model *model,
                      void     *addr,
                      size_t    length)
{
  lt_mapping *grown = realloc (model->mappings, (model->n_mappings + 1) * sizeof *grown);

  if (grown == NULL)
    {
      munmap (addr, length);
      return false;
    }
  model->mappings = grown;
  model->mappings[model->n_mappings].addr = addr;
  model->mappings[model->n_mappings].length = length;
  model->n_mappings++;
  return true;
}

bool
lt_model_add_buffer (lt_model *model,
                     void     *block)
{
  void **grown = realloc (model->buffers, (model->n_buffers + 1) * sizeof *grown);

  if (grown == NULL)
    {
      free (block);
      return false;
    }
  model->buffers = grown;
  model->buffers[model->n_buffers++] = block;
  return true;
}

const char *
lt_model_get_path (const lt_model *model)
{
  return model->path;
}

int64_t
lt_model_get_ir_version (const lt_model *model)
{
  return model->ir_version;
}

const char *
lt_model_get_producer_name (const lt_model *model)
{
  return model->producer_name ? model->producer_name : "";
}

const char *
lt_model_get_producer_version (const lt_model *model)
{
  return model->producer_version ? model->producer_version : "";
}

const char *
lt_model_get_domain (const lt_model *model)
{
  return model->domain ? model->domain : "";
}

int64_t
lt_model_get_model_version (const lt_model *model)
{
  return model->model_version;
}

const char *
lt_model_get_doc_string (const lt_model *model)
{
  return model->doc_string ? model->doc_string : "";
}

uint32_t
lt_model_get_n_opsets (const lt_model *model)
{
  return model->n_opsets;
}

const lt_opset_import *
lt_model_get_opset (const lt_model *model,
                    uint32_t        index)
{
  return index < model->n_opsets ? &model->opsets[index] : NULL;
}

int64_t
lt_model_get_opset_version (const lt_model *model,
                            const char     *domain)
{
  bool want_default = domain == NULL || domain[0] == '\0' || strcmp (domain, "ai.onnx") == 0;

  for (uint32_t i = 0; i < model->n_opsets; i++)
    {
      const char *d = model->opsets[i].domain;
      bool        is_default = d[0] == '\0' || strcmp (d, "ai.onnx") == 0;
      if (want_default ? is_default : strcmp (d, domain) == 0)
        return model->opsets[i].version;
    }
  return 0;
}

uint32_t
lt_model_get_n_metadata (const lt_model *model)
{
  return model->n_metadata;
}

const lt_metadata_prop *
lt_model_get_metadata (const lt_model *model,
                       uint32_t        index)
{
  return index < model->n_metadata ? &model->metadata[index] : NULL;
}

const lt_graph *
lt_model_get_graph (const lt_model *model)
{
  return model->graph;
}
