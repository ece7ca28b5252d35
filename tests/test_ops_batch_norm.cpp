// Tests of batch normalization (kernels/batch_norm2d.h, ops::batch_norm2d)
// on the CPU: training forward (biased variance normalizes) and evaluation forward against the
// double reference, running statistics over several steps against hand-computed values
// (unbiased variance, momentum 0.1), gradients in both modes against central differences of
// the reference. (The layer's num_batches_tracked: test_layers.cpp.)
#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.h"
#include "core/ops.h"
#include "layers/batch_norm2d.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;

namespace {

struct BatchNormCase {
  Shape shape;
  const char* why;
};

// M = N*H*W values per channel: 147, 148 with batch 37, and M = 4, where the unbiased
// variance is 4/3 of the biased one, so using the wrong one anywhere is plain to see.
const std::vector<BatchNormCase> kCases{{{3, 5, 7, 7}, "7x7 maps, 5 channels"},
                                        {{37, 3, 2, 2}, "batch 37"},
                                        {{2, 3, 1, 2}, "M = 4"}};

constexpr double kEps = 1e-5;

// The output is ~5 float roundings of (x - mean) * inv_std * weight + bias, values of order 1
// (x is drawn with a mean of 1 and std ~1.2, so inv_std <= ~3 even for M = 4; weights near 1):
// 1e-5 absolute and relative leaves a margin of ~20 over those roundings.
constexpr Tolerance kOutputTolerance{1e-5, 1e-5};

// Running statistics are updated in double and stored in float: one rounding per step
// (6e-8 relative), over 4 steps; 1e-6 relative leaves a margin of 4.
constexpr Tolerance kRunningTolerance{1e-7, 1e-6};

struct BatchNormTensors {
  Tensor x, weight, bias, running_mean, running_var;
};

BatchNormTensors make_tensors(const Shape& shape, uint32_t seed) {
  const Shape channels{shape[1]};
  BatchNormTensors t{random_tensor(shape, seed, -1.0f, 3.0f), random_tensor(channels, seed + 1, 0.5f, 1.5f),
                     random_tensor(channels, seed + 2), Tensor::zeros(channels), Tensor::full(channels, 1.0f)};
  for (Tensor* p : {&t.x, &t.weight, &t.bias}) p->set_requires_grad(true);
  return t;
}

Tensor run(const BatchNormTensors& t, bool training) {
  ops::BatchNormOptions options;
  options.training = training;
  return ops::batch_norm2d(t.x, t.weight, t.bias, t.running_mean, t.running_var, options);
}

}  // namespace

TEST_CASE("batch_norm2d training forward normalizes with the biased batch variance", "[kernels][batch_norm]") {
  for (const BatchNormCase& c : kCases) {
    INFO(c.why << ", x " << c.shape);
    const BatchNormTensors t = make_tensors(c.shape, 1);
    const Tensor y = run(t, true);
    const int64_t spatial = c.shape[2] * c.shape[3];
    const BatchNormReference expected =
        batch_norm_train_reference(values_of(t.x), values_of(t.weight), values_of(t.bias), c.shape[0], c.shape[1],
                                   spatial, kEps);
    CHECK(approx_equal(y, expected.y, kOutputTolerance));

    // One step from (0, 1) with momentum 0.1.
    std::vector<double> mean(expected.mean.size()), var(expected.mean.size()), biased_var(mean);
    for (size_t k = 0; k < mean.size(); ++k) {
      mean[k] = 0.1 * expected.mean[k];
      var[k] = 0.9 + 0.1 * expected.unbiased_var[k];
      biased_var[k] = 0.9 + 0.1 * expected.biased_var[k];
      // The test can tell the two variances apart: they differ by far more than the tolerance.
      REQUIRE(std::abs(var[k] - biased_var[k]) > 100 * kRunningTolerance.allowed(var[k], 0.0));
    }
    CHECK(approx_equal(t.running_mean, mean, kRunningTolerance));
    CHECK(approx_equal(t.running_var, var, kRunningTolerance));
  }
}

TEST_CASE("batch_norm2d running statistics over several steps", "[kernels][batch_norm]") {
  const Shape shape{4, 3, 5, 5};
  const int64_t M = 4 * 25;
  const BatchNormTensors t = make_tensors(shape, 10);
  std::vector<double> running_mean(3, 0.0), running_var(3, 1.0);
  for (uint32_t step = 0; step < 4; ++step) {
    // A new batch each step, with a different mean and spread.
    t.x.copy_from(random_tensor(shape, 20 + step, -2.0f + step, 1.0f + 2.0f * step));
    run(t, true);
    const std::vector<double> x = values_of(t.x);
    for (size_t c = 0; c < 3; ++c) {
      double sum = 0.0, squares = 0.0;
      for (int64_t n = 0; n < 4; ++n)
        for (int64_t s = 0; s < 25; ++s) sum += x[static_cast<size_t>((n * 3 + static_cast<int64_t>(c)) * 25 + s)];
      const double mean = sum / M;
      for (int64_t n = 0; n < 4; ++n)
        for (int64_t s = 0; s < 25; ++s) {
          const double d = x[static_cast<size_t>((n * 3 + static_cast<int64_t>(c)) * 25 + s)] - mean;
          squares += d * d;
        }
      running_mean[c] = 0.9 * running_mean[c] + 0.1 * mean;
      running_var[c] = 0.9 * running_var[c] + 0.1 * squares / (M - 1);
    }
    INFO("after step " << step + 1);
    CHECK(approx_equal(t.running_mean, running_mean, kRunningTolerance));
    CHECK(approx_equal(t.running_var, running_var, kRunningTolerance));
  }
}

TEST_CASE("batch_norm2d evaluation uses the running statistics and leaves them alone", "[kernels][batch_norm]") {
  const Shape shape{3, 5, 7, 7};
  const BatchNormTensors t = make_tensors(shape, 30);
  t.running_mean.copy_from(random_tensor({5}, 31));
  t.running_var.copy_from(random_tensor({5}, 32, 0.25f, 2.0f));
  const std::vector<float> mean_before = t.running_mean.to_vector(), var_before = t.running_var.to_vector();
  const Tensor y = run(t, false);
  CHECK(approx_equal(y,
                     batch_norm_eval_reference(values_of(t.x), values_of(t.weight), values_of(t.bias),
                                               to_double(mean_before), to_double(var_before), 5, 49, kEps),
                     kOutputTolerance));
  CHECK(t.running_mean.to_vector() == mean_before);
  CHECK(t.running_var.to_vector() == var_before);
}

TEST_CASE("batch_norm2d gradients match central differences of the reference", "[kernels][batch_norm]") {
  // The double central difference with h = 1e-3 errs by h^2/6 L''' ~ 1e-7 here. The float
  // gradients of x are ~10 roundings of terms of order 1 after a cancellation
  // (dy - mean(dy) - xhat mean(dy xhat)); 1e-4 absolute + 1e-3 relative is far above that and
  // far below what a missing term changes (~1e-2).
  GradientCheckOptions options;
  options.tolerance = {1e-4, 1e-3};
  for (const BatchNormCase& c : kCases) {
    const int64_t N = c.shape[0], C = c.shape[1], spatial = c.shape[2] * c.shape[3];
    SECTION(std::string("training, ") + c.why) {
      const BatchNormTensors t = make_tensors(c.shape, 40);
      check_gradients(
          {t.x, t.weight, t.bias}, [&] { return run(t, true); },
          [&] {
            return batch_norm_train_reference(values_of(t.x), values_of(t.weight), values_of(t.bias), N, C, spatial,
                                              kEps)
                .y;
          },
          options);
    }
    SECTION(std::string("evaluation, ") + c.why) {
      const BatchNormTensors t = make_tensors(c.shape, 50);
      t.running_mean.copy_from(random_tensor({C}, 51));
      t.running_var.copy_from(random_tensor({C}, 52, 0.25f, 2.0f));
      check_gradients(
          {t.x, t.weight, t.bias}, [&] { return run(t, false); },
          [&] {
            return batch_norm_eval_reference(values_of(t.x), values_of(t.weight), values_of(t.bias),
                                             values_of(t.running_mean), values_of(t.running_var), C, spatial, kEps);
          },
          options);
    }
  }
}

TEST_CASE("batch_norm2d rejects bad shapes and a single value per channel", "[kernels][batch_norm]") {
  BatchNormTensors t = make_tensors({1, 3, 1, 1}, 70);
  CHECK_THROWS_WITH(run(t, true), Catch::Contains("more than one value"));
  CHECK_NOTHROW(run(t, false));  // evaluation needs no batch statistics
  t.x = random_tensor({2, 4, 3, 3}, 71);
  CHECK_THROWS_AS(run(t, true), Error);
}
