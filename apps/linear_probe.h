// Two classifiers on fixed features (an encoder's codes, or raw pixels): how much a
// representation says about the digit, measured as representation-learning papers do.
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
//   k-NN          majority vote of the k nearest training examples by Euclidean distance on
//                 the raw features; a tie between labels goes to the one whose nearest
//                 member is nearer, and equal distances to the earlier training example.
// Both run on the host in float32 with their matrix products in OpenBLAS (kernels/linear.h's
// cpu:: functions) and their sums in double. Why not the framework's ops on the device: it has
// no softmax or cross-entropy (the autoencoders need neither), and the probe is a small convex
// problem whose cost is two matrix products per iteration. The standardization is folded into
// the weights (W z + b = (W / std) x + b - (W / std) mean), so the features are never copied.
// Tests: test_linear_probe.cpp.
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

struct SoftmaxRegressionOptions {
  int classes = 10;
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

// k-nearest-neighbour classification (Euclidean distance, majority vote) against a reference
// set, which must outlive the classifier. The reference's squared norms are computed once, so
// queries can come in as many calls as the caller's memory needs.
class KnnClassifier {
 public:
  KnnClassifier(const LabelledFeatures& reference, int k = 5, int classes = 10);

  // The predicted label of each of `query_count` rows of `queries` ([query_count, reference.dim]),
  // with at most `max_products` query-reference products in memory at once.
  std::vector<int> classify(const float* queries, int64_t query_count,
                            int64_t max_products = int64_t{1} << 24) const;

 private:
  LabelledFeatures reference_;
  int k_, classes_;
  std::vector<float> squared_norms_;
};

// The fraction of predictions equal to their label.
double accuracy(const std::vector<int>& predicted, const uint8_t* labels);

}  // namespace dae
