// Tests of the fully connected op (kernels/linear.h, kernels/bias.h, ops::linear) on the CPU:
// forward against the double reference, every gradient against the exact reference gradients
// and against central differences, the kernels' "each call overwrites its output" contract,
// the bias kernels on their own, and shape errors.
#include <catch2/catch.hpp>

#include <limits>

#include "core/error.h"
#include "core/ops.h"
#include "kernels/bias.h"
#include "kernels/linear.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;

namespace {

// Awkward sizes, the linear model's encoder (K = 784) and decoder, and the smallest case.
const std::vector<LinearGeometry> kGeometries{{37, 29, 13}, {3, 784, 128}, {5, 128, 784}, {1, 1, 1}};

std::string describe(const LinearGeometry& g) {
  return "batch " + std::to_string(g.batch) + ", " + std::to_string(g.in_features) + " -> " +
         std::to_string(g.out_features);
}

}  // namespace

TEST_CASE("linear forward matches the double reference", "[kernels][linear]") {
  for (const LinearGeometry& g : kGeometries) {
    INFO(describe(g));
    const Tensor x = random_tensor(g.x_shape(), 1), weight = random_tensor(g.weight_shape(), 2);
    const Tensor bias = random_tensor({g.out_features}, 3);
    const Reference expected = bilinear_reference(g, values_of(x), values_of(weight), values_of(bias));
    CHECK(approx_equal(ops::linear(x, weight, bias), expected.value, kGemmTolerance, expected.magnitude));

    const Reference no_bias = bilinear_reference(g, values_of(x), values_of(weight), {});
    CHECK(approx_equal(ops::linear(x, weight, Tensor()), no_bias.value, kGemmTolerance, no_bias.magnitude));
  }
}

TEST_CASE("linear gradients match the exact reference gradients", "[kernels][linear]") {
  for (const LinearGeometry& g : kGeometries) {
    INFO(describe(g));
    Tensor x = random_tensor(g.x_shape(), 4), weight = random_tensor(g.weight_shape(), 5);
    Tensor bias = random_tensor({g.out_features}, 6);
    x.set_requires_grad(true);
    weight.set_requires_grad(true);
    bias.set_requires_grad(true);
    const std::vector<float> R = random_values(g.y_shape().numel(), 7);
    weighted_sum(ops::linear(x, weight, bias), R).backward();

    const BilinearGradients expected =
        bilinear_gradients(g, values_of(x), values_of(weight), to_double(R), g.out_features);
    CHECK(approx_equal(x.grad(), expected.x.value, kGemmTolerance, expected.x.magnitude));
    CHECK(approx_equal(weight.grad(), expected.weight.value, kGemmTolerance, expected.weight.magnitude));
    CHECK(approx_equal(bias.grad(), expected.bias.value, kGemmTolerance, expected.bias.magnitude));
  }
}

TEST_CASE("linear gradients match central differences of the reference", "[kernels][linear]") {
  const LinearGeometry g{7, 11, 5};
  Tensor x = random_tensor(g.x_shape(), 8), weight = random_tensor(g.weight_shape(), 9);
  Tensor bias = random_tensor({g.out_features}, 10);
  for (Tensor* t : {&x, &weight, &bias}) t->set_requires_grad(true);
  GradientCheckOptions options;
  // L is linear in each element, so the double central difference is exact to ~1e-12; the
  // float gradients are sums of <= 11 terms of order 1: 1e-5 is ~100 roundings.
  options.tolerance = {1e-5, 1e-5};
  check_gradients(
      {x, weight, bias}, [&] { return ops::linear(x, weight, bias); },
      [&] { return bilinear_reference(g, values_of(x), values_of(weight), values_of(bias)).value; }, options);
}

TEST_CASE("linear kernels overwrite their outputs", "[kernels][linear]") {
  // Outputs start as NaN: any read of the old contents (beta != 0) would leave NaN behind.
  const LinearGeometry g{9, 31, 6};
  const LinearShape shape{g.batch, g.in_features, g.out_features};
  const std::vector<float> x = random_values(g.x_shape().numel(), 11);
  const std::vector<float> weight = random_values(g.weight_shape().numel(), 12);
  const std::vector<float> dy = random_values(g.y_shape().numel(), 13);
  const float nan = std::numeric_limits<float>::quiet_NaN();

  std::vector<float> y(dy.size(), nan), dx(x.size(), nan), dweight(weight.size(), nan);
  cpu::linear_forward(x.data(), weight.data(), y.data(), shape);
  cpu::linear_backward_input(dy.data(), weight.data(), dx.data(), shape);
  cpu::linear_backward_weight(dy.data(), x.data(), dweight.data(), shape);

  const Reference forward = bilinear_reference(g, to_double(x), to_double(weight), {});
  const BilinearGradients backward =
      bilinear_gradients(g, to_double(x), to_double(weight), to_double(dy), g.out_features);
  CHECK(approx_equal(y, forward.value, kGemmTolerance, forward.magnitude));
  CHECK(approx_equal(dx, backward.x.value, kGemmTolerance, backward.x.magnitude));
  CHECK(approx_equal(dweight, backward.weight.value, kGemmTolerance, backward.weight.magnitude));
}

TEST_CASE("bias kernels add per channel and sum per channel", "[kernels][bias]") {
  // {37, 13, 1} is a Linear layer's; {37, 13, 200} is past the kernels' parallel threshold.
  for (const BiasShape shape : {BiasShape{37, 13, 1}, BiasShape{37, 13, 200}, BiasShape{3, 5, 49}}) {
    INFO("bias shape " << shape.batch << " x " << shape.channels << " x " << shape.spatial);
    const int64_t n = shape.batch * shape.channels * shape.spatial;
    std::vector<float> y = random_values(n, 14);
    const std::vector<float> y_before = y, bias = random_values(shape.channels, 15);
    cpu::bias_forward(y.data(), bias.data(), shape);
    std::vector<double> expected(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const auto c = static_cast<size_t>((i / shape.spatial) % shape.channels);
      expected[static_cast<size_t>(i)] = static_cast<double>(y_before[static_cast<size_t>(i)]) + bias[c];
    }
    // One float addition: within half an ulp of the exact sum.
    CHECK(approx_equal(y, expected, {0.0, 6e-8}));

    std::vector<float> dbias(static_cast<size_t>(shape.channels), std::numeric_limits<float>::quiet_NaN());
    cpu::bias_backward(y_before.data(), dbias.data(), shape);
    std::vector<double> sums(static_cast<size_t>(shape.channels), 0.0), magnitude(sums);
    for (int64_t i = 0; i < n; ++i) {
      const auto c = static_cast<size_t>((i / shape.spatial) % shape.channels);
      sums[c] += y_before[static_cast<size_t>(i)];
      magnitude[c] += std::abs(y_before[static_cast<size_t>(i)]);
    }
    CHECK(approx_equal(dbias, sums, kGemmTolerance, magnitude));
  }
}

TEST_CASE("linear rejects mismatched shapes with the shapes in the message", "[kernels][linear]") {
  const Tensor x = random_tensor({3, 4}, 16), weight = random_tensor({5, 6}, 17);
  CHECK_THROWS_WITH(ops::linear(x, weight, Tensor()), Catch::Contains("[3, 4]") && Catch::Contains("[5, 6]"));
  const Tensor good_weight = random_tensor({5, 4}, 18), bad_bias = random_tensor({4}, 19);
  CHECK_THROWS_AS(ops::linear(x, good_weight, bad_bias), Error);
  CHECK_THROWS_AS(ops::linear(random_tensor({3, 4, 1, 1}, 20), good_weight, Tensor()), Error);
}
