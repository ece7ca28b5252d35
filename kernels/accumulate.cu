// y += x and y = value over n floats (accumulate.h): gradient accumulation and zeroing.
// Launch: one thread per element, cuda::blocks_for(n) blocks of kThreadsPerBlock, int64 indices.
// Test: tests/test_cuda_ops.cpp.
#include "kernels/accumulate.h"
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"

namespace dae::cuda {

namespace {

__global__ void accumulate_kernel(float* y, const float* x, int64_t n) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) y[i] += x[i];
}

__global__ void fill_kernel(float* y, float value, int64_t n) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) y[i] = value;
}

}  // namespace

void accumulate(float* y, const float* x, int64_t n) {
  if (n == 0) return;  // an empty grid is a launch error
  accumulate_kernel<<<blocks_for(n), kThreadsPerBlock, 0, stream()>>>(y, x, n);
  DAE_CUDA_CHECK_LAUNCH();
}

void fill(float* y, float value, int64_t n) {
  if (n == 0) return;
  fill_kernel<<<blocks_for(n), kThreadsPerBlock, 0, stream()>>>(y, value, n);
  DAE_CUDA_CHECK_LAUNCH();
}

}  // namespace dae::cuda
