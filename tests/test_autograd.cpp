// Tests of the autograd tape (core/autograd.h): gradients of a tensor used twice are summed
// (for a leaf and for an intermediate result), leaf gradients accumulate across backward()
// calls, NoGradGuard records nothing, the graph is freed as backward() runs (a second backward
// is an error that says so), and backward() demands a one-element tensor that requires grad.
#include <catch2/catch.hpp>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;

namespace {

// The gradient of L = sum((x x^T) * R) for x [N, I]: y[a, b] = sum_i x[a, i] x[b, i], so
// dL/dx[a, i] = sum_b (R[a, b] + R[b, a]) x[b, i]: one term through each use of x.
std::vector<double> gram_gradient(const std::vector<double>& x, const std::vector<float>& R, int64_t N, int64_t I) {
  std::vector<double> grad(x.size(), 0.0);
  for (int64_t a = 0; a < N; ++a)
    for (int64_t b = 0; b < N; ++b)
      for (int64_t i = 0; i < I; ++i)
        grad[static_cast<size_t>(a * I + i)] +=
            (static_cast<double>(R[static_cast<size_t>(a * N + b)]) + R[static_cast<size_t>(b * N + a)]) *
            x[static_cast<size_t>(b * I + i)];
  return grad;
}

// Sums of at most 2 * 5 * 3 products of order 1: 1e-5 is ~100 roundings.
constexpr Tolerance kSmallSumTolerance{1e-5, 1e-5};

}  // namespace

TEST_CASE("a leaf used twice gets the sum of both gradients", "[autograd]") {
  Tensor x = random_tensor({5, 3}, 1);
  x.set_requires_grad(true);
  const std::vector<float> R = random_values(25, 2);
  weighted_sum(ops::linear(x, x, Tensor()), R).backward();  // x as input and as weight
  CHECK(approx_equal(x.grad(), gram_gradient(values_of(x), R, 5, 3), kSmallSumTolerance));
}

TEST_CASE("an intermediate result used twice gets the sum of both gradients", "[autograd]") {
  Tensor x = random_tensor({15}, 3);
  x.set_requires_grad(true);
  const Tensor h = ops::reshape(x, {5, 3});  // recorded: h has a node, two consumers below
  const std::vector<float> R = random_values(25, 4);
  weighted_sum(ops::linear(h, h, Tensor()), R).backward();
  CHECK(approx_equal(x.grad(), gram_gradient(values_of(x), R, 5, 3), kSmallSumTolerance));
}

TEST_CASE("leaf gradients accumulate across backward calls until zeroed", "[autograd]") {
  Tensor x = random_tensor({2, 3}, 5);
  x.set_requires_grad(true);
  weighted_sum(ops::reshape(x, {6}), {1, 2, 3, 4, 5, 6}).backward();
  weighted_sum(ops::reshape(x, {3, 2}), {10, 20, 30, 40, 50, 60}).backward();
  CHECK(x.grad().to_vector() == std::vector<float>{11, 22, 33, 44, 55, 66});
}

TEST_CASE("NoGradGuard records nothing and restores the previous mode", "[autograd]") {
  Tensor x = random_tensor({4, 3}, 6);
  x.set_requires_grad(true);
  REQUIRE(grad_enabled());
  {
    NoGradGuard outer;
    CHECK_FALSE(grad_enabled());
    {
      NoGradGuard inner;
      CHECK_FALSE(grad_enabled());
    }
    CHECK_FALSE(grad_enabled());  // the inner guard restores "off", not "on"
    const Tensor y = ops::relu(x);
    CHECK(y.grad_fn() == nullptr);
    CHECK_FALSE(y.requires_grad());
    CHECK_THROWS_WITH(ops::mse_loss(y, Tensor::zeros({4, 3})).backward(), Catch::Contains("does not require grad"));
  }
  CHECK(grad_enabled());
  const Tensor y = ops::relu(x);
  REQUIRE(y.grad_fn() != nullptr);
  CHECK(std::string(y.grad_fn()->name) == "relu");
  CHECK(y.requires_grad());
}

TEST_CASE("ops on inputs that need no gradient record nothing", "[autograd]") {
  const Tensor x = random_tensor({4, 3}, 7);
  const Tensor y = ops::linear(x, random_tensor({2, 3}, 8), Tensor());
  CHECK(y.grad_fn() == nullptr);
  CHECK_FALSE(y.requires_grad());
}

TEST_CASE("backward frees the graph as it runs, and a second backward is an error", "[autograd]") {
  Tensor view_of_x;  // shares x's storage, but is not x
  Tensor y, loss;
  {
    Tensor x = random_tensor({3, 4}, 9);
    x.set_requires_grad(true);
    view_of_x = x.view({12});
    y = ops::relu(ops::linear(x, random_tensor({5, 4}, 10), Tensor()));
    loss = ops::mse_loss(y, Tensor::zeros({3, 5}));
  }
  // x is now held only by the linear node; relu's node holds a detached copy of its output.
  CHECK(view_of_x.impl().storage.use_count() == 2);
  CHECK(y.impl().storage.use_count() == 2);
  const std::shared_ptr<Node> relu_node = y.grad_fn();
  REQUIRE(relu_node->backward);

  loss.backward();
  CHECK(view_of_x.impl().storage.use_count() == 1);  // the linear node let go of x
  CHECK(y.impl().storage.use_count() == 1);          // relu's saved output is gone
  CHECK_FALSE(relu_node->backward);
  CHECK(relu_node->inputs.empty());
  CHECK_FALSE(loss.grad_fn()->backward);

  CHECK_THROWS_WITH(loss.backward(), Catch::Contains("already freed"));
}

TEST_CASE("backward needs a one-element tensor that requires grad", "[autograd]") {
  Tensor x = random_tensor({3, 4}, 11);
  x.set_requires_grad(true);
  const Tensor y = ops::relu(x);
  CHECK_THROWS_WITH(y.backward(), Catch::Contains("one-element") && Catch::Contains("[3, 4]"));
  CHECK_THROWS_AS(random_tensor({1}, 12).backward(), Error);

  // A one-element leaf: its gradient is 1.
  Tensor scalar = Tensor::full(Shape{}, 2.0f);
  scalar.set_requires_grad(true);
  scalar.backward();
  CHECK(scalar.grad().item() == 1.0f);
}

TEST_CASE("reshape passes the gradient through in the input's shape", "[autograd]") {
  Tensor x = random_tensor({2, 3, 2, 2}, 13);
  x.set_requires_grad(true);
  const std::vector<float> R = random_values(24, 14);
  weighted_sum(ops::reshape(x, {4, 6}), R).backward();
  REQUIRE(x.grad().shape() == x.shape());
  CHECK(x.grad().to_vector() == R);
  CHECK_THROWS_AS(ops::reshape(x, {5, 5}), Error);
}

TEST_CASE("only leaf tensors can be marked as requiring grad", "[autograd]") {
  Tensor x = random_tensor({3}, 15);
  x.set_requires_grad(true);
  Tensor y = ops::relu(x);
  CHECK_THROWS_AS(y.set_requires_grad(true), Error);
  CHECK_FALSE(x.detach().requires_grad());
  CHECK(x.detach().grad_fn() == nullptr);
}
