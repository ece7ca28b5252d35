// Tests of the three autoencoders (models/) on the CPU: shapes of the output and the code,
// parameter counts and state_dict keys exactly as PyTorch names the study's modules (so
// checkpoints interchange), and a few Adam steps on random data lowering the loss.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "core/adam.h"
#include "core/error.h"
#include "core/ops.h"
#include "core/safetensors.h"
#include "models/autoencoder.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;

namespace {

// A batch of n "images" with pixels uniform in [0, 1].
Tensor random_images(int64_t n, uint32_t seed) { return random_tensor({n, 784}, seed, 0.0f, 1.0f); }

// The conv model's state_dict keys, spelled out from the architecture in conv_autoencoder.cpp.
std::set<std::string> conv_model_keys() {
  std::set<std::string> keys;
  auto conv = [&](const std::string& prefix) {
    for (const char* name : {"weight", "bias"}) keys.insert(prefix + "." + name);
  };
  auto batch_norm = [&](const std::string& prefix) {
    for (const char* name : {"weight", "bias", "running_mean", "running_var", "num_batches_tracked"})
      keys.insert(prefix + "." + name);
  };
  for (const char* p :
       {"encoder.layer1.0", "encoder.layer1.3", "encoder.layer1.6", "encoder.layer2.0", "encoder.layer2.4",
        "decoder.layer1.0", "decoder.layer1.3", "decoder.layer2.0", "decoder.layer2.3"})
    conv(p);
  for (const char* p : {"encoder.layer1.2", "encoder.layer1.5", "encoder.layer1.8", "encoder.layer2.2",
                        "decoder.layer1.2", "decoder.layer1.5", "decoder.layer2.2"})
    batch_norm(p);
  return keys;
}

std::vector<float> train_losses(Autoencoder& model, int steps) {
  AdamHyperparameters h;  // PyTorch's defaults, lr 1e-3
  Adam adam(model.parameters(), h);
  const Tensor clean = random_images(2, 1);
  const Tensor noisy = ops::add_gaussian_noise(clean, NoiseParams{1, 0, 0.3f});
  std::vector<float> losses;
  for (int step = 0; step < steps; ++step) {
    adam.zero_grad();
    const Tensor loss = ops::mse_loss(model(noisy), clean);
    losses.push_back(loss.item());
    loss.backward();
    adam.step();
  }
  return losses;
}

}  // namespace

TEST_CASE("autoencoders map [N, 784] to [N, 784] through their codes", "[models]") {
  const std::map<std::string, Shape> code_shapes{{"linear", {3, 128}}, {"mlp", {3, 128}}, {"conv", {3, 256, 7, 7}}};
  for (const std::string& name : autoencoder_names()) {
    INFO(name);
    TorchCpuGenerator g(1);
    auto model = make_autoencoder(name, g);
    CHECK(model->name() == name);
    const Tensor x = random_images(3, 2);
    CHECK(model->encode(x).shape() == code_shapes.at(name));
    const Tensor y = (*model)(x);
    CHECK(y.shape() == Shape{3, 784});
    bool finite = true;
    for (float v : y.to_vector()) finite &= std::isfinite(v);
    CHECK(finite);
    CHECK_THROWS_WITH((*model)(random_tensor({3, 1, 28, 28}, 3)), Catch::Contains("[N, 784]"));
  }
  TorchCpuGenerator g(1);
  CHECK_THROWS_WITH(make_autoencoder("resnet", g), Catch::Contains("resnet"));
}

TEST_CASE("autoencoders have PyTorch's parameter counts", "[models]") {
  const std::map<std::string, int64_t> counts{{"linear", 201616}, {"mlp", 468368}, {"conv", 771425}};
  for (const auto& [name, count] : counts) {
    INFO(name);
    TorchCpuGenerator g(1);
    CHECK(make_autoencoder(name, g)->parameter_count() == count);
  }
}

TEST_CASE("linear and mlp state_dict keys and shapes", "[models]") {
  TorchCpuGenerator g(1);
  const safetensors::Dict linear = make_autoencoder("linear", g)->state_dict();
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& [name, entry] : linear) shapes[name] = entry.shape;
  CHECK(shapes == std::map<std::string, std::vector<int64_t>>{{"encoder.weight", {128, 784}},
                                                              {"encoder.bias", {128}},
                                                              {"decoder.weight", {784, 128}},
                                                              {"decoder.bias", {784}}});
  const safetensors::Dict mlp = make_autoencoder("mlp", g)->state_dict();
  shapes.clear();
  for (const auto& [name, entry] : mlp) shapes[name] = entry.shape;
  CHECK(shapes == std::map<std::string, std::vector<int64_t>>{{"encoder.0.weight", {256, 784}},
                                                              {"encoder.0.bias", {256}},
                                                              {"encoder.2.weight", {128, 256}},
                                                              {"encoder.2.bias", {128}},
                                                              {"decoder.0.weight", {256, 128}},
                                                              {"decoder.0.bias", {256}},
                                                              {"decoder.2.weight", {784, 256}},
                                                              {"decoder.2.bias", {784}}});
}

TEST_CASE("conv state_dict: 53 entries with PyTorch's names", "[models]") {
  TorchCpuGenerator g(1);
  const safetensors::Dict state = make_autoencoder("conv", g)->state_dict();
  CHECK(state.size() == 53);
  std::set<std::string> keys;
  for (const auto& [name, entry] : state) keys.insert(name);
  CHECK(keys == conv_model_keys());

  int counters = 0;
  for (const auto& [name, entry] : state) {
    const bool counter = name.size() > 20 && name.compare(name.size() - 19, 19, "num_batches_tracked") == 0;
    INFO(name);
    CHECK(entry.dtype == (counter ? safetensors::DType::I64 : safetensors::DType::F32));
    counters += counter;
  }
  CHECK(counters == 7);

  // Layouts: Conv2d [out, in, k, k]; ConvTranspose2d [in, out, k, k].
  CHECK(state.at("encoder.layer1.0.weight").shape == std::vector<int64_t>{16, 1, 3, 3});
  CHECK(state.at("encoder.layer2.4.weight").shape == std::vector<int64_t>{256, 128, 3, 3});
  CHECK(state.at("encoder.layer1.2.running_var").shape == std::vector<int64_t>{16});
  CHECK(state.at("decoder.layer1.0.weight").shape == std::vector<int64_t>{256, 128, 3, 3});
  CHECK(state.at("decoder.layer1.3.weight").shape == std::vector<int64_t>{64, 128, 3, 3});
  CHECK(state.at("decoder.layer2.0.weight").shape == std::vector<int64_t>{64, 16, 3, 3});
  CHECK(state.at("decoder.layer2.3.weight").shape == std::vector<int64_t>{16, 1, 3, 3});
  CHECK(state.at("decoder.layer2.3.bias").shape == std::vector<int64_t>{1});
  CHECK(state.at("decoder.layer2.2.num_batches_tracked").shape.empty());
}

TEST_CASE("a few Adam steps on a fixed batch lower the loss", "[models]") {
  for (const std::string& name : autoencoder_names()) {
    SECTION(name) {
      TorchCpuGenerator g(5);
      auto model = make_autoencoder(name, g);
      const std::vector<float> losses = train_losses(*model, 4);
      INFO("losses " << Catch::Detail::stringify(losses));
      // Four steps of lr 1e-3 on a batch of 2 move every model clearly downhill; a wrong
      // gradient sign or a broken update leaves the loss flat or raises it.
      CHECK(losses.back() < 0.9f * losses.front());
    }
  }
}

TEST_CASE("a whole model survives a safetensors round trip bit for bit", "[models][safetensors]") {
  for (const std::string& name : autoencoder_names()) {
    INFO(name);
    TorchCpuGenerator first_seed(1), other_seed(2);
    auto model = make_autoencoder(name, first_seed);
    const Tensor images = random_images(3, 11);
    model->forward(images);  // one training-mode pass: BatchNorm buffers and counters move off their initial values
    model->eval();
    const std::vector<float> expected = model->forward(images).to_vector();

    const std::vector<uint8_t> file = safetensors::serialize(model->state_dict());
    auto copy = make_autoencoder(name, other_seed);  // other weights until the load
    copy->load_state_dict(safetensors::parse(file.data(), file.size(), "round trip"), "round trip");
    copy->eval();
    CHECK(safetensors::serialize(copy->state_dict()) == file);
    CHECK(copy->forward(images).to_vector() == expected);
  }
}
