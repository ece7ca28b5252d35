// End to end, each autoencoder on the GPU against the same one on the CPU, from the same
// weights (models/ level, as the layering asks):
// - 20 training steps on the same batches with the same noise: the same loss at every step,
//   nearly the same parameters and BatchNorm running statistics at the end;
// - one training step at batch 256, the study's batch, where cuDNN may choose other algorithms
//   (FFT, Winograd) than at the small batches above: the loss and every gradient;
// - evaluation: eval-mode BatchNorm on running statistics, a full batch then a smaller last
//   one (new shapes, so new cuDNN plans), as TrainingRun::evaluate walks the test set.
// This is where a kernel that passes its own test but is wired wrongly (a stale descriptor, a
// missed accumulation, a wrong stream) would show up. [cuda]: skipped where no GPU answers.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/adam.h"
#include "core/autograd.h"
#include "core/ops.h"
#include "cuda_compare.h"
#include "models/autoencoder.h"

namespace dae {
namespace {

using test::check_matches;

constexpr uint64_t kModelSeed = 2024, kDataSeed = 7, kNoiseSeed = 99;
constexpr int kSteps = 20;
constexpr float kNoiseStd = 0.5f;
const AdamHyperparameters kAdam{2e-4, 0.9, 0.999, 1e-8};

// One training step as the trainer takes it; returns the loss before the update.
float train_step(Autoencoder& model, Adam& optimizer, const Tensor& noisy, const Tensor& clean) {
  optimizer.zero_grad();
  const Tensor loss = ops::mse_loss(model(noisy), clean);
  loss.backward();
  optimizer.step();
  return loss.item();
}

void check_training_matches(const std::string& name, int64_t batch) {
  test::require_gpu();
  TorchCpuGenerator cpu_init(kModelSeed), gpu_init(kModelSeed);
  const auto cpu_model = make_autoencoder(name, cpu_init);
  const auto gpu_model = make_autoencoder(name, gpu_init);
  gpu_model->to(Device::CUDA);  // before its Adam, which gathers the parameters where they are
  std::vector<Tensor> initial;
  for (const Tensor& parameter : cpu_model->parameters()) initial.push_back(parameter.clone());
  Adam cpu_adam(cpu_model->parameters(), kAdam), gpu_adam(gpu_model->parameters(), kAdam);
  for (const auto& [parameter, tensor] : gpu_model->named_parameters()) {
    INFO(name << " " << parameter << " at " << tensor.data());
    CHECK(reinterpret_cast<uintptr_t>(tensor.data()) % Adam::kAlignmentBytes == 0);  // core/adam.h
  }

  for (int step = 1; step <= kSteps; ++step) {
    INFO(name << " autoencoder, step " << step);
    const Tensor clean = test::random_tensor({batch, 784}, kDataSeed + step, 0.0f, 1.0f);
    const NoiseParams noise{kNoiseSeed, static_cast<uint64_t>(step), kNoiseStd};
    const Tensor cpu_noisy = ops::add_gaussian_noise(clean, noise);
    const Tensor gpu_noisy = ops::add_gaussian_noise(clean.to(Device::CUDA), noise);
    // The inputs are the same bit for bit (kernels/noise.h), so any difference below is the
    // network's own.
    REQUIRE(test::check_bitwise("noisy batch", gpu_noisy.to_vector(), cpu_noisy.to_vector()));

    const float cpu_loss = train_step(*cpu_model, cpu_adam, cpu_noisy, clean);
    const float gpu_loss = train_step(*gpu_model, gpu_adam, gpu_noisy, clean.to(Device::CUDA));
    // A reduction of a whole forward pass (cuBLAS/cuDNN against OpenBLAS, 1e-4 each op): the
    // mean over many elements averages the per-element differences out instead of adding them.
    INFO("loss: gpu " << gpu_loss << ", cpu " << cpu_loss);
    REQUIRE(std::isfinite(gpu_loss));
    CHECK(std::fabs(gpu_loss - cpu_loss) <= 1e-4 * std::fabs(cpu_loss));
  }

  // The parameters drift apart a little at every step, and Adam amplifies small gradient
  // differences where a gradient is near 0: it moves each element by about lr whatever the
  // gradient's size, so an element whose gradient has the opposite sign on the two devices
  // moves 2 lr apart. Hence two loose bounds: no element more than 2 lr per step apart (the
  // most that opposite moves at every step could do), and the difference small (1%) next to
  // how far training moved the parameters, which a wrong gradient would not be.
  const auto cpu_parameters = cpu_model->named_parameters();
  const auto gpu_parameters = gpu_model->named_parameters();
  REQUIRE(cpu_parameters.size() == gpu_parameters.size());
  const test::Tolerance drift{2.0 * kAdam.lr * kSteps, 0.0, 0.0};
  for (size_t i = 0; i < cpu_parameters.size(); ++i) {
    const std::string& parameter = cpu_parameters[i].first;
    const std::vector<float> cpu = cpu_parameters[i].second.to_vector();
    const std::vector<float> gpu = gpu_parameters[i].second.to_vector();
    const std::vector<float> start = initial[i].to_vector();
    check_matches(name + " " + parameter, gpu, cpu, drift);
    double difference = 0.0, trained = 0.0;
    for (size_t j = 0; j < cpu.size(); ++j) {
      difference += std::pow(double{gpu[j]} - cpu[j], 2);
      trained += std::pow(double{cpu[j]} - start[j], 2);
    }
    INFO(name << " " << parameter << ": |gpu - cpu| " << std::sqrt(difference) << " vs |trained - initial| "
              << std::sqrt(trained));
    CHECK(std::sqrt(difference) <= 1e-2 * std::sqrt(trained));
  }

  // Running statistics average the batch statistics (reductions, 1e-4) of activations that
  // come from the slightly drifted parameters: 1e-3 of the largest value.
  const auto cpu_buffers = cpu_model->named_buffers();
  const auto gpu_buffers = gpu_model->named_buffers();
  REQUIRE(cpu_buffers.size() == gpu_buffers.size());
  for (size_t i = 0; i < cpu_buffers.size(); ++i) {
    check_matches(name + " " + cpu_buffers[i].first, gpu_buffers[i].second, cpu_buffers[i].second,
                  test::Tolerance{0.0, 0.0, 1e-3});
  }
}

// Both models from the same seed; the GPU one moved to the device.
struct ModelPair {
  explicit ModelPair(const std::string& name) {
    TorchCpuGenerator cpu_init(kModelSeed), gpu_init(kModelSeed);
    cpu = make_autoencoder(name, cpu_init);
    gpu = make_autoencoder(name, gpu_init);
    gpu->to(Device::CUDA);
  }
  std::shared_ptr<Autoencoder> cpu, gpu;
};

// One training step's forward and backward at `batch`: the loss, each gradient, and the
// running statistics the training forward updated. Each gradient comes out of the whole
// backward pass (about 20 ops in the conv model, each a reduction within 1e-4 of its largest
// value, fed activations with their own such errors): 1e-3 of the gradient's largest element.
void check_gradients_match(const std::string& name, int64_t batch) {
  test::require_gpu();
  ModelPair models(name);
  const Tensor clean = test::random_tensor({batch, 784}, kDataSeed, 0.0f, 1.0f);
  const Tensor noisy = ops::add_gaussian_noise(clean, NoiseParams{kNoiseSeed, 1, kNoiseStd});
  const Tensor cpu_loss = ops::mse_loss(models.cpu->forward(noisy), clean);
  const Tensor gpu_loss = ops::mse_loss(models.gpu->forward(noisy.to(Device::CUDA)), clean.to(Device::CUDA));
  cpu_loss.backward();
  gpu_loss.backward();
  INFO(name << " autoencoder, batch " << batch << ": loss gpu " << gpu_loss.item() << ", cpu " << cpu_loss.item());
  REQUIRE(std::isfinite(gpu_loss.item()));
  CHECK(std::fabs(gpu_loss.item() - cpu_loss.item()) <= 1e-4 * std::fabs(cpu_loss.item()));
  const auto cpu_parameters = models.cpu->named_parameters();
  const auto gpu_parameters = models.gpu->named_parameters();
  for (size_t i = 0; i < cpu_parameters.size(); ++i) {
    check_matches(name + " gradient of " + cpu_parameters[i].first, gpu_parameters[i].second.grad(),
                  cpu_parameters[i].second.grad(), test::Tolerance{0.0, 0.0, 1e-3});
  }
  const auto cpu_buffers = models.cpu->named_buffers();
  const auto gpu_buffers = models.gpu->named_buffers();
  for (size_t i = 0; i < cpu_buffers.size(); ++i) {
    check_matches(name + " " + cpu_buffers[i].first, gpu_buffers[i].second, cpu_buffers[i].second,
                  test::Tolerance{0.0, 0.0, 1e-3});
  }
}

// Eval-mode forward passes at batch 256 then 37. The running statistics are set to values a
// trained model could hold (means in [-0.2, 0.2], variances in [0.5, 1.5]), the same on both,
// so that eval-mode BatchNorm is not the identity. Every layer's output is within 1e-4 of its
// largest value (reductions), and each layer passes its input's error on at about its gain
// (PyTorch's initialization keeps the activations' scale): over the conv model's 10 weight
// layers at most 10 x 1e-4 of the largest output.
void check_evaluation_matches(const std::string& name) {
  test::require_gpu();
  ModelPair models(name);
  const auto cpu_buffers = models.cpu->named_buffers();
  const auto gpu_buffers = models.gpu->named_buffers();
  REQUIRE(cpu_buffers.size() == gpu_buffers.size());
  for (size_t i = 0; i < cpu_buffers.size(); ++i) {
    const bool variance = cpu_buffers[i].first.find("running_var") != std::string::npos;
    const Tensor values =
        test::random_tensor(cpu_buffers[i].second.shape(), 100 + i, variance ? 0.5f : -0.2f, variance ? 1.5f : 0.2f);
    cpu_buffers[i].second.copy_from(values);
    gpu_buffers[i].second.copy_from(values);
  }
  models.cpu->eval();
  models.gpu->eval();
  NoGradGuard no_grad;
  for (int64_t batch : {int64_t{256}, int64_t{37}}) {
    INFO(name << " autoencoder, evaluation batch " << batch);
    const Tensor images = test::random_tensor({batch, 784}, kDataSeed + static_cast<uint64_t>(batch), 0.0f, 1.0f);
    check_matches(name + " eval output", models.gpu->forward(images.to(Device::CUDA)), models.cpu->forward(images),
                  test::Tolerance{0.0, 0.0, 1e-3});
  }
}

TEST_CASE("cuda gradients of one training step at batch 256 match the CPU", "[cuda][training]") {
  for (const std::string& name : autoencoder_names()) check_gradients_match(name, 256);
}

TEST_CASE("cuda evaluation of each autoencoder matches the CPU, last batch smaller", "[cuda][training]") {
  for (const std::string& name : autoencoder_names()) check_evaluation_matches(name);
}

TEST_CASE("cuda training of the linear autoencoder matches the CPU", "[cuda][training]") {
  check_training_matches("linear", 64);
}

TEST_CASE("cuda training of the mlp autoencoder matches the CPU", "[cuda][training]") {
  check_training_matches("mlp", 64);
}

// A batch of 8 keeps the CPU side of the conv model (about 0.5 GFLOP an image a training
// step) fast. Its max-pools see many tied maxima, and cuDNN may route their gradients to
// another of the tied elements than the CPU does (kernels/max_pool2d.cu). The tolerances hold
// all the same: in this model a tie is between ReLU zeros made equal by the BatchNorm after the
// ReLU, so whichever of them gets the gradient, ReLU's backward drops it and BatchNorm's sums
// see the same normalized value (the op test "relu -> batch_norm2d -> max_pool2d ... despite
// tied maxima" checks exactly that on the GPU). Ties between positive values would matter,
// but float products of random inputs are equal with negligible probability.
TEST_CASE("cuda training of the conv autoencoder matches the CPU", "[cuda][training]") {
  check_training_matches("conv", 8);
}

}  // namespace
}  // namespace dae
