// ReLU, y = max(x, 0), and its gradient. The backward reads the output y, as PyTorch's
// threshold_backward does: y > 0 exactly where x > 0, and y is what the forward keeps anyway.
// At x = 0 the gradient is 0 (PyTorch's choice). A NaN passes through both ways, as in
// PyTorch, so that a diverging run shows up in its loss instead of being zeroed here. Tests: test_ops_elementwise.cpp, test_cuda_ops.cpp.
#pragma once

#include <cstdint>

#include "kernels/host_device.h"

namespace dae {

// A comparison with NaN is false, so NaN passes through, as in PyTorch.
DAE_HOST_DEVICE float relu(float x) { return x <= 0.0f ? 0.0f : x; }
DAE_HOST_DEVICE float relu_gradient(float y, float dy) { return y <= 0.0f ? 0.0f : dy; }

namespace cpu {
void relu_forward(const float* x, float* y, int64_t n);
void relu_backward(const float* y, const float* dy, float* dx, int64_t n);
}  // namespace cpu

namespace cuda {
void relu_forward(const float* x, float* y, int64_t n);
void relu_backward(const float* y, const float* dy, float* dx, int64_t n);
}  // namespace cuda

}  // namespace dae
