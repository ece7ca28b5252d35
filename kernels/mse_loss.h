// Mean squared error, PyTorch's MSELoss(reduction='mean'):
//   loss = (1/n) * sum_i (p_i - t_i)^2           over ALL n elements (batch x pixels),
//   dL/dp_i = grad_loss * 2 (p_i - t_i) / n.
// The loss and its incoming gradient are one-element buffers on the tensors' device, so a
// training step on the GPU never waits for the host. The sum is accumulated in double.
// Tests: test_ops_elementwise.cpp, test_cuda_ops.cpp.
#pragma once

#include <cstdint>

#include "kernels/host_device.h"

namespace dae {

DAE_HOST_DEVICE float squared_error(float prediction, float target) {
  const float difference = prediction - target;
  return difference * difference;
}

// dL/dp_i = scale (p_i - t_i) with scale = grad_loss * 2 / n, the same for every element.
DAE_HOST_DEVICE float mse_gradient_scale(float grad_loss, int64_t n) {
  return grad_loss * 2.0f / static_cast<float>(n);
}

DAE_HOST_DEVICE float mse_gradient(float prediction, float target, float scale) {
  return scale * (prediction - target);
}

namespace cpu {
void mse_loss_forward(const float* prediction, const float* target, int64_t n, float* loss);
void mse_loss_backward(const float* prediction, const float* target, const float* grad_loss, float* grad_prediction,
                       int64_t n);
}  // namespace cpu

namespace cuda {
// The forward's grid: at most this many blocks, each summing a grid-stride share (mse_loss.cu).
constexpr unsigned kMaxPartialSums = 1024;
void mse_loss_forward(const float* prediction, const float* target, int64_t n, float* loss);
void mse_loss_backward(const float* prediction, const float* target, const float* grad_loss, float* grad_prediction,
                       int64_t n);
}  // namespace cuda

}  // namespace dae
