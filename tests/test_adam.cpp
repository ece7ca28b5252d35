// Tests of Adam (kernels/adam.h, core/adam.h) on the CPU: several steps against values
// computed here in double with PyTorch's torch.optim.Adam formulas, lr = 0, resuming from a
// step count, and the flat-buffer design: parameters keep their handles (the model's own
// tensors see the updates), gradients are views of one buffer that backward() fills in place.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/adam.h"
#include "core/error.h"
#include "core/ops.h"
#include "layers/linear.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;

namespace {

// torch.optim.Adam's update (amsgrad off, no weight decay) in double, one parameter element.
struct AdamReference {
  AdamHyperparameters h;
  double param, exp_avg = 0.0, exp_avg_sq = 0.0;

  void step(double grad, int64_t t) {
    exp_avg = h.beta1 * exp_avg + (1.0 - h.beta1) * grad;
    exp_avg_sq = h.beta2 * exp_avg_sq + (1.0 - h.beta2) * grad * grad;
    const double bias_correction1 = 1.0 - std::pow(h.beta1, static_cast<double>(t));
    const double bias_correction2 = 1.0 - std::pow(h.beta2, static_cast<double>(t));
    const double denominator = std::sqrt(exp_avg_sq) / std::sqrt(bias_correction2) + h.eps;
    param -= h.lr / bias_correction1 * exp_avg / denominator;
  }
};

// Parameters of order 1 take steps of order lr = 1e-2. The float kernel rounds each of m, v,
// the denominator and the update once per step (~6e-8 relative each), and p - update once
// (6e-8 |p|): after 5 steps the parameters are within ~1e-6 of the double values. The moments
// are running sums beta m + (1 - beta) g of terms up to ~1 that can cancel to a small m, so
// their rounding (~6e-8 of the terms per step, plus 0.9f != 0.9 at 3e-8) is absolute:
// 2e-7 + 2e-6 relative. A wrong formula moves a parameter by ~lr = 1e-2 and a moment by ~0.1 g.
constexpr Tolerance kParamTolerance{2e-6, 2e-6};
constexpr Tolerance kMomentTolerance{2e-7, 2e-6};

struct Expected {
  std::vector<std::vector<AdamReference>> elements;  // [parameter][element]

  Expected(const std::vector<Tensor>& params, const AdamHyperparameters& h) {
    for (const Tensor& p : params) {
      std::vector<AdamReference> refs;
      for (float v : p.to_vector()) refs.push_back(AdamReference{h, v});
      elements.push_back(refs);
    }
  }
  std::vector<double> field(size_t i, double AdamReference::*member) const {
    std::vector<double> values;
    for (const AdamReference& r : elements[i]) values.push_back(r.*member);
    return values;
  }
};

// Writes step `t`'s gradients into the parameters' gradient views and updates the reference.
void set_gradients(const std::vector<Tensor>& params, Expected& expected, uint32_t seed, int64_t t) {
  for (size_t i = 0; i < params.size(); ++i) {
    const std::vector<float> g = random_values(params[i].numel(), seed + static_cast<uint32_t>(i));
    params[i].grad().copy_from(Tensor::from_vector(params[i].shape(), g));
    for (size_t k = 0; k < g.size(); ++k) expected.elements[i][k].step(g[k], t);
  }
}

void check_against(const Adam& adam, const std::vector<Tensor>& params, const Expected& expected) {
  for (size_t i = 0; i < params.size(); ++i) {
    INFO("parameter " << i << " " << params[i].shape());
    CHECK(approx_equal(params[i], expected.field(i, &AdamReference::param), kParamTolerance));
    CHECK(approx_equal(adam.exp_avg(i), expected.field(i, &AdamReference::exp_avg), kMomentTolerance));
    CHECK(approx_equal(adam.exp_avg_sq(i), expected.field(i, &AdamReference::exp_avg_sq), kMomentTolerance));
  }
}

std::vector<Tensor> make_parameters(uint32_t seed) {
  std::vector<Tensor> params{random_tensor({3, 5}, seed), random_tensor({7}, seed + 1),
                             random_tensor({2, 3, 3, 3}, seed + 2)};
  for (Tensor& p : params) p.set_requires_grad(true);
  return params;
}

}  // namespace

TEST_CASE("Adam matches PyTorch's update over several steps", "[kernels][adam]") {
  // PyTorch's defaults with lr 1e-2, and a setting where eps and both bias corrections weigh
  // heavily (eps 0.1 is of the order of sqrt(v)): the placement of eps after the square root
  // and the bias corrections of each step show.
  AdamHyperparameters defaults;
  defaults.lr = 1e-2;
  const AdamHyperparameters heavy{5e-2, 0.5, 0.75, 0.1};
  for (const AdamHyperparameters& h : {defaults, heavy}) {
    INFO("lr " << h.lr << ", betas " << h.beta1 << ", " << h.beta2 << ", eps " << h.eps);
    const std::vector<Tensor> params = make_parameters(1);
    Expected expected(params, h);
    Adam adam(params, h);
    for (int64_t t = 1; t <= 5; ++t) {
      INFO("step " << t);
      set_gradients(params, expected, 10 * static_cast<uint32_t>(t), t);
      adam.step();
      CHECK(adam.step_count() == t);
      check_against(adam, params, expected);
    }
  }
}

TEST_CASE("Adam with lr = 0 leaves the parameters unchanged", "[kernels][adam]") {
  AdamHyperparameters h;
  h.lr = 0.0;
  const std::vector<Tensor> params = make_parameters(2);
  std::vector<std::vector<float>> before;
  for (const Tensor& p : params) before.push_back(p.to_vector());
  Expected expected(params, h);
  Adam adam(params, h);
  for (int64_t t = 1; t <= 3; ++t) {
    set_gradients(params, expected, 20 + static_cast<uint32_t>(t), t);
    adam.step();
  }
  for (size_t i = 0; i < params.size(); ++i) {
    CHECK(params[i].to_vector() == before[i]);  // bit for bit
    // The moments still move.
    CHECK(approx_equal(adam.exp_avg(i), expected.field(i, &AdamReference::exp_avg), kMomentTolerance));
  }
}

TEST_CASE("Adam resumed from a step count uses that step's bias corrections", "[kernels][adam]") {
  AdamHyperparameters h;
  h.lr = 1e-2;
  const std::vector<Tensor> params = make_parameters(3);
  Expected expected(params, h);
  Adam adam(params, h);
  adam.set_step_count(6);
  set_gradients(params, expected, 30, 7);  // fresh moments, but t = 7
  adam.step();
  CHECK(adam.step_count() == 7);
  check_against(adam, params, expected);
}

TEST_CASE("Adam keeps the parameters' handles and makes their gradients views of one buffer", "[kernels][adam]") {
  TorchCpuGenerator generator(4);
  Linear layer(6, 3, generator);
  const std::vector<Tensor> params = layer.parameters();  // weight [3, 6], bias [3]
  const Tensor weight_handle = layer.named_parameters()[0].second;
  const std::vector<float> weight_before = weight_handle.to_vector();
  AdamHyperparameters h;
  h.lr = 1e-2;
  Adam adam(params, h);

  // One flat buffer for the parameters, one for the gradients, in order, each parameter on the
  // next 256-byte boundary (the weight's 18 floats take one 64-float slot), values kept.
  CHECK(weight_handle.data() == params[0].data());
  CHECK(params[1].data() == params[0].data() + Adam::kAlignmentFloats);
  REQUIRE(params[0].grad().defined());
  REQUIRE(params[1].grad().defined());
  CHECK(params[1].grad().data() == params[0].grad().data() + Adam::kAlignmentFloats);
  CHECK(weight_handle.to_vector() == weight_before);
  CHECK(params[0].grad().to_vector() == std::vector<float>(18, 0.0f));

  // backward() adds into the views: the gradient of sum(layer(x) * R) w.r.t. the bias is the
  // column sums of R, hand-computed here.
  const Tensor x = random_tensor({4, 6}, 5);
  const std::vector<float> R = random_values(12, 6);
  weighted_sum(layer(x), R).backward();
  std::vector<double> bias_grad(3, 0.0);
  for (size_t k = 0; k < R.size(); ++k) bias_grad[k % 3] += R[k];
  CHECK(approx_equal(params[1].grad(), bias_grad, {1e-6, 1e-6}));
  CHECK(params[1].grad().data() == params[0].grad().data() + Adam::kAlignmentFloats);

  // step() updates what the layer itself uses: its output changes with the handle's values.
  Expected expected(params, h);
  for (size_t i = 0; i < params.size(); ++i) {
    const std::vector<float> g = params[i].grad().to_vector();
    for (size_t k = 0; k < g.size(); ++k) expected.elements[i][k].step(g[k], 1);
  }
  adam.step();
  CHECK(approx_equal(weight_handle, expected.field(0, &AdamReference::param), kParamTolerance));
  CHECK(weight_handle.to_vector() != weight_before);

  adam.zero_grad();
  CHECK(params[0].grad().to_vector() == std::vector<float>(18, 0.0f));
  CHECK(params[1].grad().to_vector() == std::vector<float>(3, 0.0f));
}

// Parameters of 15, 7 and 54 floats, none a multiple of 64: each still starts 256 bytes after a
// multiple of 256 bytes from the first, and the next one begins only after it ends.
TEST_CASE("Adam places every parameter on a 256-byte boundary of its flat buffer", "[kernels][adam]") {
  const std::vector<Tensor> params = make_parameters(8);
  Adam adam(params, AdamHyperparameters{});
  for (size_t i = 1; i < params.size(); ++i) {
    INFO("parameter " << i << " " << params[i].shape());
    const std::ptrdiff_t offset = params[i].data() - params[0].data();
    CHECK(offset * static_cast<std::ptrdiff_t>(sizeof(float)) % Adam::kAlignmentBytes == 0);
    CHECK(offset >= params[i - 1].data() - params[0].data() + params[i - 1].numel());
    CHECK(params[i].grad().data() - params[0].grad().data() == offset);
  }
}

TEST_CASE("Adam rejects invalid hyperparameters and an empty parameter list", "[kernels][adam]") {
  const std::vector<Tensor> params = make_parameters(7);
  CHECK_THROWS_AS(Adam(params, AdamHyperparameters{1e-3, 1.0, 0.999, 1e-8}), Error);
  CHECK_THROWS_AS(Adam(params, AdamHyperparameters{-1e-3, 0.9, 0.999, 1e-8}), Error);
  CHECK_THROWS_AS(Adam({}, AdamHyperparameters{}), Error);
}
