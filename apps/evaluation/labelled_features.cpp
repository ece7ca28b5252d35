#include "apps/evaluation/labelled_features.h"

#include "core/error.h"

namespace dae {

void check_labelled_features(const LabelledFeatures& data, int classes, const char* who) {
  DAE_CHECK(data.count > 0 && data.dim > 0, who << ": no features (" << data.count << " rows of " << data.dim << ")");
  DAE_CHECK(classes >= 2, who << ": needs at least 2 classes, got " << classes);
  for (int64_t i = 0; i < data.count; ++i)
    DAE_CHECK(data.labels[i] < classes, who << ": label " << int{data.labels[i]} << " of row " << i
                                            << " is not below the " << classes << " classes");
}

double accuracy(const std::vector<int>& predicted, const uint8_t* labels) {
  if (predicted.empty()) return 0.0;
  int64_t correct = 0;
  for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == labels[i];
  return static_cast<double>(correct) / static_cast<double>(predicted.size());
}

}  // namespace dae
