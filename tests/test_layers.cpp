// Tests of layers/ on the CPU: state_dict names as PyTorch composes them (nested and named
// Sequentials), parameter counts, PyTorch's default initialization bounds (fan_in of a
// ConvTranspose2d is C_out * k * k), strict load_state_dict errors, train/eval propagation,
// Module::to(CPU) as a no-op, and every layer's backward by central differences through the
// layer itself (float32).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"
#include "core/safetensors.h"
#include "layers/activation.h"
#include "layers/batch_norm2d.h"
#include "layers/conv2d.h"
#include "layers/linear.h"
#include "layers/sequential.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;
using Catch::Contains;

namespace {

// Sequential(Linear(5, 4), ReLU, Sequential(Conv2d(1, 3, 3), BatchNorm2d(3)))
std::shared_ptr<Sequential> nested_model(TorchCpuGenerator& g) {
  auto inner = std::make_shared<Sequential>();
  inner->add(std::make_shared<Conv2d>(1, 3, 3, ConvOptions{}, g)).add(std::make_shared<BatchNorm2d>(3));
  auto outer = std::make_shared<Sequential>();
  outer->add(std::make_shared<Linear>(5, 4, g)).add(std::make_shared<ReLU>()).add(inner);
  return outer;
}

std::map<std::string, std::vector<int64_t>> names_and_shapes(const safetensors::Dict& state) {
  std::map<std::string, std::vector<int64_t>> result;
  for (const auto& [name, entry] : state) result[name] = entry.shape;
  return result;
}

// Every layer's parameters, then the input: the tensors a layer's gradient check covers.
std::vector<Tensor> parameters_and(const Module& layer, const Tensor& x) {
  std::vector<Tensor> tensors = layer.parameters();
  tensors.push_back(x);
  return tensors;
}

// Central differences of the layer's own float32 forward, h = 1e-2 (GradientCheckOptions):
// outputs of order 1, a few hundred of them, give L ~3e-6 of rounding noise, 1.5e-4 after
// dividing by 2h; 2e-3 absolute leaves a margin of >10, and 5e-3 relative covers the
// truncation error h^2/6 L''' of BatchNorm's curvature.
GradientCheckOptions layer_check_options() {
  GradientCheckOptions options;
  options.step = 1e-2;
  options.tolerance = {2e-3, 5e-3};
  return options;
}

void check_layer_gradients(Module& layer, const Tensor& x, GradientCheckOptions options) {
  check_gradients(
      parameters_and(layer, x), [&] { return layer(x); }, evaluate_without_grad([&] { return layer(x); }), options);
}

Tensor input(const Shape& shape, uint32_t seed) {
  Tensor x = random_tensor(shape, seed);
  x.set_requires_grad(true);
  return x;
}

}  // namespace

TEST_CASE("state_dict names compose like PyTorch's", "[layers]") {
  TorchCpuGenerator g(1);
  auto model = nested_model(g);
  const std::map<std::string, std::vector<int64_t>> expected{
      {"0.weight", {4, 5}},      {"0.bias", {4}},          {"2.0.weight", {3, 1, 3, 3}},
      {"2.0.bias", {3}},         {"2.1.weight", {3}},      {"2.1.bias", {3}},
      {"2.1.running_mean", {3}}, {"2.1.running_var", {3}}, {"2.1.num_batches_tracked", {}}};
  const safetensors::Dict state = model->state_dict();
  CHECK(names_and_shapes(state) == expected);
  CHECK(state.at("2.1.num_batches_tracked").dtype == safetensors::DType::I64);
  CHECK(state.at("2.1.running_var").dtype == safetensors::DType::F32);

  // Named children, as in the conv model's "layer1", "layer2".
  auto named = std::make_shared<Sequential>();
  named->add("layer1", nested_model(g));
  CHECK(named->state_dict().count("layer1.2.1.running_mean") == 1);

  // Parameters only (no buffers, no counters), in registration order.
  std::vector<std::string> parameter_names;
  for (const auto& [name, tensor] : model->named_parameters()) parameter_names.push_back(name);
  CHECK(parameter_names ==
        std::vector<std::string>{"0.weight", "0.bias", "2.0.weight", "2.0.bias", "2.1.weight", "2.1.bias"});
  CHECK(model->parameter_count() == 4 * 5 + 4 + 3 * 9 + 3 + 3 + 3);
}

TEST_CASE("layers count their parameters as PyTorch does", "[layers]") {
  TorchCpuGenerator g(2);
  CHECK(Linear(784, 128, g).parameter_count() == 784 * 128 + 128);
  CHECK(Conv2d(16, 32, 3, ConvOptions{1, 1, 0}, g).parameter_count() == 32 * 16 * 9 + 32);
  CHECK(ConvTranspose2d(256, 128, 3, ConvOptions{2, 1, 1}, g).parameter_count() == 256 * 128 * 9 + 128);
  CHECK(BatchNorm2d(64).parameter_count() == 128);  // running statistics are buffers
  CHECK(ReLU().parameter_count() == 0);
  CHECK(MaxPool2d().parameter_count() == 0);
}

TEST_CASE("default initialization is uniform within 1/sqrt(fan_in)", "[layers]") {
  // C_in != C_out, so a ConvTranspose2d using C_in * k * k (bound 1/sqrt(27) = 0.19) instead
  // of C_out * k * k (1/sqrt(45) = 0.149) would exceed the bound: of 135 weights uniform in
  // +-0.19, all stay within 0.149 with probability 0.78^135 ~ 1e-15.
  struct Case {
    const char* name;
    std::shared_ptr<Module> layer;
    int64_t fan_in;
  };
  TorchCpuGenerator g(3);
  const std::vector<Case> cases{
      {"Linear(37, 5)", std::make_shared<Linear>(37, 5, g), 37},
      {"Conv2d(3, 5, 3)", std::make_shared<Conv2d>(3, 5, 3, ConvOptions{}, g), 3 * 9},
      {"ConvTranspose2d(3, 5, 3)", std::make_shared<ConvTranspose2d>(3, 5, 3, ConvOptions{2, 1, 1}, g), 5 * 9},
      {"ConvTranspose2d(16, 1, 3)", std::make_shared<ConvTranspose2d>(16, 1, 3, ConvOptions{2, 1, 1}, g), 1 * 9},
  };
  for (const Case& c : cases) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(c.fan_in));
    for (const auto& [name, tensor] : c.layer->named_parameters()) {
      INFO(c.name << " " << name << ", bound " << bound);
      const std::vector<float> v = tensor.to_vector();
      const auto [low, high] = std::minmax_element(v.begin(), v.end());
      CHECK(*low >= -bound);
      CHECK(*high <= bound);
      // Spread out, not constant. >= 45 uniform values all miss the outer two thirds on one
      // side with probability (2/3)^45 ~ 1e-8; 5 values all within a band of bound / 10 with
      // probability ~5 (1/20)^4 ~ 3e-5; a single value is 0 with probability 0.
      if (v.size() >= 45) {
        CHECK(*low < -bound / 3);
        CHECK(*high > bound / 3);
      } else if (v.size() > 1) {
        CHECK(*high - *low > bound / 10);
      } else {
        CHECK(v[0] != 0.0f);
      }
    }
  }
  // The same seed draws the same weights.
  TorchCpuGenerator a(9), b(9);
  CHECK(Linear(7, 3, a).named_parameters()[0].second.to_vector() ==
        Linear(7, 3, b).named_parameters()[0].second.to_vector());
}

TEST_CASE("initialization draws bit for bit what PyTorch draws from the same seed", "[layers]") {
  // Expected values from PyTorch 1.13 (printed with %.9g, which round-trips float32):
  //   torch.manual_seed(7); lin = nn.Linear(3, 2); ct = nn.ConvTranspose2d(2, 1, 2)
  // Three of these 17 values differ in the last bit when x * (to - from) + from is rounded
  // twice instead of once (fmaf), and any change to the bounds, the bits taken from each
  // word or the order of the draws changes them all.
  TorchCpuGenerator g(7);
  const Linear linear(3, 2, g);
  const ConvTranspose2d transposed(2, 1, 2, ConvOptions{}, g);
  const std::map<std::string, std::vector<float>> expected{
      {"linear.weight", {0.0403250754f, -0.347792119f, 0.183841825f, 0.181161284f, -0.308580369f, -0.0865316316f}},
      {"linear.bias", {-0.338227928f, 0.149806648f}},
      {"transposed.weight",
       {-0.134683847f, 0.351268351f, 0.354943156f, 0.0509352088f, -0.213160992f, -0.293680608f, -0.0549098253f,
        -0.140714049f}},
      {"transposed.bias", {0.220380425f}},
  };
  std::map<std::string, std::vector<float>> drawn;
  for (const auto& [name, tensor] : linear.named_parameters()) drawn["linear." + name] = tensor.to_vector();
  for (const auto& [name, tensor] : transposed.named_parameters()) drawn["transposed." + name] = tensor.to_vector();
  CHECK(drawn == expected);
}

TEST_CASE("load_state_dict is strict and names every problem", "[layers]") {
  TorchCpuGenerator g(4);
  auto source = nested_model(g);
  auto target = nested_model(g);  // other weights
  const safetensors::Dict good = source->state_dict();

  SECTION("a matching dict loads every tensor and counter") {
    safetensors::Dict state = good;
    const int64_t batches = 7;
    state["2.1.num_batches_tracked"] = safetensors::make_i64({}, &batches);
    target->load_state_dict(state, "good.safetensors");
    const safetensors::Dict loaded = target->state_dict();
    for (const auto& [name, entry] : state) {
      INFO(name);
      CHECK(loaded.at(name).bytes == entry.bytes);
    }
  }
  SECTION("missing, unexpected and mis-shaped tensors are all listed") {
    safetensors::Dict state = good;
    state.erase("0.weight");
    state.erase("2.1.running_var");
    state["extra.weight"] = state.at("0.bias");
    const std::vector<float> five(5, 0.0f);
    state["2.0.bias"] = safetensors::make_f32({5}, five.data());
    const int64_t one = 1;
    state["2.1.running_mean"] = safetensors::make_i64({}, &one);
    const std::vector<float> before = target->named_parameters()[1].second.to_vector();
    CHECK_THROWS_WITH(target->load_state_dict(state, "bad.safetensors"),
                      Contains("bad.safetensors") && Contains("missing (2): 0.weight 2.1.running_var") &&
                          Contains("unexpected (1): extra.weight") &&
                          Contains("2.0.bias (expected F32 [3], found F32 [5])") &&
                          Contains("2.1.running_mean (expected F32 [3], found I64 [])"));
    CHECK(target->named_parameters()[1].second.to_vector() == before);  // nothing loaded
  }
  SECTION("a counter stored as F32 is a dtype mismatch") {
    safetensors::Dict state = good;
    const float f = 1.0f;
    state["2.1.num_batches_tracked"] = safetensors::make_f32({}, &f);
    CHECK_THROWS_WITH(target->load_state_dict(state, "x"),
                      Contains("2.1.num_batches_tracked (expected I64 [], found F32 [])"));
  }
}

TEST_CASE("train and eval reach every nested module", "[layers]") {
  TorchCpuGenerator g(5);
  auto model = nested_model(g);
  auto inner = std::static_pointer_cast<Sequential>((*model)[2]);
  auto batch_norm = (*inner)[1];
  CHECK(batch_norm->is_training());
  model->eval();
  CHECK_FALSE(model->is_training());
  CHECK_FALSE(inner->is_training());
  CHECK_FALSE(batch_norm->is_training());
  CHECK_FALSE((*model)[0]->is_training());

  // In evaluation the BatchNorm leaves its statistics and counter alone.
  const Tensor x = random_tensor({2, 1, 6, 6}, 6);
  const safetensors::Dict before = inner->state_dict();
  (*inner)(x);
  const safetensors::Dict after = inner->state_dict();
  for (const auto& [name, entry] : before) {
    INFO(name);
    CHECK(after.at(name).bytes == entry.bytes);
  }
  model->train();
  CHECK(batch_norm->is_training());
  (*inner)(x);
  CHECK(safetensors::to_i64(inner->state_dict().at("1.num_batches_tracked"), "n")[0] == 1);
}

TEST_CASE("Module::to(CPU) on a CPU module changes nothing", "[layers]") {
  TorchCpuGenerator g(6);
  auto model = nested_model(g);
  std::vector<float*> pointers;
  std::vector<std::vector<float>> values;
  for (const auto& list : {model->named_parameters(), model->named_buffers()})
    for (const auto& [name, t] : list) {
      pointers.push_back(t.data());
      values.push_back(t.to_vector());
    }
  model->to(Device::CPU);
  size_t i = 0;
  for (const auto& list : {model->named_parameters(), model->named_buffers()})
    for (const auto& [name, t] : list) {
      INFO(name);
      CHECK(t.data() == pointers[i]);
      CHECK(t.to_vector() == values[i]);
      CHECK(t.device() == Device::CPU);
      ++i;
    }
}

TEST_CASE("zero_grad zeroes every parameter's gradient in place", "[layers]") {
  TorchCpuGenerator g(7);
  Linear layer(4, 3, g);
  weighted_sum(layer(random_tensor({2, 4}, 8)), random_values(6, 9)).backward();
  const float* grad_data = layer.parameters()[0].grad().data();
  layer.zero_grad();
  CHECK(layer.parameters()[0].grad().data() == grad_data);
  for (const Tensor& p : layer.parameters())
    CHECK(p.grad().to_vector() == std::vector<float>(static_cast<size_t>(p.numel()), 0.0f));
}

TEST_CASE("layer gradients match central differences through the layer", "[layers]") {
  TorchCpuGenerator g(10);
  SECTION("Linear") {
    Linear layer(13, 7, g);
    check_layer_gradients(layer, input({5, 13}, 11), layer_check_options());
  }
  SECTION("Conv2d, stride 2, padding 1") {
    Conv2d layer(3, 4, 3, ConvOptions{2, 1, 0}, g);
    check_layer_gradients(layer, input({2, 3, 7, 7}, 12), layer_check_options());
  }
  SECTION("ConvTranspose2d, stride 2, padding 1, output_padding 1") {
    ConvTranspose2d layer(4, 3, 3, ConvOptions{2, 1, 1}, g);
    check_layer_gradients(layer, input({2, 4, 4, 4}, 13), layer_check_options());
  }
  SECTION("BatchNorm2d, training") {
    BatchNorm2d layer(3);
    check_layer_gradients(layer, input({4, 3, 3, 3}, 14), layer_check_options());
  }
  SECTION("BatchNorm2d, evaluation") {
    BatchNorm2d layer(3);
    layer(random_tensor({4, 3, 3, 3}, 15, -2.0f, 3.0f));  // moves the running statistics
    layer.eval();
    check_layer_gradients(layer, input({4, 3, 3, 3}, 16), layer_check_options());
  }
  SECTION("ReLU, away from 0") {
    ReLU layer;
    const Tensor x = input({3, 17}, 17);
    const std::vector<float> xs = x.to_vector();
    GradientCheckOptions options = layer_check_options();
    options.near_kink = [&](size_t, int64_t e) { return std::abs(xs[static_cast<size_t>(e)]) < 2e-2f; };
    check_layer_gradients(layer, x, options);
  }
  SECTION("MaxPool2d, away from near-ties") {
    MaxPool2d layer;
    const Tensor x = input({2, 3, 5, 5}, 18);
    const std::vector<double> gaps = pool_window_gaps(PoolGeometry{2, 3, 5, 5}, values_of(x));
    GradientCheckOptions options = layer_check_options();
    options.near_kink = [&](size_t, int64_t e) { return gaps[static_cast<size_t>(e)] < 3e-2; };
    check_layer_gradients(layer, x, options);
  }
  SECTION("Flatten and Unflatten") {
    Sequential layer;
    layer.add(std::make_shared<Flatten>()).add(std::make_shared<Unflatten>(std::vector<int64_t>{2, 6}));
    const Tensor x = input({3, 4, 3}, 19);
    CHECK(layer(x).shape() == Shape{3, 2, 6});
    check_layer_gradients(layer, x, layer_check_options());
  }
  SECTION("a stack: Conv2d, ReLU, BatchNorm2d (evaluation), MaxPool2d, Flatten, Linear") {
    Sequential layer;
    layer.add(std::make_shared<Conv2d>(2, 3, 3, ConvOptions{1, 1, 0}, g))
        .add(std::make_shared<ReLU>())
        .add(std::make_shared<BatchNorm2d>(3))
        .add(std::make_shared<MaxPool2d>())
        .add(std::make_shared<Flatten>())
        .add(std::make_shared<Linear>(3 * 3 * 3, 4, g));
    layer(random_tensor({3, 2, 6, 6}, 21));  // running statistics away from (0, 1)
    // With BatchNorm evaluating, L is piecewise linear in every single element, so its second
    // difference is 0 (up to ~1e-5 of float noise) except where a ReLU or a window's maximum
    // changes under the step, which skip_detected_kinks finds anywhere in the stack.
    // (Training-mode BatchNorm curves L, and is checked on its own above.) Each conv weight
    // moves all 108 pre-activations of its channel, so a step of 1e-2 crosses a ReLU kink more
    // often than not: 2e-3 crosses fewer, and L sums only 12 outputs, so its float noise
    // (~1e-7) is still only ~3e-5 after dividing by 2h.
    layer.eval();
    GradientCheckOptions options = layer_check_options();
    options.step = 2e-3;
    options.skip_detected_kinks = true;
    options.samples = 12;
    check_layer_gradients(layer, input({3, 2, 6, 6}, 20), options);
  }
}

TEST_CASE("BatchNorm2d counts training batches in num_batches_tracked", "[layers][batch_norm]") {
  BatchNorm2d layer(3);
  const Tensor x = random_tensor({2, 3, 4, 4}, 60);
  for (int i = 0; i < 3; ++i) layer(x);
  auto count = [&] { return safetensors::to_i64(layer.state_dict().at("num_batches_tracked"), "count")[0]; };
  CHECK(count() == 3);
  const std::vector<float> running_var = layer.named_buffers()[1].second.to_vector();
  layer.eval();
  layer(x);
  CHECK(count() == 3);
  CHECK(layer.named_buffers()[1].second.to_vector() == running_var);
  layer.train();
  layer(x);
  CHECK(count() == 4);
}
