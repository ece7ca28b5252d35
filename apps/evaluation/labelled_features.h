// Features with a label per row, as the classifiers of evaluation/ take them.
#pragma once

#include <cstdint>
#include <vector>

namespace dae {

// Row-major features [count, dim] and one label in [0, classes) per row; not owned.
struct LabelledFeatures {
  const float* features;
  const uint8_t* labels;
  int64_t count, dim;
};

// Throws, naming `who`, unless there are rows and features and every label is below `classes`.
void check_labelled_features(const LabelledFeatures& data, int classes, const char* who);

// The fraction of predictions equal to their label.
double accuracy(const std::vector<int>& predicted, const uint8_t* labels);

}  // namespace dae
