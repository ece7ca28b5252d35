// Tests of the classifiers of apps/evaluation/ (linear_probe.h, knn_classifier.h,
// labelled_features.h): the softmax regression separates a separable set perfectly, ignores
// the scale and offset of its features (they are standardized), reaches the optimum a plain
// gradient descent written here finds on an overlapping set; k-NN returns the labels its
// neighbours dictate, ties included.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "apps/evaluation/knn_classifier.h"
#include "apps/evaluation/linear_probe.h"
#include "tests/test_support.h"

namespace {

struct Blobs {
  std::vector<float> features;  // [count, dim]
  std::vector<uint8_t> labels;
  int64_t count = 0, dim = 0;
  dae::LabelledFeatures view() const { return {features.data(), labels.data(), count, dim}; }
};

// `per_class` points around each of `classes` centres on a circle of radius `radius`, plus
// `extra_dims` features of pure noise.
Blobs blobs(int classes, int per_class, double radius, double spread, int extra_dims, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Blobs b;
  b.dim = 2 + extra_dims;
  for (int c = 0; c < classes; ++c)
    for (int i = 0; i < per_class; ++i) {
      const double angle = 2 * M_PI * c / classes;
      b.features.push_back(static_cast<float>(radius * std::cos(angle) + spread * normal(rng)));
      b.features.push_back(static_cast<float>(radius * std::sin(angle) + spread * normal(rng)));
      for (int e = 0; e < extra_dims; ++e) b.features.push_back(static_cast<float>(normal(rng)));
      b.labels.push_back(static_cast<uint8_t>(c));
      ++b.count;
    }
  return b;
}

// The same objective as SoftmaxRegression, minimized by plain gradient descent in double.
double gradient_descent_optimum(const Blobs& b, int classes, double l2) {
  const int64_t n = b.count, d = b.dim;
  std::vector<double> mean(d, 0), scale(d, 0), z(n * d);
  for (int64_t j = 0; j < d; ++j) {
    double s = 0, ss = 0;
    for (int64_t i = 0; i < n; ++i) s += b.features[i * d + j];
    mean[j] = s / n;
    for (int64_t i = 0; i < n; ++i) ss += (b.features[i * d + j] - mean[j]) * (b.features[i * d + j] - mean[j]);
    scale[j] = 1 / std::sqrt(ss / n);
    for (int64_t i = 0; i < n; ++i) z[i * d + j] = (b.features[i * d + j] - mean[j]) * scale[j];
  }
  std::vector<double> w(classes * d, 0), bias(classes, 0);
  double loss = 0;
  for (int step = 0; step < 20000; ++step) {
    std::vector<double> gw(classes * d, 0), gb(classes, 0);
    loss = 0;
    for (int64_t i = 0; i < n; ++i) {
      std::vector<double> p(classes);
      double top = -1e300, total = 0;
      for (int k = 0; k < classes; ++k) {
        p[k] = bias[k];
        for (int64_t j = 0; j < d; ++j) p[k] += w[k * d + j] * z[i * d + j];
        top = std::max(top, p[k]);
      }
      for (int k = 0; k < classes; ++k) total += p[k] = std::exp(p[k] - top);
      loss -= std::log(p[b.labels[i]] / total) / n;
      for (int k = 0; k < classes; ++k) {
        const double g = (p[k] / total - (k == b.labels[i])) / n;
        gb[k] += g;
        for (int64_t j = 0; j < d; ++j) gw[k * d + j] += g * z[i * d + j];
      }
    }
    for (int64_t p = 0; p < classes * d; ++p) {
      loss += 0.5 * l2 * w[p] * w[p];
      gw[p] += l2 * w[p];
      w[p] -= 0.5 * gw[p];
    }
    for (int k = 0; k < classes; ++k) bias[k] -= 0.5 * gb[k];
  }
  return loss;
}

}  // namespace

TEST_CASE("softmax regression classifies a separable set perfectly, whatever its features' scale", "[probe]") {
  Blobs train = blobs(4, 40, 5.0, 0.5, 3, 1), test = blobs(4, 25, 5.0, 0.5, 3, 2);
  dae::SoftmaxRegressionOptions options;
  options.classes = 4;
  const dae::SoftmaxRegression probe = dae::SoftmaxRegression::train(train.view(), options);
  CHECK(dae::accuracy(probe.predict(train.features.data(), train.count), train.labels.data()) == 1.0);
  CHECK(dae::accuracy(probe.predict(test.features.data(), test.count), test.labels.data()) == 1.0);
  CHECK(probe.iterations() > 0);
  CHECK(std::isfinite(probe.final_loss()));

  // Standardized inside: scaling a feature by 1000 and shifting another, or adding a constant
  // feature (standard deviation 0), changes nothing.
  for (Blobs* b : {&train, &test}) {
    std::vector<float> wider;
    for (int64_t i = 0; i < b->count; ++i) {
      for (int64_t j = 0; j < b->dim; ++j)
        wider.push_back(b->features[i * b->dim + j] * (j == 0 ? 1000.0f : 1.0f) + (j == 1 ? 50.0f : 0.0f));
      wider.push_back(3.0f);
    }
    b->features = wider;
    b->dim += 1;
  }
  const dae::SoftmaxRegression scaled = dae::SoftmaxRegression::train(train.view(), options);
  CHECK(scaled.final_loss() == Approx(probe.final_loss()).epsilon(1e-4));
  CHECK(dae::accuracy(scaled.predict(test.features.data(), test.count), test.labels.data()) == 1.0);
}

TEST_CASE("softmax regression reaches the optimum of its objective on overlapping classes", "[probe]") {
  const Blobs b = blobs(3, 30, 1.0, 1.0, 1, 3);
  dae::SoftmaxRegressionOptions options;
  options.classes = 3;
  options.l2 = 1e-2;
  options.decrease_tolerance = 1e-12;  // run to the optimum
  const dae::SoftmaxRegression probe = dae::SoftmaxRegression::train(b.view(), options);
  const double optimum = gradient_descent_optimum(b, 3, options.l2);
  CHECK(probe.final_loss() == Approx(optimum).margin(1e-6));
  CHECK(probe.final_loss() > 0.3);  // the classes overlap: far from a zero loss
  const double train_accuracy = dae::accuracy(probe.predict(b.features.data(), b.count), b.labels.data());
  CHECK(train_accuracy > 0.5);
  CHECK(train_accuracy < 1.0);
}

TEST_CASE("softmax regression from a warm start reaches the same optimum in fewer iterations", "[probe]") {
  const Blobs b = blobs(3, 30, 1.0, 1.0, 20, 7);
  dae::SoftmaxRegressionOptions options;
  options.classes = 3;
  options.l2 = 1.2e-2;
  options.decrease_tolerance = 1e-12;  // both run to the optimum
  const dae::SoftmaxRegression nearby = dae::SoftmaxRegression::train(b.view(), options);
  options.l2 = 1e-2;
  const dae::SoftmaxRegression cold = dae::SoftmaxRegression::train(b.view(), options);
  const dae::SoftmaxRegression warm = dae::SoftmaxRegression::train(b.view(), options, &nearby);
  CHECK(warm.final_loss() == Approx(cold.final_loss()).epsilon(1e-6));
  CHECK(warm.iterations() < cold.iterations());
  const dae::SoftmaxRegression again = dae::SoftmaxRegression::train(b.view(), options, &cold);
  CHECK(again.iterations() <= 2);  // already at the optimum
  options.classes = 4;
  REQUIRE_ERROR(dae::SoftmaxRegression::train(b.view(), options, &cold),
                "the warm start has 22 features and 3 classes");
}

TEST_CASE("the probe's penalty is chosen on held-out rows, then refit on all of them", "[probe]") {
  // Few examples, two informative features and many of pure noise: a weak penalty overfits.
  const Blobs b = blobs(3, 20, 2.0, 0.7, 200, 6);
  Blobs shuffled = b;  // blobs() lists the classes in turn; the held-out rows must hold all three
  for (int64_t i = 0; i < b.count; ++i) {
    const int64_t from = (i % 3) * 20 + i / 3;
    std::copy(b.features.begin() + from * b.dim, b.features.begin() + (from + 1) * b.dim,
              shuffled.features.begin() + i * b.dim);
    shuffled.labels[i] = b.labels[from];
  }
  dae::SoftmaxRegressionOptions options;
  options.classes = 3;
  const dae::ValidatedProbe probe = dae::train_validated_probe(shuffled.view(), {1e-4, 1e-2, 1.0}, 0.25, options);
  CHECK(probe.l2 > 1e-4);
  CHECK(probe.validation_accuracy > 0.5);
  options.l2 = probe.l2;
  CHECK(probe.model.final_loss() ==
        Approx(dae::SoftmaxRegression::train(shuffled.view(), options).final_loss()).epsilon(1e-6));
  REQUIRE_ERROR(dae::train_validated_probe(shuffled.view(), {1e-3}, 0.001, options),
                "no training or no validation rows");
}

TEST_CASE("k-NN: the labels of known neighbours, and ties", "[knn]") {
  // Reference points on a line at 0, 1, ..., 9 with these labels.
  const std::vector<float> points = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<uint8_t> labels = {0, 0, 1, 1, 1, 2, 2, 0, 2, 2};
  const dae::LabelledFeatures reference{points.data(), labels.data(), 10, 1};
  // 2.2: neighbours 2, 3, 1, 4, 0 -> labels 1, 1, 0, 1, 0 -> 1.
  // 6.4: neighbours 6, 7, 5, 8, 4 -> labels 2, 0, 2, 2, 1 -> 2.
  // 7.1 with k = 1: point 7 -> 0 although most of its surroundings are 2.
  const std::vector<float> queries = {2.2f, 6.4f};
  CHECK(dae::KnnClassifier(reference, 5, 3).classify(queries.data(), 2) == std::vector<int>{1, 2});
  const float lone = 7.1f;
  CHECK(dae::KnnClassifier(reference, 1, 3).classify(&lone, 1) == std::vector<int>{0});
  // A 2-2 tie: neighbours of 1.4 are 1 (0), 2 (1), 0 (0), 3 (1): the nearer one's label, 0.
  // Of 1.6: 2 (1), 1 (0), 3 (1), 0 (0): 1.
  const std::vector<float> tied = {1.4f, 1.6f};
  CHECK(dae::KnnClassifier(reference, 4, 3).classify(tied.data(), 2) == std::vector<int>{0, 1});
  // Multi-dimensional; then the 900 queries in blocks of 7 (60 x 7 products), the last one
  // short: the same answers.
  const Blobs train = blobs(3, 20, 4.0, 0.3, 5, 4), test = blobs(3, 300, 4.0, 0.3, 5, 5);
  const dae::KnnClassifier knn(train.view(), 5, 3);
  const std::vector<int> predicted = knn.classify(test.features.data(), test.count);
  CHECK(dae::accuracy(predicted, test.labels.data()) > 0.99);
  CHECK(knn.classify(test.features.data(), test.count, 60 * 7) == predicted);
  REQUIRE_ERROR(dae::KnnClassifier(reference, 11, 3), "k = 11");
  const std::vector<uint8_t> bad_labels = {0, 0, 1, 1, 1, 2, 2, 0, 2, 3};
  REQUIRE_ERROR(dae::KnnClassifier({points.data(), bad_labels.data(), 10, 1}, 5, 3), "label 3");
}

TEST_CASE("accuracy is the fraction of correct predictions", "[probe][knn]") {
  const std::vector<uint8_t> labels = {0, 1, 2, 3};
  CHECK(dae::accuracy({0, 1, 0, 3}, labels.data()) == 0.75);
  CHECK(dae::accuracy({}, labels.data()) == 0.0);
}
