// The differentiable operations of the framework, device-neutral: each checks its inputs'
// shapes and devices, runs the kernel of the tensors' device (core/dispatch.h) and records
// its backward on the autograd tape (core/autograd.h). PyTorch semantics throughout.
#pragma once

#include <cstdint>

#include "core/tensor.h"
#include "kernels/noise.h"

namespace dae::ops {

// y = x W^T + b. x [N, I], weight [O, I], bias [O] or undefined.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);

// x [N, C, H, W], weight [O, C, kH, kW], bias [O] or undefined.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int64_t stride, int64_t padding);

// x [N, C_in, H, W], weight [C_in, C_out, kH, kW] (PyTorch's layout), bias [C_out] or undefined.
// H_out = (H - 1) stride - 2 padding + kH + output_padding, with output_padding < stride.
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int64_t stride, int64_t padding,
                        int64_t output_padding);

// 2x2 window, stride 2. x [N, C, H, W] -> [N, C, H/2, W/2].
Tensor max_pool2d(const Tensor& x);

struct BatchNormOptions {
  bool training = true;
  double momentum = 0.1;
  double eps = 1e-5;
};

// x [N, C, H, W]; weight, bias, running_mean, running_var [C]. In training the running
// statistics are updated in place (see kernels/batch_norm2d.h for the formulas).
Tensor batch_norm2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                    const Tensor& running_var, const BatchNormOptions& options);

Tensor relu(const Tensor& x);

// Mean over all elements of (prediction - target)^2, a one-element tensor of shape [].
// The target is data: no gradient flows into it.
Tensor mse_loss(const Tensor& prediction, const Tensor& target);

// Same data, new shape with the same element count, recorded by autograd.
Tensor reshape(const Tensor& x, const Shape& shape);

// x + std * N(0, 1) from the counter-based generator (kernels/noise.h). Not differentiated:
// noise is applied to input data.
Tensor add_gaussian_noise(const Tensor& x, const NoiseParams& noise);

// A training batch straight from the data set (kernels/batch_gather.h): `images` holds
// uint8 pixels [count, pixels] and `order` int32 example indices, both on the tensors'
// device; the batch is examples order[first .. first+batch). clean = pixels / 255,
// noisy = clean + noise.std * N(0, 1).
struct NoisyBatch {
  Tensor clean, noisy;  // [batch, pixels]
};
NoisyBatch gather_noisy_batch(const Storage& images, int64_t pixels, const Storage& order, int64_t first, int64_t batch,
                              const NoiseParams& noise);

}  // namespace dae::ops
