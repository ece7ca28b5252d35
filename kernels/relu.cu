// ReLU forward y = relu(x) and backward dx = relu_gradient(y, dy), the math of relu.h.
// Launch: one thread per element, cuda::blocks_for(n) blocks of kThreadsPerBlock, int64 indices.
// Exact: the same bits as relu_cpu.cpp. Test: tests/test_cuda_ops.cpp.
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
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

void relu_forward(const float* x, float* y, int64_t n) {
  if (n == 0) return;  // an empty grid is a launch error
  relu_forward_kernel<<<blocks_for(n), kThreadsPerBlock, 0, stream()>>>(x, y, n);
  DAE_CUDA_CHECK_LAUNCH();
}

void relu_backward(const float* y, const float* dy, float* dx, int64_t n) {
  if (n == 0) return;
  relu_backward_kernel<<<blocks_for(n), kThreadsPerBlock, 0, stream()>>>(y, dy, dx, n);
  DAE_CUDA_CHECK_LAUNCH();
}

}  // namespace dae::cuda
