// CapturedStep (core/captured_step.h): a training step captured once as a CUDA graph and
// replayed must train exactly as the same step run eagerly, bit for bit: the same loss at every
// step, the same parameters, BatchNorm statistics, Adam moments and counters at the end. Both
// runs take the step as TrainingRun does: the batch gathered on the device from uint8 images
// through an order slice copied into one buffer before each step, the noise draw and Adam's
// bias corrections read from Adam's step count in device memory. Bitwise, because a replay
// runs the same kernels on the same data with the same cuDNN algorithms; any difference means
// a replay read something stale (a step count, a batch, a freed workspace).
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "core/adam.h"
#include "core/autograd.h"
#include "core/captured_step.h"
#include "core/ops.h"
#include "cuda_compare.h"
#include "models/autoencoder.h"

namespace dae {
namespace {

constexpr uint64_t kModelSeed = 11, kNoiseSeed = 5;
constexpr int64_t kImages = 512, kPixels = 784, kBatch = 64;
constexpr int kSteps = 20, kEvaluateAfter = 10;
const AdamHyperparameters kAdam{1e-3, 0.9, 0.999, 1e-8};

struct Trained {
  std::vector<float> losses;
  std::vector<std::vector<float>> state;  // parameters, buffers, Adam's moments
  std::vector<int64_t> counters;          // num_batches_tracked, Adam's step count
  bool captured = false;
};

// uint8 images and a shuffled order of them, uploaded to `device`.
std::shared_ptr<Storage> upload(const void* data, size_t bytes, Device device) {
  auto storage = std::make_shared<Storage>(device, bytes);
  copy_bytes(storage->data(), device, data, Device::CPU, bytes);
  return storage;
}

Trained train(const std::string& name, bool graph) {
  TorchCpuGenerator init(kModelSeed);
  const std::shared_ptr<Autoencoder> model = make_autoencoder(name, init);
  model->to(Device::CUDA);
  Adam adam(model->parameters(), kAdam);

  Generator generator(3);
  std::vector<uint8_t> pixels(static_cast<size_t>(kImages * kPixels));
  for (uint8_t& pixel : pixels) pixel = static_cast<uint8_t>(generator.below(256));
  std::vector<int32_t> order(static_cast<size_t>(kImages));
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>((i * 97) % kImages);
  const auto images = upload(pixels.data(), pixels.size(), Device::CUDA);
  const auto epoch_order = upload(order.data(), order.size() * sizeof(int32_t), Device::CUDA);
  const auto batch_order = std::make_shared<Storage>(Device::CUDA, kBatch * sizeof(int32_t));

  const auto step = [&] {
    const NoiseParams noise{kNoiseSeed, 0, 0.3f, adam.device_step_count()};
    const ops::NoisyBatch data = ops::gather_noisy_batch(*images, kPixels, *batch_order, 0, kBatch, noise);
    adam.zero_grad();
    const Tensor loss = ops::mse_loss(model->forward(data.noisy), data.clean);
    loss.backward();
    adam.step();
    return loss;
  };
  std::vector<int64_t*> host_counters;
  for (const auto& named : model->named_counters()) host_counters.push_back(named.second);
  CapturedStep captured(step, host_counters);

  Trained result;
  for (int s = 0; s < kSteps; ++s) {
    const int64_t first = (s * kBatch) % kImages;
    copy_bytes(batch_order->data(), Device::CUDA, static_cast<const int32_t*>(epoch_order->data()) + first,
               Device::CUDA, kBatch * sizeof(int32_t));
    const Tensor loss = graph ? captured.run() : step();
    result.losses.push_back(loss.item());
    if (s + 1 == kEvaluateAfter) {
      // An evaluation between steps, as after each epoch: eval mode and a new batch size, so new
      // cuDNN plans and possibly a larger workspace while the graph holds the old one.
      NoGradGuard no_grad;
      model->eval();
      const Tensor images_37 = test::random_tensor({37, kPixels}, 4, 0.0f, 1.0f).to(Device::CUDA);
      result.losses.push_back(ops::mse_loss(model->forward(images_37), images_37).item());
      model->train();
    }
  }
  for (const auto& [parameter, tensor] : model->named_parameters()) result.state.push_back(tensor.to_vector());
  for (const auto& [buffer, tensor] : model->named_buffers()) result.state.push_back(tensor.to_vector());
  for (size_t i = 0; i < adam.size(); ++i) {
    result.state.push_back(adam.exp_avg(i).to_vector());
    result.state.push_back(adam.exp_avg_sq(i).to_vector());
  }
  for (const int64_t* counter : host_counters) result.counters.push_back(*counter);
  result.counters.push_back(adam.step_count());
  result.captured = captured.captured();
  return result;
}

void check_graph_matches_eager(const std::string& name) {
  test::require_gpu();
  INFO(name << " autoencoder, " << kSteps << " steps of " << kBatch);
  const Trained eager = train(name, false), graph = train(name, true);
  CHECK(graph.captured);
  test::check_bitwise("losses, step by step (and the evaluation after step 10)", graph.losses, eager.losses);
  REQUIRE(graph.state.size() == eager.state.size());
  for (size_t i = 0; i < eager.state.size(); ++i)
    test::check_bitwise("parameter, buffer or moment " + std::to_string(i), graph.state[i], eager.state[i]);
  CHECK(graph.counters == eager.counters);
  CHECK(eager.counters.back() == kSteps);
}

TEST_CASE("cuda graph training of the linear autoencoder gives the eager bits", "[cuda][graph]") {
  check_graph_matches_eager("linear");
}

TEST_CASE("cuda graph training of the mlp autoencoder gives the eager bits", "[cuda][graph]") {
  check_graph_matches_eager("mlp");
}

TEST_CASE("cuda graph training of the conv autoencoder gives the eager bits", "[cuda][graph]") {
  check_graph_matches_eager("conv");
}

// On the CPU there is nothing to capture: every run is the step itself, whose result it returns.
TEST_CASE("CapturedStep runs the step itself on the CPU", "[graph]") {
  int64_t counter = 0;
  int calls = 0;
  CapturedStep captured(
      [&] {
        ++calls;
        ++counter;
        return Tensor::full({}, static_cast<float>(calls));
      },
      {&counter});
  for (int run = 1; run <= 3; ++run) CHECK(captured.run().item() == static_cast<float>(run));
  CHECK(calls == 3);
  CHECK(counter == 3);
  CHECK_FALSE(captured.captured());
}

}  // namespace
}  // namespace dae
