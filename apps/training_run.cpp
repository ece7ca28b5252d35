#include "apps/training_run.h"

#include <chrono>
#include <cmath>

#include "apps/image_metrics.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"

namespace dae {

namespace {

// Weights and shuffles come from separate generators, so that changing --no-shuffle or the
// data size leaves the initial weights alone.
constexpr uint64_t kShuffleSeedOffset = 0x5D1FF1E5EEDull;

}  // namespace

TrainingRun::TrainingRun(const TrainingConfig& config, const MnistData& data, int64_t train_limit,
                         int64_t test_limit, Device device)
    : config_(config),
      device_(device),
      train_(data.train, train_limit, device),
      test_(data.test, test_limit, device),
      shuffle_generator_(config.seed + kShuffleSeedOffset) {
  DAE_CHECK(train_.count() >= config.batch_size,
            "the training set has " << train_.count() << " images, fewer than one batch of "
                                    << config.batch_size << " (lower --batch-size or raise --train-limit)");
  TorchCpuGenerator init_generator(config.seed);
  model_ = make_autoencoder(config.model, init_generator);
  model_->to(device);
  model_->train();
  AdamHyperparameters hyperparameters;
  hyperparameters.lr = config.lr;
  optimizer_ = std::make_unique<Adam>(model_->parameters(), hyperparameters);
  if (config.cuda_graph) {
    step_order_ = std::make_shared<Storage>(device, static_cast<size_t>(config.batch_size) * sizeof(int32_t));
    std::vector<int64_t*> counters;
    for (const auto& named : model_->named_counters()) counters.push_back(named.second);
    captured_step_ = std::make_unique<CapturedStep>([this] { return run_step(*step_order_, 0); }, counters);
  }
}

int64_t TrainingRun::steps_per_epoch() const { return train_.count() / config_.batch_size; }

std::vector<int32_t> TrainingRun::next_order() {
  std::vector<int32_t> order = identity_order(train_.count());
  if (!config_.shuffle) return order;
  for (size_t i = order.size() - 1; i > 0; --i)  // Fisher-Yates
    std::swap(order[i], order[shuffle_generator_.below(i + 1)]);
  return order;
}

Tensor TrainingRun::train_step(const Storage& order, int64_t first) {
  if (!captured_step_) return run_step(order, first);
  // The graph reads the batch's example indices from step_order_: copied there first.
  const int64_t order_count = static_cast<int64_t>(order.bytes() / sizeof(int32_t));
  DAE_CHECK(first >= 0 && first + config_.batch_size <= order_count,
            "train_step: examples [" << first << ", " << first + config_.batch_size << ") of an order of "
                                     << order_count);
  const size_t bytes = static_cast<size_t>(config_.batch_size) * sizeof(int32_t);
  copy_bytes(step_order_->data(), device_, static_cast<const int32_t*>(order.data()) + first, order.device(),
             bytes);
  return captured_step_->run();
}

Tensor TrainingRun::run_step(const Storage& order, int64_t first) {
  // Step t draws noise t: the same noise on any device, and after a resume. t is read where the
  // step runs (the optimizer's count, updates done so far), so reading it never waits for the GPU.
  const NoiseParams noise{config_.seed, 0, config_.noise_std, optimizer_->device_step_count()};
  const ops::NoisyBatch data = train_.batch(order, first, config_.batch_size, noise);
  optimizer_->zero_grad();
  const Tensor loss = ops::mse_loss(model_->forward(data.noisy),
                                    config_.target_noisy ? data.noisy : data.clean);
  loss.backward();
  optimizer_->step();
  return loss;
}

EpochResult TrainingRun::train_epoch(const EpochObserver& observer) {
  const auto start = std::chrono::steady_clock::now();
  const int64_t steps = steps_per_epoch(), batch = config_.batch_size;
  const auto order = train_.upload_order(next_order());
  EpochResult result;
  result.epoch = epochs_done_ + 1;
  const Tensor loss_sum = Tensor::zeros(Shape{}, device_);
  Tensor first_batch_loss;
  model_->train();
  for (int64_t step = 0; step < steps; ++step) {
    const Tensor loss = train_step(*order, step * batch);
    accumulate(loss_sum, loss.detach(), "epoch loss");
    if (step == 0) first_batch_loss = loss.detach().clone();
    if (config_.log_every > 0 && step % config_.log_every == 0 && observer.on_logged_loss) {
      const double value = loss.item();
      DAE_CHECK(std::isfinite(value), "the loss became " << value << " at epoch " << result.epoch
                                                         << ", step " << step << ": training diverged");
      observer.on_logged_loss({result.epoch, step, value});
    }
    if (observer.on_step) observer.on_step(step + 1, steps);
  }
  result.train_loss = loss_sum.item() / static_cast<double>(steps);  // waits for the device
  result.first_batch_loss = first_batch_loss.item();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  DAE_CHECK(std::isfinite(result.train_loss),
            "the mean training loss of epoch " << result.epoch << " is " << result.train_loss
                                               << ": training diverged (try a lower --lr)");
  result.seconds = seconds;
  result.images_per_second = static_cast<double>(steps * batch) / seconds;
  result.test_loss = evaluate();
  result.test_psnr = psnr_from_mse(result.test_loss);
  ++epochs_done_;
  history_.push_back(result);
  return result;
}

double TrainingRun::evaluate() {
  NoGradGuard no_grad;
  model_->eval();
  const auto order = test_.upload_order(identity_order(test_.count()));
  // mse_loss gives each batch's mean. Full batches are summed on the device and the last,
  // smaller one is weighted by its size at the end: two reads from the device per evaluation.
  const int64_t batch = config_.batch_size;
  const Tensor full_batch_loss_sum = Tensor::zeros(Shape{}, device_);
  Tensor last_batch_loss;
  int64_t last_size = 0, draw = 0;
  for (int64_t first = 0; first < test_.count(); first += batch, ++draw) {
    const int64_t size = std::min(batch, test_.count() - first);
    const NoiseParams noise{config_.seed, kEvaluationNoiseStream + static_cast<uint64_t>(draw),
                            config_.noise_std};
    const ops::NoisyBatch data = test_.batch(*order, first, size, noise);
    const Tensor loss = ops::mse_loss(model_->forward(data.noisy), data.clean);
    if (size == batch) {
      accumulate(full_batch_loss_sum, loss, "test loss");
    } else {
      last_batch_loss = loss;
      last_size = size;
    }
  }
  model_->train();
  double total = full_batch_loss_sum.item() * static_cast<double>(batch);
  if (last_size > 0) total += last_batch_loss.item() * static_cast<double>(last_size);
  return total / static_cast<double>(test_.count());
}

TrainingRun::Samples TrainingRun::reconstruct(bool from_test_set, int64_t count) {
  NoGradGuard no_grad;
  model_->eval();
  const DeviceDataset& split = from_test_set ? test_ : train_;
  count = std::min(count, split.count());
  const auto order = split.upload_order(identity_order(count));
  const NoiseParams noise{config_.seed, kSampleNoiseStream + (from_test_set ? 1u : 0u), config_.noise_std};
  const ops::NoisyBatch data = split.batch(*order, 0, count, noise);
  Samples samples{data.noisy.to_vector(), model_->forward(data.noisy).to_vector(), data.clean.to_vector()};
  model_->train();
  return samples;
}

}  // namespace dae
