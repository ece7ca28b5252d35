#include "apps/report/comparison_setup.h"

#include <ctime>

#include "apps/report/text_format.h"
#include "core/adam.h"
#include "core/ops.h"

namespace dae {

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> setup_facts(const ComparisonSetup& o,
                                                             const ComparisonResults& results) {
  std::vector<std::pair<std::string, std::string>> setup;
  const std::string target = o.target_noisy ? "the noisy input (--target noisy)" : "the clean image";
  if (!o.loaded) {
    setup.push_back({"Recipe", std::to_string(o.epochs) + (o.epochs == 1 ? " epoch" : " epochs") + ", batch " +
                                   std::to_string(o.batch_size) + ", Adam lr " + format_number(o.lr) +
                                   ", input noise std " + format_number(o.noise_std) + ", MSE against " + target +
                                   ", " + (o.shuffle ? "a fresh shuffle every epoch" : "no shuffle") +
                                   ". The three models were trained one after another from the same seed: the "
                                   "same batches, in the same order, with the same noise."});
  } else {
    setup.push_back({"Recipe", "loaded from checkpoints (`--load-dir " + o.load_dir +
                                   "`); each was trained as its file's history records. Test noise std " +
                                   format_number(o.noise_std) + "."});
  }
  std::string sources;
  for (const auto& m : results.models) sources += (sources.empty() ? "" : "; ") + m.name + ": " + m.source;
  setup.push_back({"Models", sources});
  const std::string trained = !o.loaded ? "the autoencoders trained on the first " + std::to_string(o.train_count) +
                                              " of " + std::to_string(o.train_total) + " training images, "
                                        : "";
  setup.push_back({"Data", "MNIST from `" + o.data_dir + "`: " + trained + "the classifiers on the first " +
                               std::to_string(results.probe_train_count) + " of " + std::to_string(o.train_total) +
                               " training images; measured on the first " + std::to_string(results.test_count) +
                               " of " + std::to_string(o.test_total) + " test images"});
  setup.push_back({"Device", o.device});
  setup.push_back({"Precision", o.precision});
  setup.push_back({"Seed", std::to_string(o.seed) + (!o.loaded ? " (weights, shuffles, training noise and test noise)"
                                                               : " (the test noise)")});
  setup.push_back({"Software", o.software});
  setup.push_back({"Written", utc_now()});
  return setup;
}

std::vector<std::string> comparison_conventions(double lr) {
  const AdamHyperparameters adam;
  const ops::BatchNormOptions batch_norm;
  std::vector<std::string> c = {
      "Pixels are scaled to [0, 1]. Noisy input = clean + std * N(0, 1) per pixel, not clipped; the noise comes "
      "from a counter-based generator (Philox), the same on the CPU and the GPU.",
      "MSE = mean over all pixels and images of (output - clean image)^2. Train MSE: the mean training loss over "
      "the last epoch's batches (training mode), as printed per epoch. Test metrics: eval mode (BatchNorm running "
      "statistics), with one fixed noise draw per test batch, the same for every model.",
      "PSNR = 10 log10(1 / MSE) dB, with the MSE of the whole test set (not a mean of per-image PSNRs).",
      "SSIM (Wang et al. 2004): 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, data range 1, over the valid "
      "window positions (18x18 on a 28x28 digit, no padding), per image, then averaged over the test set; the "
      "noisy input's SSIM uses its unclipped values. Equal to scikit-image's structural_similarity with "
      "gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.",
      "Adam as PyTorch's torch.optim.Adam: beta1 " + format_number(adam.beta1) + ", beta2 " +
          format_number(adam.beta2) + ", eps " + format_number(adam.eps) + ", bias-corrected, no weight decay, lr " +
          format_number(lr) + ".",
      "BatchNorm (conv model) as PyTorch's BatchNorm2d: momentum " + format_number(batch_norm.momentum) + ", eps " +
          format_number(batch_norm.eps) +
          "; training normalizes with the batch's biased variance and updates the "
          "running variance with the unbiased one.",
      "FLOPs: one forward pass in eval mode counted op by op (core/profiler.h): 2 per multiply-add of the linear "
      "and convolution layers, 1 per element for ReLU and max-pooling, 4 per element for BatchNorm; per image.",
      "Training time: the training steps only (the evaluation after each epoch excluded); images/s = images "
      "trained / that time. Peak memory: host = the peak resident set size of the process while that model "
      "trained (Linux VmHWM, reset before each model where the system allows it; it includes the data sets and "
      "the buffers earlier models left cached); device = the CUDA memory pool's high-water mark since the program "
      "started.",
  };
  return c;
}

}  // namespace dae
