// k-nearest-neighbour classification: the majority vote of the k nearest reference examples
// by Euclidean distance on the raw features; a tie between labels goes to the one whose
// nearest member is nearer, and equal distances to the earlier reference example. The
// distances' cross terms are one OpenBLAS product per block of queries (kernels/linear.h's
// cpu:: function). Tests: test_linear_probe.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "apps/data/mnist.h"
#include "apps/evaluation/labelled_features.h"

namespace dae {

// The k of the study's k-NN.
constexpr int kDefaultNeighbours = 5;

// The reference set must outlive the classifier. Its squared norms are computed once, so
// queries can come in as many calls as the caller's memory needs.
class KnnClassifier {
 public:
  KnnClassifier(const LabelledFeatures& reference, int k = kDefaultNeighbours, int classes = kMnistClasses);

  // The predicted label of each of `query_count` rows of `queries` ([query_count, reference.dim]),
  // with at most `max_products` query-reference products in memory at once.
  std::vector<int> classify(const float* queries, int64_t query_count, int64_t max_products = int64_t{1} << 24) const;

 private:
  LabelledFeatures reference_;
  int k_, classes_;
  std::vector<float> squared_norms_;
};

}  // namespace dae
