// From the command line to the libraries' settings, and back: the options become a
// TrainingConfig per model and the comparison's StudySettings, and a set of options is
// written out again as the command line that reproduces it (the inverse of parse_options).
#pragma once

#include <string>

#include "apps/evaluation/study_measurements.h"
#include "apps/options.h"
#include "apps/training/training_run.h"

namespace dae {

TrainingConfig training_config(const Options& options, const std::string& model);
StudySettings study_settings(const Options& options);

// `mnist_dae compare ...` with every setting that changes the report spelled out, the
// classifiers' training images as study_settings resolves them included.
std::string equivalent_compare_command(const Options& options);
// compare's output folder: --out, or reports/compare.
std::string report_dir(const Options& options);

}  // namespace dae
