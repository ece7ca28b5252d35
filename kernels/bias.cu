// Per-channel bias (bias.h), NCS with s over the H*W positions (1 for Linear):
//   forward   y[n, c, s] += bias[c]      one thread per element, cuda::blocks_for(N*C*S) blocks
//   backward  dbias[c] = sum_{n,s} dy    a (parts, C) grid of block sums in double (see
//                                         cuda_reduce.cuh), then one thread per channel adds its
//                                         parts in order; with one part (a Linear layer's 256
//                                         values) the first kernel writes dbias itself
// Deterministic: fixed grids and orders, no atomics. Test: tests/test_cuda_ops.cpp.
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

__global__ void bias_partial_sums_kernel(const float* dy, double* partial, float* dbias, BiasShape s,
                                         int64_t slice) {
  double sum = 0.0;
  for_each_in_slice(s, slice, [&](int64_t offset) { sum += dy[offset]; });
  const double total = block_sum(sum);
  if (gridDim.x == 1) {
    if (threadIdx.x == 0) dbias[blockIdx.y] = static_cast<float>(total);
  } else {
    store_part(partial, total);
  }
}

__global__ void bias_finish_kernel(const double* partial, unsigned parts, float* dbias, int64_t channels) {
  const int64_t c = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c < channels) dbias[c] = static_cast<float>(sum_of_parts(partial, c, parts));
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
  const ChannelSplit split = split_channel(shape.batch * shape.spatial);
  auto* partial = split.parts > 1
                      ? static_cast<double*>(workspace(split.parts * shape.channels * sizeof(double)))
                      : nullptr;
  bias_partial_sums_kernel<<<channel_grid(split, shape.channels), kThreadsPerBlock, 0, stream()>>>(
      dy, partial, dbias, shape, split.slice);
  DAE_CUDA_CHECK_LAUNCH();
  if (split.parts == 1) return;
  bias_finish_kernel<<<blocks_for(shape.channels), kThreadsPerBlock, 0, stream()>>>(
      partial, split.parts, dbias, shape.channels);
  DAE_CUDA_CHECK_LAUNCH();
}

}  // namespace dae::cuda
