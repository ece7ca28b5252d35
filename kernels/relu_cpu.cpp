#include "kernels/relu.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu {

void relu_forward(const float* x, float* y, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMinElements)
  for (int64_t i = 0; i < n; ++i) y[i] = relu(x[i]);
}

void relu_backward(const float* y, const float* dy, float* dx, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMinElements)
  for (int64_t i = 0; i < n; ++i) dx[i] = relu_gradient(y[i], dy[i]);
}

}  // namespace dae::cpu
