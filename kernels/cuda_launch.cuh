// How every kernel of the framework is launched (CUDA translation units only): on the one
// stream, with kThreadsPerBlock threads a block, its launch error checked at once (a bad grid
// or a missing kernel image shows up here, not at the next synchronization), and not at all
// when there is no work: an empty grid is itself a launch error.
//   launch_for(n, kernel, args...)     one thread per work item, blocks_for(n) blocks
//   launch(kernel, grid, args...)      a grid of the caller's shape (per-channel reductions)
#pragma once

#include <cstdint>
#include <utility>

#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"

namespace dae::cuda {

template <typename... Params, typename... Args>
void launch(void (*kernel)(Params...), dim3 grid, Args&&... args) {
  if (grid.x == 0 || grid.y == 0 || grid.z == 0) return;
  kernel<<<grid, kThreadsPerBlock, 0, stream()>>>(std::forward<Args>(args)...);
  DAE_CUDA_CHECK_LAUNCH();
}

template <typename... Params, typename... Args>
void launch_for(int64_t work_items, void (*kernel)(Params...), Args&&... args) {
  launch(kernel, dim3(blocks_for(work_items)), std::forward<Args>(args)...);
}

// Index arithmetic in 32 bits where the sizes allow: a 64-bit division or remainder is a
// software routine of dozens of instructions, a 32-bit one a handful, and the memory-bound
// kernels that divide per element (bias, batch gather) feel it. Results are the same bits.
inline bool fits_32_bits(int64_t count) { return count >= 0 && count <= int64_t{UINT32_MAX}; }

}  // namespace dae::cuda
