// `mnist_dae compare`: the study's comparison, measured, in one command.
//
// Trains linear, mlp and conv one after another from the same seed (so the three see the same
// batches, in the same order, with the same noise), printing the train command's per-epoch
// lines, or loads them with --load-dir. Then measures them on the (--test-limit) test set:
// quality at the training noise and at each noise level of the sweep (apps/evaluation/study_measurements.h),
// FLOPs per image, and a linear probe and k-NN on their codes (apps/evaluation/feature_classifiers.h) and,
// as controls, on the codes of the same architectures untrained (their initial weights from --seed).
// Times each stage. Writes <out>/report.md, <out>/report.html (self-contained) and the figures
// (apps/report/comparison_report.h lists the sections); models trained here are saved as
// <out>/checkpoints/<model>.safetensors, so `mnist_dae compare --load-dir <out>/checkpoints` rebuilds
// the report without training.
#pragma once

#include <string>

#include "apps/options.h"

namespace dae {

int run_compare_command(const Options& options);

// Where --load-dir keeps a model: DIR/<model>/<model>.safetensors (as `mnist_dae all --out DIR`
// writes it), else DIR/<model>.safetensors. Throws, naming both, when neither exists.
std::string find_checkpoint(const std::string& dir, const std::string& model);

}  // namespace dae
