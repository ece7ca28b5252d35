// The measurements `mnist_dae compare` makes of trained models, from a small settings struct:
// denoising quality at each test noise level (with per-digit errors), and the classifiers on
// raw pixels and on each model's codes. Each call measures one thing and returns its numbers,
// so the caller decides what to print between them.
#pragma once

#include <cstdint>
#include <vector>

#include "apps/data/mnist.h"
#include "apps/evaluation/denoising_quality.h"
#include "apps/evaluation/feature_classifiers.h"
#include "apps/evaluation/knn_classifier.h"

namespace dae {

struct StudySettings {
  int64_t batch_size = 256;
  uint64_t seed = 0;       // of the test noise
  double noise_std = 0.1;  // the training noise, where the main results are measured
  std::vector<double> sweep = {0.0, 0.05, 0.1, 0.2, 0.3, 0.5};  // the robustness sweep's noise stds
  int64_t probe_train = 10000;                                  // training images the classifiers learn from
  int neighbours = kDefaultNeighbours;
};

// The noise levels to measure: the sweep's, then the training noise if the sweep lacks it.
std::vector<double> measured_noise_levels(const StudySettings& settings);

struct QualityAtNoise {
  double sigma = 0;
  QualitySummary input;                 // the noisy input itself against the clean image
  std::vector<QualitySummary> models;   // in the order given
  std::vector<double> input_class_mse;  // test MSE per digit 0..9
  std::vector<std::vector<double>> models_class_mse;
};
// `samples`, when given, receives the images its indices name.
QualityAtNoise measure_quality(const std::vector<Autoencoder*>& models, const DeviceDataset& test,
                               const StudySettings& settings, double sigma, DigitSamples* samples = nullptr);

// The classifiers on the raw pixels of the first settings.probe_train training images.
ClassifierScores classify_pixels(const MnistData& data, const DeviceDataset& test, const StudySettings& settings);
// The classifiers on a model's codes of the images of `train` (the classifiers' training
// images) and of `test`.
struct CodeScores {
  int64_t code_size = 0;
  ClassifierScores scores;
};
CodeScores classify_codes(Autoencoder& model, const DeviceDataset& train, const DeviceDataset& test,
                          const StudySettings& settings);

}  // namespace dae
