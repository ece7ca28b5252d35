// The CPU backend's threads: one pool runs every parallel loop of the kernels and, split by
// cpu_gemm.h, the matrix products (OpenBLAS itself stays on one thread), so no two threading
// runtimes compete for the same cores.
//
// parallel_for hands out the indices one at a time: a thread takes the next one when it is
// done with its last, so when another program takes a core for a while, the other thread does
// more of the work instead of waiting for it at the end. Idle threads spin for up to a
// millisecond (enough to catch the next loop of the same training step) and then sleep; the
// caller waits for the threads that joined its loop only, never for one that has not started.
// OpenMP's threads spin some 15 ms by default: on a machine whose cores other programs also
// use, spinning threads burn the time slices their partners need (measured: the linear model
// at 3,500 images/s on two spinning OpenMP threads, 16,400 with OpenMP told to sleep).
// Tests: test_ops_elementwise.cpp (results for 1 and 2 threads), and every kernel test.
#pragma once

#include <cstdint>
#include <type_traits>

namespace dae::cpu {

// Threads used from now on (the caller's thread is one of them); default: every core this
// process may run on.
void set_num_threads(int threads);
int num_threads();

// True while the calling thread runs the body of a parallel_for.
bool in_parallel();

// Loops that touch fewer elements than this run on the calling thread: waking the others costs
// microseconds, about what 16K elements take on one core (measured: the linear model trained
// 7% faster with this bound than with 64K, 35% faster than with 256K). Element-wise loops are
// cut into blocks of kParallelBlock elements that the threads take in turn.
constexpr int64_t kParallelMinElements = int64_t{1} << 14;
constexpr int64_t kParallelBlock = int64_t{1} << 14;

// Calls body(i) once for every i in [0, count), spread over the threads, and returns when all
// calls are done. Runs serially on the caller when there is one thread, one index, or when
// called from inside another parallel_for. The body must not throw.
void parallel_for_indices(int64_t count, void (*call)(void* body, int64_t index), void* body);

template <typename Body>
void parallel_for(int64_t count, Body&& body) {
  parallel_for_indices(
      count, [](void* b, int64_t i) { (*static_cast<std::remove_reference_t<Body>*>(b))(i); },
      static_cast<void*>(&body));
}

// The same for a loop whose count iterations touch `elements` elements in all: serially below
// kParallelMinElements; else in runs of consecutive indices of about kParallelBlock elements,
// each run one claim (neighbouring iterations' outputs share cache lines, which two threads
// taking alternate indices would pass back and forth).
template <typename Body>
void parallel_for(int64_t count, int64_t elements, Body&& body) {
  if (elements < kParallelMinElements) {
    for (int64_t i = 0; i < count; ++i) body(i);
    return;
  }
  const int64_t run = count * kParallelBlock / elements > 1 ? count * kParallelBlock / elements : 1;
  parallel_for((count + run - 1) / run, [&](int64_t r) {
    for (int64_t i = r * run; i < count && i < (r + 1) * run; ++i) body(i);
  });
}

// body(begin, end) over [0, n) in blocks of `block` (the last one shorter), for loops over n
// elements.
template <typename Body>
void parallel_for_blocks(int64_t n, int64_t block, Body&& body) {
  parallel_for((n + block - 1) / block, n,
               [&](int64_t b) { body(b * block, b * block + block < n ? b * block + block : n); });
}

}  // namespace dae::cpu
