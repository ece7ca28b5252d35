#include "apps/evaluation/feature_classifiers.h"

#include <algorithm>

#include "apps/evaluation/knn_classifier.h"
#include "apps/evaluation/linear_probe.h"

namespace dae {

namespace {

constexpr int64_t kClassifyBlock = 1000;  // test images whose features are held at a time

}  // namespace

ClassifierScores score_classifiers(const LabelledFeatures& train, const std::vector<uint8_t>& test_labels,
                                   const std::function<std::vector<float>(int64_t, int64_t)>& test_features,
                                   int neighbours) {
  const ValidatedProbe probe = train_validated_probe(train);
  const KnnClassifier knn(train, neighbours);
  const int64_t test_count = static_cast<int64_t>(test_labels.size());
  int64_t probe_correct = 0, knn_correct = 0;
  for (int64_t first = 0; first < test_count; first += kClassifyBlock) {
    const int64_t count = std::min(kClassifyBlock, test_count - first);
    const std::vector<float> features = test_features(first, count);
    const std::vector<int> by_probe = probe.model.predict(features.data(), count);
    const std::vector<int> by_knn = knn.classify(features.data(), count);
    for (int64_t i = 0; i < count; ++i) {
      probe_correct += by_probe[i] == test_labels[first + i];
      knn_correct += by_knn[i] == test_labels[first + i];
    }
  }
  ClassifierScores scores;
  scores.probe_accuracy = static_cast<double>(probe_correct) / static_cast<double>(test_count);
  scores.knn_accuracy = static_cast<double>(knn_correct) / static_cast<double>(test_count);
  scores.probe_l2 = probe.l2;
  scores.probe_iterations = probe.model.iterations();
  return scores;
}

std::vector<float> pixel_features(const MnistSplit& split, int64_t first, int64_t count) {
  const int64_t pixels = static_cast<int64_t>(split.rows) * split.cols;
  std::vector<float> values(static_cast<size_t>(count * pixels));
  for (size_t i = 0; i < values.size(); ++i) values[i] = split.images[first * pixels + i] / 255.0f;
  return values;
}

}  // namespace dae
