// The two memory-wide primitives autograd and the optimizer need: y += x (gradient
// accumulation when a tensor feeds several ops) and y = value (zeroing gradients).
// Shapes: flat arrays of n floats.
#pragma once

#include <cstdint>

namespace dae::cpu {
void accumulate(float* y, const float* x, int64_t n);
void fill(float* y, float value, int64_t n);
}  // namespace dae::cpu

namespace dae::cuda {
void accumulate(float* y, const float* x, int64_t n);
void fill(float* y, float value, int64_t n);
}  // namespace dae::cuda
