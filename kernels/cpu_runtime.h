// Host memory for CPU tensors and the CPU thread count. One threading runtime does all the
// work: OpenMP's threads run our loops and, split by cpu_gemm.h, the matrix products, with
// OpenBLAS on one thread inside each. Two runtimes on two cores fight: OpenMP's threads spin
// for a while after each parallel region, on the cores OpenBLAS's threads need next (the mlp
// model trained at 3,100 images/s that way, 13,800 with OpenMP told not to spin).
#pragma once

#include <cstddef>
#include <cstdint>

namespace dae::cpu {

// 64-byte aligned, so that vector loads never straddle cache lines. Freed blocks are cached by
// size and reused (never returned to the system while the process runs).
void* allocate(size_t bytes);
void deallocate(void* pointer, size_t bytes) noexcept;

void set_num_threads(int threads);
int num_threads();

// Loops over fewer elements than this run on one thread. Waking OpenMP's threads costs
// microseconds, and on a 2-core machine their spinning afterwards takes the cores that
// OpenBLAS's threads need for the next matrix product: with every loop parallel the mlp model
// trained at 3,100 images/s, with OpenMP told not to spin at 13,800. Only the conv model's
// large maps are worth splitting.
constexpr int64_t kParallelMinElements = int64_t{1} << 20;

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

namespace dae::cpu {

}  // namespace dae::cpu
