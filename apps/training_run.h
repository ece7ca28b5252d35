// TrainingRun: one model being trained on one device, and everything a resumed run needs to
// continue exactly where an uninterrupted one would be: weights and BatchNorm buffers, Adam's
// moments and step count, the epochs done and the shuffling generator.
//
// One training step (docs/walkthrough.md follows it file by file):
//   batch    = gather_noisy_batch(train images, this epoch's order, step)   clean, noisy [B, 784]
//   output   = model(noisy)                                                 [B, 784]
//   loss     = mse_loss(output, clean)            (or noisy, with --target noisy)
//   zero_grad; loss.backward(); adam.step()
// The noise of step t is draw t of the seed's counter-based generator, so it is the same on
// any device and after a resume. On the GPU nothing in a step waits for the host: losses are
// summed on the device and read once per epoch (or every --log-every steps).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "apps/device_dataset.h"
#include "core/adam.h"
#include "core/captured_step.h"
#include "core/random.h"
#include "models/autoencoder.h"

namespace dae {

struct TrainingConfig {
  std::string model;
  int64_t batch_size = 256;
  double lr = 2e-4;
  float noise_std = 0.1f;
  uint64_t seed = 0;
  bool target_noisy = false;
  bool shuffle = true;
  int64_t log_every = 0;
  bool cuda_graph = false;  // train_step replays one captured CUDA graph (core/captured_step.h)
};

struct EpochResult {
  int64_t epoch = 0;               // 1-based, counting epochs of earlier (resumed) runs
  double train_loss = 0;           // mean over the epoch's batches
  double first_batch_loss = 0;     // the study's printed figure
  double test_loss = 0;            // noisy test input vs clean image, eval mode
  double test_psnr = 0;            // dB, 10 log10(1 / test_loss)
  double seconds = 0;
  double images_per_second = 0;
};

struct StepLoss {
  int64_t epoch, step;
  double loss;
};

// Called while an epoch runs: after each step (for a progress bar), and with each logged loss.
struct EpochObserver {
  std::function<void(int64_t steps_done, int64_t steps_total)> on_step;
  std::function<void(const StepLoss&)> on_logged_loss;
};

class TrainingRun {
 public:
  TrainingRun(const TrainingConfig& config, const MnistData& data, int64_t train_limit,
              int64_t test_limit, Device device);

  EpochResult train_epoch(const EpochObserver& observer);
  // One step on the training examples order[first .. first + batch): forward, loss,
  // backward, Adam. Returns the loss, still on the device (reading it would wait for the GPU);
  // with cuda_graph, the graph's loss tensor, overwritten by the next step.
  Tensor train_step(const Storage& order, int64_t first);
  // Mean squared error of the model on the whole (limited) test set, in eval mode, with a
  // fixed noise draw so that epochs and models are compared on the same noisy images.
  double evaluate();
  // A random order of the training examples (Fisher-Yates), or 0..n-1 with --no-shuffle.
  std::vector<int32_t> next_order();
  const DeviceDataset& train_set() const { return train_; }
  const DeviceDataset& test_set() const { return test_; }
  // Noisy input, output and clean image of the first `count` examples of a split (host, [count*784]).
  struct Samples {
    std::vector<float> noisy, output, clean;
  };
  Samples reconstruct(bool from_test_set, int64_t count);

  Autoencoder& model() { return *model_; }
  Adam& optimizer() { return *optimizer_; }
  Generator& shuffle_generator() { return shuffle_generator_; }
  const TrainingConfig& config() const { return config_; }
  // The seed of the noise draws; a resumed run takes it from its checkpoint.
  void set_noise_seed(uint64_t seed) { config_.seed = seed; }
  int64_t epochs_done() const { return epochs_done_; }
  void set_epochs_done(int64_t epochs) { epochs_done_ = epochs; }
  int64_t steps_per_epoch() const;
  std::vector<EpochResult>& history() { return history_; }

 private:
  TrainingConfig config_;
  Device device_;
  DeviceDataset train_, test_;
  std::shared_ptr<Autoencoder> model_;
  std::unique_ptr<Adam> optimizer_;
  Generator shuffle_generator_;
  int64_t epochs_done_ = 0;
  std::vector<EpochResult> history_;
  // With cuda_graph: the batch's example indices, copied here before each step (the graph
  // reads this one buffer), and the captured step. Last, so destroyed first.
  std::shared_ptr<Storage> step_order_;
  std::unique_ptr<CapturedStep> captured_step_;

  Tensor run_step(const Storage& order, int64_t first);
};

// Draw numbers that keep the noise streams of training, evaluation and pictures apart.
constexpr uint64_t kEvaluationNoiseStream = uint64_t{1} << 62;
constexpr uint64_t kSampleNoiseStream = uint64_t{1} << 61;

}  // namespace dae
