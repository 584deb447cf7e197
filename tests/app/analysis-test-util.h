/* analysis-test-util.h — what the analysis tests share: the digits model
 * (tests/data/digits), a dataset folder cut from its train split, and
 * encodings calibrated on it by the app's own calibration. */
#pragma once

#include "lt-encoding.h"

#include <lt/lt.h>

/* The digits model; the test fails if it does not load. */
lt_model *analysis_test_load_digits (void);
char     *analysis_test_digits_path (void);

/* A new temporary folder holding `n_files` .npy files of `per_file`
 * consecutive train images each ([per_file, 1, 8, 8]). */
char *analysis_test_dataset_new (guint n_files,
                                 guint per_file);

/* Min-max encodings from a calibration of `model` on `dataset_dir`,
 * weights per tensor, asymmetric. */
LtEncodingSet *analysis_test_calibrate (lt_model   *model,
                                        const char *dataset_dir,
                                        guint       act_bitwidth,
                                        guint       weight_bitwidth);

/* The digits model and a dataset folder, for g_test_add fixtures. */
typedef struct
{
  lt_model *model;
  char     *dataset_dir;
} AnalysisFixture;

void analysis_fixture_set_up (AnalysisFixture *fixture,
                              guint            n_files,
                              guint            per_file);
void analysis_fixture_tear_down (AnalysisFixture *fixture);
