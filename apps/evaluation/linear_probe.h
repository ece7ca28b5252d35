// The linear probe: how much of the digit a linear read-out finds in fixed features (an
// encoder's codes, or raw pixels), measured as representation-learning papers do.
//   linear probe  multinomial logistic (softmax) regression on standardized features
//                   z_j = (x_j - mean_j) / std_j    (training-set statistics; a feature that
//                                                    is constant there is set to 0)
//                   minimize  mean_i -log softmax(W z_i + b)[y_i]  +  (l2 / 2) ||W||^2
//                 full batch, with L-BFGS (Nocedal & Wright, Numerical Optimization, alg. 7.4,
//                 and a backtracking Armijo line search), from W = 0, b = 0: the problem is
//                 convex, so the answer does not depend on a learning rate or a seed.
//                 l2 is chosen per feature set on held-out rows (train_validated_probe): the
//                 best penalty differs between 128 and 12,544 features, and a probe is meant
//                 to show the best a linear classifier can read off each representation.
// It runs on the host in float32 with its matrix products in OpenBLAS (kernels/linear.h's
// cpu:: functions) and its sums in double. Why not the framework's ops on the device: it has
// no softmax or cross-entropy (the autoencoders need neither), and the probe is a small convex
// problem whose cost is two matrix products per iteration. The standardization is folded into
// the weights (W z + b = (W / std) x + b - (W / std) mean), so the features are never copied.
// Tests: test_linear_probe.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "apps/data/mnist.h"
#include "apps/evaluation/labelled_features.h"

namespace dae {

struct SoftmaxRegressionOptions {
  int classes = kMnistClasses;
  double l2 = 1e-3;
  int max_iterations = 200;
  double gradient_tolerance = 1e-5;  // stop when every gradient component is smaller,
  double decrease_tolerance = 1e-6;  // or when an iteration lowers it by less than this (relative to
                                     // max(1, objective)): far below what changes an accuracy
  int history = 10;                  // L-BFGS curvature pairs kept
};

class SoftmaxRegression {
 public:
  // `start`, when given, is a model of the same features and classes (trained with another
  // penalty, or on some of the rows) whose solution the optimization starts from: a warm start.
  static SoftmaxRegression train(const LabelledFeatures& data, const SoftmaxRegressionOptions& options = {},
                                 const SoftmaxRegression* start = nullptr);

  // The most probable class of each of `count` rows of raw (unstandardized) features.
  std::vector<int> predict(const float* features, int64_t count) const;

  int iterations() const { return iterations_; }
  double final_loss() const { return final_loss_; }  // the objective above, at the solution

 private:
  int64_t dim_ = 0;
  int classes_ = 0;
  std::vector<float> weight_;  // [classes, dim], applied to raw features
  std::vector<float> bias_;    // [classes]
  int iterations_ = 0;
  double final_loss_ = 0;
};

// A probe whose penalty was chosen on held-out rows: for each of `penalties`, a model trained on
// the first (1 - validation_fraction) of the rows is scored on the rest; the most accurate
// penalty (on a tie, the stronger) is then used to train on every row. The penalties are tried
// from the strongest down, each fit starting from the previous solution, and the final fit from
// the chosen one's: the path costs little more than one fit from zero.
struct ValidatedProbe {
  SoftmaxRegression model;
  double l2 = 0;
  double validation_accuracy = 0;
};
ValidatedProbe train_validated_probe(const LabelledFeatures& data,
                                     const std::vector<double>& penalties = {1e-4, 1e-3, 1e-2, 1e-1},
                                     double validation_fraction = 0.2, SoftmaxRegressionOptions options = {});

}  // namespace dae
