#include "apps/training/training_run.h"

#include <chrono>
#include <cmath>

#include "apps/data/noise_streams.h"
#include "apps/evaluation/denoising_quality.h"
#include "apps/evaluation/image_metrics.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "core/torch_cpu_generator.h"

namespace dae {

namespace {

static_assert(kImageSide == kMnistSide, "the networks take MNIST's images");

// Weights and shuffles come from separate generators, so that changing the shuffling or the
// data size leaves the initial weights alone.
constexpr uint64_t kShuffleSeedOffset = 0x5D1FF1E5EEDull;

}  // namespace

TrainingRun::TrainingRun(const TrainingConfig& config, std::shared_ptr<const DeviceDataset> train,
                         std::shared_ptr<const DeviceDataset> test)
    : config_(config),
      train_(std::move(train)),
      test_(std::move(test)),
      shuffle_generator_(config.seed + kShuffleSeedOffset),
      noise_seed_(config.seed) {
  DAE_CHECK(train_->count() >= config.batch_size,
            "the training set has " << train_->count() << " images, fewer than one batch of " << config.batch_size
                                    << " (lower the batch size or use more training images)");
  TorchCpuGenerator init_generator(config.seed);
  model_ = make_autoencoder(config.model, init_generator);
  model_->to(train_->device());
  model_->train();
  AdamHyperparameters hyperparameters;
  hyperparameters.lr = config.lr;
  optimizer_ = std::make_unique<Adam>(model_->parameters(), hyperparameters);
  if (config.cuda_graph) {
    step_order_ = std::make_shared<Storage>(train_->device(), static_cast<size_t>(config.batch_size) * sizeof(int32_t));
    std::vector<int64_t*> counters;
    for (const auto& named : model_->named_counters()) counters.push_back(named.second);
    captured_step_ = std::make_unique<CapturedStep>([this] { return run_step(*step_order_, 0); }, counters);
  }
}

int64_t TrainingRun::steps_per_epoch() const { return train_->count() / config_.batch_size; }

std::vector<int32_t> TrainingRun::next_order() {
  std::vector<int32_t> order = identity_order(train_->count());
  if (!config_.shuffle) return order;
  for (size_t i = order.size() - 1; i > 0; --i)  // Fisher-Yates
    std::swap(order[i], order[shuffle_generator_.below(i + 1)]);
  return order;
}

Tensor TrainingRun::train_step(const Storage& order, int64_t first) {
  if (!captured_step_) return run_step(order, first);
  // The graph reads the batch's example indices from step_order_: copied there first.
  const int64_t order_count = static_cast<int64_t>(order.bytes() / sizeof(int32_t));
  DAE_CHECK(first >= 0 && first + config_.batch_size <= order_count, "train_step: examples ["
                                                                         << first << ", " << first + config_.batch_size
                                                                         << ") of an order of " << order_count);
  const size_t bytes = static_cast<size_t>(config_.batch_size) * sizeof(int32_t);
  copy_bytes(step_order_->data(), train_->device(), static_cast<const int32_t*>(order.data()) + first, order.device(),
             bytes);
  return captured_step_->run();
}

Tensor TrainingRun::run_step(const Storage& order, int64_t first) {
  // Step t draws noise t: the same noise on any device, and after a resume. t is read where the
  // step runs (the optimizer's count, updates done so far), so reading it never waits for the GPU.
  const NoiseParams noise{noise_seed_, 0, config_.noise_std, optimizer_->device_step_count()};
  const ops::NoisyBatch data = train_->batch(order, first, config_.batch_size, noise);
  optimizer_->zero_grad();
  const Tensor loss = ops::mse_loss(model_->forward(data.noisy), config_.target_noisy ? data.noisy : data.clean);
  loss.backward();
  optimizer_->step();
  return loss;
}

void TrainingRun::train_epochs(int64_t epochs, const TrainingObserver& observer) {
  for (int64_t e = 0; e < epochs; ++e) {
    const EpochResult result = train_epoch(observer);
    if (observer.on_epoch_end) observer.on_epoch_end(result);
  }
}

EpochResult TrainingRun::train_epoch(const TrainingObserver& observer) {
  const auto start = std::chrono::steady_clock::now();
  const int64_t steps = steps_per_epoch(), batch = config_.batch_size;
  const auto order = train_->upload_order(next_order());
  EpochResult result;
  result.epoch = epochs_done_ + 1;
  const Tensor loss_sum = Tensor::zeros(Shape{}, train_->device());
  Tensor first_batch_loss;
  model_->train();
  if (observer.on_epoch_start) observer.on_epoch_start(result.epoch, steps);
  for (int64_t step = 0; step < steps; ++step) {
    const Tensor loss = train_step(*order, step * batch);
    accumulate(loss_sum, loss.detach(), "epoch loss");
    if (step == 0) first_batch_loss = loss.detach().clone();
    if (config_.log_every > 0 && step % config_.log_every == 0 && observer.on_logged_loss) {
      const double value = loss.item();
      DAE_CHECK(std::isfinite(value), "the loss became " << value << " at epoch " << result.epoch << ", step " << step
                                                         << ": training diverged");
      observer.on_logged_loss({result.epoch, step, value});
    }
    if (observer.on_step)
      observer.on_step({step + 1, steps, [&] { return loss_sum.item() / static_cast<double>(step + 1); }});
    if (observer.should_stop && observer.should_stop()) throw TrainingStopped();
  }
  result.train_loss = loss_sum.item() / static_cast<double>(steps);  // waits for the device
  result.first_batch_loss = first_batch_loss.item();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  DAE_CHECK(std::isfinite(result.train_loss), "the mean training loss of epoch "
                                                  << result.epoch << " is " << result.train_loss
                                                  << ": training diverged (try a lower --lr)");
  result.seconds = seconds;
  result.images_per_second = static_cast<double>(steps * batch) / seconds;
  result.test_loss = evaluate(observer.on_evaluation);
  // A model can diverge on the test set alone (e.g. BatchNorm's running statistics): such an
  // epoch is not counted, so the last checkpoint stays the last good one.
  DAE_CHECK(
      std::isfinite(result.test_loss),
      "the test loss after epoch " << result.epoch << " is " << result.test_loss
                                   << ": the model's outputs are not finite; training diverged (try a lower --lr)");
  result.test_psnr = psnr_from_mse(result.test_loss);
  ++epochs_done_;
  history_.push_back(result);
  return result;
}

double TrainingRun::evaluate(const std::function<void(int64_t, int64_t)>& progress) {
  return test_mse(*model_, *test_, config_.batch_size, EvaluationNoise{noise_seed_, config_.noise_std}, progress);
}

TrainingRun::Samples TrainingRun::reconstruct(bool from_test_set, int64_t count) {
  NoGradGuard no_grad;
  model_->eval();
  const DeviceDataset& split = from_test_set ? *test_ : *train_;
  count = std::min(count, split.count());
  const auto order = split.upload_order(identity_order(count));
  const NoiseParams noise{noise_seed_, kSampleNoiseStream + (from_test_set ? 1u : 0u), config_.noise_std};
  const ops::NoisyBatch data = split.batch(*order, 0, count, noise);
  Samples samples{data.noisy.to_vector(), model_->forward(data.noisy).to_vector(), data.clean.to_vector()};
  model_->train();
  return samples;
}

TrainingState TrainingRun::state() const { return {epochs_done_, shuffle_generator_, noise_seed_, history_}; }

void TrainingRun::restore(const TrainingState& state) {
  DAE_CHECK(state.epochs_done >= 0 && state.epochs_done <= kMaxEpochs &&
                static_cast<int64_t>(state.history.size()) == state.epochs_done,
            "TrainingRun::restore: " << state.epochs_done << " epochs done with a history of " << state.history.size());
  epochs_done_ = state.epochs_done;
  shuffle_generator_ = state.shuffle;
  noise_seed_ = state.noise_seed;
  history_ = state.history;
}

}  // namespace dae
