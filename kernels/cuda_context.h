// The per-process CUDA context every CUDA kernel file uses (CUDA translation units only):
// the one stream, the cuBLAS and cuDNN handles bound to it, a grow-only scratch workspace,
// and the launch-size helper. Handles are created on first use, once, never per layer.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "kernels/cuda_runtime.h"

namespace dae::cuda {

cudaStream_t stream();
cublasHandle_t cublas();
cudnnHandle_t cudnn();

// Scratch memory for cuDNN algorithms and partial sums; grows to the largest request, never
// shrinks, so the steady state allocates nothing. Valid until the next call (one stream: no
// overlap). While a CUDA graph lives it holds the workspace's address, so a grown-out-of
// buffer is kept until the last graph is destroyed; inside a capture it must not grow at all
// (an error: run the work once before capturing it, as core/captured_step.cpp does).
void* workspace(size_t bytes);

namespace detail {
// Kept by cuda::Graph (cuda_graph.cu): how many graphs are alive.
void graph_created();
void graph_destroyed() noexcept;
}  // namespace detail

constexpr int kThreadsPerBlock = 256;

// Blocks of `threads` threads for one thread per work item (kernels/cuda_launch.cuh launches them).
inline unsigned blocks_for(int64_t work_items, int threads = kThreadsPerBlock) {
  const int64_t blocks = (work_items + threads - 1) / threads;
  DAE_CHECK(blocks <= int64_t{INT32_MAX},
            "CUDA launch: " << work_items << " work items need " << blocks << " blocks, more than a grid holds");
  return static_cast<unsigned>(blocks);
}

}  // namespace dae::cuda
