// Tests of the element-wise ops on the CPU: ReLU (kernels/relu.h; exact, gradient 0 at
// exactly 0 as in PyTorch), the mean squared error (kernels/mse_loss.h; mean over all elements),
// and the memory-wide accumulate / fill (kernels/accumulate.h), each on a small odd size and on
// a size past the threshold from which the kernels' loops run on every thread
// (kParallelMinElements = 2^14 elements, kernels/cpu_threads.h).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "kernels/accumulate.h"
#include "kernels/cpu_runtime.h"
#include "kernels/mse_loss.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;

namespace {

// The largest size is odd and past the threshold, so the loops run on the threads and split unevenly.
const std::vector<int64_t> kSizes{7, 37 * 784, cpu::kParallelMinElements + 3};

// ReLU is a selection: exact.
constexpr Tolerance kExact{0.0, 0.0};

}  // namespace

TEST_CASE("relu forward and backward are exact", "[kernels][relu]") {
  for (int64_t n : kSizes) {
    INFO(n << " elements");
    Tensor x = random_tensor({n}, 1);
    x.set_requires_grad(true);
    const Tensor y = ops::relu(x);
    CHECK(approx_equal(y, relu_reference(values_of(x)), kExact));

    const std::vector<float> R = random_values(n, 2);
    weighted_sum(y, R).backward();
    const std::vector<float> xs = x.to_vector();
    std::vector<double> expected(xs.size());
    for (size_t i = 0; i < xs.size(); ++i) expected[i] = xs[i] > 0.0f ? R[i] : 0.0;
    CHECK(approx_equal(x.grad(), expected, kExact));
  }
}

TEST_CASE("relu at exactly zero: output 0, gradient 0", "[kernels][relu]") {
  const float denormal = std::numeric_limits<float>::denorm_min();
  Tensor x = Tensor::from_vector({6}, {0.0f, -0.0f, denormal, -denormal, 2.5f, -2.5f});
  x.set_requires_grad(true);
  const Tensor y = ops::relu(x);
  CHECK(y.to_vector() == std::vector<float>{0.0f, 0.0f, denormal, 0.0f, 2.5f, 0.0f});
  weighted_sum(y, {1, 2, 3, 4, 5, 6}).backward();
  CHECK(x.grad().to_vector() == std::vector<float>{0, 0, 3, 0, 5, 0});
}

TEST_CASE("relu passes a NaN through forward and backward, as PyTorch does", "[kernels][relu]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = Tensor::from_vector({3}, {nan, -1.0f, 2.0f}).set_requires_grad(true);
  Tensor y = ops::relu(x);
  const std::vector<float> out = y.to_vector();
  CHECK(std::isnan(out[0]));
  CHECK(out[1] == 0.0f);
  CHECK(out[2] == 2.0f);
  ops::mse_loss(y, Tensor::zeros({3})).backward();
  CHECK(std::isnan(x.grad().to_vector()[0]));  // 2 (NaN - 0) / 3, passed through
}

TEST_CASE("relu gradient matches central differences away from 0", "[kernels][relu]") {
  Tensor x = random_tensor({3, 37}, 3);
  x.set_requires_grad(true);
  const std::vector<float> xs = x.to_vector();
  GradientCheckOptions options;
  options.samples = 40;
  // Within 1e-2 of the kink the step could cross it.
  options.near_kink = [&](size_t, int64_t e) { return std::abs(xs[static_cast<size_t>(e)]) < 1e-2f; };
  // Away from 0, L is linear in x: the double difference is exact, the gradient a copy of R.
  options.tolerance = {1e-7, 1e-7};
  check_gradients(
      {x}, [&] { return ops::relu(x); }, [&] { return relu_reference(values_of(x)); }, options);
}

TEST_CASE("mse_loss is the mean of the squared errors over all elements", "[kernels][mse]") {
  for (int64_t n : kSizes) {
    INFO(n << " elements");
    const Tensor prediction = random_tensor({n}, 4), target = random_tensor({n}, 5, 0.0f, 1.0f);
    const double expected = mse_reference(values_of(prediction), values_of(target));
    // Each squared error is ~3 roundings (relative 2e-7) of a positive term, summed in double:
    // the mean is within ~2e-7 relative, and 1e-6 leaves a margin of 5.
    CHECK(approx_equal(ops::mse_loss(prediction, target), {expected}, {0.0, 1e-6}));
  }
  // Shape [2, 3] with hand-computed errors 1, 2, 0, -1, 0.5, 3: (1 + 4 + 0 + 1 + 0.25 + 9) / 6.
  const Tensor p = Tensor::from_vector({2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor t = Tensor::from_vector({2, 3}, {0, 0, 3, 5, 4.5f, 3});
  CHECK(ops::mse_loss(p, t).item() == Approx(15.25 / 6).epsilon(1e-7));
  CHECK(ops::mse_loss(p, t).shape() == Shape{});
}

TEST_CASE("mse_loss gradient is 2 (p - t) / n times the incoming gradient", "[kernels][mse]") {
  for (int64_t n : kSizes) {
    INFO(n << " elements");
    Tensor prediction = random_tensor({n}, 6);
    const Tensor target = random_tensor({n}, 7);
    prediction.set_requires_grad(true);
    ops::mse_loss(prediction, target).backward();
    const std::vector<double> p = values_of(prediction), t = values_of(target);
    std::vector<double> expected(p.size());
    for (size_t i = 0; i < p.size(); ++i) expected[i] = 2.0 * (p[i] - t[i]) / static_cast<double>(n);
    // (p - t), 2/n and the product are each one rounding: 2e-7 relative; 1e-6 has a margin of 5.
    CHECK(approx_equal(prediction.grad(), expected, {0.0, 1e-6}));

    // The kernel scales by the loss's own incoming gradient (here 3), read from a buffer.
    const float grad_loss = 3.0f;
    std::vector<float> scaled(static_cast<size_t>(n));
    cpu::mse_loss_backward(prediction.data(), target.data(), &grad_loss, scaled.data(), n);
    for (double& e : expected) e *= 3.0;
    CHECK(approx_equal(scaled, expected, {0.0, 1e-6}));
  }
}

TEST_CASE("mse_loss gradient matches central differences", "[kernels][mse]") {
  Tensor prediction = random_tensor({5, 7}, 8);
  const Tensor target = random_tensor({5, 7}, 9);
  prediction.set_requires_grad(true);
  GradientCheckOptions options;
  // L is quadratic in each element: the double central difference is exact up to rounding
  // (~1e-12); the float gradient is within 1e-6 relative (above).
  options.tolerance = {1e-8, 1e-6};
  check_gradients(
      {prediction}, [&] { return ops::mse_loss(prediction, target); },
      [&] { return std::vector<double>{mse_reference(values_of(prediction), values_of(target))}; }, options);
}

TEST_CASE("mse_loss rejects a target that requires grad and mismatched shapes", "[kernels][mse]") {
  const Tensor p = random_tensor({3, 4}, 10);
  Tensor target = random_tensor({3, 4}, 11);
  target.set_requires_grad(true);
  CHECK_THROWS_WITH(ops::mse_loss(p, target), Catch::Contains("target"));
  CHECK_THROWS_WITH(ops::mse_loss(p, random_tensor({4, 3}, 12)),
                    Catch::Contains("[3, 4]") && Catch::Contains("[4, 3]"));
}

TEST_CASE("accumulate adds in place and fill sets every element", "[kernels][accumulate]") {
  for (int64_t n : kSizes) {
    INFO(n << " elements");
    std::vector<float> y = random_values(n, 13);
    const std::vector<float> before = y, x = random_values(n, 14);
    cpu::accumulate(y.data(), x.data(), n);
    std::vector<double> expected(static_cast<size_t>(n));
    for (size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<double>(before[i]) + x[i];
    // One float addition: within half an ulp (2^-24 relative) of the exact sum.
    CHECK(approx_equal(y, expected, {0.0, 6e-8}));

    cpu::fill(y.data(), -1.25f, n);
    CHECK(approx_equal(y, std::vector<double>(static_cast<size_t>(n), -1.25), kExact));
  }
  // Only the n elements asked for are touched.
  std::vector<float> guarded{1, 2, 3, 4};
  cpu::fill(guarded.data(), 0.0f, 3);
  CHECK(guarded == std::vector<float>{0, 0, 0, 4});
}

TEST_CASE("autograd's accumulate checks shapes", "[kernels][accumulate]") {
  CHECK_THROWS_WITH(accumulate(Tensor::zeros({3}), Tensor::zeros({4}), "test"),
                    Catch::Contains("test") && Catch::Contains("[4]"));
  const Tensor a = Tensor::full({2, 2}, 1.0f);
  accumulate(a, Tensor::full({2, 2}, 2.5f), "test");
  CHECK(a.to_vector() == std::vector<float>{3.5f, 3.5f, 3.5f, 3.5f});
}
