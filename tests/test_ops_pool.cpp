// Tests of 2x2 max pooling (kernels/max_pool2d.h, ops::max_pool2d) on the CPU: selection is
// exact, so forward values and the routing of the gradient are compared exactly with the
// PyTorch definition; ties go to the first maximum in row-major order, a NaN wins (the last
// NaN of a window, as in PyTorch); an odd last row/column gets no gradient; central
// differences away from near-ties.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/ops.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;

namespace {

// 28x28 and 14x14 as in the conv model, odd 7x7 (the floor drops row and column 6) and a
// map odd in one direction only.
const std::vector<PoolGeometry> kGeometries{{3, 5, 28, 28}, {2, 3, 14, 14}, {37, 3, 7, 7}, {2, 3, 5, 6}};

// Exact equality: a maximum is one of its inputs, no arithmetic happens.
constexpr Tolerance kExact{0.0, 0.0};

// Where PyTorch sends each window's gradient: the first maximum in row-major window order.
std::vector<double> routed_gradient(const PoolGeometry& g, const std::vector<double>& x,
                                    const std::vector<double>& dy) {
  std::vector<double> dx(x.size(), 0.0);
  g.for_each_window([&](int64_t out, const std::array<int64_t, 4>& window) {
    size_t first_max = 0;
    for (size_t k = 1; k < 4; ++k)
      if (x[static_cast<size_t>(window[k])] > x[static_cast<size_t>(window[first_max])]) first_max = k;
    dx[static_cast<size_t>(window[first_max])] = dy[static_cast<size_t>(out)];
  });
  return dx;
}

}  // namespace

TEST_CASE("max_pool2d forward and gradient routing are exact", "[kernels][pool]") {
  for (const PoolGeometry& g : kGeometries) {
    INFO("x " << g.x_shape());
    Tensor x = random_tensor(g.x_shape(), 1);
    x.set_requires_grad(true);
    const Tensor y = ops::max_pool2d(x);
    REQUIRE(y.shape() == g.y_shape());
    CHECK(approx_equal(y, max_pool2d_reference(g, values_of(x)), kExact));

    const std::vector<float> R = random_values(y.numel(), 2);
    weighted_sum(y, R).backward();
    CHECK(approx_equal(x.grad(), routed_gradient(g, values_of(x), to_double(R)), kExact));
  }
}

TEST_CASE("max_pool2d ties go to the first maximum in row-major order", "[kernels][pool]") {
  // One plane of 2x4: window 0 all equal (-> top-left), window 1 with its maximum 5 at
  // top-right and bottom-right (-> top-right).
  Tensor x = Tensor::from_vector({1, 1, 2, 4}, {2, 2, 1, 5,  //
                                                2, 2, 0, 5});
  x.set_requires_grad(true);
  const Tensor y = ops::max_pool2d(x);
  CHECK(y.to_vector() == std::vector<float>{2, 5});
  weighted_sum(y, {10, 20}).backward();
  CHECK(x.grad().to_vector() == std::vector<float>{10, 0, 0, 20,  //
                                                   0, 0, 0, 0});
}

TEST_CASE("max_pool2d propagates NaN and routes the gradient to it", "[kernels][pool]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = Tensor::from_vector({1, 1, 2, 2}, {1, 7, nan, 3});
  x.set_requires_grad(true);
  const Tensor y = ops::max_pool2d(x);
  CHECK(std::isnan(y.item()));
  weighted_sum(y, {4}).backward();
  CHECK(x.grad().to_vector() == std::vector<float>{0, 0, 4, 0});

  Tensor two_nans = Tensor::from_vector({1, 1, 2, 2}, {nan, 7, nan, 3});
  two_nans.set_requires_grad(true);
  weighted_sum(ops::max_pool2d(two_nans), {4}).backward();
  CHECK(two_nans.grad().to_vector() == std::vector<float>{0, 0, 4, 0});
}

TEST_CASE("max_pool2d gradients match central differences away from near-ties", "[kernels][pool]") {
  const PoolGeometry g{2, 3, 7, 7};
  Tensor x = random_tensor(g.x_shape(), 3);
  x.set_requires_grad(true);
  const std::vector<double> gaps = pool_window_gaps(g, values_of(x));
  GradientCheckOptions options;
  options.samples = 40;
  // A window whose top two values are within 1e-2 may change its maximum under the step: a kink.
  options.near_kink = [&](size_t, int64_t e) { return gaps[static_cast<size_t>(e)] < 1e-2; };
  // Away from kinks L is linear in x: the double central difference is exact to ~1e-12 and
  // the routed gradient is a copy of R: anything beyond ~1e-9 is a wrong route.
  options.tolerance = {1e-7, 1e-7};
  check_gradients(
      {x}, [&] { return ops::max_pool2d(x); }, [&] { return max_pool2d_reference(g, values_of(x)); }, options);
}

TEST_CASE("max_pool2d rejects inputs smaller than the window", "[kernels][pool]") {
  CHECK_THROWS_AS(ops::max_pool2d(random_tensor({1, 2, 1, 5}, 4)), Error);
  CHECK_THROWS_AS(ops::max_pool2d(random_tensor({2, 5}, 5)), Error);
}
