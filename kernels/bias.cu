// Per-channel bias (bias.h), NCS with s over the H*W positions (1 for Linear):
//   forward   y[n, c, s] += bias[c]      one thread per element; the channel of element i is
//                                         (i / S) % C, in 32-bit arithmetic when N*C*S fits
//   backward  dbias[c] = sum_{n,s} dy    a (parts, C) grid of block sums in double (see
//                                         cuda_reduce.cuh), then one thread per channel adds its
//                                         parts in order; with one part (a Linear layer's 256
//                                         values) the first kernel writes dbias itself
// Deterministic: fixed grids and orders, no atomics. Test: tests/test_cuda_ops.cpp.
#include "kernels/bias.h"
#include "kernels/cuda_launch.cuh"
#include "kernels/cuda_reduce.cuh"

namespace dae::cuda {

namespace {

template <typename Index>
__global__ void bias_forward_kernel(float* y, const float* bias, BiasShape s) {
  const Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < static_cast<Index>(s.batch * s.channels * s.spatial))
    y[i] += bias[(i / static_cast<Index>(s.spatial)) % static_cast<Index>(s.channels)];
}

__global__ void bias_partial_sums_kernel(const float* dy, double* partial, float* dbias, BiasShape s, int64_t slice) {
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
  // 32 bits must also hold the index of the last block's last thread.
  if (fits_32_bits(n + kThreadsPerBlock)) {
    launch_for(n, bias_forward_kernel<uint32_t>, y, bias, shape);
  } else {
    launch_for(n, bias_forward_kernel<int64_t>, y, bias, shape);
  }
}

void bias_backward(const float* dy, float* dbias, const BiasShape& shape) {
  const ChannelSplit split = split_channel(shape.batch * shape.spatial);
  auto* partial =
      split.parts > 1 ? static_cast<double*>(workspace(split.parts * shape.channels * sizeof(double))) : nullptr;
  launch(bias_partial_sums_kernel, channel_grid(split, shape.channels), dy, partial, dbias, shape, split.slice);
  if (split.parts == 1) return;
  launch_for(shape.channels, bias_finish_kernel, partial, split.parts, dbias, shape.channels);
}

}  // namespace dae::cuda
