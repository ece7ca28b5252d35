// Deterministic reductions for the CUDA kernels (CUDA translation units only). A block sums
// its threads' values in a fixed tree order and each thread visits a fixed set of elements,
// so a sum depends on the shapes alone, never on timing: no atomics, the same bits every run.
// Used by mse_loss.cu, bias.cu and batch_norm2d.cu.
#pragma once

#include <cstdint>

#include "kernels/cuda_context.h"

namespace dae::cuda {

// The sum of every thread's `value`, returned to all threads of the block. Every thread of a
// block of exactly kThreadsPerBlock threads must call it: it synchronizes the block.
__device__ inline double block_sum(double value) {
  static_assert((kThreadsPerBlock & (kThreadsPerBlock - 1)) == 0, "the tree halves the block");
  __shared__ double partial[kThreadsPerBlock];
  partial[threadIdx.x] = value;
  __syncthreads();
  for (unsigned half = kThreadsPerBlock / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  const double total = partial[0];
  __syncthreads();  // a following call overwrites `partial`
  return total;
}

// Calls visit(offset) for the offsets in [N, C, S] (S = H*W) of channel c's N*S values that
// this thread owns: positions j = threadIdx.x, + blockDim.x, ... in (n, s) order, so
// neighbouring threads read neighbouring addresses. Shape: BiasShape or BatchNormShape.
template <typename Shape, typename Visit>
__device__ void for_each_in_channel(int64_t c, const Shape& shape, Visit visit) {
  for (int64_t j = threadIdx.x; j < shape.batch * shape.spatial; j += blockDim.x) {
    const int64_t n = j / shape.spatial;
    visit((n * shape.channels + c) * shape.spatial + (j - n * shape.spatial));
  }
}

}  // namespace dae::cuda
