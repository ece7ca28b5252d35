// y += x and y = value over n floats (accumulate.h): gradient accumulation and zeroing.
// Launch: one thread per element (cuda_launch.cuh). Test: tests/test_cuda_ops.cpp.
#include "kernels/accumulate.h"
#include "kernels/cuda_launch.cuh"

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

void accumulate(float* y, const float* x, int64_t n) { launch_for(n, accumulate_kernel, y, x, n); }

void fill(float* y, float value, int64_t n) { launch_for(n, fill_kernel, y, value, n); }

}  // namespace dae::cuda
