// Per-channel bias (bias.h), NCS with s over the H*W positions (1 for Linear):
//   forward   y[n, c, s] += bias[c]      one thread per element, cuda::blocks_for(N*C*S) blocks
//   backward  dbias[c] = sum_{n,s} dy    one block of kThreadsPerBlock threads per channel, summed
//                                         in double and reduced in a fixed order (deterministic)
// Test: tests/test_cuda_ops.cpp.
#include "kernels/bias.h"
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/cuda_reduce.cuh"

namespace dae::cuda {

namespace {

__global__ void bias_forward_kernel(float* y, const float* bias, BiasShape s) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < s.batch * s.channels * s.spatial) y[i] += bias[(i / s.spatial) % s.channels];
}

__global__ void bias_backward_kernel(const float* dy, float* dbias, BiasShape s) {
  const int64_t c = blockIdx.x;
  double sum = 0.0;
  for_each_in_channel(c, s, [&](int64_t offset) { sum += dy[offset]; });
  const double total = block_sum(sum);
  if (threadIdx.x == 0) dbias[c] = static_cast<float>(total);
}

}  // namespace

void bias_forward(float* y, const float* bias, const BiasShape& shape) {
  const int64_t n = shape.batch * shape.channels * shape.spatial;
  if (n == 0) return;  // an empty grid is a launch error
  bias_forward_kernel<<<blocks_for(n), kThreadsPerBlock, 0, stream()>>>(y, bias, shape);
  DAE_CUDA_CHECK_LAUNCH();
}

void bias_backward(const float* dy, float* dbias, const BiasShape& shape) {
  if (shape.channels == 0) return;
  bias_backward_kernel<<<static_cast<unsigned>(shape.channels), kThreadsPerBlock, 0, stream()>>>(
      dy, dbias, shape);
  DAE_CUDA_CHECK_LAUNCH();
}

}  // namespace dae::cuda
