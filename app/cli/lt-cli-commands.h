/* lt-cli-commands.h — the list of lathe-cli commands.
 *
 * One line per command: its name as typed, the function that runs it, and a
 * one-line summary for `lathe-cli --help`.  A command's function takes the
 * arguments after the command name (argv[0] is the command) and returns an
 * exit status from lt-cli-common.h.
 */
#pragma once

/* clang-format off */
#define LT_CLI_COMMANDS(X) \
  X ("info", lt_cli_info, N_("Show a model's inputs, outputs, ops, parameters and MACs")) \
  X ("lint-encodings", lt_cli_lint_encodings, N_("Check a quantization encodings file against a model")) \
  X ("convert-encodings", lt_cli_convert_encodings, N_("Convert a quantization encodings file to 0.6.1, 1.0.0 or 2.0.0")) \
  X ("project", lt_cli_project, N_("Create a project file, show it, print its edit log, undo and redo")) \
  X ("conformance", lt_cli_conformance, N_("Run ONNX backend test folders and report per op")) \
  X ("run", lt_cli_run, N_("Run a model on an input list and write its outputs (qnn-net-run layout)")) \
  X ("calibrate", lt_cli_calibrate, N_("Calibrate a model on a dataset: statistics and encodings")) \
  X ("stats", lt_cli_stats, N_("Merge calibration statistics of shards (stats merge)")) \
  X ("export-qdq", lt_cli_export_qdq, N_("Write a model with QuantizeLinear/DequantizeLinear nodes from an encodings file")) \
  X ("analyze", lt_cli_analyze, N_("Per-tensor quantization error and per-layer sensitivity against f32"))
/* clang-format on */

#define LT_CLI_DECLARE(name, func, summary) int func (int argc, char **argv);
LT_CLI_COMMANDS (LT_CLI_DECLARE)
#undef LT_CLI_DECLARE
