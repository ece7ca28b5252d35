// Trained autoencoders measured on a test set, every model on the same noisy input.
//
// At a noise level sigma, batch b of the test set (in order, `batch_size` images) is drawn noisy
// once, with draw kEvaluationNoiseStream + b of the seed as TrainingRun::evaluate draws it: at
// the training noise and batch size the test MSE is the one printed per epoch, and at every
// sigma the noise is the same standard normal draw, scaled. Each model sees that batch in eval
// mode. Per image, against the clean image: the MSE and SSIM (apps/image_metrics.h) of every
// model's output and of the noisy input itself, the baseline a denoiser must beat.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/device_dataset.h"
#include "models/autoencoder.h"

namespace dae {

struct ImageScores {
  std::vector<double> mse, ssim;  // one per test image
};

struct QualitySummary {
  double mse = 0;   // mean over the images (= over all pixels: every image has 784)
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

// Leaves every model in the mode it found it. When `samples` is given, its `indices` say which
// images to keep.
NoiseLevelScores evaluate_denoisers(const std::vector<Autoencoder*>& models, const DeviceDataset& test,
                                    int64_t batch_size, uint64_t seed, float sigma,
                                    DigitSamples* samples = nullptr);

// The encoder's codes of the clean images [first, first + count) of a split, in eval mode,
// flattened and copied to the host: [count, code_size].
struct Codes {
  std::vector<float> values;
  int64_t count = 0, size = 0;
};
Codes encode_examples(Autoencoder& model, const DeviceDataset& split, int64_t first, int64_t count,
                      int64_t batch_size);

// The FLOPs of one forward pass per image, counted op by op (core/profiler.h) on a pass over a
// batch of the first min(batch_size, count) images of `split`, in eval mode, without gradients.
double forward_flops_per_image(Autoencoder& model, const DeviceDataset& split, int64_t batch_size);

}  // namespace dae
