// TrainingRun: one model being trained on one device, and everything a resumed run needs to
// continue exactly where an uninterrupted one would be: weights and BatchNorm buffers, Adam's
// moments and step count (the model and the optimizer hold those), and the trainer's own state
// (TrainingState: the epochs done, the shuffling generator, the noise seed, the history).
//
// One training step (docs/walkthrough.md follows it file by file):
//   batch    = gather_noisy_batch(train images, this epoch's order, step)   clean, noisy [B, 784]
//   output   = model(noisy)                                                 [B, 784]
//   loss     = mse_loss(output, clean)            (or noisy, with target_noisy)
//   zero_grad; loss.backward(); adam.step()
// The noise of step t is draw t of the seed's counter-based generator (data/noise_streams.h),
// so it is the same on any device and after a resume. On the GPU nothing in a step waits for
// the host: losses are summed on the device and read once per epoch (or every log_every steps).
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "apps/data/device_dataset.h"
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
  int64_t epoch = 0;            // 1-based, counting epochs of earlier (resumed) runs
  double train_loss = 0;        // mean over the epoch's batches
  double first_batch_loss = 0;  // the study's printed figure
  double test_loss = 0;         // noisy test input vs clean image, eval mode
  double test_psnr = 0;         // dB, 10 log10(1 / test_loss)
  double seconds = 0;
  double images_per_second = 0;
};

// The most epochs a run can count (--epochs and checkpoints are held to it).
constexpr int64_t kMaxEpochs = 100000;

struct StepLoss {
  int64_t epoch, step;
  double loss;
};

// Where an epoch is, for a progress display. mean_loss() is the running mean of the epoch's
// losses; reading it waits for the device, so a display calls it only when it redraws.
struct StepProgress {
  int64_t steps_done, steps_total;
  std::function<double()> mean_loss;
};

// What the caller hears while epochs run, and how it stops them; every member may be empty.
struct TrainingObserver {
  std::function<void(int64_t epoch, int64_t steps)> on_epoch_start;
  std::function<void(const StepProgress&)> on_step;                                // after each step
  std::function<void(const StepLoss&)> on_logged_loss;                             // every log_every steps
  std::function<void(int64_t batches_done, int64_t batches_total)> on_evaluation;  // while the test set is evaluated
  std::function<void(const EpochResult&)> on_epoch_end;                            // with the epoch's figures
  // Asked after every step: true stops training there (TrainingStopped is thrown; the epoch
  // is not counted, and on_epoch_end is not called for it).
  std::function<bool()> should_stop;
};

// Thrown when TrainingObserver::should_stop asked training to stop.
class TrainingStopped : public std::runtime_error {
 public:
  TrainingStopped() : std::runtime_error("training stopped at a step boundary") {}
};

// The trainer's state as a checkpoint holds it (training/checkpoint.h), beside the model's
// and the optimizer's.
struct TrainingState {
  int64_t epochs_done = 0;
  Generator shuffle;  // draws the next epoch's order
  uint64_t noise_seed = 0;
  std::vector<EpochResult> history;
};

class TrainingRun {
 public:
  // The data sets are shared: several runs (the three models of a comparison) read one copy.
  TrainingRun(const TrainingConfig& config, std::shared_ptr<const DeviceDataset> train,
              std::shared_ptr<const DeviceDataset> test);
  // Not movable: the captured step (cuda_graph) holds a pointer to this run.
  TrainingRun(TrainingRun&&) = delete;
  TrainingRun& operator=(TrainingRun&&) = delete;

  // Trains `epochs` more epochs; each ends with the test MSE and the observer's on_epoch_end.
  void train_epochs(int64_t epochs, const TrainingObserver& observer = {});
  EpochResult train_epoch(const TrainingObserver& observer = {});
  // One step on the training examples order[first .. first + batch): forward, loss,
  // backward, Adam. Returns the loss, still on the device (reading it would wait for the GPU);
  // with cuda_graph, the graph's loss tensor, overwritten by the next step.
  Tensor train_step(const Storage& order, int64_t first);
  // Mean squared error of the model on the whole test set, in eval mode, with the fixed noise
  // draw of data/test_set_walk.h so that epochs and models are compared on the same images.
  double evaluate(const std::function<void(int64_t batches_done, int64_t batches_total)>& progress = {});
  // Noisy input, output and clean image of the first `count` examples of a split (host, [count*784]).
  struct Samples {
    std::vector<float> noisy, output, clean;
  };
  Samples reconstruct(bool from_test_set, int64_t count);

  Autoencoder& model() { return *model_; }
  Adam& optimizer() { return *optimizer_; }
  const TrainingConfig& config() const { return config_; }
  const DeviceDataset& train_set() const { return *train_; }
  int64_t test_images() const { return test_->count(); }
  int64_t epochs_done() const { return epochs_done_; }
  int64_t steps_per_epoch() const;
  const std::vector<EpochResult>& history() const { return history_; }

  TrainingState state() const;
  void restore(const TrainingState& state);

 private:
  // A random order of the training examples (Fisher-Yates), or 0..n-1 without shuffling.
  std::vector<int32_t> next_order();
  Tensor run_step(const Storage& order, int64_t first);

  TrainingConfig config_;
  std::shared_ptr<const DeviceDataset> train_, test_;
  std::shared_ptr<Autoencoder> model_;
  std::unique_ptr<Adam> optimizer_;
  Generator shuffle_generator_;
  uint64_t noise_seed_;
  int64_t epochs_done_ = 0;
  std::vector<EpochResult> history_;
  // With cuda_graph: the batch's example indices, copied here before each step (the graph
  // reads this one buffer), and the captured step. Last, so destroyed first.
  std::shared_ptr<Storage> step_order_;
  std::unique_ptr<CapturedStep> captured_step_;
};

}  // namespace dae
