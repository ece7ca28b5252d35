// The CUDA backend against the CPU backend, on the same seeded random inputs of awkward sizes
// (odd counts around the 256-thread block, 28x28 and 7x7 maps, batches 3 and 37, channels
// 3, 5, 17). Two levels, as the layering asks (STYLE.md):
// - kernels: each dae::cuda:: function against its dae::cpu:: twin on raw buffers, every
//   output followed by a guard region that must stay bit-identical (cuda_compare.h). These
//   call the CUDA kernels directly, so they exist only in CUDA builds.
// - ops: each dae::ops:: op forward and backward through autograd on CUDA tensors against
//   the same op on CPU tensors. These compile everywhere (DAE_DISPATCH throws without CUDA).
// Tolerances: cuda_compare.h, and a comment at each use. All tests are [cuda]: tests/main.cpp
// reports them as skipped where no GPU answers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "core/device.h"
#include "core/ops.h"
#include "core/tensor.h"
#include "cuda_compare.h"
#include "kernels/noise.h"

#ifdef DAE_WITH_CUDA
#include "kernels/accumulate.h"
#include "kernels/adam.h"
#include "kernels/batch_gather.h"
#include "kernels/batch_norm2d.h"
#include "kernels/bias.h"
#include "kernels/conv2d.h"
#include "kernels/cpu_runtime.h"
#include "kernels/cpu_threads.h"
#include "kernels/linear.h"
#include "kernels/max_pool2d.h"
#include "kernels/mse_loss.h"
#include "kernels/relu.h"
#endif

namespace dae {
namespace {

using test::check_matches;
using test::kBitwise;
using test::kElementwise;
using test::kReduction;
using test::random_tensor;
using test::random_values;
using test::require_gpu;

TEST_CASE("cuda_status finds the GPU where the [cuda] tests run", "[cuda][device]") {
  INFO("cuda_status().reason: " << cuda_status().reason);
  CHECK(built_with_cuda());
  REQUIRE(cuda_status().available);
}

TEST_CASE("cuda tensors round-trip CPU -> CUDA -> CPU bit for bit", "[cuda][tensor]") {
  require_gpu();
  std::vector<float> values = random_values(7 * 11 * 13, 1);
  // Values no arithmetic would keep: signed zero, infinities, NaN payloads (quiet and
  // signaling), the smallest subnormal, the largest finite float.
  const uint32_t special[] = {0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC0DEADu,
                              0xFFBADBADu, 0x00000001u, 0x7F7FFFFFu};
  for (size_t i = 0; i < std::size(special); ++i) values[i] = bits_to_float(special[i]);
  const Tensor cpu = Tensor::from_vector({7, 11, 13}, values);
  const Tensor gpu = cpu.to(Device::CUDA);
  REQUIRE(gpu.device() == Device::CUDA);
  test::check_bitwise("to(CUDA).to(CPU)", gpu.to(Device::CPU).to_vector(), values);
  test::check_bitwise("to_vector of a CUDA tensor", gpu.to_vector(), values);
  test::check_bitwise("clone on the GPU", gpu.clone().to_vector(), values);
  test::check_bitwise("from_vector onto the GPU", Tensor::from_vector({1001}, values, Device::CUDA).to_vector(),
                      values);
}

#ifdef DAE_WITH_CUDA

using test::check_output;
using test::dims;
using test::unwritten;
using DeviceArray = test::GuardedDeviceArray<float>;

// Element counts for the element-wise kernels: 1, odd sizes around one 256-thread block, one
// MLP batch (37 x 784), 100,003, and 2^20 + 3. The last three are over
// cpu::kParallelMinElements (2^14), where the CPU side splits its loops over threads; the last
// is also over kMaxPartialSums x kThreadsPerBlock = 262,144, so mse_loss's grid-stride loop
// makes several passes (4) over it.
constexpr int64_t kLargeCount = (int64_t{1} << 20) + 3;
static_assert(kLargeCount > cpu::kParallelMinElements, "the largest count must reach the CPU's parallel loops");
static_assert(kLargeCount > 2 * int64_t{cuda::kMaxPartialSums} * cuda::kThreadsPerBlock,
              "the largest count must make mse_loss's grid-stride loop pass more than once");
const int64_t kCounts[] = {1, 3, 255, 257, 29008, 100003, kLargeCount};

TEST_CASE("cuda relu kernels match the CPU bit for bit", "[cuda][kernels][relu]") {
  require_gpu();
  for (int64_t n : kCounts) {
    CAPTURE(n);
    std::vector<float> x = random_values(n, 1);
    x[static_cast<size_t>(n / 2)] = 0.0f;  // the kink: y = 0 and no gradient, on both
    const std::vector<float> dy = random_values(n, 2);
    std::vector<float> y(x.size()), dx(x.size());
    cpu::relu_forward(x.data(), y.data(), n);
    cpu::relu_backward(y.data(), dy.data(), dx.data(), n);

    DeviceArray x_d(x), dy_d(dy), y_d(unwritten(n)), dx_d(unwritten(n));
    cuda::relu_forward(x_d.data(), y_d.data(), n);
    cuda::relu_backward(y_d.data(), dy_d.data(), dx_d.data(), n);
    // Both are selections (x or 0, dy or 0): no arithmetic, so no rounding to differ.
    check_output("relu_forward y", y_d, y, kBitwise);
    check_output("relu_backward dx", dx_d, dx, kBitwise);
  }
}

TEST_CASE("cuda mse_loss kernels match the CPU", "[cuda][kernels][mse]") {
  require_gpu();
  for (int64_t n : kCounts) {
    CAPTURE(n);
    const std::vector<float> prediction = random_values(n, 1), target = random_values(n, 2);
    const std::vector<float> grad_loss{0.75f};
    std::vector<float> loss(1), dprediction(prediction.size());
    cpu::mse_loss_forward(prediction.data(), target.data(), n, loss.data());
    cpu::mse_loss_backward(prediction.data(), target.data(), grad_loss.data(), dprediction.data(), n);

    DeviceArray p_d(prediction), t_d(target), grad_loss_d(grad_loss);
    DeviceArray loss_d(unwritten(1)), dprediction_d(unwritten(n));
    cuda::mse_loss_forward(p_d.data(), t_d.data(), n, loss_d.data());
    cuda::mse_loss_backward(p_d.data(), t_d.data(), grad_loss_d.data(), dprediction_d.data(), n);
    // The loss is a sum of n squares in another order: a reduction.
    check_output("mse_loss_forward loss", loss_d, loss, kReduction);
    // One difference times one scale per element: element-wise.
    check_output("mse_loss_backward dprediction", dprediction_d, dprediction, kElementwise);
  }
}

TEST_CASE("cuda bias kernels match the CPU", "[cuda][kernels][bias]") {
  require_gpu();
  // The last three split each channel into several parts (cuda_reduce.cuh: 4096 values per
  // part, at most 64 parts, the last part shorter): 2, 13 and 64 parts.
  const BiasShape shapes[] = {{3, 17, 784}, {37, 5, 49},  {64, 257, 1},  {37, 3, 1},
                              {5000, 3, 1}, {64, 3, 784}, {300, 2, 1000}};
  for (const BiasShape& s : shapes) {
    INFO("bias shape " << dims({s.batch, s.channels, s.spatial}));
    const int64_t n = s.batch * s.channels * s.spatial;
    const std::vector<float> y_before = random_values(n, 1), bias = random_values(s.channels, 2);
    const std::vector<float> dy = random_values(n, 3);
    std::vector<float> y = y_before, dbias(bias.size());
    cpu::bias_forward(y.data(), bias.data(), s);
    cpu::bias_backward(dy.data(), dbias.data(), s);

    DeviceArray y_d(y_before), bias_d(bias), dy_d(dy), dbias_d(unwritten(s.channels));
    cuda::bias_forward(y_d.data(), bias_d.data(), s);
    cuda::bias_backward(dy_d.data(), dbias_d.data(), s);
    // One addition per element (exact in practice; element-wise is the class it belongs to).
    check_output("bias_forward y", y_d, y, kElementwise);
    // A sum over N*H*W values per channel: a reduction.
    check_output("bias_backward dbias", dbias_d, dbias, kReduction);
  }
}

TEST_CASE("cuda linear kernels (cuBLAS) match the CPU (OpenBLAS)", "[cuda][kernels][linear]") {
  require_gpu();
  const LinearShape shapes[] = {{3, 784, 17}, {37, 5, 257}, {64, 784, 128}, {1, 1, 1}};
  for (const LinearShape& s : shapes) {
    INFO("linear N, I, O " << dims({s.batch, s.in_features, s.out_features}));
    const std::vector<float> x = random_values(s.batch * s.in_features, 1);
    const std::vector<float> weight = random_values(s.out_features * s.in_features, 2);
    const std::vector<float> dy = random_values(s.batch * s.out_features, 3);
    std::vector<float> y(dy.size()), dx(x.size()), dweight(weight.size());
    cpu::linear_forward(x.data(), weight.data(), y.data(), s);
    cpu::linear_backward_input(dy.data(), weight.data(), dx.data(), s);
    cpu::linear_backward_weight(dy.data(), x.data(), dweight.data(), s);

    DeviceArray x_d(x), weight_d(weight), dy_d(dy);
    DeviceArray y_d(unwritten(s.batch * s.out_features)), dx_d(unwritten(s.batch * s.in_features));
    DeviceArray dweight_d(unwritten(s.out_features * s.in_features));
    cuda::linear_forward(x_d.data(), weight_d.data(), y_d.data(), s);
    cuda::linear_backward_input(dy_d.data(), weight_d.data(), dx_d.data(), s);
    cuda::linear_backward_weight(dy_d.data(), x_d.data(), dweight_d.data(), s);
    // Three matrix products, cuBLAS against OpenBLAS (fp32, TF32 off): reductions.
    check_output("linear_forward y", y_d, y, kReduction);
    check_output("linear_backward_input dx", dx_d, dx, kReduction);
    check_output("linear_backward_weight dweight", dweight_d, dweight, kReduction);
  }
}

TEST_CASE("cuda conv2d kernels (cuDNN) match the CPU (im2col + OpenBLAS)", "[cuda][kernels][conv]") {
  require_gpu();
  // {N, C, H, W, O, kH, kW, stride, padding}
  const Conv2dShape shapes[] = {
      {3, 5, 28, 28, 17, 3, 3, 1, 1},
      {37, 3, 7, 7, 5, 3, 3, 1, 1},
      {2, 3, 9, 13, 4, 5, 3, 1, 2},  // non-square map and kernel
      {2, 3, 8, 8, 4, 3, 3, 2, 0},   // the floor leaves row and column 7 out: dx = 0 there
      // The "mirror" convolutions core/ops_conv.cpp runs for a ConvTranspose2d with stride 2,
      // padding 1, output_padding 1 (the conv model's decoder): seen from the transposed op's
      // output, 14x14 -> 7x7 for ConvTranspose2d(3 -> 17) on 7x7 maps, and 28x28 -> 14x14 for
      // ConvTranspose2d(16 -> 1), the decoder's last layer.
      {5, 17, 14, 14, 3, 3, 3, 2, 1},
      {3, 1, 28, 28, 16, 3, 3, 2, 1},
  };
  for (const Conv2dShape& s : shapes) {
    INFO("conv2d N, C, H, W, O, kH, kW, stride, padding "
         << dims({s.batch, s.in_channels, s.in_height, s.in_width, s.out_channels, s.kernel_height, s.kernel_width,
                  s.stride, s.padding}));
    const int64_t x_size = s.batch * s.in_channels * s.in_height * s.in_width;
    const int64_t y_size = s.batch * s.out_channels * s.out_height() * s.out_width();
    const int64_t weight_size = s.out_channels * s.in_channels * s.kernel_height * s.kernel_width;
    const std::vector<float> x = random_values(x_size, 1), weight = random_values(weight_size, 2);
    const std::vector<float> dy = random_values(y_size, 3);
    std::vector<float> y(dy.size()), dx(x.size()), dweight(weight.size());
    cpu::conv2d_forward(x.data(), weight.data(), y.data(), s);
    cpu::conv2d_backward_input(dy.data(), weight.data(), dx.data(), s);
    cpu::conv2d_backward_weight(dy.data(), x.data(), dweight.data(), s);

    DeviceArray x_d(x), weight_d(weight), dy_d(dy);
    DeviceArray y_d(unwritten(y_size)), dx_d(unwritten(x_size)), dweight_d(unwritten(weight_size));
    cuda::conv2d_forward(x_d.data(), weight_d.data(), y_d.data(), s);
    cuda::conv2d_backward_input(dy_d.data(), weight_d.data(), dx_d.data(), s);
    cuda::conv2d_backward_weight(dy_d.data(), x_d.data(), dweight_d.data(), s);
    // cuDNN's algorithms (FFT, Winograd, implicit GEMM) against im2col + sgemm: reductions.
    check_output("conv2d_forward y", y_d, y, kReduction);
    check_output("conv2d_backward_input dx", dx_d, dx, kReduction);
    check_output("conv2d_backward_weight dweight", dweight_d, dweight, kReduction);
  }
}

// The max_pool2d shapes: 28x28 and 7x7 maps (7 is odd: the last row and column belong to no
// window), and a non-square map with an odd height.
const PoolShape kPoolShapes[] = {{3, 5, 28, 28}, {37, 17, 7, 7}, {2, 3, 9, 12}};

// Pairwise distinct values (a shuffled 0, 1, 2, ... scaled into [0, 1), exact in float), so
// that no window holds a tie: the gradient's element is then the same under any tie rule.
std::vector<float> distinct_values(int64_t count, uint64_t seed) {
  REQUIRE(count <= (int64_t{1} << 24));  // every integer up to 2^24 is a float
  std::vector<float> values(static_cast<size_t>(count));
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
  Generator generator(seed);
  for (size_t i = values.size() - 1; i > 0; --i) std::swap(values[i], values[generator.below(i + 1)]);
  for (float& value : values) value /= static_cast<float>(count);
  return values;
}

TEST_CASE("cuda max_pool2d kernels (cuDNN) give the CPU's bits on tie-free inputs", "[cuda][kernels][pool]") {
  require_gpu();
  for (const PoolShape& s : kPoolShapes) {
    INFO("max_pool2d shape " << dims({s.batch, s.channels, s.height, s.width}));
    const int64_t x_size = s.batch * s.channels * s.height * s.width;
    const int64_t y_size = s.batch * s.channels * s.out_height() * s.out_width();
    const std::vector<float> x = distinct_values(x_size, 1), dy = random_values(y_size, 2);
    std::vector<float> y(dy.size()), dx(x.size());
    cpu::max_pool2d_forward(x.data(), y.data(), s);
    cpu::max_pool2d_backward(x.data(), y.data(), dy.data(), dx.data(), s);

    DeviceArray x_d(x), dy_d(dy), y_d(unwritten(y_size)), dx_d(unwritten(x_size));
    cuda::max_pool2d_forward(x_d.data(), y_d.data(), s);
    cuda::max_pool2d_backward(x_d.data(), y_d.data(), dy_d.data(), dx_d.data(), s);
    // A maximum is one of the inputs and its gradient one dy, routed: selections, exact.
    // With odd H or W, dx of the left-out last row/column must be exactly 0 on both.
    check_output("max_pool2d_forward y", y_d, y, kBitwise);
    check_output("max_pool2d_backward dx", dx_d, dx, kBitwise);
  }
}

// Ties: x takes the values 0, 1 and 2 only, so most windows hold several maxima. cuDNN does not
// document which one receives the gradient, and PyTorch's rule (the first in row-major order,
// the CPU's) is not required of it: what the backward must do is give each window's gradient
// whole to exactly one maximal element (the window's sum of dx is exactly its dy), none to the
// others, and 0 to the row and column no window covers. Which element it picks is reported
// (a WARN line, in every run's output) so that max_pool2d.cu can state it once a GPU has shown it.
TEST_CASE("cuda max_pool2d backward gives each window's gradient whole to one of its maxima", "[cuda][kernels][pool]") {
  require_gpu();
  int64_t tied_windows = 0, to_first = 0, to_last = 0;
  for (const PoolShape& s : kPoolShapes) {
    INFO("max_pool2d shape " << dims({s.batch, s.channels, s.height, s.width}) << " with ties");
    const int64_t planes = s.batch * s.channels, H = s.height, W = s.width;
    const int64_t Ho = s.out_height(), Wo = s.out_width();
    std::vector<float> x = random_values(planes * H * W, 1, 0.0f, 3.0f);
    for (float& value : x) value = std::floor(value);
    // Gradients that are never 0, so that a window's chosen element is the one non-zero of dx.
    const std::vector<float> dy = random_values(planes * Ho * Wo, 2, 0.5f, 1.5f);
    std::vector<float> y(dy.size());
    cpu::max_pool2d_forward(x.data(), y.data(), s);

    DeviceArray x_d(x), dy_d(dy), y_d(unwritten(planes * Ho * Wo)), dx_d(unwritten(planes * H * W));
    cuda::max_pool2d_forward(x_d.data(), y_d.data(), s);
    cuda::max_pool2d_backward(x_d.data(), y_d.data(), dy_d.data(), dx_d.data(), s);
    // The maximum's value does not depend on which maximum is taken: exact.
    check_output("max_pool2d_forward y", y_d, y, kBitwise);
    REQUIRE(dx_d.check_guard("max_pool2d_backward dx"));
    const std::vector<float> dx = dx_d.values();

    int64_t wrong = 0;
    std::string first_wrong;
    for (int64_t p = 0; p < planes; ++p) {
      const float* in = x.data() + p * H * W;
      const float* grad = dx.data() + p * H * W;
      for (int64_t i = 0; i < H; ++i)
        for (int64_t j = 0; j < W; ++j)
          if ((i >= 2 * Ho || j >= 2 * Wo) && grad[i * W + j] != 0.0f && ++wrong == 1)
            first_wrong = "plane " + std::to_string(p) + ": dx at (" + std::to_string(i) + ", " + std::to_string(j) +
                          "), outside every window, is not 0";
      for (int64_t oy = 0; oy < Ho; ++oy) {
        for (int64_t ox = 0; ox < Wo; ++ox) {
          const float window_dy = dy[static_cast<size_t>((p * Ho + oy) * Wo + ox)];
          const float window_max = y[static_cast<size_t>((p * Ho + oy) * Wo + ox)];
          std::vector<int64_t> maxima, receivers;  // window positions 0..3, row-major
          bool exact = true;
          for (int64_t k = 0; k < 4; ++k) {
            const int64_t at = (2 * oy + k / 2) * W + 2 * ox + k % 2;
            if (in[at] == window_max) maxima.push_back(k);
            if (grad[at] != 0.0f) {  // a NaN (an unwritten element) counts as non-zero
              receivers.push_back(k);
              exact = exact && float_to_bits(grad[at]) == float_to_bits(window_dy);
            }
          }
          const bool one_maximum =
              receivers.size() == 1 && exact && std::find(maxima.begin(), maxima.end(), receivers[0]) != maxima.end();
          if (!one_maximum && ++wrong == 1)
            first_wrong = "plane " + std::to_string(p) + ", window (" + std::to_string(oy) + ", " + std::to_string(ox) +
                          "): " + std::to_string(maxima.size()) + " maxima, " + std::to_string(receivers.size()) +
                          " elements received gradient" + (exact ? "" : ", not exactly dy");
          if (one_maximum && maxima.size() > 1) {
            ++tied_windows;
            to_first += receivers[0] == maxima.front();
            to_last += receivers[0] == maxima.back();
          }
        }
      }
    }
    INFO("first wrong window: " << first_wrong);
    CHECK(wrong == 0);
  }
  REQUIRE(tied_windows > 0);
  WARN("cuDNN max-pool ties: of " << tied_windows << " windows with tied maxima, the gradient went to "
                                  << "the first maximum in row-major order in " << to_first << ", to the last in "
                                  << to_last << ", to a middle one in " << tied_windows - to_first - to_last
                                  << " (the CPU: always the first)");
}

// Batch norm shapes {N, C, H*W}: 28x28 and 7x7 maps, and 1x1 maps (statistics over N only).
// The last two split each channel into several parts (13 and 64, cuda_reduce.cuh), as every
// BatchNorm of the conv model does in training (200,704 values per channel at batch 256).
const BatchNormShape kBatchNormShapes[] = {{3, 5, 784}, {37, 17, 49}, {5, 3, 1}, {64, 3, 784}, {300, 2, 1000}};
constexpr float kMomentum = 0.1f, kEps = 1e-5f;

struct BatchNormInputs {
  explicit BatchNormInputs(const BatchNormShape& s)
      : x(random_values(s.batch * s.channels * s.spatial, 1, -0.5f, 1.5f)),  // mean far from 0
        dy(random_values(s.batch * s.channels * s.spatial, 2)),
        weight(random_values(s.channels, 3, 0.5f, 1.5f)),
        bias(random_values(s.channels, 4, -0.5f, 0.5f)),
        running_mean(random_values(s.channels, 5, -0.2f, 0.2f)),
        running_var(random_values(s.channels, 6, 0.5f, 1.5f)) {}
  std::vector<float> x, dy, weight, bias, running_mean, running_var;
};

TEST_CASE("cuda batch_norm2d forward kernels match the CPU", "[cuda][kernels][batch_norm]") {
  require_gpu();
  for (const BatchNormShape& s : kBatchNormShapes) {
    INFO("batch_norm2d N, C, H*W " << dims({s.batch, s.channels, s.spatial}));
    const BatchNormInputs in(s);
    const int64_t n = s.batch * s.channels * s.spatial;
    DeviceArray x_d(in.x), weight_d(in.weight), bias_d(in.bias);
    for (bool training : {true, false}) {
      INFO((training ? "training" : "eval"));
      std::vector<float> y(in.x.size()), mean(in.weight.size()), inv_std(in.weight.size());
      std::vector<float> running_mean = in.running_mean, running_var = in.running_var;
      DeviceArray y_d(unwritten(n)), mean_d(unwritten(s.channels));
      DeviceArray inv_std_d(unwritten(s.channels));
      DeviceArray running_mean_d(in.running_mean), running_var_d(in.running_var);
      if (training) {
        cpu::batch_norm2d_forward_train(in.x.data(), in.weight.data(), in.bias.data(), y.data(),
                                        {mean.data(), inv_std.data()}, running_mean.data(), running_var.data(), s,
                                        kMomentum, kEps);
        cuda::batch_norm2d_forward_train(x_d.data(), weight_d.data(), bias_d.data(), y_d.data(),
                                         {mean_d.data(), inv_std_d.data()}, running_mean_d.data(), running_var_d.data(),
                                         s, kMomentum, kEps);
      } else {
        cpu::batch_norm2d_forward_eval(in.x.data(), in.weight.data(), in.bias.data(), y.data(),
                                       {mean.data(), inv_std.data()}, running_mean.data(), running_var.data(), s, kEps);
        cuda::batch_norm2d_forward_eval(x_d.data(), weight_d.data(), bias_d.data(), y_d.data(),
                                        {mean_d.data(), inv_std_d.data()}, running_mean_d.data(), running_var_d.data(),
                                        s, kEps);
      }
      // Training: the statistics are sums over N*H*W values (reductions), and the output is
      // normalized with them, so it is only as close as they are. Eval: the statistics are the
      // running ones, and all that is left is the element-wise normalize step.
      const test::Tolerance tolerance = training ? kReduction : kElementwise;
      check_output("batch_norm2d y", y_d, y, tolerance);
      check_output("batch_norm2d saved mean", mean_d, mean, tolerance);
      check_output("batch_norm2d saved inv_std", inv_std_d, inv_std, tolerance);
      // Updated in training (blending in the batch statistics), left alone in eval.
      check_output("batch_norm2d running_mean", running_mean_d, running_mean, tolerance);
      check_output("batch_norm2d running_var", running_var_d, running_var, tolerance);
    }
  }
}

TEST_CASE("cuda batch_norm2d backward kernel matches the CPU", "[cuda][kernels][batch_norm]") {
  require_gpu();
  for (const BatchNormShape& s : kBatchNormShapes) {
    INFO("batch_norm2d N, C, H*W " << dims({s.batch, s.channels, s.spatial}));
    const BatchNormInputs in(s);
    const int64_t n = s.batch * s.channels * s.spatial;
    // The same saved statistics on both sides (the CPU forward's), so only the backward differs.
    std::vector<float> y(in.x.size()), mean(in.weight.size()), inv_std(in.weight.size());
    std::vector<float> running_mean = in.running_mean, running_var = in.running_var;
    cpu::batch_norm2d_forward_train(in.x.data(), in.weight.data(), in.bias.data(), y.data(),
                                    {mean.data(), inv_std.data()}, running_mean.data(), running_var.data(), s,
                                    kMomentum, kEps);
    DeviceArray x_d(in.x), dy_d(in.dy), weight_d(in.weight), mean_d(mean), inv_std_d(inv_std);
    for (bool training : {true, false}) {
      INFO((training ? "training" : "eval"));
      std::vector<float> dx(in.x.size()), dweight(in.weight.size()), dbias(in.weight.size());
      cpu::batch_norm2d_backward(in.x.data(), in.dy.data(), in.weight.data(), {mean.data(), inv_std.data()}, dx.data(),
                                 dweight.data(), dbias.data(), s, training);
      DeviceArray dx_d(unwritten(n)), dweight_d(unwritten(s.channels));
      DeviceArray dbias_d(unwritten(s.channels));
      cuda::batch_norm2d_backward(x_d.data(), dy_d.data(), weight_d.data(), {mean_d.data(), inv_std_d.data()},
                                  dx_d.data(), dweight_d.data(), dbias_d.data(), s, training);
      // dweight and dbias are sums over N*H*W; dx subtracts their means from dy, where the
      // difference may nearly cancel: reductions, relative to the largest magnitude.
      check_output("batch_norm2d_backward dx", dx_d, dx, kReduction);
      check_output("batch_norm2d_backward dweight", dweight_d, dweight, kReduction);
      check_output("batch_norm2d_backward dbias", dbias_d, dbias, kReduction);
    }
  }
}

TEST_CASE("cuda adam kernel matches the CPU over several steps", "[cuda][kernels][adam]") {
  require_gpu();
  const AdamHyperparameters hyperparameters{1e-3, 0.9, 0.999, 1e-8};
  for (int64_t n : {int64_t{1}, int64_t{257}, int64_t{100003}}) {
    CAPTURE(n);
    std::vector<float> params = random_values(n, 1), exp_avg(params.size(), 0.0f);
    std::vector<float> exp_avg_sq(params.size(), 0.0f);
    DeviceArray params_d(params), exp_avg_d(exp_avg), exp_avg_sq_d(exp_avg_sq);
    // Resumed at step 3, as from a checkpoint: the count advances where each backend keeps it.
    AdamStepState state{3, AdamStepScalars{}};
    const test::GuardedDeviceArray<AdamStepState> state_d({state});
    for (int64_t step = 4; step <= 8; ++step) {
      const std::vector<float> grads = random_values(n, 10 + static_cast<uint64_t>(step));
      cpu::adam_step(params.data(), grads.data(), exp_avg.data(), exp_avg_sq.data(), n, hyperparameters, &state);
      const DeviceArray grads_d(grads);
      cuda::adam_step(params_d.data(), grads_d.data(), exp_avg_d.data(), exp_avg_sq_d.data(), n, hyperparameters,
                      state_d.data());
    }
    state_d.check_guard("adam_step state");
    const AdamStepState gpu_state = state_d.values()[0];
    CHECK(gpu_state.step == 8);
    CHECK(state.step == 8);
    // The scalars come from the same formula in double, rounded to float: pow differs by at
    // most 2 ulp of a double between the backends, which the float rounding absorbs except
    // on a rounding boundary (one float ulp, 6e-8 relative).
    const test::Tolerance scalar{0.0, 1.2e-7, 0.0};
    check_matches("adam step_size", {gpu_state.scalars.step_size}, {state.scalars.step_size}, scalar);
    check_matches("adam bias_correction2_sqrt", {gpu_state.scalars.bias_correction2_sqrt},
                  {state.scalars.bias_correction2_sqrt}, scalar);
    // The update is the shared adam_update with those scalars; only nvcc's fma contraction
    // (and its sqrt/division, IEEE-rounded without fast-math) can differ, by a few ulps of
    // values of magnitude <= 1 per step: within 1e-6, as dlib's test allows.
    const test::Tolerance adam{1e-6, 0.0, 0.0};
    check_output("adam_step params", params_d, params, adam);
    check_output("adam_step exp_avg", exp_avg_d, exp_avg, adam);
    check_output("adam_step exp_avg_sq", exp_avg_sq_d, exp_avg_sq, adam);
  }
}

// Seeds and streams with high 32 bits set, so both halves of Philox's key and counter count.
const NoiseParams kNoise[] = {{0, 0, 1.0f}, {0x0123456789ABCDEFull, (uint64_t{1} << 33) + 7, 0.3f}};

TEST_CASE("cuda noise kernel draws the CPU's noise bit for bit", "[cuda][kernels][noise]") {
  require_gpu();
  for (const NoiseParams& noise : kNoise) {
    for (int64_t n : kCounts) {  // 1, 3, 255 and 257 end in a partial group of four
      INFO("n " << n << ", seed " << noise.seed << ", stream " << noise.stream);
      const std::vector<float> x = random_values(n, 1, 0.0f, 1.0f);
      std::vector<float> y(x.size());
      cpu::add_gaussian_noise(x.data(), y.data(), n, noise);
      DeviceArray x_d(x), y_d(unwritten(n));
      cuda::add_gaussian_noise(x_d.data(), y_d.data(), n, noise);
      // The noise is built with every rounding pinned (kernels/noise.h): bit for bit.
      check_output("add_gaussian_noise y", y_d, y, kBitwise);

      // The same draw with part of its stream read from device memory, as a training step
      // reads the optimizer's step count.
      const test::GuardedDeviceArray<int64_t> offset_d({5});
      NoiseParams offset_noise = noise;
      offset_noise.stream -= 5;
      offset_noise.stream_offset = offset_d.data();
      DeviceArray y_offset_d(unwritten(n));
      cuda::add_gaussian_noise(x_d.data(), y_offset_d.data(), n, offset_noise);
      check_output("add_gaussian_noise y, stream offset on the device", y_offset_d, y, kBitwise);
    }
  }
}

TEST_CASE("cuda gather_noisy_batch matches the CPU bit for bit", "[cuda][kernels][noise]") {
  require_gpu();
  constexpr int64_t kImages = 50;
  const GatherShape shapes[] = {{37, 784}, {5, 13}, {1, 3}};  // 65 and 3: partial groups of four
  for (const NoiseParams& noise : kNoise) {
    for (const GatherShape& s : shapes) {
      INFO("gather B, P " << dims({s.batch, s.pixels}) << ", seed " << noise.seed);
      Generator generator(7);
      std::vector<uint8_t> images(static_cast<size_t>(kImages * s.pixels));
      for (uint8_t& pixel : images) pixel = static_cast<uint8_t>(generator.below(256));
      std::vector<int32_t> indices(static_cast<size_t>(s.batch));
      for (int32_t& index : indices) index = static_cast<int32_t>(generator.below(kImages));
      const int64_t n = s.batch * s.pixels;
      std::vector<float> clean(static_cast<size_t>(n)), noisy(clean.size());
      cpu::gather_noisy_batch(images.data(), indices.data(), clean.data(), noisy.data(), s, noise);

      const test::GuardedDeviceArray<uint8_t> images_d(images);
      const test::GuardedDeviceArray<int32_t> indices_d(indices);
      DeviceArray clean_d(unwritten(n)), noisy_d(unwritten(n));
      cuda::gather_noisy_batch(images_d.data(), indices_d.data(), clean_d.data(), noisy_d.data(), s, noise);
      // A division by 255 (correctly rounded on both) and the pinned noise: bit for bit.
      check_output("gather_noisy_batch clean", clean_d, clean, kBitwise);
      check_output("gather_noisy_batch noisy", noisy_d, noisy, kBitwise);
    }
  }
}

TEST_CASE("cuda accumulate and fill match the CPU bit for bit", "[cuda][kernels][accumulate]") {
  require_gpu();
  for (int64_t n : kCounts) {
    CAPTURE(n);
    const std::vector<float> y_before = random_values(n, 1), x = random_values(n, 2);
    std::vector<float> y = y_before;
    cpu::accumulate(y.data(), x.data(), n);
    DeviceArray y_d(y_before), x_d(x);
    cuda::accumulate(y_d.data(), x_d.data(), n);
    // One correctly rounded addition per element.
    check_output("accumulate y", y_d, y, kBitwise);

    for (float value : {0.0f, -0.0f, 0.375f}) {
      CAPTURE(value);
      std::vector<float> filled(y_before.size());
      cpu::fill(filled.data(), value, n);
      DeviceArray filled_d(unwritten(n));
      cuda::fill(filled_d.data(), value, n);
      check_output("fill y", filled_d, filled, kBitwise);
    }
  }
}

// TF32 on for a scope (the --tf32 option), off again however the scope is left: every other
// test needs fp32 (require_gpu checks it).
class Tf32Scope {
 public:
  Tf32Scope() { cuda::set_tf32(true); }
  ~Tf32Scope() { cuda::set_tf32(false); }
  Tf32Scope(const Tf32Scope&) = delete;
  Tf32Scope& operator=(const Tf32Scope&) = delete;
};

// The largest |gpu - cpu| over the largest |cpu|, to report how far TF32 moved a result.
double difference_relative_to_max(const std::vector<float>& gpu, const std::vector<float>& cpu) {
  double difference = 0.0, magnitude = 0.0;
  for (size_t i = 0; i < cpu.size(); ++i) {
    difference = std::max(difference, std::fabs(double{gpu[i]} - cpu[i]));
    magnitude = std::max(magnitude, std::fabs(double{cpu[i]}));
  }
  return difference / magnitude;
}

// With TF32, cuBLAS and cuDNN round both operands of every product to a 10-bit mantissa
// (relative error up to 2^-11 each) and add in fp32. Over K products of operands uniform in
// [-1, 1] with random signs the error of an output is about 2^-11 sqrt(K/9) in size, and the
// largest output about 3 sqrt(K/9) (its standard deviation is sqrt(K/9)): about 2e-4 of the
// largest output, a few times that for the worst of many. 5e-3 of the largest output leaves a
// factor 10 over that and still fails a TF32 path that computes the wrong product (a stale fp32
// plan, a transposed operand) by orders of magnitude. TF32 need not change any bit (a library
// may keep a product in fp32): how much it did is reported, not required.
TEST_CASE("cuda linear and conv2d with TF32 on match the CPU within TF32's rounding", "[cuda][kernels][tf32]") {
  require_gpu();
  const test::Tolerance tf32{0.0, 0.0, 5e-3};
  const Tf32Scope tf32_on;
  const LinearShape l{256, 784, 128};
  const std::vector<float> x = random_values(l.batch * l.in_features, 1);
  const std::vector<float> weight = random_values(l.out_features * l.in_features, 2);
  std::vector<float> y(static_cast<size_t>(l.batch * l.out_features));
  cpu::linear_forward(x.data(), weight.data(), y.data(), l);
  DeviceArray x_d(x), weight_d(weight), y_d(unwritten(l.batch * l.out_features));
  cuda::linear_forward(x_d.data(), weight_d.data(), y_d.data(), l);
  check_output("linear_forward y with TF32", y_d, y, tf32);

  const Conv2dShape c{8, 16, 28, 28, 32, 3, 3, 1, 1};
  const int64_t x_size = c.batch * c.in_channels * c.in_height * c.in_width;
  const int64_t y_size = c.batch * c.out_channels * c.out_height() * c.out_width();
  const std::vector<float> image = random_values(x_size, 3);
  const std::vector<float> filter = random_values(c.out_channels * c.in_channels * 9, 4);
  std::vector<float> conv(static_cast<size_t>(y_size));
  cpu::conv2d_forward(image.data(), filter.data(), conv.data(), c);
  DeviceArray image_d(image), filter_d(filter), conv_d(unwritten(y_size));
  cuda::conv2d_forward(image_d.data(), filter_d.data(), conv_d.data(), c);
  check_output("conv2d_forward y with TF32", conv_d, conv, tf32);

  WARN("TF32: largest difference from the CPU relative to the largest output: linear "
       << difference_relative_to_max(y_d.values(), y) << ", conv2d "
       << difference_relative_to_max(conv_d.values(), conv) << " (fp32 rounding alone: ~1e-7)");
}

// The high-water mark the app and the benchmark report: reset, it is the current use; an
// allocation raises it by at least its size; freeing it lowers the use but not the mark.
TEST_CASE("cuda peak memory follows an allocation and keeps its high-water mark", "[cuda][device]") {
  require_gpu();
  constexpr size_t kBytes = size_t{64} << 20;
  cuda::synchronize();
  reset_cuda_peak_memory();
  const size_t in_use = cuda::memory_in_use_bytes();
  CHECK(cuda_peak_memory_bytes() == in_use);
  {
    const Tensor block = Tensor::empty({static_cast<int64_t>(kBytes / sizeof(float))}, Device::CUDA);
    cuda::synchronize();
    CHECK(cuda::memory_in_use_bytes() >= in_use + kBytes);
    CHECK(cuda_peak_memory_bytes() >= in_use + kBytes);
  }
  cuda::synchronize();  // the free is stream-ordered
  CHECK(cuda::memory_in_use_bytes() == in_use);
  CHECK(cuda_peak_memory_bytes() >= in_use + kBytes);
}

#endif  // DAE_WITH_CUDA

// ---- Ops: forward and backward through core/ops and autograd, CUDA tensors against CPU ones.

struct OpInput {
  Shape shape;
  float low = -1.0f, high = 1.0f;
};

struct OpCase {
  std::string name;
  // The first `differentiable` inputs are leaves whose gradients are compared; the others are
  // state the op may update in place (BatchNorm's running statistics), compared after it.
  std::vector<OpInput> inputs;
  size_t differentiable;
  std::function<Tensor(const std::vector<Tensor>&)> op;
  test::Tolerance output, gradient;
};

// Runs the op on random CPU leaves and on CUDA copies of them, then backpropagates
// mse_loss(y, target) with one random target on both, which gives every output element its
// own upstream gradient, and compares the output, the loss, the gradients and the state.
void check_op_on_both_devices(const OpCase& c) {
  INFO(c.name);
  std::vector<Tensor> cpu_inputs, gpu_inputs;
  uint64_t seed = 1;
  for (const OpInput& input : c.inputs) {
    Tensor cpu = random_tensor(input.shape, seed++, input.low, input.high);
    Tensor gpu = cpu.to(Device::CUDA);
    const bool differentiable = cpu_inputs.size() < c.differentiable;
    cpu_inputs.push_back(cpu.set_requires_grad(differentiable));
    gpu_inputs.push_back(gpu.set_requires_grad(differentiable));
  }
  const Tensor y_cpu = c.op(cpu_inputs), y_gpu = c.op(gpu_inputs);
  REQUIRE(y_gpu.device() == Device::CUDA);
  check_matches(c.name + " output", y_gpu, y_cpu, c.output);

  const Tensor target = random_tensor(y_cpu.shape(), seed++);
  const Tensor loss_cpu = ops::mse_loss(y_cpu, target);
  const Tensor loss_gpu = ops::mse_loss(y_gpu, target.to(Device::CUDA));
  check_matches(c.name + " mse_loss", loss_gpu, loss_cpu, kReduction);
  loss_cpu.backward();
  loss_gpu.backward();
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    const std::string input = c.name + " input " + std::to_string(i);
    if (i < c.differentiable) {
      check_matches(input + " gradient", gpu_inputs[i].grad(), cpu_inputs[i].grad(), c.gradient);
    } else {
      check_matches(input + " after the op", gpu_inputs[i], cpu_inputs[i], kReduction);
    }
  }
}

void check_ops_on_both_devices(const std::vector<OpCase>& cases) {
  require_gpu();
  for (const OpCase& c : cases) check_op_on_both_devices(c);
}

// The tolerances of an op follow its least exact step. The upstream gradient comes from
// mse_loss's element-wise backward, so even selections (ReLU, max-pool routing) pass on
// gradients that are only element-wise close; matrix products and sums are reductions.

TEST_CASE("cuda relu, reshape and mse_loss ops match the CPU", "[cuda][ops][relu][mse]") {
  const auto relu = [](const std::vector<Tensor>& in) { return ops::relu(in[0]); };
  const auto reshape = [](const std::vector<Tensor>& in) { return ops::reshape(in[0], {in[0].dim(0), 1, 28, 28}); };
  check_ops_on_both_devices({
      {"relu [3, 5, 28, 28]", {{{3, 5, 28, 28}}}, 1, relu, kBitwise, kElementwise},
      {"relu [37, 257]", {{{37, 257}}}, 1, relu, kBitwise, kElementwise},
      // reshape is a view: the op left is mse_loss itself, forward and backward.
      {"reshape + mse_loss [37, 784]", {{{37, 784}}}, 1, reshape, kBitwise, kElementwise},
  });
}

TEST_CASE("cuda linear op matches the CPU", "[cuda][ops][linear]") {
  const auto linear = [](const std::vector<Tensor>& in) { return ops::linear(in[0], in[1], in[2]); };
  const auto linear_without_bias = [](const std::vector<Tensor>& in) { return ops::linear(in[0], in[1], Tensor()); };
  check_ops_on_both_devices({
      {"linear 784 -> 17, batch 3", {{{3, 784}, 0.0f}, {{17, 784}}, {{17}}}, 3, linear, kReduction, kReduction},
      {"linear 5 -> 257, batch 37", {{{37, 5}}, {{257, 5}}, {{257}}}, 3, linear, kReduction, kReduction},
      {"linear 128 -> 784 without bias, batch 37",
       {{{37, 128}}, {{784, 128}}},
       2,
       linear_without_bias,
       kReduction,
       kReduction},
  });
}

TEST_CASE("cuda conv2d and conv_transpose2d ops match the CPU", "[cuda][ops][conv]") {
  const auto conv = [](int64_t stride, int64_t padding) {
    return [=](const std::vector<Tensor>& in) { return ops::conv2d(in[0], in[1], in[2], stride, padding); };
  };
  const auto conv_transpose = [](int64_t stride, int64_t padding, int64_t output_padding) {
    return [=](const std::vector<Tensor>& in) {
      return ops::conv_transpose2d(in[0], in[1], in[2], stride, padding, output_padding);
    };
  };
  check_ops_on_both_devices({
      {"conv2d 5 -> 17, 28x28, s1 p1",
       {{{3, 5, 28, 28}}, {{17, 5, 3, 3}}, {{17}}},
       3,
       conv(1, 1),
       kReduction,
       kReduction},
      {"conv2d 3 -> 5, 7x7, s2 p1", {{{37, 3, 7, 7}}, {{5, 3, 3, 3}}, {{5}}}, 3, conv(2, 1), kReduction, kReduction},
      // The conv model's decoder: 7x7 -> 14x14 and 14x14 -> 28x28 (s2 p1 op1), and s1 p1.
      {"conv_transpose2d 17 -> 5, 7x7 -> 14x14",
       {{{3, 17, 7, 7}}, {{17, 5, 3, 3}}, {{5}}},
       3,
       conv_transpose(2, 1, 1),
       kReduction,
       kReduction},
      {"conv_transpose2d 16 -> 1, 14x14 -> 28x28",
       {{{2, 16, 14, 14}}, {{16, 1, 3, 3}}, {{1}}},
       3,
       conv_transpose(2, 1, 1),
       kReduction,
       kReduction},
      {"conv_transpose2d 5 -> 3, 7x7, s1 p1",
       {{{37, 5, 7, 7}}, {{5, 3, 3, 3}}, {{3}}},
       3,
       conv_transpose(1, 1, 0),
       kReduction,
       kReduction},
  });
}

// Random inputs of 24-bit uniform values: a window holds a tie with probability about 4e-7,
// so these few thousand windows are tie-free in all likelihood, and the routing is exact.
TEST_CASE("cuda max_pool2d op matches the CPU", "[cuda][ops][pool]") {
  const auto pool = [](const std::vector<Tensor>& in) { return ops::max_pool2d(in[0]); };
  check_ops_on_both_devices({
      {"max_pool2d [3, 5, 28, 28]", {{{3, 5, 28, 28}}}, 1, pool, kBitwise, kElementwise},
      {"max_pool2d [37, 17, 7, 7]", {{{37, 17, 7, 7}}}, 1, pool, kBitwise, kElementwise},
      {"max_pool2d [2, 3, 9, 12]", {{{2, 3, 9, 12}}}, 1, pool, kBitwise, kElementwise},
  });
}

// The conv model's block, ReLU then BatchNorm then max-pool, where ties are the rule: every
// ReLU zero of a channel becomes the one value BN(0), which is a window's maximum whenever the
// window has no positive input (or, for a channel whose BatchNorm weight is negative, whenever
// it has two zeros). Whichever tied zero cuDNN gives the gradient to, ReLU's backward then
// drops it (its input was <= 0), and BatchNorm's sums see the same xhat at every tied
// position, so the input gradient is the CPU's within the usual tolerance for any tie rule.
// This is what makes the training comparisons (test_cuda_training.cpp) independent of it.
TEST_CASE("cuda relu -> batch_norm2d -> max_pool2d matches the CPU despite tied maxima", "[cuda][ops][pool]") {
  const auto block = [](const std::vector<Tensor>& in) {
    const std::vector<float> weight = in[1].to_vector();
    REQUIRE(*std::min_element(weight.begin(), weight.end()) < 0.0f);  // both signs, as drawn
    REQUIRE(*std::max_element(weight.begin(), weight.end()) > 0.0f);
    const Tensor normalized = ops::batch_norm2d(ops::relu(in[0]), in[1], in[2], in[3], in[4], {});
    return ops::max_pool2d(normalized);
  };
  // x, BatchNorm weight (both signs), bias; running mean and variance (state).
  const Shape channels{6};
  check_ops_on_both_devices({
      {"relu -> batch_norm2d -> max_pool2d [8, 6, 14, 14]",
       {{{8, 6, 14, 14}},
        {channels, -1.5f, 1.5f},
        {channels, -0.5f, 0.5f},
        {channels, -0.2f, 0.2f},
        {channels, 0.5f, 1.5f}},
       3,
       block,
       kReduction,
       kReduction},
  });
}

TEST_CASE("cuda batch_norm2d op matches the CPU", "[cuda][ops][batch_norm]") {
  const auto batch_norm = [](bool training) {
    return [=](const std::vector<Tensor>& in) {
      ops::BatchNormOptions options;
      options.training = training;
      return ops::batch_norm2d(in[0], in[1], in[2], in[3], in[4], options);
    };
  };
  // x (mean far from 0), weight, bias; then running_mean and running_var (state).
  const auto inputs = [](const Shape& x) {
    const Shape channels{x[1]};
    return std::vector<OpInput>{{x, -0.5f, 1.5f},
                                {channels, 0.5f, 1.5f},
                                {channels, -0.5f, 0.5f},
                                {channels, -0.2f, 0.2f},
                                {channels, 0.5f, 1.5f}};
  };
  // In eval the output is only the element-wise normalize step; in training it depends on
  // the batch statistics (reductions). The gradients of weight and bias are sums: reductions.
  check_ops_on_both_devices({
      {"batch_norm2d training [3, 5, 28, 28]", inputs({3, 5, 28, 28}), 3, batch_norm(true), kReduction, kReduction},
      {"batch_norm2d training [37, 17, 7, 7]", inputs({37, 17, 7, 7}), 3, batch_norm(true), kReduction, kReduction},
      {"batch_norm2d eval [37, 17, 7, 7]", inputs({37, 17, 7, 7}), 3, batch_norm(false), kElementwise, kReduction},
  });
}

TEST_CASE("cuda add_gaussian_noise op draws the CPU's noise bit for bit", "[cuda][ops][noise]") {
  require_gpu();
  const NoiseParams noise{42, 1000, 0.5f};
  for (const Shape& shape : {Shape{37, 784}, Shape{3, 5, 7, 7}}) {
    INFO("shape " << shape);
    const Tensor x = random_tensor(shape, 1, 0.0f, 1.0f);
    const Tensor y_cpu = ops::add_gaussian_noise(x, noise);
    const Tensor y_gpu = ops::add_gaussian_noise(x.to(Device::CUDA), noise);
    REQUIRE(y_gpu.device() == Device::CUDA);
    check_matches("add_gaussian_noise", y_gpu, y_cpu, kBitwise);
  }
}

}  // namespace
}  // namespace dae
