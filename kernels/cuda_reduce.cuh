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
#include <stdexcept>
#include <string>

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
  const int64_t parts = std::clamp<int64_t>((values_per_channel + kValuesPerBlock - 1) / kValuesPerBlock, 1, kMaxParts);
  return {static_cast<unsigned>(parts), (values_per_channel + parts - 1) / parts};
}

inline dim3 channel_grid(const ChannelSplit& split, int64_t channels) {
  constexpr int64_t kMaxGridY = 65535;  // CUDA's limit on gridDim.y
  if (channels > kMaxGridY)
    throw std::invalid_argument("per-channel CUDA reduction: " + std::to_string(channels) +
                                " channels, at most " + std::to_string(kMaxGridY) + " supported");
  return dim3(split.parts, static_cast<unsigned>(channels));
}

// In a (parts, C) grid: calls visit(offset) for the offsets of channel blockIdx.y's slice
// blockIdx.x that this thread owns, in (n, s) order, neighbouring threads on neighbouring
// addresses.
template <typename Shape, typename Visit>
__device__ void for_each_in_slice(const Shape& shape, int64_t slice, Visit visit) {
  const int64_t c = blockIdx.y, values = shape.batch * shape.spatial;
  const int64_t begin = static_cast<int64_t>(blockIdx.x) * slice;
  const int64_t end = begin + slice < values ? begin + slice : values;
  for (int64_t j = begin + threadIdx.x; j < end; j += blockDim.x) {
    const int64_t n = j / shape.spatial;
    visit((n * shape.channels + c) * shape.spatial + (j - n * shape.spatial));
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
