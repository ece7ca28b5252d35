// ReLU forward y = relu(x) and backward dx = relu_gradient(y, dy), the math of relu.h.
// Launch: one thread per element (cuda_launch.cuh).
// Exact: the same bits as relu_cpu.cpp. Test: tests/test_cuda_ops.cpp.
#include "kernels/cuda_launch.cuh"
#include "kernels/relu.h"

namespace dae::cuda {

namespace {

__global__ void relu_forward_kernel(const float* x, float* y, int64_t n) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) y[i] = relu(x[i]);
}

__global__ void relu_backward_kernel(const float* y, const float* dy, float* dx, int64_t n) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) dx[i] = relu_gradient(y[i], dy[i]);
}

}  // namespace

void relu_forward(const float* x, float* y, int64_t n) { launch_for(n, relu_forward_kernel, x, y, n); }

void relu_backward(const float* y, const float* dy, float* dx, int64_t n) {
  launch_for(n, relu_backward_kernel, y, dy, dx, n);
}

}  // namespace dae::cuda
