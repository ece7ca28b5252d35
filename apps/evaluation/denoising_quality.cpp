#include "apps/evaluation/denoising_quality.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "apps/data/mnist.h"
#include "apps/evaluation/eval_mode.h"
#include "apps/evaluation/image_metrics.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"

namespace dae {

namespace {

int image_side(const DeviceDataset& split) {
  const int side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(split.pixels()))));
  DAE_CHECK(static_cast<int64_t>(side) * side == split.pixels(),
            "evaluation: images of " << split.pixels() << " pixels are not square");
  return side;
}

void append_scores(ImageScores& scores, const std::vector<float>& images, const std::vector<float>& clean,
                   int64_t count, int side) {
  const std::vector<double> mse = mse_per_image(images.data(), clean.data(), count, side, side);
  const std::vector<double> ssim = ssim_per_image(images.data(), clean.data(), count, side, side);
  scores.mse.insert(scores.mse.end(), mse.begin(), mse.end());
  scores.ssim.insert(scores.ssim.end(), ssim.begin(), ssim.end());
}

// Copies the kept images of a batch covering test images [first, first + count).
void keep_samples(const std::vector<int64_t>& indices, int64_t first, int64_t count, int64_t pixels,
                  const std::vector<float>& batch, std::vector<float>& kept) {
  for (size_t k = 0; k < indices.size(); ++k) {
    const int64_t i = indices[k] - first;
    if (i < 0 || i >= count) continue;
    std::copy(batch.begin() + i * pixels, batch.begin() + (i + 1) * pixels,
              kept.begin() + static_cast<int64_t>(k) * pixels);
  }
}

}  // namespace

double test_mse(Autoencoder& model, const DeviceDataset& test, int64_t batch_size, const EvaluationNoise& noise,
                const std::function<void(int64_t, int64_t)>& progress) {
  NoGradGuard no_grad;
  EvalMode eval({&model});
  // mse_loss gives each batch's mean. Full batches are summed on the device and the last,
  // smaller one is weighted by its size at the end.
  const Tensor full_batch_loss_sum = Tensor::zeros(Shape{}, test.device());
  Tensor last_batch_loss;
  int64_t last_size = 0, batches_done = 0;
  const int64_t batches = (test.count() + batch_size - 1) / batch_size;
  walk_test_set(test, batch_size, noise, [&](int64_t, const ops::NoisyBatch& batch) {
    const Tensor loss = ops::mse_loss(model.forward(batch.noisy), batch.clean);
    const int64_t size = batch.clean.dim(0);
    if (size == batch_size) {
      accumulate(full_batch_loss_sum, loss, "test loss");
    } else {
      last_batch_loss = loss;
      last_size = size;
    }
    if (progress) progress(++batches_done, batches);
  });
  double total = full_batch_loss_sum.item() * static_cast<double>(batch_size);
  if (last_size > 0) total += last_batch_loss.item() * static_cast<double>(last_size);
  return total / static_cast<double>(test.count());
}

QualitySummary summarize(const ImageScores& scores) {
  DAE_CHECK(!scores.mse.empty(), "summarize: no images");
  QualitySummary summary;
  for (double v : scores.mse) summary.mse += v;
  for (double v : scores.ssim) summary.ssim += v;
  summary.mse /= static_cast<double>(scores.mse.size());
  summary.ssim /= static_cast<double>(scores.ssim.size());
  summary.psnr = psnr_from_mse(summary.mse);
  return summary;
}

std::vector<double> mean_per_class(const std::vector<double>& values, const std::vector<uint8_t>& labels) {
  DAE_CHECK(values.size() <= labels.size(),
            "mean_per_class: " << values.size() << " values for " << labels.size() << " labels");
  std::vector<double> sum(kMnistClasses, 0.0);
  std::vector<int64_t> count(kMnistClasses, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    DAE_CHECK(labels[i] < kMnistClasses, "mean_per_class: label " << int{labels[i]} << " is not a digit");
    sum[labels[i]] += values[i];
    ++count[labels[i]];
  }
  for (int d = 0; d < kMnistClasses; ++d)
    sum[d] = count[d] > 0 ? sum[d] / static_cast<double>(count[d]) : std::numeric_limits<double>::quiet_NaN();
  return sum;
}

std::vector<int64_t> first_of_each_digit(const std::vector<uint8_t>& labels) {
  std::vector<int64_t> indices;
  for (int digit = 0; digit < kMnistClasses; ++digit) {
    const auto found = std::find(labels.begin(), labels.end(), digit);
    if (found != labels.end()) indices.push_back(found - labels.begin());
  }
  return indices;
}

NoiseLevelScores evaluate_denoisers(const std::vector<Autoencoder*>& models, const DeviceDataset& test,
                                    int64_t batch_size, const EvaluationNoise& noise, DigitSamples* samples) {
  NoGradGuard no_grad;
  EvalMode eval(models);
  const int side = image_side(test);
  const int64_t pixels = test.pixels();
  NoiseLevelScores result;
  result.sigma = noise.sigma;
  result.models.resize(models.size());
  if (samples) {
    const size_t kept = samples->indices.size() * static_cast<size_t>(pixels);
    samples->clean.assign(kept, 0.0f);
    samples->noisy.assign(kept, 0.0f);
    samples->outputs.assign(models.size(), std::vector<float>(kept, 0.0f));
  }
  walk_test_set(test, batch_size, noise, [&](int64_t first, const ops::NoisyBatch& batch) {
    const int64_t size = batch.clean.dim(0);
    const std::vector<float> clean = batch.clean.to_vector(), noisy = batch.noisy.to_vector();
    append_scores(result.noisy_input, noisy, clean, size, side);
    if (samples) {
      keep_samples(samples->indices, first, size, pixels, clean, samples->clean);
      keep_samples(samples->indices, first, size, pixels, noisy, samples->noisy);
    }
    for (size_t m = 0; m < models.size(); ++m) {
      const std::vector<float> output = models[m]->forward(batch.noisy).to_vector();
      append_scores(result.models[m], output, clean, size, side);
      if (samples) keep_samples(samples->indices, first, size, pixels, output, samples->outputs[m]);
    }
  });
  return result;
}

}  // namespace dae
