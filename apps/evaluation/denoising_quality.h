// How well trained autoencoders denoise a test set, every model on the same noisy input: the
// test set is walked as data/test_set_walk.h walks it, so at the training noise and batch size
// test_mse is the figure printed after each epoch, and evaluate_denoisers' per-image MSE
// averages to it. Per image, against the clean image: the MSE and SSIM
// (evaluation/image_metrics.h) of every model's output and of the noisy input itself, the
// baseline a denoiser must beat. Models are used in eval mode and left in the mode they were in.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "apps/data/test_set_walk.h"
#include "models/autoencoder.h"

namespace dae {

// Mean squared error of `model`'s reconstructions over the whole test set (all pixels of all
// images). The sum stays on the device: two reads from it per call.
// `progress` (may be empty) hears after each batch how many of how many are done.
double test_mse(Autoencoder& model, const DeviceDataset& test, int64_t batch_size, const EvaluationNoise& noise,
                const std::function<void(int64_t batches_done, int64_t batches_total)>& progress = {});

struct ImageScores {
  std::vector<double> mse, ssim;  // one per test image
};

struct QualitySummary {
  double mse = 0;   // mean over the images (= over all pixels: every image has as many)
  double psnr = 0;  // 10 log10(1 / mse)
  double ssim = 0;  // mean of the per-image SSIMs
};
QualitySummary summarize(const ImageScores& scores);

// The mean of `values` over the images of each label 0..9; NaN for a label with no image.
std::vector<double> mean_per_class(const std::vector<double>& values, const std::vector<uint8_t>& labels);

// Chosen test images for a picture: clean, noisy and each model's output, each [count * pixels].
struct DigitSamples {
  std::vector<int64_t> indices;  // into the test set
  std::vector<float> clean, noisy;
  std::vector<std::vector<float>> outputs;  // one per model
};

// The first test image of each digit 0..9 (digits absent from the set are left out).
std::vector<int64_t> first_of_each_digit(const std::vector<uint8_t>& labels);

struct NoiseLevelScores {
  float sigma = 0;
  ImageScores noisy_input;
  std::vector<ImageScores> models;  // in the order given
};

// When `samples` is given, its `indices` say which images to keep.
NoiseLevelScores evaluate_denoisers(const std::vector<Autoencoder*>& models, const DeviceDataset& test,
                                    int64_t batch_size, const EvaluationNoise& noise, DigitSamples* samples = nullptr);

}  // namespace dae
