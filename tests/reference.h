// What the CPU test battery shares: naive double-precision references of
// the ops written from PyTorch's definitions (never from our kernels), a comparison that names
// the worst element, and a central finite-difference gradient checker.
//
// Header-only because tests/CMakeLists.txt compiles test_*.cpp and nothing else.
//
// Tolerances are chosen in each test file next to the check, from the kind of op:
//   element-wise float math vs double:   a few roundings of the result, ~1e-6 .. 1e-5 relative
//   reductions and GEMMs vs double:      1e-4 of the sum of |terms| (see kGemmTolerance)
//   gradients vs central differences:    see GradientCheckOptions
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "core/autograd.h"
#include "core/tensor.h"
#include "kernels/cpu_threads.h"
#include "tests/test_data.h"

namespace dae::test {

inline std::vector<double> to_double(const std::vector<float>& values) { return {values.begin(), values.end()}; }

inline std::vector<double> values_of(const Tensor& t) { return to_double(t.to_vector()); }

// ---------------------------------------------------------------------------------------------
// Comparison with a double reference. An element passes when |got - expected| is within the
// Tolerance (tests/test_data.h), its scale |expected| or, for a reduction, the sum of the
// absolute values of its terms (`magnitude`).

// A float32 dot product of K terms errs by at most about K * 2^-24 * sum|terms| (Higham,
// "Accuracy and Stability of Numerical Algorithms", 3.1), i.e. 6e-5 for K = 1000; the rounding
// errors have random signs, so in practice the error is nearer sqrt(K) * 2^-24 (7e-6 for the
// K ~ 15000 of a conv weight gradient). 1e-4 of sum|terms| covers both with margin and still
// catches a missing or doubled term for K up to ~10^4.
constexpr Tolerance kGemmTolerance{0.0, 1e-4};

struct Comparison {
  bool ok = true;
  std::string report;
  explicit operator bool() const { return ok; }
};

namespace detail {

inline std::string flat_label(int64_t i) { return "[" + std::to_string(i) + "]"; }

inline std::string shaped_label(const Shape& shape, int64_t i) {
  std::vector<int64_t> index(static_cast<size_t>(shape.rank()));
  for (int axis = shape.rank() - 1; axis >= 0; --axis) {
    index[static_cast<size_t>(axis)] = i % shape[axis];
    i /= shape[axis];
  }
  std::string label = "[";
  for (size_t k = 0; k < index.size(); ++k) label += (k ? ", " : "") + std::to_string(index[k]);
  return label + "]";
}

inline Comparison compare(const std::vector<float>& got, const std::vector<double>& expected,
                          const Tolerance& tolerance, const std::vector<double>& magnitude,
                          const std::function<std::string(int64_t)>& label) {
  Comparison result;
  std::ostringstream report;
  report.precision(9);
  if (got.size() != expected.size() || (!magnitude.empty() && magnitude.size() != expected.size())) {
    report << "size mismatch: got " << got.size() << " values, expected " << expected.size();
    return {false, report.str()};
  }
  int64_t failures = 0, worst = -1;
  double worst_ratio = -1.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double scale = magnitude.empty() ? std::abs(expected[i]) : magnitude[i];
    const double allowed = tolerance.allowed(scale, 0.0);
    const double difference = std::abs(static_cast<double>(got[i]) - expected[i]);
    // NaN anywhere is a failure, and the worst one.
    const double ratio =
        std::isnan(difference) ? std::numeric_limits<double>::infinity() : difference / std::max(allowed, 1e-300);
    if (!(difference <= allowed)) ++failures;
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      worst = static_cast<int64_t>(i);
    }
  }
  report << failures << " of " << got.size() << " elements outside abs " << tolerance.absolute << " + rel "
         << tolerance.relative << (magnitude.empty() ? " * |expected|" : " * sum|terms|");
  if (worst >= 0) {
    const auto w = static_cast<size_t>(worst);
    report << "; worst " << label(worst) << ": got " << got[w] << ", expected " << expected[w] << ", |difference| "
           << std::abs(static_cast<double>(got[w]) - expected[w]) << " = " << worst_ratio << " x allowed";
  }
  result.ok = failures == 0;
  result.report = report.str();
  return result;
}

}  // namespace detail

inline Comparison approx_equal(const std::vector<float>& got, const std::vector<double>& expected,
                               const Tolerance& tolerance, const std::vector<double>& magnitude = {}) {
  return detail::compare(got, expected, tolerance, magnitude, detail::flat_label);
}

// Names the worst element by its multi-index in `got`'s shape.
inline Comparison approx_equal(const Tensor& got, const std::vector<double>& expected, const Tolerance& tolerance,
                               const std::vector<double>& magnitude = {}) {
  const Shape shape = got.shape();
  return detail::compare(got.to_vector(), expected, tolerance, magnitude,
                         [&](int64_t i) { return detail::shaped_label(shape, i); });
}

// ---------------------------------------------------------------------------------------------
// References for the bilinear ops (linear, conv2d, conv_transpose2d). Each is a set of terms
// x[a] * w[b] added into y[c]; a geometry enumerates them with for_each_term(visit(a, b, c)).
// The forward value, the sum of |terms| and the exact gradients of L = sum(y * R) all follow
// from that one enumeration, so each op's definition is written once, as a loop nest that
// reads like PyTorch's documentation.

struct Reference {
  std::vector<double> value;
  std::vector<double> magnitude;  // sum of |terms| for each element (for the tolerance)
};

// nn.Linear: y[n, o] = sum_i x[n, i] W[o, i] + b[o].
struct LinearGeometry {
  int64_t batch, in_features, out_features;

  Shape x_shape() const { return {batch, in_features}; }
  Shape weight_shape() const { return {out_features, in_features}; }
  Shape y_shape() const { return {batch, out_features}; }
  int64_t channel_of_output(int64_t y_index) const { return y_index % out_features; }

  template <typename Visit>
  void for_each_term(Visit visit) const {
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t o = 0; o < out_features; ++o)
        for (int64_t i = 0; i < in_features; ++i) visit(n * in_features + i, o * in_features + i, n * out_features + o);
  }
};

// nn.Conv2d (cross-correlation), zero padding:
//   y[n, o, oy, ox] = sum_{c, i, j} W[o, c, i, j] x[n, c, oy*s - p + i, ox*s - p + j] + b[o]
struct Conv2dGeometry {
  int64_t batch, in_channels, height, width, out_channels, kernel_height, kernel_width, stride, padding;

  int64_t out_height() const { return (height + 2 * padding - kernel_height) / stride + 1; }
  int64_t out_width() const { return (width + 2 * padding - kernel_width) / stride + 1; }
  Shape x_shape() const { return {batch, in_channels, height, width}; }
  Shape weight_shape() const { return {out_channels, in_channels, kernel_height, kernel_width}; }
  Shape y_shape() const { return {batch, out_channels, out_height(), out_width()}; }
  int64_t channel_of_output(int64_t y_index) const { return (y_index / (out_height() * out_width())) % out_channels; }

  template <typename Visit>
  void for_each_term(Visit visit) const {
    const int64_t Ho = out_height(), Wo = out_width();
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t o = 0; o < out_channels; ++o)
        for (int64_t oy = 0; oy < Ho; ++oy)
          for (int64_t ox = 0; ox < Wo; ++ox)
            for (int64_t c = 0; c < in_channels; ++c)
              for (int64_t i = 0; i < kernel_height; ++i)
                for (int64_t j = 0; j < kernel_width; ++j) {
                  const int64_t iy = oy * stride - padding + i, ix = ox * stride - padding + j;
                  if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                  visit(((n * in_channels + c) * height + iy) * width + ix,
                        ((o * in_channels + c) * kernel_height + i) * kernel_width + j,
                        ((n * out_channels + o) * Ho + oy) * Wo + ox);
                }
  }
};

// nn.ConvTranspose2d, written as PyTorch defines it: every input pixel scatters its kernel,
//   y[n, o, iy*s - p + i, ix*s - p + j] += x[n, c, iy, ix] W[c, o, i, j]
// (positions outside the output are dropped), then + b[o];
// H_out = (H - 1) s - 2p + kH + output_padding. No convolution is involved.
struct ConvTranspose2dGeometry {
  int64_t batch, in_channels, height, width, out_channels, kernel_height, kernel_width, stride, padding, output_padding;

  int64_t out_height() const { return (height - 1) * stride - 2 * padding + kernel_height + output_padding; }
  int64_t out_width() const { return (width - 1) * stride - 2 * padding + kernel_width + output_padding; }
  Shape x_shape() const { return {batch, in_channels, height, width}; }
  Shape weight_shape() const { return {in_channels, out_channels, kernel_height, kernel_width}; }
  Shape y_shape() const { return {batch, out_channels, out_height(), out_width()}; }
  int64_t channel_of_output(int64_t y_index) const { return (y_index / (out_height() * out_width())) % out_channels; }

  template <typename Visit>
  void for_each_term(Visit visit) const {
    const int64_t Ho = out_height(), Wo = out_width();
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t c = 0; c < in_channels; ++c)
        for (int64_t iy = 0; iy < height; ++iy)
          for (int64_t ix = 0; ix < width; ++ix)
            for (int64_t o = 0; o < out_channels; ++o)
              for (int64_t i = 0; i < kernel_height; ++i)
                for (int64_t j = 0; j < kernel_width; ++j) {
                  const int64_t oy = iy * stride - padding + i, ox = ix * stride - padding + j;
                  if (oy < 0 || oy >= Ho || ox < 0 || ox >= Wo) continue;
                  visit(((n * in_channels + c) * height + iy) * width + ix,
                        ((c * out_channels + o) * kernel_height + i) * kernel_width + j,
                        ((n * out_channels + o) * Ho + oy) * Wo + ox);
                }
  }
};

// y = B(x, w) + b; `bias` may be empty.
template <typename Geometry>
Reference bilinear_reference(const Geometry& g, const std::vector<double>& x, const std::vector<double>& weight,
                             const std::vector<double>& bias) {
  const auto size = static_cast<size_t>(g.y_shape().numel());
  Reference y{std::vector<double>(size, 0.0), std::vector<double>(size, 0.0)};
  g.for_each_term([&](int64_t a, int64_t b, int64_t c) {
    const double term = x[static_cast<size_t>(a)] * weight[static_cast<size_t>(b)];
    y.value[static_cast<size_t>(c)] += term;
    y.magnitude[static_cast<size_t>(c)] += std::abs(term);
  });
  if (!bias.empty()) {
    for (size_t c = 0; c < size; ++c) {
      const double b = bias[static_cast<size_t>(g.channel_of_output(static_cast<int64_t>(c)))];
      y.value[c] += b;
      y.magnitude[c] += std::abs(b);
    }
  }
  return y;
}

// The exact gradients of L = sum(y * R):  dx[a] = sum R[c] w[b],  dW[b] = sum R[c] x[a],
// db[o] = sum of R over channel o.
struct BilinearGradients {
  Reference x, weight, bias;
};

template <typename Geometry>
BilinearGradients bilinear_gradients(const Geometry& g, const std::vector<double>& x, const std::vector<double>& weight,
                                     const std::vector<double>& R, int64_t channels) {
  auto zeros = [](size_t n) { return Reference{std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)}; };
  BilinearGradients d{zeros(x.size()), zeros(weight.size()), zeros(static_cast<size_t>(channels))};
  auto add = [](Reference& r, int64_t at, double term) {
    r.value[static_cast<size_t>(at)] += term;
    r.magnitude[static_cast<size_t>(at)] += std::abs(term);
  };
  g.for_each_term([&](int64_t a, int64_t b, int64_t c) {
    add(d.x, a, R[static_cast<size_t>(c)] * weight[static_cast<size_t>(b)]);
    add(d.weight, b, R[static_cast<size_t>(c)] * x[static_cast<size_t>(a)]);
  });
  for (size_t c = 0; c < R.size(); ++c) add(d.bias, g.channel_of_output(static_cast<int64_t>(c)), R[c]);
  return d;
}

// ---------------------------------------------------------------------------------------------
// References for the other ops.

inline std::vector<double> relu_reference(const std::vector<double>& x) {
  std::vector<double> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] > 0.0 ? x[i] : 0.0;
  return y;
}

// nn.MaxPool2d(2, 2): floor(H/2) x floor(W/2) windows; an odd last row/column is ignored.
struct PoolGeometry {
  int64_t batch, channels, height, width;

  Shape x_shape() const { return {batch, channels, height, width}; }
  Shape y_shape() const { return {batch, channels, height / 2, width / 2}; }

  // visit(y index, the four x indices of its window in row-major order)
  template <typename Visit>
  void for_each_window(Visit visit) const {
    const int64_t Ho = height / 2, Wo = width / 2;
    for (int64_t plane = 0; plane < batch * channels; ++plane)
      for (int64_t oy = 0; oy < Ho; ++oy)
        for (int64_t ox = 0; ox < Wo; ++ox) {
          const int64_t top_left = (plane * height + 2 * oy) * width + 2 * ox;
          visit((plane * Ho + oy) * Wo + ox,
                std::array<int64_t, 4>{top_left, top_left + 1, top_left + width, top_left + width + 1});
        }
  }
};

inline std::vector<double> max_pool2d_reference(const PoolGeometry& g, const std::vector<double>& x) {
  std::vector<double> y(static_cast<size_t>(g.y_shape().numel()));
  g.for_each_window([&](int64_t out, const std::array<int64_t, 4>& window) {
    double best = -std::numeric_limits<double>::infinity();
    for (int64_t at : window) best = std::max(best, x[static_cast<size_t>(at)]);
    y[static_cast<size_t>(out)] = best;
  });
  return y;
}

// For each input element, the gap between the largest and second largest value of its window
// (infinity outside every window): a finite difference of step h is exact only when the gap
// exceeds 2h, i.e. when the maximum cannot change hands.
inline std::vector<double> pool_window_gaps(const PoolGeometry& g, const std::vector<double>& x) {
  std::vector<double> gaps(x.size(), std::numeric_limits<double>::infinity());
  g.for_each_window([&](int64_t, const std::array<int64_t, 4>& window) {
    std::array<double, 4> v;
    for (size_t k = 0; k < 4; ++k) v[k] = x[static_cast<size_t>(window[k])];
    std::sort(v.begin(), v.end());
    for (int64_t at : window) gaps[static_cast<size_t>(at)] = v[3] - v[2];
  });
  return gaps;
}

// nn.BatchNorm2d over [N, C, HW]: statistics of each channel over its N*HW values.
struct BatchNormReference {
  std::vector<double> y;
  std::vector<double> mean, biased_var, unbiased_var;
};

inline BatchNormReference batch_norm_train_reference(const std::vector<double>& x, const std::vector<double>& weight,
                                                     const std::vector<double>& bias, int64_t batch, int64_t channels,
                                                     int64_t spatial, double eps) {
  BatchNormReference r;
  r.y.resize(x.size());
  const auto at = [&](int64_t n, int64_t c, int64_t s) {
    return static_cast<size_t>((n * channels + c) * spatial + s);
  };
  const double count = static_cast<double>(batch * spatial);
  for (int64_t c = 0; c < channels; ++c) {
    double sum = 0.0;
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t s = 0; s < spatial; ++s) sum += x[at(n, c, s)];
    const double mean = sum / count;
    double squares = 0.0;
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t s = 0; s < spatial; ++s) squares += (x[at(n, c, s)] - mean) * (x[at(n, c, s)] - mean);
    r.mean.push_back(mean);
    r.biased_var.push_back(squares / count);
    r.unbiased_var.push_back(squares / (count - 1.0));
    const double inv_std = 1.0 / std::sqrt(squares / count + eps);
    const auto uc = static_cast<size_t>(c);
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t s = 0; s < spatial; ++s)
        r.y[at(n, c, s)] = (x[at(n, c, s)] - mean) * inv_std * weight[uc] + bias[uc];
  }
  return r;
}

inline std::vector<double> batch_norm_eval_reference(const std::vector<double>& x, const std::vector<double>& weight,
                                                     const std::vector<double>& bias,
                                                     const std::vector<double>& running_mean,
                                                     const std::vector<double>& running_var, int64_t channels,
                                                     int64_t spatial, double eps) {
  std::vector<double> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const auto c = static_cast<size_t>((static_cast<int64_t>(i) / spatial) % channels);
    y[i] = (x[i] - running_mean[c]) / std::sqrt(running_var[c] + eps) * weight[c] + bias[c];
  }
  return y;
}

// nn.MSELoss(reduction='mean').
inline double mse_reference(const std::vector<double>& prediction, const std::vector<double>& target) {
  double sum = 0.0;
  for (size_t i = 0; i < prediction.size(); ++i) sum += (prediction[i] - target[i]) * (prediction[i] - target[i]);
  return sum / static_cast<double>(prediction.size());
}

// ---------------------------------------------------------------------------------------------
// Gradient checking.

// L = sum_k y_k w_k as a recorded op of its own (test-only): its backward hands `weights` to y,
// so autograd's gradient of L is exactly the vector-Jacobian product with a fixed random R.
inline Tensor weighted_sum(const Tensor& y, const std::vector<float>& weights) {
  const std::vector<float> values = y.to_vector();
  REQUIRE(values.size() == weights.size());
  double sum = 0.0;
  for (size_t i = 0; i < values.size(); ++i) sum += static_cast<double>(values[i]) * weights[i];
  Tensor loss = Tensor::full(Shape{}, static_cast<float>(sum));
  const Shape shape = y.shape();
  record(loss, "weighted_sum", {y}, [shape, weights](const Tensor& grad_loss) {
    const float g = grad_loss.item();
    std::vector<float> grad(weights);
    for (float& v : grad) v *= g;
    return std::vector<Tensor>{Tensor::from_vector(shape, grad)};
  });
  return loss;
}

inline double dot(const std::vector<double>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// `count` distinct element indices of [0, n), or all of them when n <= count.
inline std::vector<int64_t> sample_elements(int64_t n, int count, uint32_t seed) {
  std::vector<int64_t> all(static_cast<size_t>(n));
  std::iota(all.begin(), all.end(), int64_t{0});
  std::mt19937 engine(seed);
  std::shuffle(all.begin(), all.end(), engine);
  all.resize(std::min<size_t>(all.size(), static_cast<size_t>(count)));
  std::sort(all.begin(), all.end());
  return all;
}

struct GradientCheckOptions {
  // Central difference (L(x+h) - L(x-h)) / 2h. Its error is h^2/6 L''' (truncation) plus the
  // error of evaluating L divided by 2h: evaluated in double through a reference, h = 1e-3 is
  // exact to ~1e-7; evaluated in float32 through the framework, L (a sum of n outputs of
  // order 1) carries ~sqrt(n) 6e-8 of noise, so h = 1e-2 keeps that below ~1e-4.
  double step = 1e-3;
  Tolerance tolerance{1e-4, 1e-3};
  int samples = 20;  // elements checked per input: each costs two evaluations of L
  uint32_t seed = 12345;
  // Leaves out points where [x - h, x + h] may straddle a kink (input index, element).
  std::function<bool(size_t, int64_t)> near_kink;
  // For networks with kinks everywhere (ReLU, max-pool inside a stack): leave out points whose
  // second difference D = L(x+h) - 2 L(x) + L(x-h) is large. With one kink in the interval the
  // central difference errs by exactly D / 2h, so this keeps only points where that error is
  // below a quarter of the absolute tolerance; it looks at L only, never at the gradient.
  bool skip_detected_kinks = false;
};

// Checks the gradient autograd computes for each of `inputs` (CPU leaf tensors that require
// grad) against central differences of L = sum(y * R), R fixed random in [-1, 1].
// `forward` computes y from the inputs through the framework, recording the graph; `evaluate`
// returns y for the inputs' current values (a double reference, or the framework again in
// float through evaluate_without_grad). Each sampled element is perturbed in place and restored.
inline void check_gradients(const std::vector<Tensor>& inputs, const std::function<Tensor()>& forward,
                            const std::function<std::vector<double>()>& evaluate, const GradientCheckOptions& options) {
  for (const Tensor& input : inputs) {
    REQUIRE(input.requires_grad());
    input.set_grad(Tensor());
  }
  const Tensor y = forward();
  const std::vector<float> R = random_values(y.numel(), options.seed);
  weighted_sum(y, R).backward();
  const double L0 = options.skip_detected_kinks ? dot(evaluate(), R) : 0.0;

  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& input = inputs[k];
    INFO("gradient of input " << k << ", shape " << input.shape());
    REQUIRE(input.grad().defined());
    REQUIRE(input.grad().shape() == input.shape());
    const std::vector<float> autograd = input.grad().to_vector();
    std::vector<float> got;
    std::vector<double> expected;
    std::vector<int64_t> checked;
    const std::vector<int64_t> sampled =
        sample_elements(input.numel(), options.samples, options.seed + 1 + static_cast<uint32_t>(k));
    for (int64_t e : sampled) {
      if (options.near_kink && options.near_kink(k, e)) continue;
      float* element = input.data() + e;
      const float original = *element;
      *element = original + static_cast<float>(options.step);
      const double plus = *element, L_plus = dot(evaluate(), R);
      *element = original - static_cast<float>(options.step);
      const double minus = *element, L_minus = dot(evaluate(), R);
      *element = original;
      // Divide by the step actually taken: x +- h is rounded to float.
      const double difference = (L_plus - L_minus) / (plus - minus);
      if (options.skip_detected_kinks &&
          std::abs(L_plus - 2.0 * L0 + L_minus) / (plus - minus) > options.tolerance.absolute / 4) {
        continue;
      }
      got.push_back(autograd[static_cast<size_t>(e)]);
      expected.push_back(difference);
      checked.push_back(e);
    }
    INFO(checked.size() << " of " << sampled.size() << " sampled elements checked");
    // Skipping must not hollow the check out.
    CHECK(2 * checked.size() >= sampled.size());
    const Shape shape = input.shape();
    CHECK(detail::compare(got, expected, options.tolerance, {},
                          [&](int64_t i) { return detail::shaped_label(shape, checked[static_cast<size_t>(i)]); }));
  }
}

// The finite-difference side evaluated by the framework itself, in float32, without a graph.
inline std::function<std::vector<double>()> evaluate_without_grad(std::function<Tensor()> forward) {
  return [forward] {
    NoGradGuard guard;
    return values_of(forward());
  };
}

inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Restores the CPU thread count a test changed.
class ThreadCountGuard {
 public:
  ThreadCountGuard() : threads_(cpu::num_threads()) {}
  ~ThreadCountGuard() { cpu::set_num_threads(threads_); }
  ThreadCountGuard(const ThreadCountGuard&) = delete;
  ThreadCountGuard& operator=(const ThreadCountGuard&) = delete;

 private:
  int threads_;
};

}  // namespace dae::test

namespace Catch {
template <>
struct StringMaker<dae::test::Comparison> {
  static std::string convert(const dae::test::Comparison& c) { return c.report; }
};
}  // namespace Catch
