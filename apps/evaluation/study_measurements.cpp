#include "apps/evaluation/study_measurements.h"

#include <algorithm>

#include "apps/evaluation/model_codes.h"

namespace dae {

std::vector<double> measured_noise_levels(const StudySettings& settings) {
  std::vector<double> levels = settings.sweep;
  const double training = settings.noise_std;
  if (std::find(levels.begin(), levels.end(), training) == levels.end()) levels.push_back(training);
  return levels;
}

QualityAtNoise measure_quality(const std::vector<Autoencoder*>& models, const DeviceDataset& test,
                               const StudySettings& settings, double sigma, DigitSamples* samples) {
  const EvaluationNoise noise{settings.seed, static_cast<float>(sigma)};
  const NoiseLevelScores scores = evaluate_denoisers(models, test, settings.batch_size, noise, samples);
  QualityAtNoise quality;
  quality.sigma = sigma;
  quality.input = summarize(scores.noisy_input);
  quality.input_class_mse = mean_per_class(scores.noisy_input.mse, test.labels());
  for (const ImageScores& model : scores.models) {
    quality.models.push_back(summarize(model));
    quality.models_class_mse.push_back(mean_per_class(model.mse, test.labels()));
  }
  return quality;
}

ClassifierScores classify_pixels(const MnistData& data, const DeviceDataset& test, const StudySettings& settings) {
  const int64_t count = std::min<int64_t>(settings.probe_train, data.train.count);
  const std::vector<float> features = pixel_features(data.train, 0, count);
  const LabelledFeatures train{features.data(), data.train.labels.data(), count, kMnistPixels};
  return score_classifiers(
      train, test.labels(), [&](int64_t first, int64_t n) { return pixel_features(data.test, first, n); },
      settings.neighbours);
}

CodeScores classify_codes(Autoencoder& model, const DeviceDataset& train, const DeviceDataset& test,
                          const StudySettings& settings) {
  const Codes codes = encode_examples(model, train, 0, train.count(), settings.batch_size);
  CodeScores result;
  result.code_size = codes.size;
  result.scores = score_classifiers(
      {codes.values.data(), train.labels().data(), train.count(), codes.size}, test.labels(),
      [&](int64_t first, int64_t n) { return encode_examples(model, test, first, n, settings.batch_size).values; },
      settings.neighbours);
  return result;
}

}  // namespace dae
