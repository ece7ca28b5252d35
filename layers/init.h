// PyTorch's default initialization of Linear and convolution layers: weight and bias drawn
// uniformly from [-1/sqrt(fan_in), 1/sqrt(fan_in)] (kaiming_uniform with a = sqrt(5) reduces
// to exactly this bound). fan_in = weight.size(1) * kernel area, as torch.nn.init computes
// it, which for ConvTranspose2d (weight [C_in, C_out, kH, kW]) is C_out * kH * kW.
#pragma once

#include <cmath>

#include "core/random.h"
#include "core/tensor.h"

namespace dae {

inline int64_t pytorch_fan_in(const Shape& weight_shape) {
  int64_t fan_in = weight_shape[1];
  for (int axis = 2; axis < weight_shape.rank(); ++axis) fan_in *= weight_shape[axis];
  return fan_in;
}

inline Tensor uniform_tensor(const Shape& shape, float bound, Generator& generator) {
  std::vector<float> values(static_cast<size_t>(shape.numel()));
  for (float& v : values) v = generator.uniform(-bound, bound);
  return Tensor::from_vector(shape, values);
}

// Weight then bias, in that order (the order PyTorch's reset_parameters draws them).
inline void init_weight_and_bias(const Shape& weight_shape, int64_t bias_size, Generator& generator,
                                 Tensor& weight, Tensor& bias) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(pytorch_fan_in(weight_shape)));
  weight = uniform_tensor(weight_shape, bound, generator);
  bias = uniform_tensor(Shape{bias_size}, bound, generator);
}

}  // namespace dae
