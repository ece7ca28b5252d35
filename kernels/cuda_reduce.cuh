// Deterministic reductions for the CUDA kernels (CUDA translation units only). A block sums
// its threads' values in a fixed tree order and each thread visits a fixed set of elements,
// so a sum depends on the shapes alone, never on timing: no atomics, the same bits every run.
//
// Per-channel sums over [N, C, S] (S = H*W; BiasShape or BatchNormShape) use a grid of
// (parts, C) blocks: the channel's N*S values are cut into `parts` consecutive slices, one
// block each, and each block's sum goes to partial[c * parts + part]; a later kernel adds a
// channel's parts in order (sum_of_parts). One block per channel would leave most of a GPU
// idle on the conv model's 16 channels of 200,704 values. Used by bias.cu and batch_norm2d.cu;
// mse_loss.cu uses block_sum alone.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/error.h"
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

// How a channel's values are cut: about kValuesPerBlock per block (16 per thread), at most
// kMaxParts blocks per channel.
struct ChannelSplit {
  unsigned parts;
  int64_t slice;  // values per part (the last may have fewer)
};

inline ChannelSplit split_channel(int64_t values_per_channel) {
  constexpr int64_t kValuesPerBlock = 4096, kMaxParts = 64;
  // for_each_in_slice counts a channel's values in 32 bits (see there).
  DAE_CHECK(values_per_channel + kThreadsPerBlock <= int64_t{UINT32_MAX},
            "per-channel CUDA reduction: " << values_per_channel << " values per channel, at most "
                                           << UINT32_MAX - kThreadsPerBlock << " supported");
  const int64_t parts = std::clamp<int64_t>((values_per_channel + kValuesPerBlock - 1) / kValuesPerBlock, 1, kMaxParts);
  return {static_cast<unsigned>(parts), (values_per_channel + parts - 1) / parts};
}

inline dim3 channel_grid(const ChannelSplit& split, int64_t channels) {
  constexpr int64_t kMaxGridY = 65535;  // CUDA's limit on gridDim.y
  DAE_CHECK(channels <= kMaxGridY,
            "per-channel CUDA reduction: " << channels << " channels, at most " << kMaxGridY << " supported");
  return dim3(split.parts, static_cast<unsigned>(channels));
}

// In a (parts, C) grid: calls visit(offset) for the offsets of channel blockIdx.y's slice
// blockIdx.x that this thread owns, in (n, s) order, neighbouring threads on neighbouring
// addresses. The channel's value index j and its split into (n, s) are 32-bit arithmetic
// (split_channel checks that a channel's values fit): the division per value is the costliest
// instruction of these memory-bound loops in 64 bits. The offset itself is 64-bit.
template <typename Shape, typename Visit>
__device__ void for_each_in_slice(const Shape& shape, int64_t slice, Visit visit) {
  const int64_t c = blockIdx.y;
  const uint32_t spatial = static_cast<uint32_t>(shape.spatial);
  const uint32_t values = static_cast<uint32_t>(shape.batch * shape.spatial);
  const uint32_t length = static_cast<uint32_t>(slice), begin = blockIdx.x * length;
  const uint32_t end = begin + length < values ? begin + length : values;
  for (uint32_t j = begin + threadIdx.x; j < end; j += blockDim.x) {
    const uint32_t n = j / spatial;
    visit((static_cast<int64_t>(n) * shape.channels + c) * shape.spatial + (j - n * spatial));
  }
}

// In a (parts, C) grid, after block_sum: thread 0 stores the block's sum as its part.
__device__ inline void store_part(double* partial, double block_total) {
  if (threadIdx.x == 0) partial[static_cast<int64_t>(blockIdx.y) * gridDim.x + blockIdx.x] = block_total;
}

// Channel c's parts added in order.
__device__ inline double sum_of_parts(const double* partial, int64_t c, unsigned parts) {
  double total = 0.0;
  for (unsigned p = 0; p < parts; ++p) total += partial[c * parts + p];
  return total;
}

}  // namespace dae::cuda
