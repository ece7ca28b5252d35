// Tests of conv2d and conv_transpose2d (kernels/conv2d.h, core/ops_conv.cpp) on the CPU.
// The references are the PyTorch definitions in double (tests/reference.h): conv2d as the
// gather sum, conv_transpose2d as the scatter sum, so the transposed op is checked without
// going through the "mirror convolution" the implementation uses. Geometries include every
// configuration of the conv model (3x3 p1 s1; ConvTranspose2d(256->128, k3, s2, p1, op1) on
// 7x7; (64->16, k3, s1, p1) on 14x14; (16->1, k3, s2, p1, op1) on 14x14), at their real channel
// counts with a batch of 1-2 and at small odd channel counts with odd batches.
#include <catch2/catch.hpp>

#include <limits>

#include "core/error.h"
#include "core/ops.h"
#include "core/profiler.h"
#include "kernels/conv2d.h"
#include "kernels/conv2d_cpu_lowerings.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;

namespace {

struct Conv2dCase {
  const char* name;
  Conv2dGeometry geometry;
  bool finite_differences;  // also spot-check against central differences (small cases only)
};

struct ConvTranspose2dCase {
  const char* name;
  ConvTranspose2dGeometry geometry;
  bool finite_differences;
};

// {batch, in_channels, height, width, out_channels, kH, kW, stride, padding}
const std::vector<Conv2dCase> kConv2dCases{
    {"3x3 p1 s1 on 28x28, 3 -> 5 channels (encoder.layer1)", {3, 3, 28, 28, 5, 3, 3, 1, 1}, false},
    {"3x3 p1 s1 on 28x28, 1 -> 16 channels (encoder.layer1.0, real)", {2, 1, 28, 28, 16, 3, 3, 1, 1}, false},
    {"3x3 p1 s1 on 7x7, 128 -> 256 channels (encoder.layer2.4, real)", {1, 128, 7, 7, 256, 3, 3, 1, 1}, false},
    {"3x3 p1 s1 on 7x7, batch 37", {37, 3, 7, 7, 2, 3, 3, 1, 1}, false},
    {"3x3 p1 s1, small", {2, 3, 5, 6, 4, 3, 3, 1, 1}, true},
    {"stride 2, padding 1, odd 9x9 map", {3, 5, 9, 9, 3, 3, 3, 2, 1}, true},
    {"stride 2, no padding: the floor drops the last row and column", {2, 3, 8, 8, 4, 3, 3, 2, 0}, true},
    {"3x2 kernel, padding 2, 7x6 map", {2, 3, 7, 6, 2, 3, 2, 1, 2}, true},
    {"1x1 kernel", {5, 7, 3, 3, 3, 1, 1, 1, 0}, true},
};

// {batch, in_channels, height, width, out_channels, kH, kW, stride, padding, output_padding}
const std::vector<ConvTranspose2dCase> kConvTranspose2dCases{
    {"decoder.layer1.0: 256 -> 128, k3 s2 p1 op1, 7x7 -> 14x14 (real)", {1, 256, 7, 7, 128, 3, 3, 2, 1, 1}, false},
    {"decoder.layer1.0 geometry, 6 -> 4 channels, batch 3", {3, 6, 7, 7, 4, 3, 3, 2, 1, 1}, false},
    {"decoder.layer2.0: 64 -> 16, k3 s1 p1, 14x14 (real)", {2, 64, 14, 14, 16, 3, 3, 1, 1, 0}, false},
    {"decoder.layer2.0 geometry, 5 -> 3 channels", {3, 5, 14, 14, 3, 3, 3, 1, 1, 0}, false},
    {"decoder.layer2.3: 16 -> 1, k3 s2 p1 op1, 14x14 -> 28x28 (real)", {2, 16, 14, 14, 1, 3, 3, 2, 1, 1}, false},
    {"k3 s2 p1 op1, small", {2, 3, 4, 4, 2, 3, 3, 2, 1, 1}, true},
    {"stride 3, padding 1, output_padding 2, 5x5", {2, 3, 5, 5, 2, 3, 3, 3, 1, 2}, true},
    {"stride 2, no padding, 2x3 kernel, 4x5 map", {3, 2, 4, 5, 3, 2, 3, 2, 0, 0}, true},
    {"k3 s1 p1, small", {2, 3, 5, 5, 4, 3, 3, 1, 1, 0}, true},
};

struct ConvTensors {
  Tensor x, weight, bias;
};

template <typename Geometry>
ConvTensors make_tensors(const Geometry& g, uint32_t seed) {
  ConvTensors t{random_tensor(g.x_shape(), seed), random_tensor(g.weight_shape(), seed + 1),
                random_tensor({g.out_channels}, seed + 2)};
  for (Tensor* p : {&t.x, &t.weight, &t.bias}) p->set_requires_grad(true);
  return t;
}

// Forward against the reference, every gradient against the exact reference gradients, and
// (small cases) a central-difference spot check of the reference gradients' definition.
template <typename Geometry, typename Op>
void check_conv_op(const Geometry& g, bool finite_differences, Op op) {
  ConvTensors t = make_tensors(g, 100);
  const std::vector<double> x = values_of(t.x), weight = values_of(t.weight), bias = values_of(t.bias);

  const Tensor y = op(t);
  REQUIRE(y.shape() == g.y_shape());
  const Reference expected = bilinear_reference(g, x, weight, bias);
  CHECK(approx_equal(y, expected.value, kGemmTolerance, expected.magnitude));

  const std::vector<float> R = random_values(y.numel(), 200);
  weighted_sum(y, R).backward();
  const BilinearGradients d = bilinear_gradients(g, x, weight, to_double(R), g.out_channels);
  CHECK(approx_equal(t.x.grad(), d.x.value, kGemmTolerance, d.x.magnitude));
  CHECK(approx_equal(t.weight.grad(), d.weight.value, kGemmTolerance, d.weight.magnitude));
  CHECK(approx_equal(t.bias.grad(), d.bias.value, kGemmTolerance, d.bias.magnitude));

  if (finite_differences) {
    GradientCheckOptions options;
    // L is linear in each element: the double central difference is exact to ~1e-12. The
    // float gradients are sums of at most a few hundred terms of order 1 (sum|terms| < 100),
    // so their rounding stays below 1e-4 of that sum (kGemmTolerance), i.e. 1e-4 absolute here
    // for the input and weight gradients, plus 1e-4 relative for the larger bias sums.
    options.tolerance = {1e-4, 1e-4};
    check_gradients(
        {t.x, t.weight, t.bias}, [&] { return op(t); },
        [&] { return bilinear_reference(g, values_of(t.x), values_of(t.weight), values_of(t.bias)).value; }, options);
  }
}

}  // namespace

TEST_CASE("conv2d forward and gradients match the double reference", "[kernels][conv]") {
  for (const Conv2dCase& c : kConv2dCases) {
    INFO(c.name);
    const Conv2dGeometry& g = c.geometry;
    check_conv_op(g, c.finite_differences,
                  [&](const ConvTensors& t) { return ops::conv2d(t.x, t.weight, t.bias, g.stride, g.padding); });
  }
}

TEST_CASE("conv_transpose2d forward and gradients match the scatter definition", "[kernels][conv]") {
  for (const ConvTranspose2dCase& c : kConvTranspose2dCases) {
    INFO(c.name);
    const ConvTranspose2dGeometry& g = c.geometry;
    check_conv_op(g, c.finite_differences, [&](const ConvTensors& t) {
      return ops::conv_transpose2d(t.x, t.weight, t.bias, g.stride, g.padding, g.output_padding);
    });
  }
}

TEST_CASE("conv output sizes follow PyTorch's formulas", "[kernels][conv]") {
  // Hand-computed: conv (28 + 2 - 3) / 1 + 1 = 28, (9 + 2 - 3) / 2 + 1 = 5, (8 - 3) / 2 + 1 = 3;
  // transposed (7 - 1) 2 - 2 + 3 + 1 = 14, (14 - 1) 2 - 2 + 3 + 1 = 28, (5 - 1) 3 - 2 + 3 + 2 = 15.
  const Tensor w = random_tensor({2, 3, 3, 3}, 1);
  CHECK(ops::conv2d(random_tensor({1, 3, 28, 28}, 2), w, Tensor(), 1, 1).shape() == Shape{1, 2, 28, 28});
  CHECK(ops::conv2d(random_tensor({1, 3, 9, 9}, 3), w, Tensor(), 2, 1).shape() == Shape{1, 2, 5, 5});
  CHECK(ops::conv2d(random_tensor({1, 3, 8, 8}, 4), w, Tensor(), 2, 0).shape() == Shape{1, 2, 3, 3});
  const Tensor wt = random_tensor({3, 2, 3, 3}, 5);
  CHECK(ops::conv_transpose2d(random_tensor({1, 3, 7, 7}, 6), wt, Tensor(), 2, 1, 1).shape() == Shape{1, 2, 14, 14});
  CHECK(ops::conv_transpose2d(random_tensor({1, 3, 14, 14}, 7), wt, Tensor(), 2, 1, 1).shape() == Shape{1, 2, 28, 28});
  CHECK(ops::conv_transpose2d(random_tensor({1, 3, 5, 5}, 8), wt, Tensor(), 3, 1, 2).shape() == Shape{1, 2, 15, 15});
}

namespace {

// The three CPU kernels on raw buffers that start as NaN, against the double reference: a
// part of the output skipped, or read before it is written (a first chunk that adds to stale
// output), leaves NaN or a wrong sum behind.
void check_conv_kernels(const Conv2dGeometry& g, const Tolerance& tolerance, uint32_t seed) {
  const Conv2dShape shape{g.batch,         g.in_channels,  g.height, g.width,  g.out_channels,
                          g.kernel_height, g.kernel_width, g.stride, g.padding};
  const std::vector<float> x = random_values(g.x_shape().numel(), seed);
  const std::vector<float> weight = random_values(g.weight_shape().numel(), seed + 1);
  const std::vector<float> dy = random_values(g.y_shape().numel(), seed + 2);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> y(dy.size(), nan), dx(x.size(), nan), dweight(weight.size(), nan);
  cpu::conv2d_forward(x.data(), weight.data(), y.data(), shape);
  cpu::conv2d_backward_input(dy.data(), weight.data(), dx.data(), shape);
  cpu::conv2d_backward_weight(dy.data(), x.data(), dweight.data(), shape);

  const Reference forward = bilinear_reference(g, to_double(x), to_double(weight), {});
  const BilinearGradients backward =
      bilinear_gradients(g, to_double(x), to_double(weight), to_double(dy), g.out_channels);
  CHECK(approx_equal(y, forward.value, tolerance, forward.magnitude));
  CHECK(approx_equal(dx, backward.x.value, tolerance, backward.x.magnitude));
  CHECK(approx_equal(dweight, backward.weight.value, tolerance, backward.weight.magnitude));
}

}  // namespace

TEST_CASE("conv kernels overwrite their outputs across several image chunks", "[kernels][conv]") {
  // im2col: chunks of at most 2^19 column floats; with C*kH*kW = 1600 rows and a 28x28 map
  // that is one image (over the limit on its own), so a batch of 19 runs as 19 chunks, and the
  // weight gradient sums them in 4 parts of 4-5 chunks.
  const Conv2dGeometry im2col{19, 64, 28, 28, 2, 5, 5, 1, 2};
  REQUIRE_FALSE(cpu::winograd::applies({19, 64, 28, 28, 2, 5, 5, 1, 2}));
  check_conv_kernels(im2col, kGemmTolerance, 30);
  // Winograd: chunks of 16 images, taken by the threads in turn, the weight gradient summed in
  // 4 parts; 70 = 4 x 16 + 6 leaves a last chunk with 10 empty lanes.
  const Conv2dGeometry winograd{70, 9, 7, 7, 5, 3, 3, 1, 1};
  REQUIRE(cpu::winograd::applies({70, 9, 7, 7, 5, 3, 3, 1, 1}));
  check_conv_kernels(winograd, kGemmTolerance, 40);
}

TEST_CASE("Winograd F(4x4, 3x3) convolutions stay within their own bound", "[kernels][conv]") {
  // F(4x4, 3x3) computes each output as A^T [(G g G^T) (.) (B^T d B)] A: the transforms mix
  // up to 6 values with coefficients up to 8 (A^T's last row is 1, -1, 8, -8, 1), so a
  // rounding error made in the transformed domain reaches an output multiplied by up to
  // ~10-20 more than in a direct sum (Barabasz et al., "Error analysis and improving the
  // accuracy of Winograd convolution for deep neural networks", 2020: about an order of
  // magnitude above direct convolution for these interpolation points 0, +-1, +-2). Measured
  // on these geometries and the conv model's real ones at batch 4-16: at most 3.2e-6 of
  // sum|terms| (im2col: 2.8e-7). 2e-5 leaves a 6x margin and is 5x tighter than the GEMM
  // tolerance the op tests use; a missing or doubled tap (>= 1/9 of sum|terms| for the
  // 3x3 window of an output) fails it by far.
  const Tolerance winograd_tolerance{0.0, 2e-5};
  const std::vector<Conv2dGeometry> geometries{
      {2, 64, 14, 14, 128, 3, 3, 1, 1},  // encoder.layer2.0, real channels
      {17, 32, 28, 28, 6, 3, 3, 1, 1},   // 28x28: 7x7 tiles; 17 = a full group and one image
      {37, 5, 7, 7, 3, 3, 3, 1, 1},      // 7x7: the last tile row and column half outside
      {3, 4, 5, 6, 5, 3, 3, 1, 0},       // padding 0 (its input gradient: padding 2)
      {3, 4, 5, 6, 5, 3, 3, 1, 2},       // padding 2 (its input gradient: padding 0)
      {2, 3, 1, 1, 2, 3, 3, 1, 1},       // a 1x1 map: one tile, eight of its nine taps outside
  };
  for (const Conv2dGeometry& g : geometries) {
    INFO("batch " << g.batch << ", " << g.in_channels << " -> " << g.out_channels << ", " << g.height << "x" << g.width
                  << ", padding " << g.padding);
    REQUIRE(cpu::winograd::applies({g.batch, g.in_channels, g.height, g.width, g.out_channels, 3, 3, 1, g.padding}));
    check_conv_kernels(g, winograd_tolerance, 50);
  }
}

TEST_CASE("only stride-1 3x3 convolutions with padding up to 2 take the Winograd path", "[kernels][conv]") {
  CHECK(cpu::winograd::applies({1, 1, 28, 28, 16, 3, 3, 1, 1}));
  CHECK_FALSE(cpu::winograd::applies({1, 128, 14, 14, 256, 3, 3, 2, 1}));  // the decoder's stride 2
  CHECK_FALSE(cpu::winograd::applies({1, 3, 9, 9, 2, 3, 3, 1, 3}));        // input gradient: padding -1
  CHECK_FALSE(cpu::winograd::applies({1, 3, 9, 9, 2, 3, 2, 1, 1}));
  CHECK_FALSE(cpu::winograd::applies({1, 3, 9, 9, 2, 1, 1, 1, 0}));
}

TEST_CASE("conv ops reject bad shapes and settings with a message", "[kernels][conv]") {
  const Tensor x = random_tensor({2, 3, 7, 7}, 40);
  CHECK_THROWS_WITH(ops::conv2d(x, random_tensor({4, 5, 3, 3}, 41), Tensor(), 1, 1), Catch::Contains("channels"));
  CHECK_THROWS_AS(ops::conv2d(x, random_tensor({4, 3, 3, 3}, 42), random_tensor({5}, 43), 1, 1), Error);
  CHECK_THROWS_AS(ops::conv2d(x, random_tensor({4, 3, 9, 9}, 44), Tensor(), 1, 0), Error);
  CHECK_THROWS_AS(ops::conv2d(x, random_tensor({4, 3, 3, 3}, 45), Tensor(), 0, 1), Error);
  CHECK_THROWS_WITH(ops::conv_transpose2d(x, random_tensor({3, 4, 3, 3}, 46), Tensor(), 2, 1, 2),
                    Catch::Contains("output_padding"));
  CHECK_THROWS_AS(ops::conv_transpose2d(x, random_tensor({5, 4, 3, 3}, 47), Tensor(), 2, 1, 1), Error);
}

TEST_CASE("the profiler counts each conv layer's passes under its name", "[kernels][conv]") {
  const Tensor x = random_tensor({2, 3, 9, 9}, 60), weight = random_tensor({5, 3, 3, 3}, 61);
  Tensor w = weight;
  w.set_requires_grad(true);
  profiler::reset();
  profiler::enable(true);
  weighted_sum(ops::conv2d(x, w, Tensor(), 1, 1), random_values(2 * 5 * 81, 62)).backward();
  profiler::enable(false);
  // 2 images x 5 channels x 81 outputs x 27 multiply-adds, 2 FLOPs each.
  const double flops = 2.0 * 2 * 5 * 81 * 27;
  std::vector<std::string> ops;
  for (const LayerOpStats& entry : profiler::layer_stats()) {
    INFO(entry.op);
    CHECK(entry.layer == "conv2d 3->5 9x9");
    CHECK(entry.stats.calls == 1);
    CHECK(entry.stats.flops == flops);
    CHECK(entry.stats.passes.count("product") == 1);
    CHECK(entry.stats.passes.count(entry.op == "conv2d.backward_weight" ? "output gradient transform"
                                                                        : "input transform") == 1);
    ops.push_back(entry.op);
  }
  profiler::reset();
  // x needs no gradient: no backward_input pass.
  CHECK(ops == std::vector<std::string>{"conv2d", "conv2d.backward_weight"});
}
