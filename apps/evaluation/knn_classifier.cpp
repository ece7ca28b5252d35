#include "apps/evaluation/knn_classifier.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "kernels/cpu_threads.h"
#include "kernels/linear.h"

namespace dae {

KnnClassifier::KnnClassifier(const LabelledFeatures& reference, int k, int classes)
    : reference_(reference), k_(k), classes_(classes), squared_norms_(static_cast<size_t>(reference.count)) {
  check_labelled_features(reference, classes, "k-NN");
  DAE_CHECK(k >= 1 && k <= reference.count,
            "k-NN: k = " << k << " needs between 1 and " << reference.count << " reference examples");
  const int64_t d = reference.dim;
  for (int64_t j = 0; j < reference.count; ++j) {
    double sum = 0;
    for (int64_t p = 0; p < d; ++p)
      sum += static_cast<double>(reference.features[j * d + p]) * reference.features[j * d + p];
    squared_norms_[j] = static_cast<float>(sum);
  }
}

std::vector<int> KnnClassifier::classify(const float* queries, int64_t query_count, int64_t max_products) const {
  const LabelledFeatures& reference = reference_;
  const int k = k_;
  const int64_t r = reference.count, d = reference.dim;
  const std::vector<float>& norms = squared_norms_;
  // |q - x|^2 = |q|^2 - 2 q.x + |x|^2; |q|^2 is the same for every x, so the ranking needs only
  // |x|^2 - 2 q.x, whose products are one matrix product per block of queries.
  const int64_t block = std::max<int64_t>(1, std::min<int64_t>(query_count, max_products / r));
  std::vector<float> products(static_cast<size_t>(block * r));
  std::vector<int> predicted(static_cast<size_t>(query_count));
  for (int64_t first = 0; first < query_count; first += block) {
    const int64_t size = std::min(block, query_count - first);
    cpu::linear_forward(queries + first * d, reference.features, products.data(), LinearShape{size, d, r});
    cpu::parallel_for(size, [&](int64_t q) {
      std::vector<float> distance(static_cast<size_t>(r));
      for (int64_t j = 0; j < r; ++j) distance[j] = norms[j] - 2.0f * products[q * r + j];
      std::vector<int64_t> order(static_cast<size_t>(r));
      std::iota(order.begin(), order.end(), int64_t{0});
      std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
        return distance[a] < distance[b] || (distance[a] == distance[b] && a < b);
      });
      // Neighbours in order of distance: the first label to reach the top count wins a tie.
      std::vector<int> votes(classes_, 0);
      int most = 0;
      for (int n = 0; n < k; ++n) most = std::max(most, ++votes[reference.labels[order[n]]]);
      int winner = -1;
      for (int n = 0; n < k && winner < 0; ++n)
        if (votes[reference.labels[order[n]]] == most) winner = reference.labels[order[n]];
      predicted[first + q] = winner;
    });
  }
  return predicted;
}

}  // namespace dae
