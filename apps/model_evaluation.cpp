#include "apps/model_evaluation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "apps/image_metrics.h"
#include "apps/training_run.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/profiler.h"

namespace dae {

namespace {

// Eval mode for a scope, then each model back in the mode it was in.
class EvalScope {
 public:
  explicit EvalScope(const std::vector<Autoencoder*>& models) : models_(models) {
    for (Autoencoder* m : models_) {
      was_training_.push_back(m->is_training());
      m->eval();
    }
  }
  ~EvalScope() {
    for (size_t i = 0; i < models_.size(); ++i) models_[i]->train(was_training_[i]);
  }
  EvalScope(const EvalScope&) = delete;
  EvalScope& operator=(const EvalScope&) = delete;

 private:
  std::vector<Autoencoder*> models_;
  std::vector<bool> was_training_;
};

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
    std::copy(batch.begin() + i * pixels, batch.begin() + (i + 1) * pixels, kept.begin() + static_cast<int64_t>(k) * pixels);
  }
}

// A batch of clean images [first, first + count) of a split (the noise of std 0 adds exactly 0).
Tensor clean_images(const DeviceDataset& split, int64_t first, int64_t count) {
  std::vector<int32_t> order(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) order[i] = static_cast<int32_t>(first + i);
  return split.batch(*split.upload_order(order), 0, count, NoiseParams{0, 0, 0.0f}).clean;
}

}  // namespace

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
  DAE_CHECK(values.size() <= labels.size(), "mean_per_class: " << values.size() << " values for " << labels.size() << " labels");
  std::vector<double> sum(10, 0.0);
  std::vector<int64_t> count(10, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    DAE_CHECK(labels[i] < 10, "mean_per_class: label " << int{labels[i]} << " is not a digit");
    sum[labels[i]] += values[i];
    ++count[labels[i]];
  }
  for (int d = 0; d < 10; ++d)
    sum[d] = count[d] > 0 ? sum[d] / static_cast<double>(count[d]) : std::numeric_limits<double>::quiet_NaN();
  return sum;
}

std::vector<int64_t> first_of_each_digit(const std::vector<uint8_t>& labels) {
  std::vector<int64_t> indices;
  for (int digit = 0; digit < 10; ++digit) {
    const auto found = std::find(labels.begin(), labels.end(), digit);
    if (found != labels.end()) indices.push_back(found - labels.begin());
  }
  return indices;
}

NoiseLevelScores evaluate_denoisers(const std::vector<Autoencoder*>& models, const DeviceDataset& test,
                                    int64_t batch_size, uint64_t seed, float sigma, DigitSamples* samples) {
  NoGradGuard no_grad;
  EvalScope eval(models);
  const int side = image_side(test);
  const int64_t pixels = test.pixels();
  NoiseLevelScores result;
  result.sigma = sigma;
  result.models.resize(models.size());
  if (samples) {
    const size_t kept = samples->indices.size() * static_cast<size_t>(pixels);
    samples->clean.assign(kept, 0.0f);
    samples->noisy.assign(kept, 0.0f);
    samples->outputs.assign(models.size(), std::vector<float>(kept, 0.0f));
  }
  const auto order = test.upload_order(identity_order(test.count()));
  int64_t draw = 0;
  for (int64_t first = 0; first < test.count(); first += batch_size, ++draw) {
    const int64_t size = std::min(batch_size, test.count() - first);
    const NoiseParams noise{seed, kEvaluationNoiseStream + static_cast<uint64_t>(draw), sigma};
    const ops::NoisyBatch data = test.batch(*order, first, size, noise);
    const std::vector<float> clean = data.clean.to_vector(), noisy = data.noisy.to_vector();
    append_scores(result.noisy_input, noisy, clean, size, side);
    if (samples) {
      keep_samples(samples->indices, first, size, pixels, clean, samples->clean);
      keep_samples(samples->indices, first, size, pixels, noisy, samples->noisy);
    }
    for (size_t m = 0; m < models.size(); ++m) {
      const std::vector<float> output = models[m]->forward(data.noisy).to_vector();
      append_scores(result.models[m], output, clean, size, side);
      if (samples) keep_samples(samples->indices, first, size, pixels, output, samples->outputs[m]);
    }
  }
  return result;
}

Codes encode_examples(Autoencoder& model, const DeviceDataset& split, int64_t first, int64_t count,
                      int64_t batch_size) {
  DAE_CHECK(first >= 0 && count > 0 && first + count <= split.count(),
            "encode_examples: examples [" << first << ", " << first + count << ") of a split of " << split.count());
  NoGradGuard no_grad;
  EvalScope eval({&model});
  Codes codes;
  codes.count = count;
  for (int64_t at = first; at < first + count; at += batch_size) {
    const int64_t size = std::min(batch_size, first + count - at);
    const Tensor code = model.encode(clean_images(split, at, size));
    codes.size = code.numel() / size;
    if (codes.values.empty()) codes.values.reserve(static_cast<size_t>(count * codes.size));
    const std::vector<float> values = code.to_vector();
    codes.values.insert(codes.values.end(), values.begin(), values.end());
  }
  return codes;
}

double forward_flops_per_image(Autoencoder& model, const DeviceDataset& split, int64_t batch_size) {
  NoGradGuard no_grad;
  EvalScope eval({&model});
  const int64_t count = std::min(batch_size, split.count());
  const Tensor images = clean_images(split, 0, count);
  struct Counting {  // the profiler on for this scope only, even if the forward pass throws
    Counting() {
      profiler::reset();
      profiler::enable(true);
    }
    ~Counting() {
      profiler::enable(false);
      profiler::reset();
    }
  };
  double flops = 0;
  {
    Counting counting;
    model.forward(images);
    for (const auto& entry : profiler::stats()) flops += entry.second.flops;
  }
  return flops / static_cast<double>(count);
}

}  // namespace dae
