// The numbers of `mnist_dae compare`, gathered by apps/compare_command.cpp and turned into the
// report by comparison_report.cpp: plain data, so the report (its tables, figures and findings) can be
// built and tested from numbers alone. NaN marks a value that was not measured (e.g. the
// training time of a model loaded from a weights-only file).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "apps/evaluation/denoising_quality.h"
#include "apps/evaluation/feature_classifiers.h"
#include "apps/evaluation/knn_classifier.h"
#include "apps/training/training_run.h"

namespace dae {

struct ModelComparison {
  std::string name;    // linear | mlp | conv
  std::string source;  // "trained here", or the checkpoint it was loaded from
  int64_t parameters = 0;
  double forward_flops_per_image = 0;
  int64_t code_size = 0;             // numbers in the encoder's code
  std::vector<EpochResult> history;  // every epoch trained, including any before a checkpoint
  std::vector<StepLoss> steps;       // the losses logged while training here (--log-every)
  int64_t steps_per_epoch = 0;
  double train_seconds = kNotMeasured;  // over `history`
  double images_per_second = kNotMeasured;
  double peak_host_bytes = kNotMeasured;    // while training here
  double peak_device_bytes = kNotMeasured;  // CUDA only
  QualitySummary test;                      // at the training noise
  std::vector<QualitySummary> sweep;        // one per ComparisonResults::sigmas
  std::vector<double> class_mse;            // test MSE per digit 0..9
  ClassifierScores classifiers;             // on the code
  // The same classifiers on the code of the same architecture untrained: its initial weights
  // from ComparisonResults::init_seed, the control that says what the training added.
  ClassifierScores untrained;
};

struct ComparisonResults {
  std::vector<std::pair<std::string, std::string>> setup;  // "device" -> "cuda: NVIDIA H200 ...", in order
  std::string command;                                     // an equivalent command line
  std::vector<std::string> conventions;
  double noise_std = 0.1;  // the training noise, where the main table is measured
  int64_t test_count = 0;
  std::vector<int64_t> class_counts;  // test images per digit
  std::vector<double> sigmas;         // the robustness sweep
  // The noisy input itself, against the clean image: the baseline.
  QualitySummary noisy_test;
  std::vector<QualitySummary> noisy_sweep;
  std::vector<double> noisy_class_mse;
  // Classifiers on raw pixels, the reference for those on the codes.
  int64_t probe_train_count = 0;
  int knn_k = kDefaultNeighbours;
  ClassifierScores pixels;
  uint64_t init_seed = 0;               // of the untrained controls' weights
  std::vector<ModelComparison> models;  // linear, mlp, conv
  DigitSamples samples;                 // at the training noise; outputs in the order of `models`
  std::vector<uint8_t> sample_labels;
  // What each stage of the command took, in the order it ran: ("train conv", 41.2), ...
  std::vector<std::pair<std::string, double>> stage_seconds;
};

}  // namespace dae
