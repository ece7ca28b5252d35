// PyTorch's default initialization of Linear and convolution layers, draw for draw: the
// weight by kaiming_uniform_(a = sqrt(5)), the bias uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)].
// Both bounds come to 1/sqrt(fan_in), but torch computes them differently in double and they
// can differ in the last bit, so they are computed here exactly as torch.nn.init does.
// fan_in = weight.size(1) * kernel area, as torch computes it, which for ConvTranspose2d
// (weight [C_in, C_out, kH, kW]) is C_out * kH * kW.
#pragma once

#include <cmath>

#include "core/tensor.h"
#include "core/torch_cpu_generator.h"

namespace dae {

inline int64_t pytorch_fan_in(const Shape& weight_shape) {
  int64_t fan_in = weight_shape[1];
  for (int axis = 2; axis < weight_shape.rank(); ++axis) fan_in *= weight_shape[axis];
  return fan_in;
}

inline Tensor uniform_tensor(const Shape& shape, double bound, TorchCpuGenerator& generator) {
  std::vector<float> values(static_cast<size_t>(shape.numel()));
  for (float& v : values) v = generator.uniform(-bound, bound);
  return Tensor::from_vector(shape, values);
}

// Weight then bias, in that order (the order PyTorch's reset_parameters draws them).
inline void init_weight_and_bias(const Shape& weight_shape, int64_t bias_size, TorchCpuGenerator& generator,
                                 Tensor& weight, Tensor& bias) {
  const double fan_in = static_cast<double>(pytorch_fan_in(weight_shape));
  const double a = std::sqrt(5.0);
  const double gain = std::sqrt(2.0 / (1.0 + a * a));  // calculate_gain("leaky_relu", a)
  const double weight_bound = std::sqrt(3.0) * (gain / std::sqrt(fan_in));
  weight = uniform_tensor(weight_shape, weight_bound, generator);
  bias = uniform_tensor(Shape{bias_size}, 1.0 / std::sqrt(fan_in), generator);
}

}  // namespace dae
