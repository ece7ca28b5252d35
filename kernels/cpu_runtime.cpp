#include <cblas.h>
#include <omp.h>

#include <cstdlib>
#include <new>

#include "kernels/cpu_runtime.h"

namespace dae::cpu {

void* allocate(size_t bytes) {
  constexpr size_t kAlignment = 64;
  const size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  void* pointer = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  if (!pointer) throw std::bad_alloc();
  return pointer;
}

void deallocate(void* pointer) noexcept { std::free(pointer); }

void set_num_threads(int threads) {
  omp_set_num_threads(threads);
  openblas_set_num_threads(threads);
}

int num_threads() { return omp_get_max_threads(); }

}  // namespace dae::cpu
