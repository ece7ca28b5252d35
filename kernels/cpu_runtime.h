// Host memory for CPU tensors and the CPU thread count, set from one place for OpenMP (our
// loops) and OpenBLAS (matrix products).
#pragma once

#include <cstddef>

namespace dae::cpu {

// 64-byte aligned, so that vector loads never straddle cache lines. Freed blocks are cached by
// size and reused (never returned to the system while the process runs).
void* allocate(size_t bytes);
void deallocate(void* pointer, size_t bytes) noexcept;

void set_num_threads(int threads);
int num_threads();

}  // namespace dae::cpu
