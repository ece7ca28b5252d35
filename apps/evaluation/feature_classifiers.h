// The study's "they classify equally well", measured: the linear probe (evaluation/
// linear_probe.h) and k-NN (evaluation/knn_classifier.h) trained on one feature set of the
// training images (raw pixels, or a model's codes) and scored on the same features of the
// test images.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "apps/data/mnist.h"
#include "apps/evaluation/labelled_features.h"

namespace dae {

// A value not measured (e.g. the training time of a model loaded from a weights-only file).
constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();

struct ClassifierScores {
  double probe_accuracy = kNotMeasured;
  double knn_accuracy = kNotMeasured;
  double probe_l2 = kNotMeasured;  // the penalty chosen on held-out training rows
  int probe_iterations = 0;        // L-BFGS iterations of the final fit
};

// The test features come block by block from test_features(first, count), so that a large
// code (conv: 12,544 numbers an image) never needs the whole test set in memory.
ClassifierScores score_classifiers(const LabelledFeatures& train, const std::vector<uint8_t>& test_labels,
                                   const std::function<std::vector<float>(int64_t first, int64_t count)>& test_features,
                                   int neighbours);

// Images [first, first + count) of a split as features: pixels scaled to [0, 1], [count, pixels].
std::vector<float> pixel_features(const MnistSplit& split, int64_t first, int64_t count);

}  // namespace dae
