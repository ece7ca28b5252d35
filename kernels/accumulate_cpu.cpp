#include "kernels/accumulate.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu {

void accumulate(float* y, const float* x, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMinElements)
  for (int64_t i = 0; i < n; ++i) y[i] += x[i];
}

void fill(float* y, float value, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMinElements)
  for (int64_t i = 0; i < n; ++i) y[i] = value;
}

}  // namespace dae::cpu
