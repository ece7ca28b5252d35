// conv2d and conv_transpose2d. A transposed convolution is the backward-input pass of the
// convolution that maps its output back to its input, and vice versa, so both ops run on
// the same three conv2d kernels (im2col + sgemm on the CPU, cuDNN on the GPU):
//
//                        conv2d (x -> y)           conv_transpose2d (x -> y)
//   forward              conv2d_forward            conv2d_backward_input  (x plays dy)
//   backward, input      conv2d_backward_input     conv2d_forward         (dy plays x)
//   backward, weight     conv2d_backward_weight    conv2d_backward_weight (roles swapped)
//
// For the transposed op the kernels see the "mirror" convolution: input [N, C_out, H_out,
// W_out], output channels C_in, weight [C_in, C_out, kH, kW], which is exactly how PyTorch
// stores a ConvTranspose2d weight.
#include <string>

#include "core/autograd.h"
#include "core/dispatch.h"
#include "core/op_checks.h"
#include "core/ops.h"
#include "core/profiler.h"
#include "kernels/bias.h"
#include "kernels/conv2d.h"

namespace dae::ops {

using detail::wants_grad;

namespace {

void check_conv_inputs(const char* op, const Tensor& x, const Tensor& weight, const Tensor& bias,
                       int64_t weight_channel_axis, int64_t stride, int64_t padding) {
  detail::check_rank(op, "input", x, 4);
  detail::check_rank(op, "weight", weight, 4);
  DAE_CHECK(x.dim(1) == weight.dim(static_cast<int>(weight_channel_axis)),
            op << ": input " << x.shape() << " has " << x.dim(1) << " channels but weight " << weight.shape()
               << " expects " << weight.dim(static_cast<int>(weight_channel_axis)));
  DAE_CHECK(stride >= 1 && padding >= 0,
            op << ": stride must be >= 1 and padding >= 0, got " << stride << " and " << padding);
  detail::check_same_device(op, {&x, &weight, &bias});
}

// Multiply-adds of the convolution `s`, and the bytes of its input, weight and output.
struct ConvCost {
  double macs, x_bytes, w_bytes, y_bytes;
};

ConvCost cost_of(const Conv2dShape& s) {
  const double out = static_cast<double>(s.batch * s.out_channels * s.out_height() * s.out_width());
  const double w = static_cast<double>(s.out_channels * s.in_channels * s.kernel_height * s.kernel_width);
  return {out * static_cast<double>(s.in_channels * s.kernel_height * s.kernel_width),
          4.0 * static_cast<double>(s.batch * s.in_channels * s.in_height * s.in_width), 4.0 * w, 4.0 * out};
}

// "conv2d 32->64 28x28", "conv_transpose2d 256->128 7x7->14x14 s2": a layer of the profile.
std::string layer_name(const char* op, int64_t in_channels, int64_t out_channels, int64_t in_height, int64_t in_width,
                       int64_t out_height, int64_t out_width, int64_t stride) {
  std::string name = std::string(op) + " " + std::to_string(in_channels) + "->" + std::to_string(out_channels) + " " +
                     std::to_string(in_height) + "x" + std::to_string(in_width);
  if (out_height != in_height || out_width != in_width)
    name += "->" + std::to_string(out_height) + "x" + std::to_string(out_width);
  if (stride != 1) name += " s" + std::to_string(stride);
  return name;
}

Tensor bias_gradient(const Tensor& dy, const Tensor& bias) {
  Tensor dbias = Tensor::empty(bias.shape(), dy.device());
  DAE_DISPATCH(dy.device(), bias_backward, dy.data(), dbias.data(),
               BiasShape{dy.dim(0), dy.dim(1), dy.dim(2) * dy.dim(3)});
  return dbias;
}

void add_bias(const Tensor& y, const Tensor& bias) {
  if (!bias.defined()) return;
  detail::check_shape("bias", "bias", bias, Shape{y.dim(1)});
  DAE_DISPATCH(y.device(), bias_forward, y.data(), bias.data(), BiasShape{y.dim(0), y.dim(1), y.dim(2) * y.dim(3)});
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int64_t stride, int64_t padding) {
  check_conv_inputs("conv2d", x, weight, bias, 1, stride, padding);
  const Conv2dShape s{x.dim(0),      x.dim(1),      x.dim(2), x.dim(3), weight.dim(0),
                      weight.dim(2), weight.dim(3), stride,   padding};
  DAE_CHECK(s.out_height() > 0 && s.out_width() > 0,
            "conv2d: input " << x.shape() << " is smaller than the kernel " << weight.shape());
  const Device device = x.device();
  const ConvCost cost = cost_of(s);
  const double flops = 2 * cost.macs, bytes = cost.x_bytes + cost.w_bytes + cost.y_bytes;
  const auto layer = [=] {
    return layer_name("conv2d", s.in_channels, s.out_channels, s.in_height, s.in_width, s.out_height(), s.out_width(),
                      s.stride);
  };
  OpScope scope("conv2d", device, flops, bytes, layer);
  Tensor y = Tensor::empty({s.batch, s.out_channels, s.out_height(), s.out_width()}, device);
  DAE_DISPATCH(device, conv2d_forward, x.data(), weight.data(), y.data(), s);
  add_bias(y, bias);

  record(y, "conv2d", {x, weight, bias}, [=](const Tensor& dy) {
    Tensor dx, dweight, dbias;
    if (wants_grad(x)) {
      OpScope input_scope("conv2d.backward_input", device, flops, bytes, layer);
      dx = Tensor::empty(x.shape(), device);
      DAE_DISPATCH(device, conv2d_backward_input, dy.data(), weight.data(), dx.data(), s);
    }
    OpScope weight_scope("conv2d.backward_weight", device, wants_grad(weight) ? flops : 0, bytes, layer);
    if (wants_grad(weight)) {
      dweight = Tensor::empty(weight.shape(), device);
      DAE_DISPATCH(device, conv2d_backward_weight, dy.data(), x.data(), dweight.data(), s);
    }
    if (wants_grad(bias)) dbias = bias_gradient(dy, bias);
    return std::vector<Tensor>{dx, dweight, dbias};
  });
  return y;
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int64_t stride, int64_t padding,
                        int64_t output_padding) {
  check_conv_inputs("conv_transpose2d", x, weight, bias, 0, stride, padding);
  DAE_CHECK(output_padding >= 0 && output_padding < stride,
            "conv_transpose2d: output_padding must be in [0, stride), got " << output_padding << " with stride "
                                                                            << stride);
  const int64_t out_height = (x.dim(2) - 1) * stride - 2 * padding + weight.dim(2) + output_padding;
  const int64_t out_width = (x.dim(3) - 1) * stride - 2 * padding + weight.dim(3) + output_padding;
  DAE_CHECK(out_height > 0 && out_width > 0,
            "conv_transpose2d: input " << x.shape() << " with weight " << weight.shape() << " gives an empty output");
  // The mirror convolution: from the transposed op's output back to its input.
  const Conv2dShape mirror{x.dim(0),      weight.dim(1), out_height, out_width, weight.dim(0),
                           weight.dim(2), weight.dim(3), stride,     padding};
  const Device device = x.device();
  const ConvCost cost = cost_of(mirror);
  const double flops = 2 * cost.macs, bytes = cost.x_bytes + cost.w_bytes + cost.y_bytes;
  const auto layer = [=] {
    return layer_name("conv_transpose2d", mirror.out_channels, mirror.in_channels, x.dim(2), x.dim(3), out_height,
                      out_width, stride);
  };
  OpScope scope("conv_transpose2d", device, flops, bytes, layer);
  Tensor y = Tensor::empty({mirror.batch, mirror.in_channels, out_height, out_width}, device);
  DAE_DISPATCH(device, conv2d_backward_input, x.data(), weight.data(), y.data(), mirror);
  add_bias(y, bias);

  record(y, "conv_transpose2d", {x, weight, bias}, [=](const Tensor& dy) {
    Tensor dx, dweight, dbias;
    if (wants_grad(x)) {
      OpScope input_scope("conv_transpose2d.backward_input", device, flops, bytes, layer);
      dx = Tensor::empty(x.shape(), device);
      DAE_DISPATCH(device, conv2d_forward, dy.data(), weight.data(), dx.data(), mirror);
    }
    OpScope weight_scope("conv_transpose2d.backward_weight", device, wants_grad(weight) ? flops : 0, bytes, layer);
    if (wants_grad(weight)) {
      dweight = Tensor::empty(weight.shape(), device);
      DAE_DISPATCH(device, conv2d_backward_weight, x.data(), dy.data(), dweight.data(), mirror);
    }
    if (wants_grad(bias)) dbias = bias_gradient(dy, bias);
    return std::vector<Tensor>{dx, dweight, dbias};
  });
  return y;
}

}  // namespace dae::ops
