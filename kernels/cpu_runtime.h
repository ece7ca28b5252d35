// Host memory for CPU tensors, scratch buffers for the kernels, and the threads
// (cpu_threads.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/cpu_threads.h"

namespace dae::cpu {

// 64-byte aligned, so that vector loads never straddle cache lines. Freed blocks are cached by
// size and reused (never returned to the system while the process runs).
void* allocate(size_t bytes);
void deallocate(void* pointer, size_t bytes) noexcept;

// Grow-only scratch: `buffer` resized to hold at least `floats`, its data returned. Kernels keep
// one thread_local buffer per use, so each thread working through its own chunks has its own.
float* grow_scratch(std::vector<float>& buffer, int64_t floats);

// out[i] = parts[i] + parts[count + i] + ... over `parts_count` consecutive parts, added in
// that order (the partial sums of a weight gradient over fixed groups of images: the same
// result for any thread count). out may be parts itself.
void sum_parts(const float* parts, int64_t parts_count, int64_t count, float* out);

}  // namespace dae::cpu

// Compiles the function that follows three times, for AVX-512 (x86-64-v4), AVX2 (v3) and the
// baseline, and picks one when the program loads (GCC's target_clones on glibc). For the
// loops that vectorize well; the results are the same bits whichever runs, since no clone
// may fuse multiply-adds (-ffp-contract=off) and the other operations are IEEE-exact.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define DAE_CPU_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DAE_CPU_CLONES
#endif
// For helpers of DAE_CPU_CLONES functions: inlined, they are compiled for each clone's target.
#define DAE_CPU_INLINE __attribute__((always_inline)) inline
